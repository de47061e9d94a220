"""The client's appointment pages agree with each other: a summary before a request is sent,
its receipt emailed once, one open request at a time explained kindly, and a cancellation
that says what became of its request."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake
from portal.message_ledger import message_deliver
from portal.models import Message
from scheduling.appointment_services import appointment_cancel
from scheduling.display import session_length_words
from scheduling.errors import COLORADO_REQUIRED_VIDEO
from scheduling.forms import ERROR_AFTERWARDS
from scheduling.message_content import forbidden_words_in
from scheduling.models import Appointment, AppointmentRequest, Modality
from scheduling.views_client import MSG_CANCELLED_CLOSED, MSG_CANCELLED_REOPENED
from tests.intake.factories import IntakeFactory
from tests.scheduling.factories import AppointmentFactory, AppointmentRequestFactory, SessionTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(client_user):
    return IntakeFactory(
        client=client_user,
        status=Intake.Status.SUBMITTED,
        submitted_at=timezone.now(),
        preferred_name="Hope",
        in_colorado="yes",
        may_email=True,
        may_name_practice=False,
    )


@pytest.fixture
def signed_in(client, client_user, intake):
    client.force_login(client_user)
    return client


def _request_data(session_type, **extra) -> dict:
    return {
        "session_type": session_type.pk,
        "modality": "in_person",
        "weekdays": ["2"],
        "parts": ["morning"],
        "earliest_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "note": "Before work if possible",
        **extra,
    }


def _future(days: int) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(hour=16, minute=0, second=0, microsecond=0)


# --- A summary to confirm, then a receipt


def test_a_request_shows_a_summary_to_confirm_and_sends_nothing_yet(signed_in, client_user):
    session_type = SessionTypeFactory(name="First visit", duration_minutes=53)
    response = signed_in.post(reverse("scheduling:request_new"), _request_data(session_type))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Check your request" in html
    assert "First visit (about 50 minutes)" in html
    assert "Before work if possible" in html
    assert AppointmentRequest.objects.filter(client=client_user).count() == 0


def test_change_something_brings_back_the_form_with_every_answer(signed_in, client_user):
    session_type = SessionTypeFactory()
    response = signed_in.post(
        reverse("scheduling:request_new"), _request_data(session_type, confirm="change")
    )

    assert response.status_code == 200
    assert response.context["form"]["note"].value() == "Before work if possible"
    assert AppointmentRequest.objects.filter(client=client_user).count() == 0


def test_a_video_request_without_colorado_is_told_before_the_summary(signed_in, client_user):
    response = signed_in.post(
        reverse("scheduling:request_new"), _request_data(SessionTypeFactory(), modality="telehealth")
    )

    assert response.status_code == 200
    assert "confirms_in_colorado" in response.context["form"].errors
    assert "Check your request" not in response.content.decode()


def test_sending_from_the_summary_emails_a_receipt_once_with_no_clinical_word(
    signed_in, client_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("scheduling:request_new"), _request_data(SessionTypeFactory(), confirm="send")
        )

    assert response.status_code == 302
    created = AppointmentRequest.objects.get(client=client_user)
    (receipt,) = mail.outbox
    assert receipt.to == [client_user.email]
    assert receipt.subject == "We have your appointment request"
    assert forbidden_words_in(receipt.subject + receipt.body + receipt.alternatives[0][0]) == []
    row = Message.objects.get(kind="request_received", subject_id=created.pk)
    message_deliver(message_id=row.pk)
    assert len(mail.outbox) == 1


# --- One open request at a time


def test_the_request_page_with_one_open_explains_and_links_to_it(signed_in, client_user):
    open_request = AppointmentRequestFactory(client=client_user)

    html = signed_in.get(reverse("scheduling:request_new")).content.decode()

    assert "You already have a request with us" in html
    assert f"{reverse('scheduling:my_appointments')}#request-{open_request.pk}" in html
    assert 'name="session_type"' not in html


def test_a_second_request_while_one_is_open_creates_nothing_and_says_why(signed_in, client_user):
    AppointmentRequestFactory(client=client_user, created_at=timezone.now() - dt.timedelta(minutes=5))

    response = signed_in.post(
        reverse("scheduling:request_new"), _request_data(SessionTypeFactory(), confirm="send"), follow=True
    )

    assert "You already have a request with us" in response.content.decode()
    assert AppointmentRequest.objects.filter(client=client_user).count() == 1


def test_the_appointments_page_offers_no_new_request_while_one_is_open(signed_in, client_user):
    AppointmentRequestFactory(client=client_user)

    html = signed_in.get(reverse("scheduling:my_appointments")).content.decode()

    assert reverse("scheduling:request_new") not in html
    assert "We are finding a time" in html


# --- Cancelling says what became of the request


@pytest.fixture
def booked_from_request(client_user, therapist, intake):
    asked = AppointmentRequestFactory(client=client_user, status=AppointmentRequest.Status.BOOKED)
    return AppointmentFactory(client=client_user, therapist=therapist, start=_future(5), request=asked)


def test_cancelling_and_closing_the_request_then_the_page_agrees(signed_in, booked_from_request):
    response = signed_in.post(
        reverse("scheduling:appointment_cancel", args=[booked_from_request.pk]),
        {"afterwards": "close", "reason": ""},
        follow=True,
    )

    html = response.content.decode()
    booked_from_request.request.refresh_from_db()
    assert booked_from_request.request.status == AppointmentRequest.Status.CANCELLED
    assert str(MSG_CANCELLED_CLOSED) in html
    assert "No appointments coming up." in html
    assert ">Booked<" not in html
    assert "Closed" in html


def test_cancelling_and_asking_for_another_time_reopens_the_request(signed_in, booked_from_request):
    response = signed_in.post(
        reverse("scheduling:appointment_cancel", args=[booked_from_request.pk]),
        {"afterwards": "reopen", "reason": ""},
        follow=True,
    )

    html = response.content.decode()
    booked_from_request.refresh_from_db()
    booked_from_request.request.refresh_from_db()
    assert booked_from_request.status == Appointment.Status.CANCELLED
    assert booked_from_request.request.status == AppointmentRequest.Status.OPEN
    assert booked_from_request.request.handled_by is None
    assert str(MSG_CANCELLED_REOPENED) in html
    assert "We are finding a time" in html


def test_a_request_is_not_reopened_beside_another_open_one(signed_in, client_user, booked_from_request):
    AppointmentRequestFactory(client=client_user)

    page = signed_in.get(reverse("scheduling:appointment_cancel", args=[booked_from_request.pk]))
    assert "afterwards" not in page.context["form"].fields
    signed_in.post(
        reverse("scheduling:appointment_cancel", args=[booked_from_request.pk]),
        {"afterwards": "reopen", "reason": ""},
    )

    booked_from_request.request.refresh_from_db()
    assert booked_from_request.request.status == AppointmentRequest.Status.CANCELLED


def test_staff_cancelling_closes_the_request_too(booked_from_request, front_desk):
    appointment_cancel(appointment=booked_from_request, actor=front_desk, reason="Therapist unwell")

    booked_from_request.request.refresh_from_db()
    assert booked_from_request.request.status == AppointmentRequest.Status.CANCELLED


def test_the_cancel_page_states_the_practice_s_notice(signed_in, booked_from_request, practice):
    practice.cancellation_notice_hours = 36
    practice.save(update_fields=["cancellation_notice_hours"])

    html = signed_in.get(
        reverse("scheduling:appointment_cancel", args=[booked_from_request.pk])
    ).content.decode()

    assert "up to 36 hours before" in html


# --- Asking for another time


def test_ask_for_another_time_pre_ticks_colorado_from_the_intake(signed_in, client_user, therapist):
    appointment = AppointmentFactory(client=client_user, therapist=therapist, start=_future(5))

    response = signed_in.get(reverse("scheduling:appointment_move", args=[appointment.pk]))

    assert response.context["form"]["confirms_in_colorado"].value() is True


def test_ask_for_another_time_without_colorado_never_mentions_in_person(signed_in, client_user, therapist):
    appointment = AppointmentFactory(
        client=client_user, therapist=therapist, start=_future(5), modality=Modality.TELEHEALTH
    )

    response = signed_in.post(
        reverse("scheduling:appointment_move", args=[appointment.pk]),
        {"earliest_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat(), "weekdays": ["1"]},
    )

    assert response.context["form"].errors["confirms_in_colorado"] == [str(COLORADO_REQUIRED_VIDEO)]
    assert "in person" not in str(COLORADO_REQUIRED_VIDEO)


# --- Session lengths as people say them


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (53, "about 50 minutes"),
        (50, "about 50 minutes"),
        (45, "about 45 minutes"),
        (30, "about 30 minutes"),
        (60, "about an hour"),
        (62, "about an hour"),
        (90, "about an hour and a half"),
        (120, "about 2 hours"),
        (3, "about 5 minutes"),
    ],
)
def test_session_length_words(minutes, words):
    assert session_length_words(minutes) == words


def test_the_appointments_page_says_session_lengths_in_words(signed_in, client_user, therapist):
    AppointmentFactory(
        client=client_user,
        therapist=therapist,
        start=_future(5),
        session_type=SessionTypeFactory(name="Individual therapy", duration_minutes=53),
    )

    html = signed_in.get(reverse("scheduling:my_appointments")).content.decode()

    assert "Individual therapy (about 50 minutes)" in html
    assert "53 min" not in html


def test_cancelling_without_saying_what_next_asks_first_and_cancels_nothing(signed_in, booked_from_request):
    response = signed_in.post(
        reverse("scheduling:appointment_cancel", args=[booked_from_request.pk]), {"reason": "Unwell"}
    )

    booked_from_request.refresh_from_db()
    assert response.status_code == 200
    assert str(ERROR_AFTERWARDS) in response.content.decode()
    assert "Unwell" in response.content.decode()  # what she typed is kept
    assert booked_from_request.status == Appointment.Status.BOOKED
