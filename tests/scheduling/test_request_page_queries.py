"""The front desk's request page reads a busy calendar in as many queries as a quiet one: the
suggestions load only the days they search, time off and bookings together."""

import datetime as dt
import itertools
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.models import BenefitsCheck, Intake
from scheduling.forms import BookForm
from scheduling.models import Appointment, Modality
from scheduling.selectors import SUGGESTION_LIMIT
from scheduling.slots import PRACTICE_ZONE
from tests.intake.factories import IntakeFactory
from tests.portal.factories import UserFactory
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    SessionTypeFactory,
    TherapistProfileFactory,
    WeeklyAvailabilityFactory,
    practice_books_on_request,
)

pytestmark = pytest.mark.django_db

THERAPISTS = 10
DAYS = 28


@pytest.fixture
def calendar(practice):
    """Ten therapists working every day 8:00-20:00 (in person until 14:00, then by video), the
    bench's shape, and a session type of 50 minutes."""
    practice_books_on_request()
    therapists = []
    for n in range(THERAPISTS):
        user = TherapistProfileFactory(user__full_name=f"Therapist {n:02d}").user
        for weekday in range(7):
            WeeklyAvailabilityFactory(
                therapist=user, weekday=weekday, start_time=dt.time(8), end_time=dt.time(14)
            )
            WeeklyAvailabilityFactory(
                therapist=user,
                weekday=weekday,
                start_time=dt.time(14),
                end_time=dt.time(20),
                modality=Modality.TELEHEALTH,
            )
        therapists.append(user)
    return therapists, SessionTypeFactory(duration_minutes=50)


def _book(therapists, session_type, *, count: int, skip: int = 0) -> None:
    """``count`` sessions on the hour over the next four weeks, after the first ``skip`` of the
    same sequence, never two at once for one therapist."""
    rng = random.Random("request-page")  # noqa: S311 - repeatable data
    today = timezone.localdate()
    cells = [
        (therapist, day, hour)
        for therapist, day in itertools.product(therapists, range(1, DAYS + 1))
        for hour in rng.sample(range(8, 20), 8)
    ]
    client = UserFactory()
    rows = []
    for therapist, day, hour in cells[skip : skip + count]:
        start = dt.datetime.combine(today + dt.timedelta(days=day), dt.time(hour), tzinfo=PRACTICE_ZONE)
        rows.append(
            Appointment(
                therapist=therapist,
                client=client,
                session_type=session_type,
                start=start.astimezone(dt.UTC),
                end=(start + dt.timedelta(minutes=50)).astimezone(dt.UTC),
                modality=Modality.IN_PERSON if hour < 14 else Modality.TELEHEALTH,
                booked_by=client,
            )
        )
    Appointment.objects.bulk_create(rows)


def _page_sql(client, url) -> tuple[int, list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # Leave out the idle-timeout middleware's occasional session write.
    sql = [
        q["sql"]
        for q in captured.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"].upper()
    ]
    return response.status_code, sql, response.content.decode()


def _page_queries(client, url) -> tuple[int, int, str]:
    status, sql, html = _page_sql(client, url)
    return status, len(sql), html.count('class="slot"')


def test_request_page_takes_as_many_queries_with_2000_bookings_as_with_200(client, front_desk, calendar):
    therapists, session_type = calendar
    request_obj = AppointmentRequestFactory(
        session_type=session_type,
        earliest_date=timezone.localdate() + dt.timedelta(days=1),
        windows=[
            {"weekdays": [0, 1, 2, 3, 4], "parts": ["morning", "evening"]},
            {"weekdays": [5, 6], "parts": ["afternoon"]},
        ],
    )
    url = reverse("scheduling:request_detail", args=[request_obj.pk])
    client.force_login(front_desk)
    _book(therapists, session_type, count=200)
    client.get(url)  # the first page fills the cache of the practice's details

    quiet = _page_queries(client, url)
    _book(therapists, session_type, count=1800, skip=200)
    busy = _page_queries(client, url)

    assert Appointment.objects.count() == 2000
    # Twelve suggestions at two a day: the six days searched are read in one query, the
    # intake and the therapists once each.
    assert quiet == (200, 10, SUGGESTION_LIMIT)
    assert busy == quiet


def test_request_page_reads_the_intake_and_the_therapists_once(client, front_desk, calendar):
    therapists, session_type = calendar
    request_obj = AppointmentRequestFactory(
        session_type=session_type, earliest_date=timezone.localdate() + dt.timedelta(days=1)
    )
    intake = IntakeFactory(
        client=request_obj.client,
        risk_level="high",
        payment_method=Intake.PaymentMethod.INSURANCE,
        insurance_plan="Aetna",
    )
    BenefitsCheck.objects.create(intake=intake, checked_by=front_desk, note="In network.")
    url = reverse("scheduling:request_detail", args=[request_obj.pk])
    client.force_login(front_desk)
    client.get(url)  # the first page fills the cache of the practice's details

    status, sql, html = _page_sql(client, url)

    assert status == 200
    # The ten queries without an intake, and her payment's card photos and benefits checks.
    assert len(sql) == 12
    assert sum('FROM "intake_intake"' in q for q in sql) == 1
    assert sum('FROM "portal_user" WHERE' in q and "'therapist'" in q for q in sql) == 1
    assert 'class="priority priority--high"' in html
    assert html.count(f'<option value="{therapists[0].pk}">Therapist 00</option>') == 2
    assert "In network." in html


def test_a_book_form_given_rows_accepts_only_a_therapist_among_them(calendar):
    therapists, _session_type = calendar
    data = {"day": "2030-01-08", "start_time": "09:00", "modality": Modality.IN_PERSON}

    shown = BookForm({**data, "therapist": therapists[0].pk}, therapists=therapists[:1])
    hidden = BookForm({**data, "therapist": therapists[1].pk}, therapists=therapists[:1])

    assert shown.is_valid()
    assert shown.cleaned_data["therapist"] == therapists[0]
    assert not hidden.is_valid()
    assert list(hidden.errors) == ["therapist"]
