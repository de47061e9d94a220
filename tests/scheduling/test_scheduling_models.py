import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from scheduling import slots
from scheduling.models import AppointmentRequest, Modality, SessionType
from tests.scheduling.factories import (
    AppointmentFactory,
    SessionTypeFactory,
    TimeOffFactory,
    WeeklyAvailabilityFactory,
)

pytestmark = pytest.mark.django_db


def test_session_types_are_seeded_by_migration():
    seeded = {
        s.slug: (s.name, s.duration_minutes, s.self_pay_fee, s.active)
        for s in SessionType.objects.filter(slug__in=["initial-consultation", "individual", "couples"])
    }

    assert seeded == {
        "initial-consultation": ("Initial consultation", 50, Decimal("175.00"), True),
        "individual": ("Individual therapy", 53, Decimal("160.00"), True),
        "couples": ("Couples therapy", 60, Decimal("190.00"), True),
    }


INVALID_ROWS = [
    ("session_of_zero_minutes", lambda: SessionTypeFactory(duration_minutes=0)),
    ("negative_fee", lambda: SessionTypeFactory(self_pay_fee=Decimal("-1.00"))),
    ("weekday_seven", lambda: WeeklyAvailabilityFactory(weekday=7)),
    (
        "hours_ending_before_they_start",
        lambda: WeeklyAvailabilityFactory(start_time=dt.time(17), end_time=dt.time(9)),
    ),
    ("hours_of_no_length", lambda: WeeklyAvailabilityFactory(start_time=dt.time(9), end_time=dt.time(9))),
    ("unknown_modality", lambda: WeeklyAvailabilityFactory(modality="phone")),
    (
        "valid_until_before_valid_from",
        lambda: WeeklyAvailabilityFactory(valid_from=dt.date(2026, 12, 1), valid_until=dt.date(2026, 11, 30)),
    ),
    (
        "time_off_ending_before_it_starts",
        lambda: TimeOffFactory(
            start=dt.datetime(2026, 12, 2, tzinfo=dt.UTC), end=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        ),
    ),
    (
        "appointment_ending_as_it_starts",
        lambda: AppointmentFactory(end=dt.datetime(2026, 12, 7, 16, tzinfo=dt.UTC)),
    ),
    ("appointment_unknown_status", lambda: AppointmentFactory(status="lost")),
    ("cancelled_appointment_without_time", lambda: AppointmentFactory(status="cancelled", cancelled_at=None)),
]


@pytest.mark.parametrize("make", [c[1] for c in INVALID_ROWS], ids=[c[0] for c in INVALID_ROWS])
def test_database_refuses_invalid_rows(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_open_ended_hours_are_valid():
    assert WeeklyAvailabilityFactory(valid_until=None).pk


def test_slot_engine_modalities_are_the_stored_values():
    assert set(slots.MODALITIES) == set(Modality.values)
    assert set(AppointmentRequest.ModalityPreference.values) == {*slots.MODALITIES, slots.EITHER}
