"""On-call alerts for same-day safety flags, and the ladder for an urgent one nobody takes:
one kind of message ("risk_alert") in the portal's message ledger (intake.message_kinds).

A HIGH or URGENT flag emails the on-call addresses once. An URGENT flag still not
acknowledged the practice's re-alert interval after that email is emailed to them again;
after the same time once more, to every active practice admin as well. Acknowledging the
flag stops the ladder; a later answer that opens it again starts a new round.

Each step is one message about the flag in the ledger (portal.message_ledger), version the
step's number counting rounds (alert_version), recorded when it is due: the first by triage
in the transaction that raises the flag (risk_alerts_raised_enqueue), the others by the
periodic check (risk_alerts_due_enqueue), which records and sends nothing itself. The ledger
claims, sends outside any transaction, retries, keeps the Message-ID and writes the audit
row; intake.message_kinds says what the email says and records on the flag what the staff
page shows once a step is sent. With nobody to send to, no step is recorded: the flag says so
(notify_failed_at), the error is logged once, and the check records the step once there is
an address.
"""

from __future__ import annotations

import datetime as dt
import logging
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from portal.audit import audit_record
from portal.messages import message_enqueue
from portal.models import AuditEvent, Message, Practice
from portal.selectors import on_call_addresses, practice_admin_addresses, practice_get

from .models import RiskFlag, RiskLevelChoices
from .risk_rules import SAME_DAY_LEVELS

logger = logging.getLogger(__name__)

RISK_ALERT = "risk_alert"
LOG_NO_ADDRESS = (
    "Flag %s (%s) was not emailed to anyone: no on-call address is set. Add one in Django admin "
    "(Practice, Safety) or set PORTAL_ON_CALL_EMAILS; the alert is sent once there is one."
)


class Step(StrEnum):
    FIRST = "first"
    REALERT = "realert"
    ESCALATE = "escalate"


LADDER = (Step.FIRST, Step.REALERT, Step.ESCALATE)

# Where the flag records that a step went out (what the staff page shows).
SENT_FIELD = {Step.FIRST: "notified_at", Step.REALERT: "realerted_at", Step.ESCALATE: "escalated_at"}


# --- Rules


def realert_interval(*, practice: Practice) -> dt.timedelta:
    """How long an urgent flag may wait unacknowledged before the ladder's next step."""
    return dt.timedelta(minutes=practice.urgent_realert_minutes)


def alert_version(*, alert_round, step: Step):
    """A step's number on its flag, counting rounds (a flag opened again starts at 4): the
    version of its message in the ledger. Takes a round or an expression for one."""
    return alert_round * len(LADDER) + LADDER.index(step) + 1


def alert_step(version: int) -> tuple[int, Step]:
    """The round and step of an alert message's version (alert_version, read back)."""
    alert_round, index = divmod(version - 1, len(LADDER))
    return alert_round, LADDER[index]


def _recorded(step: Step) -> Exists:
    """The flag's message for `step` in its current round is in the ledger already."""
    return Exists(
        Message.objects.filter(
            kind=RISK_ALERT,
            subject_type=ContentType.objects.get_for_model(RiskFlag),
            subject_id=OuterRef("pk"),
            version=alert_version(alert_round=OuterRef("alert_round"), step=step),
        )
    )


def flags_waiting(step: Step) -> Q:
    """The flags still waiting for `step` of their round, whenever it falls due: asked when
    it is recorded (_due) and again when the ledger is about to send it
    (intake.message_kinds)."""
    waiting = Q(
        acknowledged_at__isnull=True, level__in=SAME_DAY_LEVELS, **{f"{SENT_FIELD[step]}__isnull": True}
    )
    if step == Step.FIRST:
        # While the intake has an open urgent flag, its alert speaks for the intake: a high
        # flag raised by the same answers (an acute ASQ is also a positive one) waits, and is
        # marked as told when the urgent alert goes (intake.message_kinds), so the on-call
        # gets one email, not two at once.
        urgent_open = RiskFlag.objects.filter(
            intake=OuterRef("intake"), level=RiskLevelChoices.URGENT, acknowledged_at__isnull=True
        )
        return waiting & ~(Q(level=RiskLevelChoices.HIGH) & Exists(urgent_open))
    return waiting & Q(level=RiskLevelChoices.URGENT)


def _due(step: Step, *, now: dt.datetime, interval: dt.timedelta) -> Q:
    """The flags for which `step` is due at `now` and not yet recorded: the one statement of
    the ladder."""
    due = flags_waiting(step) & ~_recorded(step)
    if step == Step.REALERT:
        return due & Q(notified_at__lte=now - interval)
    if step == Step.ESCALATE:
        return due & Q(realerted_at__lte=now - interval)
    return due


def alert_recipients(step: Step, practice: Practice) -> list[str]:
    """Who a step goes to: the on-call addresses, and the practice admins for the last."""
    on_call = on_call_addresses(practice=practice)
    if step == Step.ESCALATE:
        return list(dict.fromkeys([*on_call, *practice_admin_addresses()]))
    return on_call


# --- Recording the steps that are due


def _step_enqueue(*, flag: RiskFlag, step: Step, practice: Practice, now: dt.datetime) -> list[Message]:
    """Record one due step of a flag in the ledger, sent once the caller's transaction
    commits; or, with nobody to send to, say so on the flag, in the audit and in the log,
    once, and record nothing."""
    if alert_recipients(step, practice):
        return message_enqueue(
            kind=RISK_ALERT,
            client_id=flag.intake.client_id,
            subject=flag,
            version=alert_version(alert_round=flag.alert_round, step=step),
        )
    if flag.notify_failed_at is None:
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
        logger.error(LOG_NO_ADDRESS, flag.pk, flag.level)
    return []


def _due_enqueue(
    flags: QuerySet[RiskFlag], *, steps: tuple[Step, ...], now: dt.datetime | None
) -> list[Message]:
    now = now or timezone.now()
    practice = practice_get()
    interval = realert_interval(practice=practice)
    recorded = []
    for step in steps:
        due = flags.filter(_due(step, now=now, interval=interval)).select_related("intake__client")
        for flag in due.order_by("raised_at", "pk"):
            with transaction.atomic():
                recorded += _step_enqueue(flag=flag, step=step, practice=practice, now=now)
    return recorded


def risk_alerts_raised_enqueue(*, intake_id: int, now: dt.datetime | None = None) -> list[Message]:
    """Record the first alert of each of the intake's same-day flags that needs one.

    Called by triage, in the transaction that raised a flag or opened one again, once all
    its flags are saved (an urgent flag's alert speaks for the high one raised with it).
    The email goes once that transaction commits. Returns the messages recorded.
    """
    return _due_enqueue(RiskFlag.objects.filter(intake_id=intake_id), steps=(Step.FIRST,), now=now)


def risk_alerts_due_enqueue(*, now: dt.datetime | None = None) -> list[Message]:
    """Record every step now due on the ladder: the next alert of each unacknowledged urgent
    flag whose wait has run out, and a first alert not yet recorded (a high flag that waited
    for an urgent one, or a flag that waited for an on-call address).

    Run by beat every minute. Records only; the ledger sends, each step once however often
    this runs. Returns the messages recorded.
    """
    return _due_enqueue(RiskFlag.objects.all(), steps=LADDER, now=now)


def alert_ladder_restart(flag: RiskFlag) -> list[str]:
    """Start a flag's alerts afresh, in a new round, when a later answer opens it again.

    For the caller that is saving the flag: returns the fields it changed.
    """
    flag.notified_at = flag.realerted_at = flag.escalated_at = flag.notify_failed_at = None
    flag.alert_round += 1
    return ["notified_at", "realerted_at", "escalated_at", "notify_failed_at", "alert_round"]
