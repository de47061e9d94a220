"""Intake's kinds of message in the portal's ledger (portal.message_ledger), registered by
IntakeConfig.ready().

The on-call alert of a same-day flag, one message per step of its ladder (intake.alerts
decides when a step is due and records it). For each: whether the flag still waits for it, to
whom it goes, what it says (no client's name, no answer, no clinical word: only a link), and,
once sent, what the flag records for the staff page.

The client's "we have received it" once her intake is sent: to the address she signed in
with unless she said no to email, the practice named only if she allowed it, and not a word
of why she is in care.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from portal.audit import audit_record
from portal.message_ledger import (
    Composed,
    MessageKind,
    OutgoingMessage,
    message_header_id,
    message_kind_register,
)
from portal.models import AuditEvent, Message
from portal.selectors import practice_get

from .alerts import RISK_ALERT, SENT_FIELD, Step, alert_recipients, alert_step, alert_version, flags_waiting
from .models import Intake, RiskFlag, RiskLevelChoices

INTAKE_RECEIVED = "intake_received"

# A first alert whose task was lost goes out on the ledger's next sweep after this, not after
# the ten minutes an appointment email may wait.
RESEND_AFTER = dt.timedelta(minutes=1)
NO_LONGER_WAITING = "no longer due: acknowledged, told already, or opened again"
_AUDIT_SENT = {
    Step.FIRST: "on-call notified ({n} addresses)",
    Step.REALERT: "on-call alerted again, not acknowledged ({n} addresses)",
    Step.ESCALATE: "practice admins alerted, not acknowledged ({n} addresses)",
}


def _first_alert_header_id(row: Message, alert_round: int) -> str:
    first = Message.objects.filter(
        kind=RISK_ALERT,
        subject_type_id=row.subject_type_id,
        subject_id=row.subject_id,
        channel=row.channel,
        version=alert_version(alert_round=alert_round, step=Step.FIRST),
    ).first()
    return message_header_id(first) if first else ""


def _compose(row: Message, now: dt.datetime) -> Composed:
    """The email for one step: no client's name, no answer, no clinical word; only a link."""
    alert_round, step = alert_step(row.version)
    flag = RiskFlag.objects.filter(flags_waiting(step), pk=row.subject_id, alert_round=alert_round).first()
    if flag is None:
        return Composed(skip=NO_LONGER_WAITING)
    recipients = alert_recipients(step, practice_get())
    context = {
        "step": step.value,
        "urgent": flag.level == RiskLevelChoices.URGENT,
        "raised_at": flag.raised_at,
        "waited_minutes": int((now - flag.notified_at).total_seconds() // 60) if flag.notified_at else 0,
        "review_url": settings.SITE_URL + reverse("intake:staff_detail", kwargs={"pk": flag.intake_id}),
    }
    message = OutgoingMessage(
        subject=render_to_string("intake/email/review_needed_subject.txt", context).strip(),
        text=render_to_string("intake/email/review_needed.txt", context),
        html=render_to_string("intake/email/review_needed.html", context),
        in_reply_to="" if step == Step.FIRST else _first_alert_header_id(row, alert_round),
    )
    return Composed(to=tuple(recipients), message=message, audit=_AUDIT_SENT[step].format(n=len(recipients)))


def _sent(row: Message, now: dt.datetime) -> None:
    """Record on the flag what the staff page shows: when each step went out."""
    alert_round, step = alert_step(row.version)
    intake_id = RiskFlag.objects.values_list("intake_id", flat=True).get(pk=row.subject_id)
    # Every flag of the intake, in key order (the order a client's save takes them in),
    # since an urgent alert may mark the others as told.
    locked = list(RiskFlag.objects.select_for_update(of=("self",)).filter(intake_id=intake_id).order_by("pk"))
    flag = next(f for f in locked if f.pk == row.subject_id)
    # A later answer may have opened the flag again while the email was on its way: the new
    # round's steps are still to send.
    if flag.alert_round != alert_round:
        return
    setattr(flag, SENT_FIELD[step], now)
    flag.notify_failed_at = None
    flag.save(update_fields=[SENT_FIELD[step], "notify_failed_at", "updated_at"])
    if step == Step.FIRST and flag.level == RiskLevelChoices.URGENT:
        _covered_flags_mark(flag, locked, client=row.client, now=now)


def _covered_flags_mark(flag: RiskFlag, locked: list[RiskFlag], *, client, now: dt.datetime) -> None:
    """The intake's high flags not yet alerted were told of by this urgent alert (it names
    the intake, not the answer): record them as notified, so none is sent later on its own.
    `locked` are the intake's flags, already locked by the caller."""
    covered = [f for f in locked if f.level == RiskLevelChoices.HIGH and f.notified_at is None]
    for high in covered:
        high.notified_at = now
        high.save(update_fields=["notified_at", "updated_at"])
        audit_record(
            actor=None,
            action=AuditEvent.Action.NOTIFY,
            object_type="risk_flag",
            object_id=high.pk,
            client=client,
            detail=f"on-call told by the urgent alert of flag {flag.pk}",
        )


RISK_ALERT_KIND = MessageKind(name=RISK_ALERT, compose=_compose, sent=_sent, resend_after=RESEND_AFTER)


def _received_compose(row: Message, now: dt.datetime) -> Composed:
    """The client's receipt for her sent intake."""
    intake = Intake.objects.select_related("client").get(pk=row.subject_id)
    if intake.may_email is False:
        return Composed(skip="client has not allowed email")
    address = intake.client.email.strip()
    if not address:
        return Composed(skip="no address")
    context = {
        "name": intake.preferred_name.strip(),
        "practice_name": practice_get().name if intake.may_name_practice is True else "",
        "sign_in_url": settings.SITE_URL + reverse("portal:home"),
    }
    message = OutgoingMessage(
        subject=" ".join(render_to_string("intake/email/received_subject.txt", context).split()),
        text=render_to_string("intake/email/received.txt", context),
        html=render_to_string("intake/email/received.html", context),
    )
    return Composed(to=(address,), message=message)


INTAKE_RECEIVED_KIND = MessageKind(name=INTAKE_RECEIVED, compose=_received_compose)


def message_kinds_register() -> None:
    message_kind_register(RISK_ALERT_KIND)
    message_kind_register(INTAKE_RECEIVED_KIND)
