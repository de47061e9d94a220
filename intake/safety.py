"""Safety triage of an intake: scores, risk flags, and telling the on-call clinician.

The triage rules themselves are pure (intake.risk); this module applies them to an
intake's saved answers, records flags the first time a level is reached, and queues the
on-call alert, which intake.alerts sends (once per step) and follows up.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from portal.audit import audit_record
from portal.models import AuditEvent, User
from portal.selectors import practice_get

from .alerts import alert_ladder_restart, risk_flags_first_alert_pending
from .catalogue import SELF_HARM
from .instruments import INSTRUMENT_ORDER, Result, get_instrument, score
from .models import Intake, InternalNote, RiskFlag
from .risk import Assessment, Reason, RiskLevel, assess_risk, max_level, queue_position

# Levels the front desk may see, as a priority with no clinical meaning attached.
PRIORITY_URGENT = "urgent"
PRIORITY_HIGH = "high"
PRIORITY_ROUTINE = "routine"
_PRIORITY_FOR_LEVEL = {
    RiskLevel.URGENT: PRIORITY_URGENT,
    RiskLevel.HIGH: PRIORITY_HIGH,
    # Severe scores without a safety signal still deserve an earlier first appointment.
    RiskLevel.ELEVATED: PRIORITY_HIGH,
    RiskLevel.ROUTINE: PRIORITY_ROUTINE,
}
SAME_DAY_LEVELS = (RiskLevel.HIGH, RiskLevel.URGENT)
_ORDER = {instrument.code: position for position, instrument in enumerate(INSTRUMENT_ORDER)}


# --- Selectors


def intake_scores(*, intake: Intake) -> dict[str, Result]:
    """Each answered questionnaire scored with the practice's settings, in step order."""
    practice = practice_get()
    cutoff = practice.pcptsd5_cutoff if practice else None
    results = {}
    for response in sorted(intake.questionnaires.all(), key=lambda r: _ORDER[r.code]):
        results[response.code] = score(response.code, response.answers, pcptsd5_cutoff=cutoff)
    return results


def intake_assessment(*, intake: Intake) -> Assessment:
    """The triage of the intake's answers as they stand now."""
    symptoms = intake.symptoms or []
    return assess_risk(
        intake_scores(intake=intake),
        checklist_self_harm=SELF_HARM in symptoms,
        sent=intake.status != Intake.Status.DRAFT,
    )


def intake_risk_flags(*, intake: Intake) -> list[RiskFlag]:
    return list(intake.risk_flags.select_related("acknowledged_by").order_by("-raised_at", "-pk"))


def priority_for_level(level: str | None) -> str:
    """The front desk's priority for a stored risk level."""
    return _PRIORITY_FOR_LEVEL[RiskLevel(level or RiskLevel.ROUTINE)]


def priority_position(priority: str) -> int:
    """Where a front-desk priority sorts in a queue: at the most severe level it stands for,
    so requests follow the same order as the therapists' queue."""
    positions = [queue_position(level) for level, mapped in _PRIORITY_FOR_LEVEL.items() if mapped == priority]
    return min(positions, default=len(RiskLevel))


def intake_priorities_for_clients(*, client_ids) -> dict[int, str]:
    """Each client's front-desk priority in one query (clients without an intake: routine)."""
    levels = dict(
        Intake.objects.filter(client_id__in=list(client_ids)).values_list("client_id", "risk_level")
    )
    return {client_id: priority_for_level(levels.get(client_id)) for client_id in client_ids}


def intake_priority_for_client(*, client: User) -> str:
    """ "urgent", "high" or "routine": what the front desk may know of a client's intake."""
    return priority_for_level(
        Intake.objects.filter(client=client).values_list("risk_level", flat=True).first()
    )


def needs_crisis_resources(level: str) -> bool:
    return RiskLevel(level) in SAME_DAY_LEVELS


# --- Services


def _reason_record(reason: Reason, at: str) -> dict:
    """A reason as a flag stores it: what raised the level, with the words of the question."""
    item_text = ""
    if reason.item_key and reason.source != "checklist":
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
    rises. A new HIGH or URGENT flag queues the on-call notification once the transaction
    commits. Returns the flags raised by this call.
    """
    assessment = intake_assessment(intake=intake)
    # The intake is locked already; its flags are locked in key order, as everywhere.
    existing = {flag.level: flag for flag in intake.risk_flags.select_for_update().order_by("pk")}
    now = timezone.now().isoformat()
    raised = []
    for level in (RiskLevel.ELEVATED, RiskLevel.HIGH, RiskLevel.URGENT):
        records = [_reason_record(r, now) for r in assessment.reasons if r.level == level]
        if not records:
            continue
        if level.value in existing:
            _flag_reasons_update(existing[level.value], records, actor, request)
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
        if level in SAME_DAY_LEVELS:
            transaction.on_commit(lambda flag_id=flag.pk: _queue_notification(flag_id))
    highest = max_level(intake.risk_level, assessment.level)
    if highest != intake.risk_level:
        intake.risk_level = highest.value
        Intake.objects.filter(pk=intake.pk).update(risk_level=highest.value)
    return raised


def _flag_reasons_update(flag: RiskFlag, records: list[dict], actor, request) -> None:
    """Bring a flag's evidence up to date with the answers as they stand now.

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
        return
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
    if reopened:
        transaction.on_commit(lambda flag_id=flag.pk: _queue_notification(flag_id))


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


def _queue_notification(flag_id: int) -> None:
    from .tasks import risk_flag_notify_task

    try:
        risk_flag_notify_task.delay(flag_id)
    except Exception:  # noqa: BLE001 - a broker outage must never fail the client's save
        # The sweeper (risk_flags_notify_pending) sends it once the broker is back.
        import logging

        logging.getLogger(__name__).warning("Could not queue the on-call notification for flag %s", flag_id)


def risk_flags_notify_pending() -> int:
    """Queue the first alert of same-day flags whose task never ran (broker outages).

    A flag already recorded as having nobody to send to is left alone until an on-call
    address is set (intake.alerts), rather than queued again every minute.
    """
    pending = risk_flags_first_alert_pending()
    for flag_id in pending:
        _queue_notification(flag_id)
    return len(pending)
