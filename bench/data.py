"""Bulk data for the bench: 100,000 intakes and a booked-up practice, made in about a minute.

The services are far too slow for that many intakes, so rows are written with bulk_create in
batches (each insert returns its ids, so nothing is read back); the few intakes whose pages
are loaded are built through the services instead (tests.intake.summary_samples.intake_build).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

BATCH = 1000
DENVER = ZoneInfo("America/Denver")
SEED = 20261128


def intakes_bulk_create(*, count: int, prefix: str) -> list[int]:
    """`count` clients with a sent intake each (a realistic mix of statuses, risk levels and
    waiting times; one in fifty with an open same-day flag). Returns the client ids."""
    from intake.models import Intake, RiskFlag
    from portal.models import User

    rng = random.Random(f"{SEED}-{prefix}")  # noqa: S311 - repeatable data, not secrets
    password = make_password(None)
    now = timezone.now()
    statuses = [Intake.Status.SUBMITTED] * 12 + [Intake.Status.IN_REVIEW] * 5 + [Intake.Status.CLOSED] * 2
    statuses += [Intake.Status.ACCEPTED, Intake.Status.REFERRED]
    levels = ["routine"] * 14 + ["elevated"] * 4 + ["high"] + ["urgent"]
    services = ["loss_counseling", "postpartum_depression", "pregnancy_anxiety", "partner_support"]
    client_ids: list[int] = []
    with transaction.atomic():
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            # Both databases return the new rows' ids from the insert: no read back.
            created = User.objects.bulk_create(
                [
                    User(
                        email=f"{prefix}-{start + i}@bench.example",
                        full_name=f"Client {prefix} {start + i}",
                        password=password,
                    )
                    for i in range(size)
                ]
            )
            users = [(user.pk, user.email, user.full_name) for user in created]
            intakes = []
            for pk, email, name in users:
                status = rng.choice(statuses)
                intakes.append(
                    Intake(
                        client_id=pk,
                        status=status,
                        current_step=9,
                        risk_level=rng.choice(levels),
                        submitted_at=now - dt.timedelta(minutes=rng.randrange(10, 60 * 24 * 90)),
                        legal_name=name,
                        date_of_birth=dt.date(1985 + rng.randrange(15), rng.randrange(1, 13), 1),
                        phone="(720) 555-0199",
                        contact_email=email,
                        city="Denver",
                        state="CO",
                        services=rng.sample(services, rng.randrange(1, 3)),
                        modality=rng.choice(Intake.Modality.values),
                        in_colorado="yes",
                        hopes="To feel like myself again.",
                    )
                )
            Intake.objects.bulk_create(intakes)
            client_ids += [pk for pk, _email, _name in users]
        flagged = list(
            Intake.objects.filter(client_id__in=client_ids[::50], status=Intake.Status.SUBMITTED).values_list(
                "pk", flat=True
            )
        )
        RiskFlag.objects.bulk_create([RiskFlag(intake_id=pk, level="urgent", reasons=[]) for pk in flagged])
        # By the ids in hand: a subquery here is planned on statistics from before the load
        # (PostgreSQL walked 100,000 rows once per id, for minutes).
        for start in range(0, len(flagged), BATCH):
            Intake.objects.filter(pk__in=flagged[start : start + BATCH]).update(risk_level="urgent")
    statistics_refresh()
    return client_ids


def statistics_refresh() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum keeps them in production:
    without them PostgreSQL plans the pages measured next for the table as it was before."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def practice_calendar_create(
    *, therapists: int, appointments: int, clients: list[int], days: int = 28
) -> tuple[list[int], int]:
    """`therapists` therapists taking new clients, each with hours every day 8:00-20:00 Denver
    time (in person until 14:00, then by video), and `appointments` booked sessions spread over
    the next `days` days, never two at once for one therapist. Returns (therapist ids,
    session type id)."""
    from portal.models import User
    from scheduling.models import Appointment, Modality, SessionType, TherapistProfile, WeeklyAvailability

    rng = random.Random(f"{SEED}-calendar")  # noqa: S311 - repeatable data, not secrets
    session_type = SessionType.objects.filter(active=True, duration_minutes__lte=60).order_by(
        "-duration_minutes"
    )
    session_type = session_type.first() or SessionType.objects.create(
        name="Bench session", slug="bench-session", duration_minutes=50, self_pay_fee=150
    )
    duration = dt.timedelta(minutes=session_type.duration_minutes)
    password = make_password(None)
    with transaction.atomic():
        emails = [f"bench-therapist-{n}@bench.example" for n in range(therapists)]
        User.objects.bulk_create(
            [
                User(email=email, full_name=f"Therapist {n:02d}", role=User.Role.THERAPIST, password=password)
                for n, email in enumerate(emails)
            ]
        )
        ids = list(User.objects.filter(email__in=emails).order_by("email").values_list("pk", flat=True))
        TherapistProfile.objects.bulk_create([TherapistProfile(user_id=pk, credentials="LPC") for pk in ids])
        valid_from = timezone.localdate() - dt.timedelta(days=30)
        rules = []
        for pk, weekday in itertools.product(ids, range(7)):
            rules += [
                WeeklyAvailability(
                    therapist_id=pk,
                    weekday=weekday,
                    start_time=dt.time(8),
                    end_time=dt.time(14),
                    modality=Modality.IN_PERSON,
                    valid_from=valid_from,
                ),
                WeeklyAvailability(
                    therapist_id=pk,
                    weekday=weekday,
                    start_time=dt.time(14),
                    end_time=dt.time(20),
                    modality=Modality.TELEHEALTH,
                    valid_from=valid_from,
                ),
            ]
        WeeklyAvailability.objects.bulk_create(rules)
        # Hourly starts, each hour used once per therapist and day: never overlapping.
        today = timezone.localdate()
        free = {
            (pk, day): rng.sample(range(8, 20), 12) for pk, day in itertools.product(ids, range(1, days + 1))
        }
        cells = itertools.cycle(list(free))
        rows = []
        client_cycle = itertools.cycle(clients)
        while len(rows) < appointments:
            pk, day = next(cells)
            hour = free[(pk, day)].pop()
            start = dt.datetime.combine(today + dt.timedelta(days=day), dt.time(hour), tzinfo=DENVER)
            client_id = next(client_cycle)
            rows.append(
                Appointment(
                    therapist_id=pk,
                    client_id=client_id,
                    session_type=session_type,
                    start=start.astimezone(dt.UTC),
                    end=(start + duration).astimezone(dt.UTC),
                    modality=Modality.IN_PERSON if hour < 14 else Modality.TELEHEALTH,
                    booked_by_id=client_id,
                )
            )
        for start in range(0, len(rows), BATCH):
            Appointment.objects.bulk_create(rows[start : start + BATCH])
    statistics_refresh()
    return ids, session_type.pk


def open_requests_create(*, clients: list[int], session_type_id: int) -> list[int]:
    """Open appointment requests for the front desk queue, one per client given."""
    from scheduling.models import AppointmentRequest

    today = timezone.localdate()
    windows = [
        {"weekdays": [0, 1, 2, 3, 4], "parts": ["morning", "evening"]},
        {"weekdays": [5, 6], "parts": ["afternoon"]},
    ]
    rows = [
        AppointmentRequest(
            client_id=pk,
            session_type_id=session_type_id,
            modality=AppointmentRequest.ModalityPreference.EITHER,
            windows=windows,
            earliest_date=today + dt.timedelta(days=1),
            priority=("urgent", "high", "routine", "routine")[n % 4],
        )
        for n, pk in enumerate(clients)
    ]
    AppointmentRequest.objects.bulk_create(rows)
    return list(
        AppointmentRequest.objects.filter(client_id__in=clients).order_by("pk").values_list("pk", flat=True)
    )
