"""On-call alerts for same-day safety flags, and the ladder for an urgent one nobody takes.

A HIGH or URGENT flag emails the on-call addresses once. An URGENT flag still not
acknowledged the practice's re-alert interval after that email is emailed to them again;
after the same time once more, to every active practice admin as well. Acknowledging the
flag stops the ladder; a later answer that opens it again starts a new round.

No row lock or transaction is held across SMTP: a step is claimed (alert_claimed_at) in one
short transaction, the email is sent outside any, and the result is recorded with its audit
row in another. A crash can then repeat a message only within one SMTP round trip, and the
repeat carries the same Message-ID, so mail programs show it once. With nobody to send to,
the flag records it (notify_failed_at), the error is logged once, and the flag waits for an
address instead of being queued again every minute.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from email.utils import parseaddr
from enum import StrEnum
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.audit import audit_record
from portal.models import AuditEvent, Practice
from portal.selectors import (
    on_call_addresses,
    on_call_alerts_configured,
    practice_admin_addresses,
    practice_get,
)

from .models import RiskFlag, RiskLevelChoices

logger = logging.getLogger(__name__)

SAME_DAY = (RiskLevelChoices.HIGH, RiskLevelChoices.URGENT)
LOG_NO_ADDRESS = (
    "Flag %s (%s) was not emailed to anyone: no on-call address is set. Add one in Django admin "
    "(Practice, Safety) or set PORTAL_ON_CALL_EMAILS; the alert is sent once there is one."
)
LOG_SEND_FAILED = "The %s alert of flag %s could not be sent; the next run tries again."


class Step(StrEnum):
    FIRST = "first"
    REALERT = "realert"
    ESCALATE = "escalate"


class Outcome(StrEnum):
    SENT = "sent"
    # Already sent, acknowledged, not yet time, or not a same-day flag.
    NOT_DUE = "not_due"
    # Another run has claimed this step and is sending it.
    IN_FLIGHT = "in_flight"
    NO_RECIPIENTS = "no_recipients"


@dataclass(frozen=True)
class AlertResult:
    flag_id: int
    step: Step
    outcome: Outcome
    recipients: int = 0

    @property
    def sent(self) -> bool:
        return self.outcome == Outcome.SENT


_SENT_FIELD = {Step.FIRST: "notified_at", Step.REALERT: "realerted_at", Step.ESCALATE: "escalated_at"}
_AUDIT_SENT = {
    Step.FIRST: "on-call notified ({n} addresses)",
    Step.REALERT: "on-call alerted again, not acknowledged ({n} addresses)",
    Step.ESCALATE: "practice admins alerted, not acknowledged ({n} addresses)",
}


# --- Rules


def realert_interval(*, practice: Practice) -> dt.timedelta:
    """How long an urgent flag may wait unacknowledged before the ladder's next step."""
    return dt.timedelta(minutes=practice.urgent_realert_minutes)


def _due(step: Step, *, now: dt.datetime, interval: dt.timedelta) -> Q:
    """The flags for which `step` is due at `now`: the one statement of the ladder."""
    waiting = Q(acknowledged_at__isnull=True, level__in=SAME_DAY)
    if step == Step.FIRST:
        # While the intake has an open urgent flag, its alert speaks for the intake: a high
        # flag raised by the same answers (an acute ASQ is also a positive one) waits, and is
        # marked as told when the urgent alert goes (_covered_flags_mark), so the on-call
        # gets one email, not two at once.
        urgent_open = RiskFlag.objects.filter(
            intake=OuterRef("intake"), level=RiskLevelChoices.URGENT, acknowledged_at__isnull=True
        )
        return waiting & Q(notified_at__isnull=True) & ~(Q(level=RiskLevelChoices.HIGH) & Exists(urgent_open))
    if step == Step.REALERT:
        return waiting & Q(
            level=RiskLevelChoices.URGENT, realerted_at__isnull=True, notified_at__lte=now - interval
        )
    return waiting & Q(
        level=RiskLevelChoices.URGENT, escalated_at__isnull=True, realerted_at__lte=now - interval
    )


def _claim_lease() -> dt.timedelta:
    # No task runs longer than its hard time limit, so a claim this old belongs to a sender
    # that died before recording its result: the step may be sent again.
    return dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def _unclaimed(now: dt.datetime) -> Q:
    return Q(alert_claimed_at__isnull=True) | Q(alert_claimed_at__lte=now - _claim_lease())


def _recipients(step: Step, practice: Practice) -> list[str]:
    on_call = on_call_addresses(practice=practice)
    if step == Step.ESCALATE:
        return list(dict.fromkeys([*on_call, *practice_admin_addresses()]))
    return on_call


# --- The message


def _message_id(flag: RiskFlag, step: Step) -> str:
    # Stable for a flag, its round and the step, so a resend after a crash is the same message.
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "portal.invalid"
    return f"<alert-{flag.pk}.{flag.alert_round}.{step}@{domain}>"


def _message(
    flag: RiskFlag, step: Step, recipients: list[str], *, now: dt.datetime
) -> EmailMultiAlternatives:
    """The email for one step: no client's name, no answer, no clinical word; only a link."""
    context = {
        "step": step.value,
        "urgent": flag.level == RiskLevelChoices.URGENT,
        "raised_at": flag.raised_at,
        "waited_minutes": int((now - flag.notified_at).total_seconds() // 60) if flag.notified_at else 0,
        "review_url": settings.SITE_URL + reverse("intake:staff_detail", kwargs={"pk": flag.intake_id}),
    }
    headers = {"Message-ID": _message_id(flag, step)}
    if step != Step.FIRST:
        first = _message_id(flag, Step.FIRST)
        headers |= {"In-Reply-To": first, "References": first}
    message = EmailMultiAlternatives(
        subject=render_to_string("intake/email/review_needed_subject.txt", context).strip(),
        body=render_to_string("intake/email/review_needed.txt", context),
        to=recipients,
        headers=headers,
    )
    message.attach_alternative(render_to_string("intake/email/review_needed.html", context), "text/html")
    return message


# --- Sending one step


def _alert_step(*, flag_id: int, step: Step, now: dt.datetime, practice: Practice) -> AlertResult:
    """Claim, send and record one step of one flag's alerts (see the module docstring)."""
    interval = realert_interval(practice=practice)
    first_failure = False
    with transaction.atomic():
        flag = (
            RiskFlag.objects.select_for_update(of=("self",))
            .filter(_due(step, now=now, interval=interval), pk=flag_id)
            .select_related("intake__client")
            .first()
        )
        if flag is None:
            return AlertResult(flag_id, step, Outcome.NOT_DUE)
        if not RiskFlag.objects.filter(_unclaimed(now), pk=flag_id).exists():
            return AlertResult(flag_id, step, Outcome.IN_FLIGHT)
        recipients = _recipients(step, practice)
        if recipients:
            flag.alert_claimed_at = now
            flag.save(update_fields=["alert_claimed_at", "updated_at"])
        elif flag.notify_failed_at is None:
            first_failure = True
            flag.notify_failed_at = now
            flag.save(update_fields=["notify_failed_at", "updated_at"])
            audit_record(
                actor=None,
                action=AuditEvent.Action.NOTIFY,
                object_type="risk_flag",
                object_id=flag.pk,
                client=flag.intake.client,
                detail=f"{step} alert not sent: no on-call address is set",
            )
    if not recipients:
        if first_failure:
            logger.error(LOG_NO_ADDRESS, flag_id, flag.level)
        return AlertResult(flag_id, step, Outcome.NO_RECIPIENTS)

    try:
        _message(flag, step, recipients, now=now).send()
    except Exception:
        # Hand the step back at once, so a retry need not wait for the claim to lapse.
        RiskFlag.objects.filter(pk=flag_id, alert_claimed_at=now).update(alert_claimed_at=None)
        raise

    with transaction.atomic():
        # Every flag of the intake, in key order (the order a client's save takes them in),
        # since an urgent alert may mark the others as told.
        locked = {
            f.pk: f
            for f in RiskFlag.objects.select_for_update(of=("self",))
            .filter(intake_id=flag.intake_id)
            .order_by("pk")
        }
        fresh = locked[flag_id]
        # A later answer may have opened the flag again while the email was on its way: the
        # new round's steps are still to send, so only the claim it already cleared is left.
        if fresh.alert_round == flag.alert_round:
            setattr(fresh, _SENT_FIELD[step], now)
            fresh.alert_claimed_at = fresh.notify_failed_at = None
            fresh.save(
                update_fields=[_SENT_FIELD[step], "alert_claimed_at", "notify_failed_at", "updated_at"]
            )
        audit_record(
            actor=None,
            action=AuditEvent.Action.NOTIFY,
            object_type="risk_flag",
            object_id=flag.pk,
            client=flag.intake.client,
            detail=_AUDIT_SENT[step].format(n=len(recipients)),
        )
        if step == Step.FIRST and flag.level == RiskLevelChoices.URGENT:
            _covered_flags_mark(flag, locked.values(), now=now)
    return AlertResult(flag_id, step, Outcome.SENT, len(recipients))


def _covered_flags_mark(flag: RiskFlag, locked, *, now: dt.datetime) -> None:
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
            client=flag.intake.client,
            detail=f"on-call told by the urgent alert of flag {flag.pk}",
        )


# --- Services and selectors


def risk_flag_notify(*, flag_id: int, now: dt.datetime | None = None) -> bool:
    """Email the on-call addresses that an intake needs same-day review: the first alert.

    Once per flag and round; a retried or duplicated task finds it sent (or being sent).
    Returns True if this call sent it. Raises what SMTP raised, for the task to retry.
    """
    return _alert_step(
        flag_id=flag_id, step=Step.FIRST, now=now or timezone.now(), practice=practice_get()
    ).sent


def risk_flags_first_alert_pending(*, now: dt.datetime | None = None) -> list[int]:
    """Same-day flags whose first alert is still to send (its task was never queued, or
    failed for good), without those already waiting, visibly, for an on-call address."""
    now = now or timezone.now()
    practice = practice_get()
    flags = RiskFlag.objects.filter(
        _due(Step.FIRST, now=now, interval=realert_interval(practice=practice)), _unclaimed(now)
    )
    if not on_call_alerts_configured(practice=practice):
        flags = flags.filter(notify_failed_at__isnull=True)
    return list(flags.order_by("pk").values_list("pk", flat=True))


def risk_flags_escalate(*, now: dt.datetime | None = None) -> list[AlertResult]:
    """Send the next step of every unacknowledged urgent flag whose wait has run out.

    Run by beat every minute. Each step is sent once however often this runs: a step sent,
    claimed by another run, or made unnecessary by an acknowledgement is skipped. A failed
    send is logged and tried again on the next run; the other flags still get theirs.
    """
    now = now or timezone.now()
    practice = practice_get()
    interval = realert_interval(practice=practice)
    due = list(
        RiskFlag.objects.filter(
            _due(Step.REALERT, now=now, interval=interval) | _due(Step.ESCALATE, now=now, interval=interval)
        )
        .order_by("raised_at", "pk")
        .values_list("pk", "realerted_at")
    )
    results = []
    for flag_id, realerted_at in due:
        step = Step.REALERT if realerted_at is None else Step.ESCALATE
        try:
            results.append(_alert_step(flag_id=flag_id, step=step, now=now, practice=practice))
        except (SMTPException, OSError):
            logger.exception(LOG_SEND_FAILED, step, flag_id)
    return results


def alert_ladder_restart(flag: RiskFlag) -> list[str]:
    """Start a flag's alerts afresh, in a new round, when a later answer opens it again.

    For the caller that is saving the flag: returns the fields it changed.
    """
    flag.notified_at = flag.realerted_at = flag.escalated_at = None
    flag.notify_failed_at = flag.alert_claimed_at = None
    flag.alert_round += 1
    return [
        "notified_at",
        "realerted_at",
        "escalated_at",
        "notify_failed_at",
        "alert_claimed_at",
        "alert_round",
    ]
