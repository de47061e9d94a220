"""Messages to clients about their appointments: what they say, how they travel, and the
ledger (Notification) that makes each one go out exactly once.

Minimum necessary (45 CFR 164.502(b)): a message carries a date, a time, a place or video
link and a sign-in link, the practice's name only if the client allowed it, and never a word
that reveals why someone sees the practice. The context built here holds nothing else; the
templates are scanned for FORBIDDEN_WORDS by the tests, and free text typed by staff that is
sent on (a decline reason) is checked against the same list by the form.

Channels: each channel knows whether the client allows it and where to send. Only email
exists today; an SMS channel is one more class in CHANNELS (consent: Intake.may_text, address:
Intake.phone, templates: <kind>_sms.txt).
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Protocol

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from portal.audit import audit_record
from portal.models import AuditEvent, Practice, User
from portal.selectors import practice_get

from .models import Appointment, AppointmentRequest, Modality, Notification
from .slots import PRACTICE_ZONE

logger = logging.getLogger(__name__)

# Words that would tell a reader of the message why the client sees the practice. Matched
# case-insensitively at the start of a word ("pregnan" catches pregnancy and pregnant).
FORBIDDEN_WORDS = (
    "miscarr",
    "loss",
    "lost",
    "pregnan",
    "postpartum",
    "postnatal",
    "perinatal",
    "baby",
    "babies",
    "infant",
    "stillbirth",
    "depress",
    "anxiety",
    "grief",
    "grieving",
    "bereave",
    "therap",
    "counsel",
    "psych",
    "mental",
    "couples",
    "trauma",
    "suicid",
    "self-harm",
    "diagnos",
    "LCSW",
    "LPC",
)
_FORBIDDEN_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in FORBIDDEN_WORDS) + ")", re.IGNORECASE)

TEMPLATE_DIR = "scheduling/email"
# Which messages carry a calendar file, and with which iTIP method.
ICS_METHOD = {
    Notification.Kind.CONFIRMATION: "REQUEST",
    Notification.Kind.RESCHEDULE: "REQUEST",
    Notification.Kind.CANCELLATION: "CANCEL",
}
# A message still pending or failed after this long is sent again by the periodic task:
# its first task may have been lost with a broker outage or a dead worker.
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 12
PRODID = "-//Client portal//Appointments//EN"


def forbidden_words_in(text: str) -> list[str]:
    """The forbidden words found in ``text`` (as written there), for forms and tests."""
    return [match.group(0) for match in _FORBIDDEN_RE.finditer(text or "")]


class NotificationSendError(Exception):
    """A channel failed to hand over the message; the task retries it."""


# --- Who the client is, as far as messages are concerned


@dataclass(frozen=True)
class Contact:
    """What messages may use about a client. Nothing clinical."""

    name: str
    email: str
    phone: str = ""
    may_email: bool | None = None
    may_text: bool | None = None
    may_voicemail: bool | None = None
    may_name_practice: bool = False


def client_contact(*, client: User) -> Contact:
    """The client's contact details and consents, as the intake exposes them (or just the account)."""
    from intake.selectors import intake_contact_for_front_desk

    details = intake_contact_for_front_desk(client=client)
    channels = details["channels"]
    short_name = client.get_short_name() if client.full_name else ""
    return Contact(
        name=details["preferred_name"].strip() or short_name,
        # The address she signed in with, which she proved is hers; the contact address typed
        # in the intake is unverified, and one wrong letter would send her appointment to a
        # stranger (the front desk still sees it, to reach out by hand).
        email=client.email.strip(),
        phone=details["phone"].strip(),
        may_email=channels.get("email"),
        may_text=channels.get("text"),
        may_voicemail=channels.get("voicemail"),
        may_name_practice=channels.get("name_practice") is True,
    )


# --- Channels


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


# --- Rendering


def _site_url(name: str) -> str:
    return settings.SITE_URL + reverse(name)


def _local(instant: datetime) -> datetime:
    return instant.astimezone(PRACTICE_ZONE)


def _practice_name(contact: Contact, practice: Practice | None) -> str:
    return practice.name if practice is not None and contact.may_name_practice else ""


def appointment_place(appointment: Appointment, practice: Practice | None = None) -> dict:
    """The office address for an in-person session, the therapist's video link for telehealth."""
    if appointment.modality == Modality.TELEHEALTH:
        profile = getattr(appointment.therapist, "therapist_profile", None)
        return {"in_person": False, "address": "", "video_link": profile.video_link if profile else ""}
    if appointment.office is not None:
        address = " ".join(appointment.office.address.split())
    else:
        address = practice.address_one_line if practice else ""
    return {"in_person": True, "address": address, "video_link": ""}


def appointment_message_context(
    *, appointment: Appointment, contact: Contact, practice: Practice | None
) -> dict:
    """Everything an appointment message may say. Deliberately no session type, no therapist
    name or credentials, no request note: any of them can reveal the reason for care."""
    local_start = _local(appointment.start)
    return {
        "name": contact.name,
        "practice_name": _practice_name(contact, practice),
        "date": dateformat.format(local_start, "l, F j, Y"),
        "time": dateformat.format(local_start, "g:i A T"),
        "minutes": int((appointment.end - appointment.start).total_seconds() // 60),
        "sign_in_url": _site_url("scheduling:my_appointments"),
        **appointment_place(appointment, practice),
    }


def request_message_context(
    *, appointment_request: AppointmentRequest, contact: Contact, practice: Practice | None
) -> dict:
    return {
        "name": contact.name,
        "practice_name": _practice_name(contact, practice),
        "reason": appointment_request.decline_reason,
        "sign_in_url": _site_url("scheduling:my_appointments"),
    }


def message_render(*, kind: str, context: dict) -> OutgoingMessage:
    """The subject / text / html triple for one kind of message."""
    subject = render_to_string(f"{TEMPLATE_DIR}/{kind}_subject.txt", context)
    text = render_to_string(f"{TEMPLATE_DIR}/{kind}_body.txt", context)
    return OutgoingMessage(
        subject=" ".join(subject.split()),
        text=re.sub(r"\n{3,}", "\n\n", text).strip() + "\n",
        html=render_to_string(f"{TEMPLATE_DIR}/{kind}_body.html", context),
    )


def appointment_ics(
    *, appointment: Appointment, method: str, contact: Contact, practice: Practice | None
) -> bytes:
    """An iCalendar file for the appointment, times in America/Denver with its VTIMEZONE.

    UID is stable per appointment and SEQUENCE is its revision, so a calendar replaces the
    event on a new time and removes it on CANCEL.
    """
    practice_name = _practice_name(contact, practice)
    place = appointment_place(appointment, practice)
    summary = f"Appointment - {practice_name}" if practice_name else "Appointment"
    calendar = icalendar.Calendar.new(prodid=PRODID, method=method)
    event = icalendar.Event.new(
        uid=f"appointment-{appointment.pk}@{_uid_domain()}",
        stamp=timezone.now(),
        start=_local(appointment.start),
        end=_local(appointment.end),
        sequence=appointment.sequence,
        summary=summary,
        location=place["address"] or place["video_link"] or None,
        url=place["video_link"] or None,
        description=f"Sign in for details: {_site_url('scheduling:my_appointments')}",
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    organizer = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if organizer:
        event.add("organizer", f"mailto:{organizer}")
    if contact.email:
        event.add("attendee", f"mailto:{contact.email}", parameters={"RSVP": "FALSE"})
    calendar.add_component(event)
    # Only the transitions around the appointment, not decades of them.
    day = _local(appointment.start).date()
    calendar.add_missing_timezones(first_date=day - timedelta(days=366), last_date=day + timedelta(days=732))
    return calendar.to_ical()


def _uid_domain() -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host or "portal.invalid"


# --- The ledger: create, deliver, sweep


def notification_key(*, kind: str, channel: str, version: int, appointment_id=None, request_id=None) -> str:
    subject = f"appointment-{appointment_id}" if appointment_id is not None else f"request-{request_id}"
    return f"{kind}:{subject}:v{version}:{channel}"


def notification_enqueue(
    *,
    kind: str,
    appointment: Appointment | None = None,
    appointment_request: AppointmentRequest | None = None,
    version: int = 0,
    send_after_commit: bool = True,
) -> list[Notification]:
    """Record the message on every channel in the caller's transaction, and send it once
    that commits.

    Recording first means a message is never lost between a booking and its task: if the
    task never runs (broker down, worker killed), the periodic sweep sends it.
    """
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
    if send_after_commit:
        ids = [row.pk for row in rows]
        # robust: a broker outage must not turn a committed booking into an error page; the
        # periodic sweep sends what this could not enqueue.
        transaction.on_commit(lambda: _send_later(ids), robust=True)
    return rows


def _send_later(ids: list[int]) -> None:
    from .tasks import deliver_notification

    for pk in ids:
        deliver_notification.delay(pk)


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
            message = _message_for(row, contact)
        message = replace(message, message_id=f"<notification-{row.pk}@{_uid_domain()}>")
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


def _message_for(row: Notification, contact: Contact) -> OutgoingMessage:
    practice = practice_get()
    if row.appointment is None:
        context = request_message_context(
            appointment_request=row.appointment_request, contact=contact, practice=practice
        )
        return message_render(kind=row.kind, context=context)
    context = appointment_message_context(appointment=row.appointment, contact=contact, practice=practice)
    message = message_render(kind=row.kind, context=context)
    method = ICS_METHOD.get(row.kind)
    if method:
        ics = appointment_ics(appointment=row.appointment, method=method, contact=contact, practice=practice)
        message.attachments.append(("appointment.ics", ics, f"text/calendar; method={method}; charset=utf-8"))
    return message


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
            rows = notification_enqueue(
                kind=Notification.Kind.REMINDER, appointment=appointment, send_after_commit=False
            )
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
