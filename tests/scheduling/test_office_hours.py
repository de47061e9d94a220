"""The office's in-person hours and closures, and the practice's minimum notice: the booking
guardrail asks for a reason (kept in the audit log), the suggestions keep to them, the
calendar shows closures, and only the practice admin changes them (audited)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake
from portal.models import AuditEvent, Practice
from portal.selectors import practice_forget
from scheduling import errors
from scheduling.errors import NeedsOverrideError
from scheduling.forms import OFFICE_HOURS_HALF
from scheduling.models import Appointment, Modality, OfficeClosure, OfficeHours
from scheduling.request_services import appointment_request_book
from scheduling.selectors import booking_concerns, slots_for_request
from scheduling.slots import PRACTICE_ZONE
from tests.intake.factories import IntakeFactory
from tests.portal.test_settings_screens import practice_post
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    OfficeFactory,
    TherapistProfileFactory,
    WeeklyAvailabilityFactory,
)

pytestmark = pytest.mark.django_db

REASON = "She can only come before work; the therapist opens the office for her."


def _denver(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PRACTICE_ZONE)


def _in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def working(therapist):
    """The therapist works 7:00-19:00 in person and by video every day; the office is open
    9:00-17:00 every day."""
    TherapistProfileFactory(user=therapist, offers_telehealth=True)
    OfficeFactory()
    for weekday in range(7):
        for modality in (Modality.IN_PERSON, Modality.TELEHEALTH):
            WeeklyAvailabilityFactory(
                therapist=therapist,
                weekday=weekday,
                start_time=dt.time(7),
                end_time=dt.time(19),
                modality=modality,
                valid_from=timezone.localdate(),
            )
        OfficeHours.objects.create(weekday=weekday, start_time=dt.time(9), end_time=dt.time(17))
    return therapist


@pytest.fixture
def accepted_request(client_user):
    IntakeFactory(client=client_user, status=Intake.Status.ACCEPTED, submitted_at=timezone.now())
    return AppointmentRequestFactory(
        client=client_user, modality="in_person", windows=[], earliest_date=timezone.localdate()
    )


def _book(request_obj, therapist, start, actor, modality=Modality.IN_PERSON, **extra):
    return appointment_request_book(
        appointment_request=request_obj,
        therapist=therapist,
        start=start,
        modality=modality,
        actor=actor,
        **extra,
    )


def test_in_person_before_the_office_opens_is_refused_without_a_reason(front_desk, working, accepted_request):
    with pytest.raises(NeedsOverrideError) as caught:
        _book(accepted_request, working, _denver(_in_days(5), 7), front_desk)

    assert str(errors.CONCERN_OUTSIDE_OFFICE_HOURS) in str(caught.value)
    assert Appointment.objects.count() == 0


def test_in_person_before_the_office_opens_with_a_reason_is_booked_and_audited(
    front_desk, working, accepted_request
):
    appointment = _book(
        accepted_request, working, _denver(_in_days(5), 7), front_desk, override_reason=REASON
    )

    event = AuditEvent.objects.get(object_type="appointment", object_id=str(appointment.pk), action="create")
    assert "override (outside office hours): She can only come before work" in event.detail


def test_video_before_the_office_opens_needs_no_reason(front_desk, working, client_user):
    IntakeFactory(client=client_user, status=Intake.Status.ACCEPTED, submitted_at=timezone.now())
    request_obj = AppointmentRequestFactory(client=client_user, modality="telehealth", windows=[])

    appointment = _book(
        request_obj, working, _denver(_in_days(5), 7), front_desk, modality=Modality.TELEHEALTH
    )

    assert appointment.start == _denver(_in_days(5), 7)


def test_in_person_on_a_closure_day_is_refused_without_a_reason(front_desk, working, accepted_request):
    OfficeClosure.objects.create(day=_in_days(5), name="Staff training")

    with pytest.raises(NeedsOverrideError) as caught:
        _book(accepted_request, working, _denver(_in_days(5), 10), front_desk)

    assert str(errors.CONCERN_OFFICE_CLOSED) in str(caught.value)
    assert Appointment.objects.count() == 0


def test_in_person_on_a_closure_day_with_a_reason_is_booked_and_audited(
    front_desk, working, accepted_request
):
    OfficeClosure.objects.create(day=_in_days(5), name="Staff training")

    appointment = _book(
        accepted_request, working, _denver(_in_days(5), 10), front_desk, override_reason=REASON
    )

    event = AuditEvent.objects.get(object_type="appointment", object_id=str(appointment.pk), action="create")
    assert "override (office closed): She can only come" in event.detail


def test_a_closure_day_is_not_suggested_in_person(working, accepted_request):
    closed = _in_days(3)
    OfficeClosure.objects.create(day=closed, name="Holiday")

    found = slots_for_request(accepted_request, limit=40)

    days = {s.start.astimezone(PRACTICE_ZONE).date() for s in found}
    assert closed not in days
    assert _in_days(4) in days


def test_in_person_suggestions_keep_to_office_hours(working, accepted_request):
    found = slots_for_request(accepted_request, limit=40)

    assert found
    for suggestion in found:
        start, end = suggestion.start.astimezone(PRACTICE_ZONE), suggestion.end.astimezone(PRACTICE_ZONE)
        assert dt.time(9) <= start.time()
        assert end.time() <= dt.time(17)


def test_a_longer_minimum_notice_is_flagged_and_not_suggested(practice, working, accepted_request):
    Practice.objects.update(min_notice_hours=96)
    practice_forget()
    start = _denver(_in_days(3), 10)

    concerns = booking_concerns(
        therapist=working, start=start, end=start + dt.timedelta(hours=1), modality="in_person"
    )
    found = slots_for_request(accepted_request)

    assert [c.code for c in concerns] == ["short notice"]
    assert "96 hours" in str(concerns[0].label)
    assert found
    assert all(s.start >= timezone.now() + dt.timedelta(hours=96) for s in found)


def test_no_minimum_notice_lets_tomorrow_through(practice, working, accepted_request):
    Practice.objects.update(min_notice_hours=0)
    practice_forget()
    start = timezone.now().astimezone(PRACTICE_ZONE).replace(hour=10, minute=0, second=0, microsecond=0)
    start += dt.timedelta(days=1)

    concerns = booking_concerns(
        therapist=working, start=start, end=start + dt.timedelta(hours=1), modality="in_person"
    )
    found = slots_for_request(accepted_request, limit=40)

    assert concerns == []
    assert any(s.start < timezone.now() + dt.timedelta(hours=24) for s in found)


def test_the_calendar_shows_a_closure(client, front_desk):
    day = _in_days(2)
    OfficeClosure.objects.create(day=day, name="Thanksgiving")
    client.force_login(front_desk)

    response = client.get(reverse("scheduling:calendar"), {"view": "day", "day": day.isoformat()})

    assert response.status_code == 200
    assert "(Thanksgiving): no in-person sessions" in response.content.decode()


def _hours_post(days: dict[int, tuple[str, str]]) -> dict[str, str]:
    """The office hours form with these weekdays' opening and closing times, the rest closed."""
    data = {}
    for weekday in range(7):
        opens, closes = days.get(weekday, ("", ""))
        data[f"opens_{weekday}"], data[f"closes_{weekday}"] = opens, closes
    return data


@pytest.mark.parametrize("persona", ["client", "front_desk", "therapist"])
def test_office_settings_are_refused_to_everyone_but_the_practice_admin(client, personas, persona):
    OfficeClosure.objects.create(day=_in_days(9), name="Holiday")
    client.force_login(personas[persona])

    responses = [
        client.post(reverse("scheduling:settings_office"), _hours_post({0: ("09:00", "17:00")})),
        client.post(reverse("scheduling:settings_office_closure_new"), {"day": _in_days(10).isoformat()}),
        client.post(
            reverse("scheduling:settings_office_closure_remove", args=[OfficeClosure.objects.get().pk])
        ),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert (OfficeHours.objects.count(), OfficeClosure.objects.count()) == (0, 1)
    assert not AuditEvent.objects.filter(object_type__startswith="office").exists()


def test_the_practice_admin_sets_office_hours_audited(client, practice_admin):
    client.force_login(practice_admin)

    response = client.post(
        reverse("scheduling:settings_office"), _hours_post({0: ("09:00", "17:00"), 2: ("10:00", "14:00")})
    )

    assert response.status_code == 302
    assert list(OfficeHours.objects.values_list("weekday", "start_time", "end_time")) == [
        (0, dt.time(9), dt.time(17)),
        (2, dt.time(10), dt.time(14)),
    ]
    event = AuditEvent.objects.get(object_type="office_hours")
    assert (event.actor, event.action, event.detail) == (practice_admin, "update", "changed weekdays 0, 2")


def test_a_day_with_only_an_opening_time_is_refused_beside_it(client, practice_admin):
    client.force_login(practice_admin)

    response = client.post(reverse("scheduling:settings_office"), _hours_post({1: ("09:00", "")}))

    assert response.status_code == 400
    assert response.context["hours_form"].errors["closes_1"] == [str(OFFICE_HOURS_HALF)]
    assert 'value="09:00"' in response.content.decode()
    assert OfficeHours.objects.count() == 0


def test_the_practice_admin_adds_and_removes_a_closure_audited(client, practice_admin):
    client.force_login(practice_admin)
    day = _in_days(20)

    added = client.post(
        reverse("scheduling:settings_office_closure_new"), {"day": day.isoformat(), "name": "Holiday"}
    )
    closure = OfficeClosure.objects.get()
    removed = client.post(reverse("scheduling:settings_office_closure_remove", args=[closure.pk]))

    assert (added.status_code, removed.status_code) == (302, 302)
    assert (closure.day, closure.name) == (day, "Holiday")
    assert not OfficeClosure.objects.exists()
    details = list(
        AuditEvent.objects.filter(object_type="office_closure")
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert details == [f"closed {day.isoformat()}", f"opened {day.isoformat()} again"]


def test_the_minimum_notice_is_set_on_the_practice_page_and_audited(client, practice_admin, practice):
    client.force_login(practice_admin)

    response = client.post(reverse("portal:settings_practice"), practice_post(practice, min_notice_hours=48))

    assert response.status_code == 302
    assert Practice.objects.get().min_notice_hours == 48
    assert "min_notice_hours" in AuditEvent.objects.get(object_type="practice").detail
