"""The client's pregnancy history: adding, changing and removing one pregnancy of a draft.

The rules an entry must follow are pure (intake.pregnancy_history); the database keeps one
current pregnancy per intake even when two tabs add one at once.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from portal.audit import audit_record
from portal.models import AuditEvent, User

from . import forms_rules, pregnancy_history
from .draft_services import (
    ERROR_CHOICE,
    ERROR_INVALID_VALUE,
    IntakeValidationError,
    draft_locked,
    draft_touch,
    refuse_if_under_age,
)
from .models import Intake, PregnancyEntry
from .steps import PREGNANCIES

PREGNANCY_FIELDS = (
    "outcome",
    "month",
    "year",
    "when_declined",
    "weeks",
    "weeks_declined",
    "due_date",
    "complications",
    "complications_declined",
    "note",
    "baby_outcomes",
    "fertility_treatment",
    "nicu_days",
    "birth_words",
    "baby_name",
    "own_experience",
)
# Written answers checked against their model field's limits (length, kept characters).
_TEXT_FIELDS = ("note", "birth_words", "baby_name", "own_experience")


def _entry_errors(intake: Intake, candidate: PregnancyEntry, data: dict) -> dict[str, str]:
    others = [e for e in intake.pregnancies.all() if e.pk != candidate.pk]
    errors = pregnancy_history.history_errors(others, candidate, timezone.localdate())
    if not set(data.get("complications") or []) <= set(PregnancyEntry.Complication.values):
        errors["complications"] = ERROR_CHOICE
    if not set(candidate.baby_outcomes) <= set(PregnancyEntry.BabyOutcome.values):
        errors["baby_outcomes"] = ERROR_CHOICE
    if (
        candidate.fertility_treatment
        and candidate.fertility_treatment not in PregnancyEntry.FertilityTreatment.values
    ):
        errors["fertility_treatment"] = ERROR_CHOICE
    if candidate.outcome not in PregnancyEntry.Outcome.values:
        errors["outcome"] = ERROR_CHOICE
    for name in _TEXT_FIELDS:
        try:
            PregnancyEntry._meta.get_field(name).clean(getattr(candidate, name), candidate)
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    return errors


def _apply_entry(entry: PregnancyEntry, data: dict) -> None:
    for name in PREGNANCY_FIELDS:
        if name in data:
            setattr(entry, name, data[name])
    entry.complications = list(entry.complications or [])
    entry.baby_outcomes = list(entry.baby_outcomes or [])


def _entry_store(
    fresh: Intake, entry: PregnancyEntry, data: dict, *, update_fields: list[str] | None
) -> None:
    """Apply the answers to an entry, check them against the rest of the history and save it
    (a new entry when update_fields is None); the caller holds the intake's lock."""
    _apply_entry(entry, data)
    errors = _entry_errors(fresh, entry, data)
    if errors:
        raise IntakeValidationError(ERROR_INVALID_VALUE, errors)
    try:
        with transaction.atomic():
            entry.save(update_fields=update_fields)
    except IntegrityError:
        # Two tabs marking a pregnancy as current at once: the database keeps it to one.
        raise IntakeValidationError(
            ERROR_INVALID_VALUE, {"outcome": pregnancy_history.ERROR_ONE_CURRENT}
        ) from None
    draft_touch(fresh, PREGNANCIES)


@transaction.atomic
def pregnancy_entry_add(
    *, intake: Intake, data: dict, actor: User | None, request: HttpRequest | None = None
) -> PregnancyEntry:
    """Add one pregnancy to the history. Raises IntakeValidationError with field messages."""
    fresh = draft_locked(intake)
    refuse_if_under_age(fresh)
    if fresh.pregnancies.count() >= forms_rules.PREGNANCY_ENTRIES_MAX:
        message = forms_rules.ERROR_TOO_MANY_PREGNANCIES % {"limit": forms_rules.PREGNANCY_ENTRIES_MAX}
        raise IntakeValidationError(message, {"__all__": message})
    entry = PregnancyEntry(intake=fresh, order=(fresh.pregnancies.aggregate(m=Max("order"))["m"] or 0) + 1)
    _entry_store(fresh, entry, data, update_fields=None)
    audit_record(
        client=fresh.client,
        action=AuditEvent.Action.CREATE,
        object_type="pregnancy_entry",
        object_id=entry.pk,
        detail="pregnancy history entry added",
        request=request,
        actor=actor,
    )
    return entry


@transaction.atomic
def pregnancy_entry_update(
    *, entry: PregnancyEntry, data: dict, actor: User | None, request: HttpRequest | None = None
) -> PregnancyEntry:
    """Change one pregnancy in the history. Raises IntakeValidationError with field messages."""
    fresh = draft_locked(entry.intake)
    refuse_if_under_age(fresh)
    _entry_store(fresh, entry, data, update_fields=[*PREGNANCY_FIELDS, "updated_at"])
    audit_record(
        client=fresh.client,
        action=AuditEvent.Action.UPDATE,
        object_type="pregnancy_entry",
        object_id=entry.pk,
        detail="pregnancy history entry changed",
        request=request,
        actor=actor,
    )
    return entry


@transaction.atomic
def pregnancy_entry_remove(
    *, entry: PregnancyEntry, actor: User | None, request: HttpRequest | None = None
) -> None:
    """Remove one pregnancy from a draft. Only possible before sending: once the practice has
    the intake it is a clinical record and is never deleted."""
    fresh = draft_locked(entry.intake)
    entry_id = entry.pk
    entry.delete()
    draft_touch(fresh, PREGNANCIES)
    audit_record(
        client=fresh.client,
        action=AuditEvent.Action.UPDATE,
        object_type="pregnancy_entry",
        object_id=entry_id,
        detail="pregnancy history entry removed from draft",
        request=request,
        actor=actor,
    )
