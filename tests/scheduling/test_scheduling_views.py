"""Scheduling pages as clients and the front desk use them."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake, RiskLevelChoices
from scheduling.display import time_range_words
from scheduling.errors import CANCELLATION_TOO_LATE, SLOT_TAKEN
from scheduling.models import Appointment, AppointmentRequest, Modality
from scheduling.slots import PRACTICE_ZONE
from tests.intake.factories import IntakeFactory
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentRequestFactory,
    OfficeFactory,
    SessionTypeFactory,
    TherapistProfileFactory,
    TimeOffFactory,
    WeeklyAvailabilityFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_mechanics")]

CLINICAL_TEXT = "HOPES-SECRET sleeping since the miscarriage"


@pytest.fixture
def intake(client_user):
    return IntakeFactory(
        client=client_user,
        status=Intake.Status.SUBMITTED,
        submitted_at=timezone.now(),
        preferred_name="Hopey",
        modality=Intake.Modality.TELEHEALTH,
        in_colorado="yes",
        may_email=True,
        may_text=False,
        appointment_preferences="Tuesday mornings",
        hopes=CLINICAL_TEXT,
        symptoms_other="SYMPTOMS-SECRET",
        diagnoses="DIAGNOSES-SECRET",
    )


@pytest.fixture
def bookable(therapist):
    """A therapist with every weekday 9-17 both ways, from today."""
    TherapistProfileFactory(user=therapist)
    OfficeFactory()
    for weekday in range(7):
        for modality in (Modality.IN_PERSON, Modality.TELEHEALTH):
            WeeklyAvailabilityFactory(
                therapist=therapist,
                weekday=weekday,
                modality=modality,
                start_time=dt.time(9) if modality == Modality.IN_PERSON else dt.time(13),
                end_time=dt.time(13) if modality == Modality.IN_PERSON else dt.time(17),
                valid_from=timezone.localdate(),
            )
    return therapist


def _future(days: int, hour: int = 16) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


# --- Client


def test_request_form_is_prefilled_from_the_intake(client, client_user, intake):
    client.force_login(client_user)
    response = client.get(reverse("scheduling:request_new"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["modality"] == "telehealth"
    assert form.initial["confirms_in_colorado"] is True
    assert form.initial["note"] == "Tuesday mornings"


def test_request_page_without_a_sent_intake_points_to_the_intake(client, client_user):
    client.force_login(client_user)
    response = client.get(reverse("scheduling:request_new"))
    assert response.status_code == 200
    assert reverse("intake:start") in response.content.decode()


def test_client_sends_a_request(client, client_user, intake):
    client.force_login(client_user)
    response = client.post(
        reverse("scheduling:request_new"),
        {
            "session_type": SessionTypeFactory().pk,
            "modality": "telehealth",
            "confirms_in_colorado": "on",
            "weekdays": ["1", "3"],
            "parts": ["morning"],
            "date_1": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "earliest_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
            "note": "After 9 please",
            "confirm": "send",
        },
    )
    assert response.status_code == 302
    created = AppointmentRequest.objects.get()
    assert created.windows[0] == {"weekdays": [1, 3], "parts": ["morning"]}
    assert created.windows[1]["parts"] == ["morning"]
    assert created.confirms_in_colorado is True


def test_telehealth_request_without_colorado_shows_the_message_by_the_field(client, client_user, intake):
    client.force_login(client_user)
    response = client.post(
        reverse("scheduling:request_new"),
        {
            "session_type": SessionTypeFactory().pk,
            "modality": "telehealth",
            "earliest_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["confirms_in_colorado"]
    assert not AppointmentRequest.objects.exists()


def test_client_sees_upcoming_appointments_and_requests(client, client_user, therapist, intake):
    AppointmentFactory(client=client_user, therapist=therapist, start=_future(5))
    AppointmentRequestFactory(client=client_user)
    client.force_login(client_user)
    response = client.get(reverse("scheduling:my_appointments"))
    assert response.status_code == 200
    assert len(response.context["appointments"]) == 1
    assert len(response.context["requests"]) == 1


def test_client_cancels_with_enough_notice(
    client, client_user, therapist, intake, django_capture_on_commit_callbacks
):
    appointment = AppointmentFactory(client=client_user, therapist=therapist, start=_future(3))
    client.force_login(client_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scheduling:appointment_cancel", args=[appointment.pk]), {"reason": ""}
        )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert [m.subject for m in mail.outbox] == ["Your appointment is cancelled"]


def test_client_inside_the_notice_window_is_asked_to_call(client, client_user, therapist, practice):
    appointment = AppointmentFactory(
        client=client_user, therapist=therapist, start=timezone.now() + dt.timedelta(hours=23)
    )
    client.force_login(client_user)
    page = client.get(reverse("scheduling:appointment_cancel", args=[appointment.pk]))
    assert page.context["may_cancel"] is False
    assert practice.phone in page.content.decode()
    response = client.post(reverse("scheduling:appointment_cancel", args=[appointment.pk]), {"reason": ""})
    assert response.status_code == 200
    assert str(CANCELLATION_TOO_LATE % {"hours": 24}) in response.context["form"].non_field_errors()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_cancellation_window_follows_the_practice_setting(client, client_user, therapist, practice):
    practice.cancellation_notice_hours = 48
    practice.save(update_fields=["cancellation_notice_hours"])
    appointment = AppointmentFactory(
        client=client_user, therapist=therapist, start=timezone.now() + dt.timedelta(hours=30)
    )
    client.force_login(client_user)
    client.post(reverse("scheduling:appointment_cancel", args=[appointment.pk]), {"reason": ""})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_another_clients_appointment_is_not_found(client, second_client_user, client_user, therapist):
    appointment = AppointmentFactory(client=client_user, therapist=therapist, start=_future(3))
    client.force_login(second_client_user)
    assert client.get(reverse("scheduling:appointment_cancel", args=[appointment.pk])).status_code == 404
    assert client.post(reverse("scheduling:appointment_cancel", args=[appointment.pk])).status_code == 404
    assert client.post(reverse("scheduling:appointment_move", args=[appointment.pk])).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_another_clients_request_cannot_be_withdrawn(client, second_client_user, client_user):
    request_obj = AppointmentRequestFactory(client=client_user)
    client.force_login(second_client_user)
    assert client.post(reverse("scheduling:request_withdraw", args=[request_obj.pk])).status_code == 404
    request_obj.refresh_from_db()
    assert request_obj.status == "open"


def test_client_asks_to_move_an_appointment(client, client_user, therapist, intake):
    appointment = AppointmentFactory(client=client_user, therapist=therapist, start=_future(6))
    client.force_login(client_user)
    response = client.post(
        reverse("scheduling:appointment_move", args=[appointment.pk]),
        {
            "earliest_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            "parts": ["evening"],
            "confirms_in_colorado": "on",
        },
    )
    assert response.status_code == 302
    ask = AppointmentRequest.objects.get()
    assert (ask.reschedule_of, ask.preferred_therapist, ask.modality) == (
        appointment,
        therapist,
        "telehealth",
    )


# --- Front desk


def test_queue_puts_urgent_then_high_then_oldest(client, front_desk, intake, client_user, second_client_user):
    old = AppointmentRequestFactory(client=second_client_user)
    IntakeFactory(client=second_client_user, status=Intake.Status.SUBMITTED, submitted_at=timezone.now())
    urgent = AppointmentRequestFactory(client=client_user)
    Intake.objects.filter(pk=intake.pk).update(risk_level="urgent")
    client.force_login(front_desk)
    response = client.get(reverse("scheduling:queue"))
    assert [r.pk for r, *_shown in response.context["items"]] == [urgent.pk, old.pk]
    assert response.context["items"][0][0].priority == "urgent"
    assert 'class="priority priority--urgent"' in response.content.decode()
    # Shown as the intake's triage says now; the page itself writes nothing.
    assert AppointmentRequest.objects.get(pk=urgent.pk).priority == urgent.priority


def test_no_desk_priority_word_is_a_word_of_the_risk_bands():
    risk_words = {str(label).casefold() for label in RiskLevelChoices.labels}

    assert not {str(label).casefold() for label in AppointmentRequest.Priority.labels} & risk_words


def test_a_routine_request_shows_the_desk_its_priority_words_not_the_risk_band(
    client, front_desk, intake, client_user
):
    request_obj = AppointmentRequestFactory(client=client_user)
    client.force_login(front_desk)

    page = client.get(reverse("scheduling:request_detail", args=[request_obj.pk])).content.decode()

    assert '<span class="priority priority--routine">Contact as usual</span>' in page
    assert ">Routine<" not in page


def test_front_desk_sees_contact_and_channels_but_nothing_clinical(client, front_desk, intake, client_user):
    request_obj = AppointmentRequestFactory(client=client_user)
    client.force_login(front_desk)
    for url in (reverse("scheduling:queue"), reverse("scheduling:request_detail", args=[request_obj.pk])):
        page = client.get(url).content.decode()
        assert "(720) 555-0199" in page
        assert "Text: no" in page
        for secret in ("HOPES-SECRET", "SYMPTOMS-SECRET", "DIAGNOSES-SECRET"):
            assert secret not in page


def test_request_page_offers_free_times_and_books_one(
    client, front_desk, intake, client_user, bookable, django_capture_on_commit_callbacks
):
    request_obj = AppointmentRequestFactory(
        client=client_user,
        modality="telehealth",
        earliest_date=timezone.localdate(),
        confirms_in_colorado=True,
    )
    client.force_login(front_desk)
    page = client.get(reverse("scheduling:request_detail", args=[request_obj.pk]))
    suggestion = page.context["suggestions"][0]
    assert suggestion.modality == "telehealth"
    chosen = {
        "therapist": suggestion.therapist_id,
        "day": suggestion.day,
        "start_time": suggestion.start_time,
        "modality": suggestion.modality,
    }
    with django_capture_on_commit_callbacks(execute=True):
        summary = client.post(reverse("scheduling:request_book", args=[request_obj.pk]), chosen)
    assert summary.status_code == 200
    assert "Check before booking" in summary.content.decode()
    assert (Appointment.objects.count(), len(mail.outbox)) == (0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scheduling:request_book", args=[request_obj.pk]), {**chosen, "confirmed": "True"}
        )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.start, appointment.client, appointment.booked_by) == (
        suggestion.start,
        client_user,
        front_desk,
    )
    assert len(mail.outbox) == 1


def test_a_time_just_taken_answers_409_with_fresh_suggestions(
    client, front_desk, intake, client_user, second_client_user, bookable
):
    request_obj = AppointmentRequestFactory(
        client=client_user, modality="in_person", earliest_date=timezone.localdate()
    )
    client.force_login(front_desk)
    suggestion = client.get(reverse("scheduling:request_detail", args=[request_obj.pk])).context[
        "suggestions"
    ][0]
    AppointmentFactory(
        therapist=bookable, client=second_client_user, start=suggestion.start, modality="in_person"
    )
    response = client.post(
        reverse("scheduling:request_book", args=[request_obj.pk]),
        {
            "therapist": bookable.pk,
            "day": suggestion.day,
            "start_time": suggestion.start_time,
            "modality": "in_person",
            "confirmed": "True",
        },
    )
    assert response.status_code == 409
    assert str(SLOT_TAKEN) in response.content.decode()
    assert suggestion.start not in [s.start for s in response.context["suggestions"]]
    request_obj.refresh_from_db()
    assert request_obj.status == "open"


def test_a_time_that_does_not_exist_is_a_field_error(client, front_desk, client_user, bookable):
    request_obj = AppointmentRequestFactory(client=client_user)
    client.force_login(front_desk)
    response = client.post(
        reverse("scheduling:request_book", args=[request_obj.pk]),
        {"therapist": bookable.pk, "day": "2027-03-14", "start_time": "02:30", "modality": "in_person"},
    )
    assert response.status_code == 200
    assert response.context["book_form"].errors["start_time"]
    assert not Appointment.objects.exists()


def test_decline_with_a_clinical_word_shows_the_message_by_the_field(client, front_desk, client_user):
    request_obj = AppointmentRequestFactory(client=client_user)
    client.force_login(front_desk)
    response = client.post(
        reverse("scheduling:request_decline", args=[request_obj.pk]), {"reason": "No grief groups now"}
    )
    assert response.status_code == 200
    assert response.context["decline_form"].errors["reason"]
    request_obj.refresh_from_db()
    assert request_obj.status == "open"


def test_unknown_request_id_is_not_found(client, front_desk):
    client.force_login(front_desk)
    assert client.get(reverse("scheduling:request_detail", args=[999999])).status_code == 404
    assert client.post(reverse("scheduling:request_book", args=[999999])).status_code == 404


def test_calendar_week_shows_the_practices_appointments(client, front_desk, therapist, client_user):
    appointment = AppointmentFactory(client=client_user, therapist=therapist, start=_future(1))
    day = appointment.start.astimezone(PRACTICE_ZONE).date()
    client.force_login(front_desk)
    response = client.get(reverse("scheduling:calendar"), {"view": "week", "day": day.isoformat()})
    entries = [e.appointment for column in response.context["grid"].columns for e in column.events]
    assert entries == [appointment]
    day_view = client.get(reverse("scheduling:calendar"), {"view": "day", "day": "2001-01-01"})
    assert [column.events for column in day_view.context["grid"].columns] == [[]]


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (dt.time(8), dt.time(18), "8:00 AM–6:00 PM"),
        (dt.time(9), dt.time(9, 50), "9:00–9:50 AM"),
        (dt.time(13), dt.time(13, 50), "1:00–1:50 PM"),
        (dt.time(11, 30), dt.time(12, 20), "11:30 AM–12:20 PM"),
    ],
)
def test_a_time_range_names_both_halves_of_the_day_only_when_they_differ(start, end, label):
    assert time_range_words(start, end) == label


def test_calendar_week_shows_time_off_across_noon_with_both_halves_of_the_day(client, front_desk, therapist):
    day = timezone.localdate() + dt.timedelta(days=7)
    TimeOffFactory(
        therapist=therapist,
        start=dt.datetime.combine(day, dt.time(8), PRACTICE_ZONE),
        end=dt.datetime.combine(day, dt.time(18), PRACTICE_ZONE),
    )
    client.force_login(front_desk)

    response = client.get(reverse("scheduling:calendar"), {"view": "week", "day": day.isoformat()})

    assert "8:00 AM–6:00 PM" in response.content.decode()


def test_staff_move_an_appointment_from_its_page(client, front_desk, therapist, client_user):
    appointment = AppointmentFactory(client=client_user, therapist=therapist, start=_future(4))
    client.force_login(front_desk)
    new_local = (appointment.start + dt.timedelta(hours=2)).astimezone(PRACTICE_ZONE)
    response = client.post(
        reverse("scheduling:appointment_reschedule", args=[appointment.pk]),
        {
            "therapist": therapist.pk,
            "day": new_local.date().isoformat(),
            "start_time": new_local.strftime("%H:%M"),
            "modality": "telehealth",
            "confirmed": "True",
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.start, appointment.sequence) == (new_local, 1)


def test_staff_cancel_needs_a_reason(client, front_desk, therapist, client_user):
    appointment = AppointmentFactory(client=client_user, therapist=therapist, start=_future(4))
    client.force_login(front_desk)
    response = client.post(
        reverse("scheduling:appointment_staff_cancel", args=[appointment.pk]), {"reason": ""}
    )
    assert response.status_code == 200
    assert response.context["cancel_form"].errors["reason"]
    client.post(
        reverse("scheduling:appointment_staff_cancel", args=[appointment.pk]), {"reason": "Office closed"}
    )
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancellation_reason) == ("cancelled", "Office closed")


# --- Hours


def test_therapist_cannot_open_another_therapists_hours(client, therapist):
    from tests.portal.factories import StaffFactory

    other = StaffFactory(role="therapist", mfa=False)
    client.force_login(therapist)
    assert client.get(reverse("scheduling:hours"), {"therapist": other.pk}).status_code == 404
    row = WeeklyAvailabilityFactory(therapist=other)
    assert client.post(reverse("scheduling:availability_remove", args=[row.pk])).status_code == 404


@pytest.mark.own_hours
def test_therapist_adds_hours_from_the_page(client, therapist):
    client.force_login(therapist)
    response = client.post(
        reverse("scheduling:availability_add"),
        {
            "therapist": therapist.pk,
            "weekday": "2",
            "start_time": "09:00",
            "end_time": "12:00",
            "modality": "in_person",
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert therapist.weekly_availability.count() == 1


def test_hours_with_the_end_before_the_start_show_a_field_error(client, therapist):
    client.force_login(therapist)
    response = client.post(
        reverse("scheduling:availability_add"),
        {
            "weekday": "2",
            "start_time": "12:00",
            "end_time": "09:00",
            "modality": "in_person",
            "valid_from": "2026-12-01",
        },
    )
    assert response.status_code == 200
    assert response.context["availability_form"].errors["end_time"]


def test_client_home_shows_the_next_appointment(client, client_user, therapist):
    appointment = AppointmentFactory(client=client_user, therapist=therapist, start=_future(5))
    client.force_login(client_user)
    page = client.get(reverse("portal:client_home")).content.decode()
    assert appointment.start.astimezone(PRACTICE_ZONE).strftime("%B %-d") in page
    assert reverse("scheduling:my_appointments") in page


def test_queue_query_count_does_not_grow_with_requests(client, front_desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(front_desk)
    AppointmentRequestFactory()
    client.get(reverse("scheduling:queue"))  # the first page fills the cache of the practice's details
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("scheduling:queue"))
    AppointmentRequestFactory.create_batch(3)
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("scheduling:queue"))
    assert _page_queries(four) == _page_queries(one)


def _page_queries(captured) -> int:
    # Leave out the idle-timeout middleware's occasional session write.
    return sum(
        1
        for q in captured.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"].upper()
    )
