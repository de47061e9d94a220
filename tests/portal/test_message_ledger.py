"""The portal's one message ledger, with a kind registered the way an app registers its own."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from intake.models import Intake
from intake.questionnaire_services import questionnaire_answers_save
from portal import message_ledger
from portal.message_ledger import (
    Composed,
    MessageKind,
    MessageSendError,
    OutgoingMessage,
    message_deliver,
    message_kind_register,
    message_record,
    messages_sweep,
)
from portal.messages import message_enqueue
from portal.models import AuditEvent, Message
from scheduling.appointment_services import appointment_book
from scheduling.models import Modality
from tests.intake.factories import IntakeFactory
from tests.scheduling.factories import OfficeFactory, SessionTypeFactory, TherapistProfileFactory

pytestmark = pytest.mark.django_db


HELLO_MESSAGE = OutgoingMessage(subject="Hello", text="Hello.\n")


def _hello(row, now):
    return Composed(to=(row.client.email,), message=HELLO_MESSAGE)


HELLO = MessageKind(name="test-hello", compose=_hello)


@pytest.fixture
def hello(monkeypatch):
    monkeypatch.setitem(message_ledger._KINDS, HELLO.name, HELLO)
    return HELLO


def test_an_enqueued_message_is_sent_once_after_commit(
    hello, client_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (row,) = message_enqueue(kind=hello.name, client_id=client_user.pk, subject=client_user)
        message_enqueue(kind=hello.name, client_id=client_user.pk, subject=client_user)

    row.refresh_from_db()
    assert (row.status, row.attempts, row.key) == ("sent", 1, f"test-hello:user-{client_user.pk}:v0:email")
    assert [m.to for m in mail.outbox] == [[client_user.email]]
    assert AuditEvent.objects.filter(object_type="notification", object_id=str(row.pk)).count() == 1


def test_a_kind_nobody_registered_is_refused(client_user):
    with pytest.raises(ImproperlyConfigured):
        message_record(kind="nobody-knows", client_id=client_user.pk, subject=client_user)

    assert not Message.objects.exists()


def test_a_kind_name_belongs_to_one_kind(hello):
    with pytest.raises(ImproperlyConfigured):
        message_kind_register(MessageKind(name=hello.name, compose=_hello))


def test_the_sweeper_sends_a_message_whose_task_was_lost(hello, client_user):
    (row,) = message_record(kind=hello.name, client_id=client_user.pk, subject=client_user)

    assert messages_sweep(now=row.created_at + dt.timedelta(minutes=9)) == 0
    assert messages_sweep(now=row.created_at + dt.timedelta(minutes=11)) == 1
    assert Message.objects.get(pk=row.pk).status == Message.Status.SENT


def test_a_message_with_nobody_to_send_to_fails_and_is_tried_again(client_user, monkeypatch):
    nobody = MessageKind(name="test-nobody", compose=lambda row, now: Composed(message=HELLO_MESSAGE))
    monkeypatch.setitem(message_ledger._KINDS, nobody.name, nobody)
    (row,) = message_record(kind=nobody.name, client_id=client_user.pk, subject=client_user)

    with pytest.raises(MessageSendError):
        message_deliver(message_id=row.pk)

    row.refresh_from_db()
    assert (row.status, row.last_error, row.attempts) == ("failed", "nobody to send to", 1)
    assert mail.outbox == []


def test_a_kind_may_be_swept_sooner_than_the_others(client_user, monkeypatch):
    soon = MessageKind(name="test-soon", compose=_hello, resend_after=dt.timedelta(minutes=1))
    monkeypatch.setitem(message_ledger._KINDS, soon.name, soon)
    (row,) = message_record(kind=soon.name, client_id=client_user.pk, subject=client_user)

    assert messages_sweep(now=row.created_at + dt.timedelta(seconds=59)) == 0
    assert messages_sweep(now=row.created_at + dt.timedelta(minutes=2)) == 1


# --- Every app's messages, one sweeper


@pytest.fixture
def lost_alert_and_confirmation(practice, client_user, therapist, front_desk):
    """A same-day flag's on-call alert and an appointment's confirmation, both recorded in
    their transactions and neither task run (on-commit callbacks not run: the broker was
    down)."""
    intake = IntakeFactory(client=client_user)
    questionnaire_answers_save(intake=intake, code="phq9", answers={"9": 1}, actor=client_user)
    Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.SUBMITTED, submitted_at=timezone.now())
    TherapistProfileFactory(user=therapist)
    OfficeFactory()
    appointment_book(
        therapist=therapist,
        session_type=SessionTypeFactory(),
        start=timezone.now() + dt.timedelta(days=7),
        modality=Modality.IN_PERSON,
        actor=front_desk,
        client=client_user,
    )
    assert (mail.outbox, Message.objects.filter(status="pending").count()) == ([], 2)
    return timezone.now()


def test_one_sweeper_run_sends_a_lost_alert_and_a_lost_appointment_email(lost_alert_and_confirmation):
    assert messages_sweep(now=lost_alert_and_confirmation + dt.timedelta(minutes=11)) == 2

    statuses = dict(Message.objects.values_list("kind", "status"))
    assert statuses == {"risk_alert": "sent", "confirmation": "sent"}
    assert sorted(m.to for m in mail.outbox) == [
        ["hope@example.com"],
        ["oncall@practice.example", "second-oncall@practice.example"],
    ]


def test_a_lost_alert_is_swept_after_a_minute_an_appointment_email_after_ten(lost_alert_and_confirmation):
    assert messages_sweep(now=lost_alert_and_confirmation + dt.timedelta(minutes=2)) == 1

    statuses = dict(Message.objects.values_list("kind", "status"))
    assert statuses == {"risk_alert": "sent", "confirmation": "pending"}
