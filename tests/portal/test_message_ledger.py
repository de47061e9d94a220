"""The portal's one message ledger, with a kind registered the way an app registers its own."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from portal import message_ledger
from portal.message_ledger import (
    Composed,
    MessageKind,
    OutgoingMessage,
    message_kind_register,
    message_record,
    messages_sweep,
)
from portal.messages import message_enqueue
from portal.models import AuditEvent, Message

pytestmark = pytest.mark.django_db


def _hello(row, now):
    return Composed(address=row.client.email, message=OutgoingMessage(subject="Hello", text="Hello.\n"))


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
