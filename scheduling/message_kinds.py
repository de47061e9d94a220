"""Scheduling's kinds of message in the portal's ledger (portal.message_ledger): for each
recorded message, whether it is still worth sending, where it goes (the client's consents,
as the intake keeps them) and what it says (scheduling.message_content). Registered by
SchedulingConfig.ready()."""

from datetime import datetime

from portal.message_ledger import Composed, MessageKind, message_kind_register
from portal.models import Message

from .message_content import Contact, client_contact, message_for
from .models import Appointment, AppointmentRequest, GoodFaithEstimate, NotificationKind


def _subject(row: Message) -> Appointment | AppointmentRequest | GoodFaithEstimate:
    if row.subject_type.model_class() is AppointmentRequest:
        return AppointmentRequest.objects.get(pk=row.subject_id)
    if row.subject_type.model_class() is GoodFaithEstimate:
        return GoodFaithEstimate.objects.get(pk=row.subject_id)
    return Appointment.objects.select_related("office", "therapist__therapist_profile").get(pk=row.subject_id)


def _out_of_date(kind: str, subject, version: int, now: datetime) -> str:
    """Why this message should no longer go out, or "" if it should."""
    if kind in (NotificationKind.CONFIRMATION, NotificationKind.RESCHEDULE):
        if subject.status != Appointment.Status.BOOKED or subject.sequence != version:
            return "superseded by a later change"
    elif kind == NotificationKind.REMINDER:
        if subject.status != Appointment.Status.BOOKED or subject.start <= now:
            return "appointment no longer upcoming"
    elif kind == NotificationKind.CANCELLATION:
        if subject.status != Appointment.Status.CANCELLED:
            return "appointment not cancelled"
    elif kind == NotificationKind.DECLINE and subject.status != AppointmentRequest.Status.DECLINED:
        return "request not declined"
    return ""


def _email_address(contact: Contact) -> str:
    # An explicit "no" is always honoured. Unanswered: the address the client signed up with
    # and gave us, which the portal already writes to for sign-in.
    return "" if contact.may_email is False else contact.email


# Where each channel goes for a client, "" when she has not allowed it. An SMS channel is one
# more entry (consent: Intake.may_text, address: Intake.phone, templates: <kind>_sms.txt).
ADDRESSES = {Message.Channel.EMAIL: _email_address}


def _compose(row: Message, now: datetime) -> Composed:
    subject = _subject(row)
    reason = _out_of_date(row.kind, subject, row.version, now)
    if reason:
        return Composed(skip=reason)
    contact = client_contact(client=row.client)
    address_for = ADDRESSES.get(row.channel)
    address = address_for(contact) if address_for else ""
    if not address:
        return Composed(skip="client has not allowed this channel")
    return Composed(to=(address,), message=message_for(kind=row.kind, subject=subject, contact=contact))


def _reminder_sent(row: Message, now: datetime) -> None:
    Appointment.objects.filter(pk=row.subject_id, reminder_sent_at__isnull=True).update(reminder_sent_at=now)


KINDS = tuple(
    MessageKind(name=kind, compose=_compose, sent=_reminder_sent)
    if kind == NotificationKind.REMINDER
    else MessageKind(name=kind, compose=_compose)
    for kind in NotificationKind.values
)


def message_kinds_register() -> None:
    for kind in KINDS:
        message_kind_register(kind)
