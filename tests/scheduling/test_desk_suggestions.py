"""What the front desk is offered for a request: only the client's days and parts of the day,
a few a day, spread over days and therapists."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import TherapistCredentials
from scheduling.models import Modality
from scheduling.selectors import (
    NO_THERAPIST_OFFERS,
    NOTHING_IN_HER_TIMES,
    SUGGESTION_LIMIT,
    SUGGESTIONS_PER_DAY,
    slots_for_desk,
    slots_for_request,
)
from scheduling.slots import PRACTICE_ZONE
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    SessionTypeFactory,
    TherapistProfileFactory,
    WeeklyAvailabilityFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 19, tzinfo=dt.UTC)  # Monday noon in Denver
TUESDAY, THURSDAY = 1, 3


def therapist_all_week(name: str, modality=Modality.IN_PERSON):
    user = TherapistProfileFactory(user__full_name=name).user
    for weekday in range(5):
        WeeklyAvailabilityFactory(
            therapist=user, weekday=weekday, start_time=dt.time(8), end_time=dt.time(18), modality=modality
        )
    return user


def desk_request(windows, **kwargs):
    return AppointmentRequestFactory(
        session_type=SessionTypeFactory(duration_minutes=53),
        earliest_date=dt.date(2026, 12, 2),
        modality="either",
        windows=windows,
        confirms_in_colorado=True,
        **kwargs,
    )


def local(suggestion):
    return suggestion.start.astimezone(PRACTICE_ZONE), suggestion.end.astimezone(PRACTICE_ZONE)


def test_tuesday_or_thursday_mornings_offers_only_those_and_more_than_one_day(practice):
    therapist_all_week("Bea Adams")
    therapist_all_week("Cal Brooks")
    request_obj = desk_request([{"weekdays": [TUESDAY, THURSDAY], "parts": ["morning"]}])

    offered = slots_for_desk(request_obj, now=NOW)
    found = offered.suggestions

    assert (offered.within_her_times, offered.why_none_fit) == (True, "")
    assert len(found) == SUGGESTION_LIMIT
    for suggestion in found:
        start, end = local(suggestion)
        assert start.weekday() in (TUESDAY, THURSDAY)
        assert start.time() >= dt.time(8)
        assert end.time() <= dt.time(12)
    assert len({local(s)[0].date() for s in found}) >= 2


def test_no_day_holds_more_than_two_suggestions(practice):
    for name in ("Bea Adams", "Cal Brooks", "Dee Cole"):
        therapist_all_week(name)

    found = slots_for_desk(desk_request([]), now=NOW).suggestions

    days = [local(s)[0].date() for s in found]
    assert max(days.count(day) for day in days) == SUGGESTIONS_PER_DAY
    assert len(set(days)) == SUGGESTION_LIMIT // SUGGESTIONS_PER_DAY


def test_a_days_two_suggestions_are_with_two_therapists_when_both_are_free(practice):
    therapist_all_week("Bea Adams")
    therapist_all_week("Cal Brooks")

    found = slots_for_desk(desk_request([]), now=NOW).suggestions

    by_day = {}
    for suggestion in found:
        by_day.setdefault(local(suggestion)[0].date(), set()).add(suggestion.therapist.full_name)
    assert all(names == {"Bea Adams", "Cal Brooks"} for names in by_day.values())


def test_a_session_that_would_run_past_noon_is_not_offered_for_mornings(practice):
    user = TherapistProfileFactory(user__full_name="Bea Adams").user
    WeeklyAvailabilityFactory(therapist=user, weekday=TUESDAY, start_time=dt.time(11), end_time=dt.time(13))

    found = slots_for_desk(desk_request([{"weekdays": [TUESDAY], "parts": ["morning"]}]), now=NOW).suggestions

    assert {local(s)[0].time() for s in found} == {dt.time(11)}


def test_when_nothing_fits_her_times_the_desk_is_told_why_and_offered_other_times(practice):
    user = TherapistProfileFactory(user__full_name="Bea Adams").user
    WeeklyAvailabilityFactory(therapist=user, weekday=TUESDAY, start_time=dt.time(13), end_time=dt.time(17))

    offered = slots_for_desk(desk_request([{"weekdays": [TUESDAY], "parts": ["morning"]}]), now=NOW)

    assert offered.why_none_fit == str(NOTHING_IN_HER_TIMES)
    assert not offered.within_her_times
    assert offered.suggestions
    assert all(local(s)[0].time() >= dt.time(13) for s in offered.suggestions)


def test_when_no_therapist_offers_the_session_the_desk_is_told_so(practice):
    profile = TherapistProfileFactory(user__full_name="Bea Adams")
    TherapistCredentials.objects.create(user=profile.user, taking_new_clients=False)

    offered = slots_for_desk(desk_request([]), now=NOW)

    assert (offered.suggestions, offered.why_none_fit) == ([], str(NO_THERAPIST_OFFERS))


def test_the_earliest_at_any_time_are_found_without_reading_the_calendar_again(practice):
    user = TherapistProfileFactory(user__full_name="Bea Adams").user
    WeeklyAvailabilityFactory(therapist=user, weekday=TUESDAY, start_time=dt.time(13), end_time=dt.time(17))
    request_obj = desk_request([{"weekdays": [TUESDAY], "parts": ["morning"]}])
    slots_for_request(request_obj, now=NOW)  # the practice's details cached, as on a page

    with CaptureQueriesContext(connection) as her_times_only:
        assert slots_for_request(request_obj, now=NOW, per_day=SUGGESTIONS_PER_DAY) == []
    with CaptureQueriesContext(connection) as desk:
        offered = slots_for_desk(request_obj, now=NOW)

    assert offered.why_none_fit == str(NOTHING_IN_HER_TIMES)
    assert offered.suggestions
    # The search at any time reuses the therapists, hours and bookings the first one read.
    assert len(desk) == len(her_times_only)
