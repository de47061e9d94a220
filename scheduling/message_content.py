"""What scheduling's messages to clients say: the context a message may carry, the subject /
text / html triple and the calendar file (the appointment's place comes from
selectors.appointment_place, as on the client's page).

Minimum necessary (45 CFR 164.502(b)): a message carries a date, a time, a place or video
link and a sign-in link, the practice's name only if the client allowed it, and never a word
that reveals why someone sees the practice. The context built here holds nothing else; the
templates are scanned for FORBIDDEN_WORDS by the tests, and free text typed by staff that is
sent on (a decline reason) is checked against the same list by the service.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import timedelta
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from intake.selectors import intake_contact_for_front_desk
from portal.message_ledger import OutgoingMessage, site_host
from portal.models import Practice, User
from portal.selectors import practice_get

from .models import Appointment, AppointmentRequest, GoodFaithEstimate, NotificationKind
from .selectors import appointment_place
from .slots import to_practice_time

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
    # Safety at home (the HARK screen): no message may hint that anyone asked, or what she said.
    "abuse",
    "abusi",
    "violen",
    "domestic",
    "hotline",
    "humiliat",
    "afraid",
    "rape",
    "assault",
    "kicked",
    "slapped",
    "partner safety",
    "safety at home",
    "unsafe",
    "HARK",
)
_FORBIDDEN_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in FORBIDDEN_WORDS) + ")", re.IGNORECASE)

TEMPLATE_DIR = "scheduling/email"
# Which messages carry a calendar file, and with which iTIP method.
ICS_METHOD = {
    NotificationKind.CONFIRMATION: "REQUEST",
    NotificationKind.RESCHEDULE: "REQUEST",
    NotificationKind.CANCELLATION: "CANCEL",
}
PRODID = "-//Client portal//Appointments//EN"


def forbidden_words_in(text: str) -> list[str]:
    """The forbidden words found in ``text`` (as written there), for forms and tests."""
    return [match.group(0) for match in _FORBIDDEN_RE.finditer(text or "")]


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
    details = intake_contact_for_front_desk(client=client)
    channels = details["channels"]
    # The name she gave to be called by, else the first of her names (the intake's legal name,
    # else the account's): never her email address, and a "Hello," with no name only when she
    # has given none at all.
    names = (details["name"] or "").split()
    return Contact(
        name=details["preferred_name"].strip() or (names[0] if names else ""),
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


# --- Rendering


def _site_url(name: str) -> str:
    return settings.SITE_URL + reverse(name)


def _practice_name(contact: Contact, practice: Practice) -> str:
    return practice.name if contact.may_name_practice else ""


def appointment_message_context(*, appointment: Appointment, contact: Contact, practice: Practice) -> dict:
    """Everything an appointment message may say. Deliberately no session type, no therapist
    name or credentials, no request note: any of them can reveal the reason for care."""
    local_start = to_practice_time(appointment.start)
    return {
        "name": contact.name,
        "practice_name": _practice_name(contact, practice),
        "date": dateformat.format(local_start, "l, F j, Y"),
        "time": dateformat.format(local_start, "g:i A T"),
        "minutes": int((appointment.end - appointment.start).total_seconds() // 60),
        "sign_in_url": _site_url("scheduling:my_appointments"),
        # The templates' _when partials read these three (in_person, address, video_link).
        **asdict(appointment_place(appointment=appointment, practice=practice)),
    }


def request_message_context(
    *, appointment_request: AppointmentRequest, contact: Contact, practice: Practice
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


def appointment_ics(*, appointment: Appointment, method: str, contact: Contact, practice: Practice) -> bytes:
    """An iCalendar file for the appointment, times in America/Denver with its VTIMEZONE.

    UID is stable per appointment and SEQUENCE is its revision, so a calendar replaces the
    event on a new time and removes it on CANCEL.
    """
    practice_name = _practice_name(contact, practice)
    place = appointment_place(appointment=appointment, practice=practice)
    summary = f"Appointment - {practice_name}" if practice_name else "Appointment"
    calendar = icalendar.Calendar.new(prodid=PRODID, method=method)
    event = icalendar.Event.new(
        uid=f"appointment-{appointment.pk}@{site_host()}",
        stamp=timezone.now(),
        start=to_practice_time(appointment.start),
        end=to_practice_time(appointment.end),
        sequence=appointment.sequence,
        summary=summary,
        location=place.address or place.video_link or None,
        url=place.video_link or None,
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
    day = to_practice_time(appointment.start).date()
    calendar.add_missing_timezones(first_date=day - timedelta(days=366), last_date=day + timedelta(days=732))
    return calendar.to_ical()


def estimate_message_context(*, contact: Contact, practice: Practice) -> dict:
    """That an estimate is ready, and where: no amount, no service, nothing more."""
    return {
        "name": contact.name,
        "practice_name": _practice_name(contact, practice),
        "sign_in_url": _site_url("scheduling:estimates"),
    }


def message_for(
    *, kind: str, subject: Appointment | AppointmentRequest | GoodFaithEstimate, contact: Contact
) -> OutgoingMessage:
    """The message of ``kind`` about an appointment, a request or an estimate, with its
    calendar file where the kind has one."""
    practice = practice_get()
    if isinstance(subject, GoodFaithEstimate):
        return message_render(kind=kind, context=estimate_message_context(contact=contact, practice=practice))
    if isinstance(subject, AppointmentRequest):
        context = request_message_context(appointment_request=subject, contact=contact, practice=practice)
        return message_render(kind=kind, context=context)
    context = appointment_message_context(appointment=subject, contact=contact, practice=practice)
    message = message_render(kind=kind, context=context)
    method = ICS_METHOD.get(kind)
    if method:
        ics = appointment_ics(appointment=subject, method=method, contact=contact, practice=practice)
        message.attachments.append(("appointment.ics", ics, f"text/calendar; method={method}; charset=utf-8"))
    return message
