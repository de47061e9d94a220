import datetime as dt

import pytest

from portal.models import TherapistCredentials
from scheduling.models import Appointment, Modality
from scheduling.selectors import slots_for_request
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentRequestFactory,
    SessionTypeFactory,
    TherapistProfileFactory,
    TimeOffFactory,
    WeeklyAvailabilityFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 19, tzinfo=dt.UTC)  # Monday noon in Denver
MONDAY_9 = dt.datetime(2026, 12, 7, 16, tzinfo=dt.UTC)  # Monday 9:00 in Denver
MINUTES = dt.timedelta(minutes=1)


def therapist_with_hours(
    name: str, start=dt.time(9), end=dt.time(10), modality=Modality.TELEHEALTH, **profile
):
    user = TherapistProfileFactory(user__full_name=name, **profile).user
    WeeklyAvailabilityFactory(therapist=user, weekday=0, start_time=start, end_time=end, modality=modality)
    return user


@pytest.fixture
def session_type(db):
    return SessionTypeFactory(duration_minutes=50)


def request_for(session_type, **kwargs):
    return AppointmentRequestFactory(session_type=session_type, earliest_date=dt.date(2026, 12, 7), **kwargs)


def summary(suggestions):
    return [(s.therapist.full_name, s.start, s.modality) for s in suggestions]


def test_suggestions_cover_every_matching_therapist_earliest_first(practice, session_type):
    therapist_with_hours("Bea Adams", start=dt.time(10), end=dt.time(11))
    therapist_with_hours("Cal Brooks", start=dt.time(9), end=dt.time(10))

    found = slots_for_request(request_for(session_type), now=NOW, limit=3)

    assert summary(found) == [
        ("Cal Brooks", MONDAY_9, "telehealth"),
        ("Bea Adams", MONDAY_9 + 60 * MINUTES, "telehealth"),
        ("Cal Brooks", MONDAY_9 + dt.timedelta(days=7), "telehealth"),
    ]
    assert all(s.end - s.start == 50 * MINUTES for s in found)


def test_same_time_with_two_therapists_is_ordered_by_name(practice, session_type):
    therapist_with_hours("Zoe Young")
    therapist_with_hours("Ann Ames")

    found = slots_for_request(request_for(session_type), now=NOW, limit=2)

    assert [s.therapist.full_name for s in found] == ["Ann Ames", "Zoe Young"]


def test_therapist_not_taking_new_clients_is_left_out(practice, session_type):
    TherapistCredentials.objects.create(user=therapist_with_hours("Full Up"), taking_new_clients=False)

    assert slots_for_request(request_for(session_type), now=NOW) == []


def test_inactive_therapist_is_left_out(practice, session_type):
    therapist_with_hours("Gone Away", user__is_active=False)

    assert slots_for_request(request_for(session_type), now=NOW) == []


def test_preferred_therapist_is_the_only_one_suggested(practice, session_type):
    therapist_with_hours("Not Chosen")
    chosen = therapist_with_hours("Chosen One", start=dt.time(11), end=dt.time(12))

    found = slots_for_request(request_for(session_type, preferred_therapist=chosen), now=NOW)

    assert {s.therapist for s in found} == {chosen}


def test_hours_in_a_modality_the_therapist_no_longer_offers_are_left_out(practice, session_type):
    therapist_with_hours("No Video", offers_telehealth=False)

    assert slots_for_request(request_for(session_type), now=NOW) == []


def test_request_for_in_person_skips_telehealth_hours(practice, session_type):
    user = therapist_with_hours("Both Ways")
    WeeklyAvailabilityFactory(therapist=user, weekday=0, start_time=dt.time(13), end_time=dt.time(14))

    found = slots_for_request(request_for(session_type, modality="in_person"), now=NOW, limit=1)

    assert summary(found) == [("Both Ways", MONDAY_9 + 4 * 60 * MINUTES, "in_person")]


def test_windows_of_the_request_narrow_the_suggestions(practice, session_type):
    therapist_with_hours("Long Day", start=dt.time(9), end=dt.time(18))

    found = slots_for_request(
        request_for(session_type, windows=[{"weekdays": [0], "parts": ["evening"]}]), now=NOW, limit=2
    )

    assert [s.start for s in found] == [MONDAY_9 + 8 * 60 * MINUTES, MONDAY_9 + dt.timedelta(days=7, hours=8)]


def test_existing_booking_and_the_practice_buffer_are_kept_clear(practice, session_type):
    practice.booking_buffer_minutes = 15
    practice.save(update_fields=["booking_buffer_minutes"])
    user = therapist_with_hours("Busy Bee", start=dt.time(9), end=dt.time(13))
    AppointmentFactory(
        therapist=user, session_type=session_type, start=MONDAY_9 + 60 * MINUTES
    )  # 10:00-10:50

    found = slots_for_request(request_for(session_type), now=NOW, limit=3)

    # 9:00 would end 9:50, inside the 15 minutes before 10:00; 11:00 starts inside the 15 after
    # 10:50; 11:30 is the first free start.
    assert [s.start for s in found] == [
        MONDAY_9 + 150 * MINUTES,
        MONDAY_9 + 180 * MINUTES,
        MONDAY_9 + dt.timedelta(days=7),
    ]


def test_cancelled_booking_frees_its_time(practice, session_type):
    user = therapist_with_hours("Free Again")
    AppointmentFactory(
        therapist=user,
        session_type=session_type,
        start=MONDAY_9,
        status=Appointment.Status.CANCELLED,
        cancelled_at=NOW,
    )

    assert slots_for_request(request_for(session_type), now=NOW, limit=1)[0].start == MONDAY_9


def test_time_off_is_respected(practice, session_type):
    user = therapist_with_hours("On Leave")
    TimeOffFactory(therapist=user, start=MONDAY_9 - dt.timedelta(days=1), end=MONDAY_9 + dt.timedelta(days=1))

    assert slots_for_request(request_for(session_type), now=NOW, limit=1)[0].start == MONDAY_9 + dt.timedelta(
        days=7
    )


def test_limit_caps_the_suggestions(practice, session_type):
    therapist_with_hours("Wide Open", start=dt.time(8), end=dt.time(20))

    assert len(slots_for_request(request_for(session_type), now=NOW, limit=5)) == 5


def test_no_matching_therapist_means_no_suggestions(practice, session_type):
    assert slots_for_request(request_for(session_type), now=NOW) == []


def _queries_for(therapists: int, session_type, *, booked: bool) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(therapists):
        user = therapist_with_hours(f"Therapist {n}")
        if booked:
            AppointmentFactory(therapist=user, session_type=session_type, start=MONDAY_9)
        TimeOffFactory(therapist=user)
    request_obj = request_for(session_type)
    request_obj.refresh_from_db()  # the session type not yet loaded, as in a view
    with CaptureQueriesContext(connection) as queries:
        assert slots_for_request(request_obj, now=NOW, limit=1)
    return len(queries)


@pytest.mark.parametrize("therapists", [1, 4])
def test_the_first_days_of_suggestions_take_seven_queries_for_any_number_of_therapists(
    practice, session_type, therapists
):
    # Therapists, practice, session type, hours, the office's hours and closures, then the first
    # few days' time off and bookings together: the first Monday's 9:00 is free, so the search
    # stops there.
    assert _queries_for(therapists, session_type, booked=False) == 7


@pytest.mark.parametrize("therapists", [1, 4])
def test_each_further_few_days_searched_add_one_query_whatever_the_number_of_therapists(
    practice, session_type, therapists
):
    # Hours on Mondays at 9:00 only, and the first Monday booked: the next days are loaded.
    assert _queries_for(therapists, session_type, booked=True) == 7 + 1
