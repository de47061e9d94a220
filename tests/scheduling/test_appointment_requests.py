"""Appointment requests, declining, moving appointments and managing hours: the services."""

import datetime as dt

import pytest
from django.core import mail
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake
from portal.models import AuditEvent, Message
from scheduling.access import appointment_for_client, may_manage_hours, therapist_for_hours
from scheduling.appointment_services import appointment_book, appointment_reschedule
from scheduling.errors import (
    AVAILABILITY_OVERLAPS,
    COLORADO_REQUIRED,
    DECLINE_REASON_REQUIRED,
    NEEDS_INTAKE,
    REQUEST_ALREADY_OPEN,
    RESCHEDULE_ALREADY_ASKED,
    SLOT_TAKEN,
    START_IN_PAST,
    RequestNotOpenError,
    SchedulingError,
    SchedulingFieldError,
    SlotTakenError,
)
from scheduling.hours_services import time_off_add, weekly_availability_add
from scheduling.models import (
    Appointment,
    AppointmentRequest,
    Modality,
    TimeOff,
    WeeklyAvailability,
)
from scheduling.request_services import (
    appointment_request_book,
    appointment_request_create,
    appointment_request_decline,
    appointment_request_withdraw,
)
from scheduling.selectors import request_priority, request_queue_page
from tests.intake.factories import IntakeFactory
from tests.portal.factories import StaffFactory
from tests.scheduling.factories import (
    AppointmentFactory,
    OfficeFactory,
    SessionTypeFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_mechanics")]

START = dt.datetime(2026, 12, 7, 16, tzinfo=dt.UTC)


@pytest.fixture
def intake(client_user):
    return IntakeFactory(
        client=client_user,
        status=Intake.Status.SUBMITTED,
        submitted_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
    )


@pytest.fixture
def session_type(db):
    return SessionTypeFactory(duration_minutes=50)


def _ask(client_user, session_type, **kwargs):
    values = {
        "client": client_user,
        "session_type": session_type,
        "modality": Modality.IN_PERSON,
        "earliest_date": dt.date(2026, 12, 1),
        "windows": [{"weekdays": [0, 2], "parts": ["morning"]}],
        "actor": client_user,
    }
    return appointment_request_create(**{**values, **kwargs})


def test_client_request_is_stored_open_with_the_intake_priority(intake, client_user, session_type):
    created = _ask(client_user, session_type, note="Mornings are easier")
    assert (created.status, created.priority, created.note) == ("open", "routine", "Mornings are easier")
    assert created.windows == [{"weekdays": [0, 2], "parts": ["morning"]}]
    event = AuditEvent.objects.get(object_type="appointment_request")
    assert (event.actor, event.client, event.action) == (client_user, client_user, "create")


def test_request_takes_urgent_priority_from_the_intake(intake, client_user, session_type):
    Intake.objects.filter(pk=intake.pk).update(risk_level="urgent")
    assert _ask(client_user, session_type).priority == "urgent"


def test_request_needs_a_sent_intake(client_user, session_type):
    IntakeFactory(client=client_user)
    with pytest.raises(SchedulingError) as caught:
        _ask(client_user, session_type)
    assert caught.value.message == NEEDS_INTAKE
    assert not AppointmentRequest.objects.exists()


def test_telehealth_request_needs_the_colorado_confirmation(intake, client_user, session_type):
    with pytest.raises(SchedulingFieldError) as caught:
        _ask(client_user, session_type, modality=Modality.TELEHEALTH, confirms_in_colorado=False)
    assert (caught.value.message, caught.value.field) == (COLORADO_REQUIRED, "confirms_in_colorado")
    created = _ask(client_user, session_type, modality=Modality.TELEHEALTH, confirms_in_colorado=True)
    assert created.confirms_in_colorado is True


def test_only_one_open_request_at_a_time(intake, client_user, session_type):
    _ask(client_user, session_type)
    with pytest.raises(SchedulingError) as caught:
        _ask(client_user, session_type)
    assert caught.value.message == REQUEST_ALREADY_OPEN


def test_a_client_cannot_ask_to_move_someone_elses_appointment(
    intake, therapist, client_user, second_client_user, session_type
):
    # Who may is scheduling.access's: the only record a request names is an appointment to
    # move, and another client's is not found for her.
    theirs = AppointmentFactory(
        therapist=therapist, client=client_user, session_type=session_type, start=START
    )
    with pytest.raises(Http404):
        appointment_for_client(user=second_client_user, pk=theirs.pk)


def test_withdrawn_request_is_cancelled_and_a_new_one_may_be_made(intake, client_user, session_type):
    first = _ask(client_user, session_type)
    appointment_request_withdraw(appointment_request=first, actor=client_user)
    first.refresh_from_db()
    assert first.status == "cancelled"
    assert _ask(client_user, session_type).status == "open"


def test_decline_stores_the_reason_and_emails_it(
    intake, client_user, front_desk, session_type, django_capture_on_commit_callbacks
):
    request_obj = _ask(client_user, session_type)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_request_decline(
            appointment_request=request_obj, actor=front_desk, reason="We are full until March."
        )
    request_obj.refresh_from_db()
    assert (request_obj.status, request_obj.decline_reason, request_obj.handled_by) == (
        "declined",
        "We are full until March.",
        front_desk,
    )
    assert len(mail.outbox) == 1
    assert "We are full until March." in mail.outbox[0].body
    # The request's receipt was recorded when she asked (its task not run here), the decline now.
    assert sorted(Message.objects.values_list("kind", flat=True)) == ["decline", "request_received"]


def test_decline_needs_a_reason(intake, client_user, front_desk, session_type):
    request_obj = _ask(client_user, session_type)
    with pytest.raises(SchedulingFieldError) as caught:
        appointment_request_decline(appointment_request=request_obj, actor=front_desk, reason="  ")
    assert caught.value.message == DECLINE_REASON_REQUIRED


def test_decline_reason_with_a_clinical_word_is_refused(intake, client_user, front_desk, session_type):
    request_obj = _ask(client_user, session_type)
    with pytest.raises(SchedulingFieldError) as caught:
        appointment_request_decline(
            appointment_request=request_obj, actor=front_desk, reason="We do not offer postpartum groups"
        )
    assert "postpartum" in caught.value.message
    request_obj.refresh_from_db()
    assert request_obj.status == "open"


def test_a_request_dealt_with_cannot_be_declined_again(intake, client_user, front_desk, session_type):
    request_obj = _ask(client_user, session_type)
    appointment_request_decline(appointment_request=request_obj, actor=front_desk, reason="Full")
    with pytest.raises(RequestNotOpenError):
        appointment_request_decline(appointment_request=request_obj, actor=front_desk, reason="Full")


def test_the_desk_sees_the_priority_the_intake_gives_now(intake, client_user, session_type):
    request_obj = _ask(client_user, session_type)
    Intake.objects.filter(pk=intake.pk).update(risk_level="high")

    assert [row.priority for row in request_queue_page(page_number=1)] == ["high"]
    assert request_priority(appointment_request=request_obj) == "high"


# --- Moving appointments


@pytest.fixture
def appointment(therapist, client_user, session_type):
    return AppointmentFactory(therapist=therapist, client=client_user, session_type=session_type, start=START)


def test_reschedule_moves_the_appointment_and_raises_the_sequence(appointment, front_desk):
    moved = appointment_reschedule(
        appointment=appointment, start=START + dt.timedelta(hours=2), actor=front_desk
    )
    moved.refresh_from_db()
    assert (moved.start, moved.end, moved.sequence) == (
        START + dt.timedelta(hours=2),
        START + dt.timedelta(hours=2, minutes=50),
        1,
    )
    assert AuditEvent.objects.filter(object_type="appointment", action="update").count() == 1


def test_reschedule_onto_another_booking_is_slot_taken(
    appointment, therapist, second_client_user, front_desk, session_type
):
    AppointmentFactory(
        therapist=therapist,
        client=second_client_user,
        session_type=session_type,
        start=START + dt.timedelta(hours=3),
    )
    with pytest.raises(SlotTakenError) as caught:
        appointment_reschedule(
            appointment=appointment, start=START + dt.timedelta(hours=3, minutes=30), actor=front_desk
        )
    assert caught.value.message == SLOT_TAKEN
    appointment.refresh_from_db()
    assert (appointment.start, appointment.sequence) == (START, 0)


def test_reschedule_overlapping_its_own_old_time_is_fine(appointment, front_desk):
    moved = appointment_reschedule(
        appointment=appointment, start=START + dt.timedelta(minutes=30), actor=front_desk
    )
    assert moved.start == START + dt.timedelta(minutes=30)


def test_an_appointment_cannot_be_moved_into_the_past(client, appointment, front_desk):
    client.force_login(front_desk)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = client.post(
        reverse("scheduling:appointment_reschedule", args=[appointment.pk]),
        {
            "therapist": appointment.therapist_id,
            "day": yesterday.isoformat(),
            "start_time": "10:00",
            "modality": "telehealth",
        },
    )

    assert response.status_code in (200, 400, 409)
    assert str(START_IN_PAST) in response.content.decode()
    appointment.refresh_from_db()
    assert (appointment.start, appointment.sequence) == (START, 0)
    assert not Message.objects.filter(kind="reschedule").exists()


def test_nothing_is_booked_for_a_time_already_gone(therapist, client_user, front_desk, session_type):
    with pytest.raises(SchedulingFieldError) as caught:
        appointment_book(
            therapist=therapist,
            session_type=session_type,
            start=timezone.now() - dt.timedelta(minutes=5),
            modality="telehealth",
            actor=front_desk,
            client=client_user,
        )

    assert caught.value.message == START_IN_PAST
    assert caught.value.field == "day"


def test_a_client_cannot_reschedule_directly(client, appointment, client_user):
    client.force_login(client_user)
    response = client.post(
        reverse("scheduling:appointment_reschedule", args=[appointment.pk]),
        {"therapist": appointment.therapist_id, "day": "2026-12-08", "start_time": "10:00"},
    )

    assert response.status_code == 403
    appointment.refresh_from_db()
    assert (appointment.start, appointment.sequence) == (START, 0)


def test_request_to_move_is_booked_by_moving_the_same_appointment(
    intake, appointment, client_user, therapist, front_desk, session_type
):
    OfficeFactory()
    ask = _ask(client_user, session_type, reschedule_of=appointment)
    with pytest.raises(SchedulingError) as caught:
        _ask(client_user, session_type, reschedule_of=appointment)
    assert caught.value.message == RESCHEDULE_ALREADY_ASKED
    moved = appointment_request_book(
        appointment_request=ask,
        therapist=therapist,
        start=START + dt.timedelta(days=2),
        modality=Modality.IN_PERSON,
        actor=front_desk,
    )
    assert moved.pk == appointment.pk
    assert Appointment.objects.count() == 1
    ask.refresh_from_db()
    assert ask.status == "booked"
    assert moved.office is not None


def test_booking_a_request_marks_who_handled_it(intake, client_user, therapist, front_desk, session_type):
    request_obj = _ask(client_user, session_type, modality=Modality.TELEHEALTH, confirms_in_colorado=True)
    appointment_request_book(
        appointment_request=request_obj,
        therapist=therapist,
        start=START,
        modality=Modality.TELEHEALTH,
        actor=front_desk,
    )
    request_obj.refresh_from_db()
    assert (request_obj.status, request_obj.handled_by) == ("booked", front_desk)


def test_a_lost_race_on_a_request_is_slot_taken(
    intake, client_user, second_client_user, therapist, front_desk, session_type
):
    request_obj = _ask(client_user, session_type, modality=Modality.TELEHEALTH, confirms_in_colorado=True)
    appointment_book(
        therapist=therapist,
        session_type=session_type,
        start=START,
        modality=Modality.TELEHEALTH,
        actor=front_desk,
        client=second_client_user,
    )
    with pytest.raises(SlotTakenError):
        appointment_request_book(
            appointment_request=request_obj,
            therapist=therapist,
            start=START,
            modality="telehealth",
            actor=front_desk,
        )
    request_obj.refresh_from_db()
    assert request_obj.status == "open"


# --- Hours


@pytest.mark.own_hours
def test_therapist_adds_their_own_hours(therapist):
    row = weekly_availability_add(
        therapist=therapist,
        weekday=1,
        start_time=dt.time(9),
        end_time=dt.time(12),
        modality=Modality.IN_PERSON,
        valid_from=dt.date(2026, 12, 1),
        actor=therapist,
    )
    assert WeeklyAvailability.objects.get() == row


@pytest.mark.own_hours
def test_overlapping_hours_are_refused(therapist):
    values = {
        "therapist": therapist,
        "weekday": 1,
        "modality": Modality.IN_PERSON,
        "valid_from": dt.date(2026, 12, 1),
        "actor": therapist,
    }
    weekly_availability_add(start_time=dt.time(9), end_time=dt.time(12), **values)
    with pytest.raises(SchedulingFieldError) as caught:
        weekly_availability_add(start_time=dt.time(11), end_time=dt.time(14), **values)
    assert caught.value.message == AVAILABILITY_OVERLAPS


def test_a_therapist_cannot_set_another_therapists_hours(therapist):
    other = StaffFactory(role="therapist", mfa=False)

    assert not may_manage_hours(user=therapist, therapist=other)
    with pytest.raises(Http404):
        therapist_for_hours(user=therapist, pk=other.pk)


def test_the_front_desk_cannot_set_hours(client, therapist, front_desk):
    client.force_login(front_desk)
    response = client.post(
        reverse("scheduling:time_off_add"),
        {
            "therapist": therapist.pk,
            "start_day": "2026-12-07",
            "start_time": "09:00",
            "end_day": "2026-12-07",
            "end_time": "10:00",
        },
    )

    assert not may_manage_hours(user=front_desk, therapist=therapist)
    assert response.status_code == 403
    assert not TimeOff.objects.exists()


def test_practice_admin_sets_anyones_time_off(therapist, practice_admin):
    row = time_off_add(
        therapist=therapist, start=START, end=START + dt.timedelta(hours=1), actor=practice_admin
    ).time_off
    assert row.therapist == therapist


def test_moving_an_appointment_answers_the_clients_request_to_move_it(
    intake, appointment, client_user, front_desk, session_type
):
    ask = _ask(client_user, session_type, reschedule_of=appointment)
    appointment_reschedule(appointment=appointment, start=START + dt.timedelta(days=1), actor=front_desk)
    ask.refresh_from_db()
    assert (ask.status, ask.handled_by) == ("booked", front_desk)
