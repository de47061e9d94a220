"""What the PDF summary of an intake says: one selector laying out the intake's facts
(intake.facts, which the therapist's detail page reads too) as a plain context.

The template only lays this out. Everything is plain data (strings, numbers, lists, dicts),
so the context doubles as the source of the document's digest: the same digest means the
stored PDF still says exactly this, and nothing needs rendering again. The generated time
is deliberately not part of it.

Two audiences: the practice copy (risk banner with acknowledgements, scores, staff notes)
and the client's own copy (her answers under the plain titles she saw, without scores,
bands, cut-offs, flags, the internal triage, its acknowledgement notes or staff notes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.crisis import CRISIS_LINES
from portal.selectors import practice_get

from . import pregnancy_history
from .catalogue import SYMPTOM_GROUPS
from .display import NOT_ANSWERED, format_datetime, intake_sections, practice_zone, pregnancy_rows
from .facts import PERINATAL_HISTORY_FIELDS, IntakeFacts, intake_facts
from .models import ConsentSignature, Intake, InternalNote, RiskLevelChoices, SummaryDocument
from .risk_rules import needs_crisis_resources
from .screening_display import CLIENT_ANSWERS_NOTE, FlagView, client_questionnaires
from .steps import HEALTH, SUPPORT

# Bump whenever the template, the stylesheet or this context changes what a PDF shows:
# a new version makes every stored document stale (see summary_digest).
TEMPLATE_VERSION = "2026.12.8"
TEMPLATE_NAME = "intake/pdf/summary.html"

Audience = SummaryDocument.Audience

DATE = "M j, Y"


def _date(value: dt.date | None) -> str:
    return date_format(value, DATE) if value else ""


def _answered(value) -> str:
    if value is None or value == "":
        return str(NOT_ANSWERED)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _reference_date(intake: Intake) -> dt.date:
    """Facts that depend on "today" (age, postpartum) are taken as of the submission, so a
    document does not change from one day to the next."""
    if intake.submitted_at:
        return timezone.localtime(intake.submitted_at, practice_zone()).date()
    return timezone.localdate(timezone=practice_zone())


# --- Pieces


def _client(intake: Intake, age: int | None) -> dict:
    address = ", ".join(
        p for p in [intake.address_line, intake.city, f"{intake.state} {intake.postal_code}".strip()] if p
    )
    channels = [
        (_("Email"), intake.may_email),
        (_("Text messages"), intake.may_text),
        (_("Voicemail"), intake.may_voicemail),
        (_("Say the practice's name"), intake.may_name_practice),
    ]
    emergency = ", ".join(
        p
        for p in [
            intake.emergency_contact_name,
            intake.emergency_contact_relationship,
            intake.emergency_contact_phone,
        ]
        if p
    )
    return {
        "legal_name": intake.legal_name or intake.client.full_name,
        "preferred_name": intake.preferred_name,
        "pronouns": intake.pronouns,
        "date_of_birth": _date(intake.date_of_birth),
        "age": age,
        "phone": intake.phone,
        "email": intake.contact_email or intake.client.email,
        "address": address,
        "emergency_contact": emergency,
        "channels": [
            {"label": str(label), "allowed": value, "answer": _answered(value)} for label, value in channels
        ],
        "heard_about": intake.get_heard_about_display() if intake.heard_about else "",
        "heard_about_detail": intake.heard_about_detail,
    }


def _risk(intake: Intake, views: list[FlagView]) -> dict | None:
    if not views:
        return None
    rows = []
    for view in views:
        flag = view.flag
        acknowledged_by = flag.acknowledged_by
        rows.append(
            {
                "level": flag.level,
                "level_label": str(flag.get_level_display()),
                "raised_at": format_datetime(flag.raised_at),
                "evidence": [asdict(group) for group in view.evidence],
                "acknowledged": flag.acknowledged_at is not None,
                "acknowledged_at": format_datetime(flag.acknowledged_at),
                "acknowledged_by": (acknowledged_by.full_name or acknowledged_by.email)
                if acknowledged_by
                else "",
                "follow_up": str(flag.get_follow_up_display()) if flag.follow_up else "",
                "note": flag.acknowledgement_note,
            }
        )
    level = intake.risk_level
    return {
        "level": level,
        "level_label": str(RiskLevelChoices(level).label),
        "same_day": needs_crisis_resources(level),
        "flags": rows,
        "all_acknowledged": all(r["acknowledged"] for r in rows),
        # Which flags still wait, by name: "needs review" alone read as if the most severe did.
        "open_levels": ", ".join(r["level_label"] for r in rows if not r["acknowledged"]),
    }


def _table_labels() -> set[str]:
    """The pregnancy rows the PDF's table has a column for (the rest are listed below each)."""
    return {str(_("When")), str(_("Weeks")), str(_("Medical care")), str(_("Due date")), str(_("Note"))}


def _glance(facts: IntakeFacts) -> dict:
    """Page 1 of the practice copy: the synopsis, the timeline and its words, the scales."""
    timeline = facts.timeline
    return {
        "synopsis": facts.synopsis,
        # "About N months ago" and the weeks are reckoned on this day (_reference_date), said
        # on the page so that it can be set beside the staff page, which reckons on today.
        "counted_from": _date(facts.on),
        "sent": facts.intake.submitted_at is not None,
        "timeline": {"svg": timeline.svg, "text": timeline.text} if timeline else None,
        "scales": [
            {"code": s.code, "short_name": s.short_name, "svg": s.drawing.svg, "text": s.drawing.text}
            for s in facts.scales
        ],
    }


def _history(facts: IntakeFacts) -> dict:
    rows = []
    for entry in pregnancy_history.newest_first(facts.pregnancies):
        details = {str(row.label): str(row.value) for row in pregnancy_rows(entry)}
        rows.append(
            {
                "outcome": str(entry.get_outcome_display()),
                "is_loss": pregnancy_history.is_loss(entry),
                "when": details.get(str(_("When")), ""),
                "weeks": details.get(str(_("Weeks")), ""),
                "due_date": _date(entry.due_date),
                "complications": details.get(str(_("Medical care")), ""),
                "note": entry.note,
                "since": facts.since[entry.pk],
                # Everything else she told us about this pregnancy (babies, treatment, the
                # birth, the baby's name, her own experience), as labelled rows.
                "more": [
                    {"label": label, "value": value}
                    for label, value in details.items()
                    if label not in _table_labels()
                ],
            }
        )
    history = facts.history
    return {
        "entries": rows,
        "hard_dates": [{"date": _date(d.date), "what": d.what} for d in facts.hard_dates],
        "pregnancy_role": str(facts.intake.get_pregnancy_role_display())
        if facts.intake.pregnancy_role
        else "",
        "losses": history["losses"],
        "live_births": history["live_births"],
        "currently_pregnant": history["currently_pregnant"],
        "postpartum": history["postpartum_state"],
        "days_since_most_recent": history["days_since_most_recent"],
    }


def _symptoms(intake: Intake) -> dict:
    ticked = set(intake.symptoms or [])
    groups = [
        {
            "label": str(group.label),
            "symptoms": [str(label) for slug, label in group.symptoms if slug in ticked],
        }
        for group in SYMPTOM_GROUPS
    ]
    impacts = [
        (_("Work or daily tasks"), intake.impact_work),
        (_("Relationships"), intake.impact_relationships),
        (_("Self-care"), intake.impact_self_care),
    ]
    return {
        "groups": [g for g in groups if g["symptoms"]],
        "any": bool(ticked),
        "other": intake.symptoms_other,
        "onset": str(intake.get_onset_display()) if intake.onset else str(NOT_ANSWERED),
        "duration": str(intake.get_duration_display()) if intake.duration else str(NOT_ANSWERED),
        "impacts": [{"label": str(label), "value": value} for label, value in impacts],
    }


def _section_rows(intake: Intake, number: int, skip: tuple[str, ...] = ()) -> list[dict]:
    """Answer rows of one step, valued as the client's own summary page shows them and
    labelled with the fields' short names rather than the questions asked."""
    for section in intake_sections(intake):
        if section.step.number == number:
            return [
                {"label": capfirst(Intake._meta.get_field(name).verbose_name), "value": row.value}
                for name, row in zip(section.step.fields, section.rows, strict=True)
                if name not in skip
            ]
    return []


def _request(intake: Intake) -> dict:
    labels = dict(Intake.Service.choices)
    return {
        "services": [str(labels.get(slug, slug)) for slug in intake.services or []],
        "modality": str(intake.get_modality_display()) if intake.modality else str(NOT_ANSWERED),
        "in_colorado": str(intake.get_in_colorado_display()) if intake.in_colorado else str(NOT_ANSWERED),
        "telehealth_outside_colorado": intake.telehealth_outside_colorado,
        "appointment_preferences": intake.appointment_preferences,
    }


def _consents(signatures: list[ConsentSignature]) -> list[dict]:
    return [
        {
            "title": s.document.title,
            "version": s.document_version,
            "typed_name": s.typed_name,
            "signed_at": format_datetime(s.signed_at),
            "text_sha256": s.text_sha256[:16],
        }
        for s in signatures
    ]


def _staff(intake: Intake, notes: list[InternalNote]) -> dict:
    therapist = intake.assigned_therapist
    return {
        "assigned_therapist": (therapist.full_name or therapist.email) if therapist else "",
        "notes": [
            {
                "author": n.author.full_name or n.author.email,
                "written_at": format_datetime(n.created_at),
                "body": n.body,
            }
            for n in notes
        ],
    }


# --- The selector


def intake_summary_context(*, intake: Intake, audience: str = Audience.STAFF) -> dict:
    """Everything the PDF summary shows, for one audience, as plain data."""
    audience = Audience(audience)
    facts = intake_facts(intake=intake, on=_reference_date(intake))
    practice = practice_get()
    rows = facts.screeners
    is_staff = audience == Audience.STAFF
    risk = _risk(intake, facts.flags) if is_staff else None
    context = {
        "template_version": TEMPLATE_VERSION,
        "audience": str(audience),
        "is_staff_copy": is_staff,
        "practice": {
            "name": practice.name,
            "address": practice.address_one_line,
            "phone": practice.phone,
        },
        "intake_id": intake.pk,
        "status": str(intake.get_status_display()),
        "is_draft": intake.status == Intake.Status.DRAFT,
        "submitted_at": format_datetime(intake.submitted_at),
        "client": _client(intake, facts.age),
        "risk": risk,
        # The client's copy carries the crisis lines whenever an answer raised a same-day level.
        "crisis_lines": (
            [{"name": str(c.name), "how": str(c.how)} for c in CRISIS_LINES]
            if not is_staff and needs_crisis_resources(intake.risk_level)
            else []
        ),
        # The practice copy: every result, scored. The client's: her answers only.
        "screeners": [asdict(row) for row in rows] if is_staff else [],
        # Safety at home (HARK): the practice copy only, never hers (it may be seen at home).
        "partner_safety": asdict(facts.partner_safety) if is_staff and facts.partner_safety else None,
        "questionnaires": [] if is_staff else [asdict(q) for q in client_questionnaires(rows)],
        "answers_note": "" if is_staff else str(CLIENT_ANSWERS_NOTE),
        "history": _history(facts),
        "glance": _glance(facts) if is_staff else None,
        "symptoms": _symptoms(intake),
        "request": _request(intake),
        "own_words": {
            "hopes": intake.hopes,
            "before": intake.before_losses,
        },
        "perinatal": [{"label": row.label, "value": row.value} for row in facts.perinatal_history],
        "health": _section_rows(intake, HEALTH, skip=("before_losses", *PERINATAL_HISTORY_FIELDS)),
        "support": _section_rows(intake, SUPPORT),
        "consents": _consents(facts.signatures),
        "staff": _staff(intake, facts.notes) if is_staff else None,
        # Billing and referral facts for the practice copy (no member number, no card image).
        "referral": [{"label": row.label, "value": row.value} for row in facts.referral] if is_staff else [],
        "payment": [{"label": row.label, "value": row.value} for row in facts.payment_choice]
        if is_staff
        else [],
    }
    return context


def summary_digest(context: dict) -> str:
    """SHA-256 of everything a document shows (and the template version it is shown with)."""
    payload = json.dumps(context, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()
