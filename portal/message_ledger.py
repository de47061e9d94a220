"""The one message ledger (portal.models.Message): record, claim, send, record the result,
sweep. Any app sends through it: it registers each kind of message it sends (what the
message says, to whom, when it is out of date) and records one with message_enqueue
(portal.messages). A message is about one client (for the audit row) and goes to her or,
for a staff alert, to the addresses its kind names.

No row lock or transaction is held while a channel talks to its server; a crash can repeat a
message only within one round trip, with the same Message-ID.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation

from .audit import audit_record
from .models import AuditEvent, Message

logger = logging.getLogger(__name__)

# A message still pending or failed after this long is sent again by the sweeper: its first
# task may have been lost with a broker outage or a dead worker.
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 12
# Channels every message goes out on (a kind says "" for an address the client has not
# allowed). An SMS channel is one more entry.
CHANNELS = (Message.Channel.EMAIL,)


class MessageSendError(Exception):
    """A channel failed to hand over the message; the task retries it."""


@dataclass(frozen=True)
class OutgoingMessage:
    subject: str
    text: str
    html: str = ""
    # (filename, content, MIME type)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    # The same on every attempt, so a message sent twice (a crash between the mail server
    # accepting it and the ledger recording it) shows once in the client's mail program.
    message_id: str = ""
    # The Message-ID of an earlier message this one follows up, so mail programs thread them.
    in_reply_to: str = ""


@dataclass(frozen=True)
class Composed:
    """What a kind says about one recorded message now: why it should not go out, or to whom
    it goes (one client, or several staff addresses in one email) and what it says.

    Nobody to send to without a reason to skip is a failure, tried again like any other.
    """

    skip: str = ""
    to: tuple[str, ...] = ()
    message: OutgoingMessage | None = None
    # What the audit row says was sent; "<kind> sent by <channel>" unless the kind says more.
    audit: str = ""


@dataclass(frozen=True)
class MessageKind:
    """One kind of message an app sends. ``compose`` is called under the row's lock, in the
    practice's language; ``sent`` in the transaction that records the send. The sweeper
    sends one again once its first task has had ``resend_after`` to do it."""

    name: str
    compose: Callable[[Message, datetime], Composed]
    sent: Callable[[Message, datetime], None] = lambda row, now: None
    resend_after: timedelta = STALE_AFTER


_KINDS: dict[str, MessageKind] = {}


def message_kind_register(kind: MessageKind) -> None:
    """Called from an app's AppConfig.ready(); a name belongs to one kind only."""
    if _KINDS.get(kind.name, kind) is not kind:
        raise ImproperlyConfigured(f"Message kind {kind.name!r} is registered twice.")
    _KINDS[kind.name] = kind


def site_host() -> str:
    """The portal's host name, for Message-IDs and calendar UIDs."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host or "portal.invalid"


def message_header_id(message: Message) -> str:
    """The Message-ID a recorded message goes out with, the same on every attempt."""
    return f"<notification-{message.pk}@{site_host()}>"


def email_send(*, to: Sequence[str], message: OutgoingMessage) -> None:
    """Hand one message to the mail server; MessageSendError if that failed."""
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.text, to=list(to), from_email=settings.DEFAULT_FROM_EMAIL
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for filename, content, mimetype in message.attachments:
        email.attach(filename, content, mimetype)
    if message.message_id:
        email.extra_headers["Message-ID"] = message.message_id
    if message.in_reply_to:
        email.extra_headers |= {"In-Reply-To": message.in_reply_to, "References": message.in_reply_to}
    try:
        email.send()
    except (smtplib.SMTPException, OSError) as error:
        raise MessageSendError(type(error).__name__) from error


SENDERS: dict[str, Callable[..., None]] = {Message.Channel.EMAIL: email_send}


def message_key(*, kind: str, subject: models.Model, version: int, channel: str) -> str:
    return f"{kind}:{subject._meta.model_name}-{subject.pk}:v{version}:{channel}"


def message_record(*, kind: str, client_id: int, subject: models.Model, version: int = 0) -> list[Message]:
    """The message's row on every channel, in the caller's transaction (the same row again if
    it is already recorded: the key names the message)."""
    if kind not in _KINDS:
        raise ImproperlyConfigured(f"Message kind {kind!r} is not registered.")
    subject_type = ContentType.objects.get_for_model(subject)
    rows = []
    for channel in CHANNELS:
        row, _created = Message.objects.get_or_create(
            key=message_key(kind=kind, subject=subject, version=version, channel=channel),
            defaults={
                "kind": kind,
                "channel": channel,
                "client_id": client_id,
                "subject_type": subject_type,
                "subject_id": subject.pk,
                "version": version,
            },
        )
        rows.append(row)
    return rows


def message_deliver(*, message_id: int, now: datetime | None = None) -> Message:
    """Send one recorded message unless it has been sent already. Safe to run any number of
    times, at once or one after another: the row lock lets one run send, the others find it
    sent. Raises MessageSendError (after recording the failure) so the task retries.
    """
    return _deliver(message_id, now or timezone.now())[0]


def message_deliver_quietly(*, message_id: int, now: datetime) -> bool:
    """message_deliver for periodic runs: whether this call sent it; a failure is logged and
    left on record for the next run."""
    try:
        return _deliver(message_id, now)[1]
    except MessageSendError:
        logger.warning("message %s failed; it will be tried again", message_id)
        return False


def messages_sweep(*, now: datetime | None = None) -> int:
    """Send again every message still pending or failed after its kind's resend_after (its
    task went missing, or the channel failed), up to MAX_ATTEMPTS each. Returns how many went
    out."""
    now = now or timezone.now()
    if not _KINDS:
        return 0
    stale = Message.objects.filter(
        reduce(or_, (Q(kind=kind.name, created_at__lt=now - kind.resend_after) for kind in _KINDS.values())),
        status__in=(Message.Status.PENDING, Message.Status.FAILED),
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True)
    return sum(message_deliver_quietly(message_id=pk, now=now) for pk in stale)


def _claim_lease() -> timedelta:
    # No task runs longer than its hard time limit: a claim older than that belongs to a
    # sender that died before recording what happened, and the message may go again.
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def _deliver(message_id: int, now: datetime) -> tuple[Message, bool]:
    """message_deliver, also saying whether this call was the one that sent it.

    The message is claimed (claimed_at) and built in one short transaction, sent outside
    any, and the result recorded with its audit row in another.
    """
    with transaction.atomic():
        row = Message.objects.select_for_update(of=("self",)).select_related("client").get(pk=message_id)
        if row.status in (Message.Status.SENT, Message.Status.SKIPPED):
            return row, False
        if row.claimed_at is not None and row.claimed_at > now - _claim_lease():
            return row, False  # another run is sending it right now
        kind = _KINDS[row.kind]
        send = SENDERS.get(row.channel)
        with translation.override(settings.LANGUAGE_CODE):
            composed = kind.compose(row, now)
        skip = composed.skip or ("" if send else "no way to send on this channel")
        if skip:
            row.status, row.skipped_reason = Message.Status.SKIPPED, skip
            row.save(update_fields=["status", "skipped_reason", "updated_at"])
            return row, False
        row.attempts += 1
        row.claimed_at = now
        row.save(update_fields=["attempts", "claimed_at", "updated_at"])

    try:
        if not composed.to:
            raise MessageSendError("nobody to send to")
        send(to=composed.to, message=replace(composed.message, message_id=message_header_id(row)))
    except MessageSendError as error:
        with transaction.atomic():
            Message.objects.filter(pk=row.pk).update(
                status=Message.Status.FAILED, last_error=str(error)[:300], claimed_at=None, updated_at=now
            )
        raise

    with transaction.atomic():
        row.status, row.sent_at, row.last_error, row.claimed_at = Message.Status.SENT, now, "", None
        row.save(update_fields=["status", "sent_at", "last_error", "claimed_at", "updated_at"])
        kind.sent(row, now)
        audit_record(
            actor=None,
            action=AuditEvent.Action.NOTIFY,
            object_type="notification",
            object_id=row.pk,
            client=row.client,
            detail=composed.audit or f"{row.kind} sent by {row.channel}",
        )
    return row, True
