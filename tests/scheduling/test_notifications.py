"""Messages to clients: each sent once, with a calendar file that reads back right, nothing
clinical in them, and the client's channel choices honoured."""

import datetime as dt
import os
import re
import smtplib
import subprocess
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, connections

from intake.models import HardDate, Intake
from portal import message_ledger
from portal.message_ledger import MessageSendError, message_deliver, messages_sweep
from portal.models import Message
from scheduling.appointment_services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    reminders_send_due,
)
from scheduling.message_content import forbidden_words_in
from scheduling.models import Appointment, Modality
from tests.intake.factories import IntakeFactory, PregnancyEntryFactory
from tests.scheduling.factories import OfficeFactory, SessionTypeFactory, TherapistProfileFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_mechanics")]

DENVER = ZoneInfo("America/Denver")
START = dt.datetime(2026, 12, 7, 16, tzinfo=dt.UTC)  # Monday 9:00 MST
BABY_NAME = "Juniper"
HARD_DATE = dt.date(2025, 10, 3)
SUMMER_START = dt.datetime(2027, 6, 7, 15, tzinfo=dt.UTC)  # Monday 9:00 MDT


@pytest.fixture
def intake(client_user):
    intake = IntakeFactory(
        client=client_user,
        status=Intake.Status.SUBMITTED,
        submitted_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        preferred_name="Hope",
        may_email=True,
        may_name_practice=False,
    )
    # What no message may ever name: her baby's name and the dates that are hard for her.
    PregnancyEntryFactory(intake=intake, outcome="neonatal_death", baby_name=BABY_NAME)
    HardDate.objects.create(intake=intake, date=HARD_DATE, what=f"{BABY_NAME}'s birthday")
    return intake


@pytest.fixture
def office(db):
    return OfficeFactory()


@pytest.fixture
def profile(therapist):
    return TherapistProfileFactory(user=therapist, video_link="https://video.example/room/abc")


@pytest.fixture
def session_type(db):
    # A name that would give the reason away if it ever reached a message.
    return SessionTypeFactory(name="Couples therapy after pregnancy loss", duration_minutes=53)


def _book(therapist, client_user, front_desk, session_type, *, start=START, modality=Modality.IN_PERSON):
    return appointment_book(
        therapist=therapist,
        session_type=session_type,
        start=start,
        modality=modality,
        actor=front_desk,
        client=client_user,
    )


@pytest.fixture
def booked(
    intake,
    office,
    profile,
    therapist,
    client_user,
    front_desk,
    session_type,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        return _book(therapist, client_user, front_desk, session_type)


def _calendar(message) -> icalendar.Calendar:
    attachments = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(attachments) == 1
    _name, content, mimetype = attachments[0]
    assert mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def _event(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def _all_text(message) -> str:
    parts = [message.subject, message.body, *(c for c, _ in getattr(message, "alternatives", []))]
    parts += [a[1].decode() if isinstance(a[1], bytes) else a[1] for a in message.attachments]
    return "\n".join(str(p) for p in parts)


def test_booking_sends_one_confirmation_to_the_client(booked, client_user):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [client_user.email]
    assert message.subject == "Your appointment is booked"
    row = Message.objects.get()
    assert (row.kind, row.status, row.attempts) == ("confirmation", "sent", 1)


def test_messages_go_to_the_verified_sign_in_address_not_the_one_typed_in_the_intake(
    intake,
    office,
    profile,
    therapist,
    client_user,
    front_desk,
    session_type,
    django_capture_on_commit_callbacks,
):
    # One wrong letter in the intake's contact address must not send her appointment to a
    # stranger: the address she signed in with (and confirmed) is used.
    Intake.objects.filter(pk=intake.pk).update(contact_email="hope.typo@exmaple.com")
    with django_capture_on_commit_callbacks(execute=True):
        _book(therapist, client_user, front_desk, session_type)
    (message,) = mail.outbox
    assert message.to == [client_user.email]
    assert "exmaple" not in _all_text(message)


def test_confirmation_calendar_file_reads_back_in_denver_time(booked, office):
    calendar = _calendar(mail.outbox[0])
    event = _event(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.start == START.astimezone(DENVER)
    assert event.start.tzinfo is not None
    assert event.start.astimezone(DENVER).hour == 9
    assert event["DTSTART"].params["TZID"] == "America/Denver"
    assert event.end - event.start == dt.timedelta(minutes=53)
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/Denver"
    assert {str(part["TZNAME"]) for part in zone.walk() if part.name in ("STANDARD", "DAYLIGHT")} == {
        "MST",
        "MDT",
    }
    assert str(event["UID"]).startswith(f"appointment-{booked.pk}@")
    assert event["SEQUENCE"] == 0
    assert str(event["LOCATION"]) == office.address
    assert str(event["SUMMARY"]) == "Appointment"


def test_confirmation_body_has_date_time_place_and_sign_in_link(booked):
    body = mail.outbox[0].body
    assert "Hello Hope," in body
    assert "Monday, December 7, 2026" in body
    assert "9:00 AM MST" in body
    assert "1600 Ogden Street" in body
    assert "/scheduling/" in body


def test_summer_time_is_shown_as_mdt(
    intake,
    office,
    profile,
    therapist,
    client_user,
    front_desk,
    session_type,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _book(therapist, client_user, front_desk, session_type, start=SUMMER_START)
    assert "9:00 AM MDT" in mail.outbox[0].body
    assert _event(_calendar(mail.outbox[0])).start.astimezone(DENVER).hour == 9


def test_delivering_again_sends_nothing_more(booked):
    row = Message.objects.get()
    message_deliver(message_id=row.pk)
    message_deliver(message_id=row.pk)
    assert len(mail.outbox) == 1


def test_messages_name_the_practice_only_when_the_client_allowed_it(
    intake,
    office,
    profile,
    therapist,
    client_user,
    front_desk,
    session_type,
    practice,
    django_capture_on_commit_callbacks,
):
    intake.may_name_practice = True
    intake.save(update_fields=["may_name_practice"])
    with django_capture_on_commit_callbacks(execute=True):
        _book(therapist, client_user, front_desk, session_type)
    message = mail.outbox[0]
    assert practice.name in message.subject
    assert str(_event(_calendar(message))["SUMMARY"]) == f"Appointment - {practice.name}"


def test_without_permission_the_practice_name_appears_nowhere(booked, practice):
    assert practice.name not in _all_text(mail.outbox[0])


def test_no_email_when_the_client_said_no(
    intake,
    office,
    profile,
    therapist,
    client_user,
    front_desk,
    session_type,
    django_capture_on_commit_callbacks,
):
    intake.may_email = False
    intake.save(update_fields=["may_email"])
    with django_capture_on_commit_callbacks(execute=True):
        _book(therapist, client_user, front_desk, session_type)
    assert mail.outbox == []
    row = Message.objects.get()
    assert row.status == Message.Status.SKIPPED


def test_telehealth_messages_carry_the_video_link(
    intake, profile, therapist, client_user, front_desk, session_type, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _book(therapist, client_user, front_desk, session_type, modality=Modality.TELEHEALTH)
    message = mail.outbox[0]
    assert "https://video.example/room/abc" in message.body
    event = _event(_calendar(message))
    assert str(event["LOCATION"]) == "https://video.example/room/abc"


def test_reschedule_sends_a_new_time_with_the_same_uid_and_a_higher_sequence(
    booked, front_desk, django_capture_on_commit_callbacks
):
    first = _event(_calendar(mail.outbox[0]))
    new_start = START + dt.timedelta(days=1, hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(appointment=booked, start=new_start, actor=front_desk)
    assert len(mail.outbox) == 2
    message = mail.outbox[1]
    assert message.subject == "A new time for your appointment"
    assert "Tuesday, December 8, 2026" in message.body
    calendar = _calendar(message)
    event = _event(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event["UID"] == first["UID"]
    assert event["SEQUENCE"] == 1
    assert event.start == new_start


def test_cancellation_sends_a_cancel_calendar_file(booked, front_desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked, actor=front_desk, reason="Therapist unwell")
    assert len(mail.outbox) == 2
    message = mail.outbox[1]
    assert message.subject == "Your appointment is cancelled"
    assert "Therapist unwell" not in _all_text(message)
    calendar = _calendar(message)
    event = _event(calendar)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_confirmation_overtaken_by_a_move_is_not_sent(
    intake,
    office,
    profile,
    therapist,
    client_user,
    front_desk,
    session_type,
    django_capture_on_commit_callbacks,
):
    appointment = _book(therapist, client_user, front_desk, session_type)  # its task never ran
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(appointment=appointment, start=START + dt.timedelta(hours=2), actor=front_desk)
    confirmation = Message.objects.get(kind="confirmation")
    message_deliver(message_id=confirmation.pk)
    confirmation.refresh_from_db()
    assert confirmation.status == Message.Status.SKIPPED
    assert [m.subject for m in mail.outbox] == ["A new time for your appointment"]


def test_a_failed_send_is_recorded_and_retried_without_duplicates(booked, monkeypatch, front_desk):
    mail.outbox.clear()
    appointment_reschedule(appointment=booked, start=START + dt.timedelta(hours=3), actor=front_desk)
    row = Message.objects.get(kind="reschedule")
    original_send = message_ledger.SENDERS["email"]

    def broken(*, to, message):
        raise MessageSendError(smtplib.SMTPServerDisconnected.__name__)

    monkeypatch.setitem(message_ledger.SENDERS, "email", broken)
    with pytest.raises(MessageSendError):
        message_deliver(message_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "SMTPServerDisconnected")
    monkeypatch.setitem(message_ledger.SENDERS, "email", original_send)
    message_deliver(message_id=row.pk)
    message_deliver(message_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_an_smtp_error_becomes_a_retryable_send_error(booked, settings, front_desk):
    settings.EMAIL_BACKEND = "tests.scheduling.test_notifications.FailingBackend"
    appointment_reschedule(appointment=booked, start=START + dt.timedelta(hours=3), actor=front_desk)
    row = Message.objects.get(kind="reschedule")
    with pytest.raises(MessageSendError):
        message_deliver(message_id=row.pk)


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("gone")


# --- Reminders


def test_reminder_is_sent_once_even_when_the_task_runs_twice(booked):
    mail.outbox.clear()
    now = START - dt.timedelta(hours=20)
    assert reminders_send_due(now=now) == 1
    assert reminders_send_due(now=now) == 0
    assert reminders_send_due(now=now + dt.timedelta(minutes=5)) == 0
    assert [m.subject for m in mail.outbox] == ["A reminder of your appointment"]
    booked.refresh_from_db()
    assert booked.reminder_sent_at == now
    assert Message.objects.filter(kind="reminder").count() == 1


def test_no_reminder_before_the_practice_reminder_time(booked):
    mail.outbox.clear()
    assert reminders_send_due(now=START - dt.timedelta(hours=25)) == 0
    assert mail.outbox == []


def test_no_reminder_for_a_cancelled_appointment(booked, front_desk):
    appointment_cancel(appointment=booked, actor=front_desk, reason="x", now=START - dt.timedelta(days=3))
    mail.outbox.clear()
    assert reminders_send_due(now=START - dt.timedelta(hours=2)) == 0
    assert not Message.objects.filter(kind="reminder").exists()


def test_reminder_follows_the_practice_setting(booked, practice):
    practice.reminder_hours_before = 48
    practice.save(update_fields=["reminder_hours_before"])
    mail.outbox.clear()
    assert reminders_send_due(now=START - dt.timedelta(hours=40)) == 1


def test_the_periodic_task_resends_a_message_whose_task_was_lost(
    intake, office, profile, therapist, client_user, front_desk, session_type
):
    appointment = _book(therapist, client_user, front_desk, session_type)  # on_commit never ran
    row = Message.objects.get(kind="confirmation")
    assert row.status == Message.Status.PENDING
    messages_sweep(now=row.created_at + dt.timedelta(minutes=11))
    row.refresh_from_db()
    assert row.status == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert appointment.reminder_sent_at is None


# --- Minimum necessary


def test_no_message_carries_a_clinical_word(booked, front_desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(appointment=booked, start=START + dt.timedelta(hours=3), actor=front_desk)
    reminders_send_due(now=START - dt.timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=Appointment.objects.get(), actor=front_desk, reason="Grief leave")
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        text = _all_text(message)
        assert forbidden_words_in(text) == [], message.subject
        for said in (BABY_NAME, "birthday", "Oct", "2025-10-03", "20251003", "10/3"):
            assert said not in text, (said, message.subject)


# --- Overlapping runs on PostgreSQL


@pytest.mark.django_db(transaction=True)
def test_overlapping_reminder_runs_send_exactly_one_reminder(client_user, therapist, front_desk, practice):
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrency needs PostgreSQL (the SQLite test database is in memory).")
    IntakeFactory(client=client_user, status=Intake.Status.SUBMITTED, submitted_at=START, may_email=True)
    TherapistProfileFactory(user=therapist)
    appointment = _book(
        therapist, client_user, front_desk, SessionTypeFactory(), modality=Modality.TELEHEALTH
    )
    mail.outbox.clear()
    now = START - dt.timedelta(hours=3)
    runs = 5
    barrier = threading.Barrier(runs)
    outcomes: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(reminders_send_due(now=now))
        except Exception as error:  # the test asserts on whatever happened, errors included
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == [0] * (runs - 1) + [1], outcomes
    assert [m.subject for m in mail.outbox if "reminder" in m.subject] == ["A reminder of your appointment"]
    assert Message.objects.get(kind="reminder").status == Message.Status.SENT
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == now


# --- Sending outside any transaction; a crash mid-send repeats at most one message


class TransactionRecordingBackend(LocmemBackend):
    in_transaction: list[bool] = []

    def send_messages(self, messages):
        TransactionRecordingBackend.in_transaction.append(connection.in_atomic_block)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_a_message_is_handed_to_the_mail_server_with_no_transaction_open(
    intake, office, profile, therapist, client_user, front_desk, session_type, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.TransactionRecordingBackend"
    TransactionRecordingBackend.in_transaction = []

    _book(therapist, client_user, front_desk, session_type)

    assert TransactionRecordingBackend.in_transaction == [False]
    assert Message.objects.get(kind="confirmation").status == "sent"


def test_every_message_has_a_stable_message_id(booked):
    (message,) = mail.outbox
    row = Message.objects.get(kind="confirmation")
    assert message.extra_headers["Message-ID"] == f"<notification-{row.pk}@127.0.0.1>"


def test_a_message_claimed_by_another_run_is_not_sent_again(booked, front_desk):
    mail.outbox.clear()
    appointment_reschedule(appointment=booked, start=START + dt.timedelta(hours=3), actor=front_desk)
    row = Message.objects.get(kind="reschedule")
    now = dt.datetime.now(dt.UTC)
    Message.objects.filter(pk=row.pk).update(claimed_at=now)

    message_deliver(message_id=row.pk, now=now + dt.timedelta(seconds=5))

    assert mail.outbox == []


def test_a_crash_after_the_mail_server_took_it_repeats_it_once_with_the_same_id(
    booked, front_desk, monkeypatch, settings
):
    """The one window of duplicates: the worker dies between the mail server accepting the
    message and the ledger recording it. The claim keeps every run within the task's time
    limit from sending it; after that it goes once more, with the same Message-ID."""
    mail.outbox.clear()
    appointment_reschedule(appointment=booked, start=START + dt.timedelta(hours=3), actor=front_desk)
    row = Message.objects.get(kind="reschedule")
    now = dt.datetime.now(dt.UTC)

    def worker_killed(**kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(message_ledger, "audit_record", worker_killed)
    with pytest.raises(SystemExit):
        message_deliver(message_id=row.pk, now=now)
    monkeypatch.undo()
    assert len(mail.outbox) == 1

    message_deliver(message_id=row.pk, now=now + dt.timedelta(seconds=30))  # redelivered at once
    assert len(mail.outbox) == 1
    lapsed = now + dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    message_deliver(message_id=row.pk, now=lapsed)
    message_deliver(message_id=row.pk, now=lapsed)

    assert len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == mail.outbox[1].extra_headers["Message-ID"]
    assert Message.objects.get(pk=row.pk).status == "sent"


def _site_url_make_run_sets(*, host: str, port: int) -> str:
    """The PORTAL_SITE_URL `make run HOST=... PORT=...` gives the server it starts (the
    Makefile's own command, run up to the server with the server swapped for printenv)."""
    root = Path(__file__).resolve().parents[2]
    plan = subprocess.run(  # noqa: S603 - the repository's Makefile, dry run
        ["make", "-n", "run", f"HOST={host}", f"PORT={port}"],  # noqa: S607
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in plan.splitlines() if " runserver " in line)
    command = re.sub(r"\S+ manage\.py runserver .*$", "printenv PORTAL_SITE_URL", line)
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_SITE_URL"}
    return subprocess.run(  # noqa: S603 - the Makefile's line, its server swapped for printenv
        ["bash", "-c", command],  # noqa: S607
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.fixture
def make_run_on_8123(settings):
    settings.SITE_URL = _site_url_make_run_sets(host="127.0.0.1", port=8123)


def test_email_links_lead_to_the_port_make_run_was_given(make_run_on_8123, booked):
    (message,) = mail.outbox
    assert "http://127.0.0.1:8123/scheduling/" in message.body
    html = message.alternatives[0][0]
    assert "http://127.0.0.1:8123/scheduling/" in html
