"""The ledger (Notification) that makes each message to a client go out exactly once, and
the channels it goes by: record, claim, send, record the result, sweep.

Channels: each channel knows whether the client allows it and where to send. Only email
exists today; an SMS channel is one more class in CHANNELS (consent: Intake.may_text, address:
Intake.phone, templates: <kind>_sms.txt).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone, translation

from portal.audit import audit_record
from portal.models import AuditEvent
from portal.selectors import practice_get

from .message_content import Contact, OutgoingMessage, client_contact, notification_message, uid_domain
from .models import Appointment, AppointmentRequest, Notification

logger = logging.getLogger(__name__)

# A message still pending or failed after this long is sent again by the periodic task:
# its first task may have been lost with a broker outage or a dead worker.
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 12


class NotificationSendError(Exception):
    """A channel failed to hand over the message; the task retries it."""


class Channel(Protocol):
    name: str

    def address(self, contact: Contact) -> str:
        """Where to send, or "" when the client has not allowed this channel or gave no address."""

    def send(self, *, address: str, message: OutgoingMessage) -> None:
        """Hand the message over; raise NotificationSendError if that failed."""


class EmailChannel:
    name = Notification.Channel.EMAIL

    def address(self, contact: Contact) -> str:
        # An explicit "no" is always honoured. Unanswered: the address the client signed up
        # with and gave us, which the portal already writes to for sign-in.
        if contact.may_email is False:
            return ""
        return contact.email

    def send(self, *, address: str, message: OutgoingMessage) -> None:
        email = EmailMultiAlternatives(
            subject=message.subject, body=message.text, to=[address], from_email=settings.DEFAULT_FROM_EMAIL
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        for filename, content, mimetype in message.attachments:
            email.attach(filename, content, mimetype)
        if message.message_id:
            email.extra_headers["Message-ID"] = message.message_id
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as error:
            raise NotificationSendError(type(error).__name__) from error


CHANNELS: dict[str, Channel] = {Notification.Channel.EMAIL: EmailChannel()}


# --- The ledger: record, deliver, sweep


def notification_key(*, kind: str, channel: str, version: int, appointment_id=None, request_id=None) -> str:
    subject = f"appointment-{appointment_id}" if appointment_id is not None else f"request-{request_id}"
    return f"{kind}:{subject}:v{version}:{channel}"


def notification_record(
    *,
    kind: str,
    appointment: Appointment | None = None,
    appointment_request: AppointmentRequest | None = None,
    version: int = 0,
) -> list[Notification]:
    """The message's row on every channel, in the caller's transaction (the same row again if
    it is already recorded: the key names the message)."""
    subject = appointment or appointment_request
    rows = []
    for channel in CHANNELS:
        key = notification_key(
            kind=kind,
            channel=channel,
            version=version,
            appointment_id=appointment.pk if appointment else None,
            request_id=appointment_request.pk if appointment_request else None,
        )
        row, _created = Notification.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "channel": channel,
                "client_id": subject.client_id,
                "appointment": appointment,
                "appointment_request": appointment_request,
                "version": version,
            },
        )
        rows.append(row)
    return rows


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> Notification:
    """Send one recorded message unless it has been sent already. Safe to run any number of
    times, at once or one after another: the row lock lets one run send, the others find it
    sent. Raises NotificationSendError (after recording the failure) so the task retries.
    """
    return _deliver(notification_id, now or timezone.now())[0]


def _claim_lease() -> timedelta:
    # No task runs longer than its hard time limit: a claim older than that belongs to a
    # sender that died before recording what happened, and the message may go again.
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def _deliver(notification_id: int, now: datetime) -> tuple[Notification, bool]:
    """notification_deliver, also saying whether this call was the one that sent it.

    No row lock or transaction is held while the mail server is talked to: the message is
    claimed (claimed_at) and built in one short transaction, sent outside any, and the
    result recorded with its audit row in another. A crash can then repeat a message only
    within one round trip to the mail server, and the repeat has the same Message-ID.
    """
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(of=("self",))
            .select_related(
                "client",
                "appointment__office",
                "appointment__therapist__therapist_profile",
                "appointment_request",
            )
            .get(pk=notification_id)
        )
        if row.status in (Notification.Status.SENT, Notification.Status.SKIPPED):
            return row, False
        if row.claimed_at is not None and row.claimed_at > now - _claim_lease():
            return row, False  # another run is sending it right now
        contact = client_contact(client=row.client)
        channel = CHANNELS.get(row.channel)
        address = channel.address(contact) if channel else ""
        reason = _out_of_date(row, now) or ("" if address else "client has not allowed this channel")
        if reason:
            row.status, row.skipped_reason = Notification.Status.SKIPPED, reason
            row.save(update_fields=["status", "skipped_reason", "updated_at"])
            return row, False
        with translation.override(settings.LANGUAGE_CODE):
            message = notification_message(row=row, contact=contact)
        message = replace(message, message_id=f"<notification-{row.pk}@{uid_domain()}>")
        row.attempts += 1
        row.claimed_at = now
        row.save(update_fields=["attempts", "claimed_at", "updated_at"])

    try:
        channel.send(address=address, message=message)
    except NotificationSendError as error:
        with transaction.atomic():
            Notification.objects.filter(pk=row.pk).update(
                status=Notification.Status.FAILED,
                last_error=str(error)[:300],
                claimed_at=None,
                updated_at=now,
            )
        row.status = Notification.Status.FAILED
        raise

    with transaction.atomic():
        row.status, row.sent_at, row.last_error, row.claimed_at = Notification.Status.SENT, now, "", None
        row.save(update_fields=["status", "sent_at", "last_error", "claimed_at", "updated_at"])
        if row.kind == Notification.Kind.REMINDER:
            Appointment.objects.filter(pk=row.appointment_id, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
        audit_record(
            actor=None,
            action=AuditEvent.Action.NOTIFY,
            object_type="notification",
            object_id=row.pk,
            client=row.client,
            detail=f"{row.kind} sent by {row.channel}",
        )
    return row, True


def _out_of_date(row: Notification, now: datetime) -> str:
    """Why this message should no longer go out, or "" if it should."""
    appointment = row.appointment
    kind = row.kind
    if kind in (Notification.Kind.CONFIRMATION, Notification.Kind.RESCHEDULE):
        if appointment.status != Appointment.Status.BOOKED or appointment.sequence != row.version:
            return "superseded by a later change"
    elif kind == Notification.Kind.REMINDER:
        if appointment.status != Appointment.Status.BOOKED or appointment.start <= now:
            return "appointment no longer upcoming"
    elif kind == Notification.Kind.CANCELLATION:
        if appointment.status != Appointment.Status.CANCELLED:
            return "appointment not cancelled"
    elif kind == Notification.Kind.DECLINE and (
        row.appointment_request.status != AppointmentRequest.Status.DECLINED
    ):
        return "request not declined"
    return ""


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Remind every booked appointment starting within the practice's reminder time that has
    no reminder yet; also re-send messages whose first attempt went missing. Returns how many
    reminders went out. Overlapping runs are safe: each reminder has one ledger row per
    channel (key without a revision), sent under its row lock.
    """
    now = now or timezone.now()
    practice = practice_get()
    hours = practice.reminder_hours_before if practice else 24
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED,
        reminder_sent_at__isnull=True,
        start__gt=now,
        start__lte=now + timedelta(hours=hours),
    ).only("pk", "client_id")
    sent = 0
    for appointment in due:
        with transaction.atomic():
            rows = notification_record(kind=Notification.Kind.REMINDER, appointment=appointment)
        for row in rows:
            sent += _deliver_quietly(row.pk, now)
    for pk in Notification.objects.filter(
        status__in=(Notification.Status.PENDING, Notification.Status.FAILED),
        created_at__lt=now - STALE_AFTER,
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True):
        _deliver_quietly(pk, now)
    return sent


def _deliver_quietly(pk: int, now: datetime) -> bool:
    try:
        return _deliver(pk, now)[1]
    except NotificationSendError:
        logger.warning("notification %s failed; it will be tried again", pk)
        return False
