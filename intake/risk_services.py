"""Safety triage written down: risk_evaluate applies the rules of intake.risk_rules to an
intake's saved answers, records a flag the first time a level is reached, keeps each flag's
evidence current, and records the first on-call alert of a new same-day flag
(intake.alerts), which the portal's message ledger sends once the save commits.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from portal.audit import audit_record
from portal.models import AuditEvent, User

from .alerts import alert_ladder_restart, risk_alerts_raised_enqueue
from .instruments import get_instrument
from .models import Intake, InternalNote, RiskFlag
from .risk_rules import CHECKLIST, FLAG_LEVELS, SAME_DAY_LEVELS, Reason, max_level
from .selectors import intake_assessment


def _reason_record(reason: Reason, at: str) -> dict:
    """A reason as a flag stores it: what raised the level, with the words of the question."""
    item_text = ""
    if reason.item_key and reason.source != CHECKLIST:
        item = get_instrument(reason.source)
        if item.has_item(reason.item_key):
            item_text = item.item(reason.item_key).text
    return {
        "source": reason.source,
        "item_key": reason.item_key,
        "rule": reason.rule.value,
        "item_text": item_text,
        "answer": reason.answer,
        "why": reason.why,
        "at": at,
    }


def reason_key(record: dict) -> tuple:
    """What one piece of evidence is about: an item (or a total) under one rule.

    Records stored before the rule was kept fall back to their wording, so each stays its own.
    """
    return (record.get("source"), record.get("item_key"), record.get("rule") or record.get("why"))


def _reason_changed(old: dict, new: dict) -> bool:
    return (old.get("answer"), old.get("why")) != (new.get("answer"), new.get("why"))


def risk_evaluate(
    *, intake: Intake, actor: User | None, request: HttpRequest | None = None
) -> list[RiskFlag]:
    """Triage the intake's current answers and record any level reached for the first time.

    Call inside the transaction that saved the answers. The intake's risk level only ever
    rises. A new HIGH or URGENT flag (or one opened again) records its on-call alert, sent
    once the transaction commits. Returns the flags raised by this call.
    """
    assessment = intake_assessment(intake=intake)
    # The intake is locked already; its flags are locked in key order, as everywhere.
    existing = {flag.level: flag for flag in intake.risk_flags.select_for_update().order_by("pk")}
    now = timezone.now().isoformat()
    raised = []
    alert = False
    for level in FLAG_LEVELS:
        records = [_reason_record(r, now) for r in assessment.reasons if r.level == level]
        if not records:
            continue
        if level.value in existing:
            alert |= _flag_reasons_update(existing[level.value], records, actor, request)
            continue
        flag = RiskFlag.objects.create(intake=intake, level=level.value, reasons=records)
        raised.append(flag)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="risk_flag",
            object_id=flag.pk,
            client=intake.client,
            detail=f"{level.value} flag raised",
            request=request,
        )
        alert |= level in SAME_DAY_LEVELS
    if alert:
        # Once every flag is saved: an urgent flag's alert speaks for the high one raised with it.
        risk_alerts_raised_enqueue(intake_id=intake.pk)
    highest = max_level(intake.risk_level, assessment.level)
    if highest != intake.risk_level:
        intake.risk_level = highest.value
        Intake.objects.filter(pk=intake.pk).update(risk_level=highest.value)
    return raised


def _flag_reasons_update(flag: RiskFlag, records: list[dict], actor, request) -> bool:
    """Bring a flag's evidence up to date with the answers as they stand now; whether it
    opened again (its on-call alert is then due afresh).

    One record per item (or total) and rule: an answer that changes while still at the
    flag's level replaces its record (with the time it changed), so the therapist reads the
    current answer once rather than a line per autosave. A record whose answer has since
    dropped below the level stays: it is what raised the flag. A new item at the level is
    added; if a same-day flag had already been acknowledged, that new answer needs someone
    again: the earlier acknowledgement is kept as a note in the therapist's own words, the
    flag opens again, and the on-call is told once more.
    """
    current = {reason_key(r): r for r in records}
    known = {reason_key(r) for r in flag.reasons}
    updated, changed = [], 0
    for old in flag.reasons:
        new = current.get(reason_key(old))
        if new is not None and _reason_changed(old, new):
            updated.append(new)
            changed += 1
        else:
            updated.append(old)
    added = [r for key, r in current.items() if key not in known]
    if not added and not changed:
        return False
    flag.reasons = [*updated, *added]
    fields = ["reasons", "updated_at"]
    reopened = bool(added) and flag.acknowledged_at is not None and flag.needs_same_day_review
    if reopened:
        _acknowledgement_keep_as_note(flag)
        flag.acknowledged_at = flag.acknowledged_by = None
        flag.follow_up = flag.acknowledgement_note = ""
        fields += ["acknowledged_at", "acknowledged_by", "follow_up", "acknowledgement_note"]
        fields += alert_ladder_restart(flag)
    flag.save(update_fields=fields)
    detail = f"{len(added)} more answer(s) at {flag.level}" if added else f"{changed} answer(s) changed"
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="risk_flag",
        object_id=flag.pk,
        client=flag.intake.client,
        detail=detail + ("; opened again" if reopened else ""),
        request=request,
    )
    return reopened


def _acknowledgement_keep_as_note(flag: RiskFlag) -> None:
    local = timezone.localtime(flag.acknowledged_at).strftime("%b %-d, %Y %-I:%M %p")
    InternalNote.objects.create(
        intake=flag.intake,
        author=flag.acknowledged_by,
        body=(
            f"Acknowledged the {flag.get_level_display().lower()} flag on {local} "
            f"({flag.get_follow_up_display() or 'no follow-up chosen'}). "
            f"{flag.acknowledgement_note}".strip()
            + " [Kept here automatically when a later answer opened the flag again.]"
        ),
    )
