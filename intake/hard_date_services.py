"""Dates that are hard for the client: adding and removing one while the intake is a draft.

The therapist sees them (the review page, the PDF, the timeline); no message names them.
"""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from portal.audit import audit_record
from portal.models import AuditEvent, User

from . import forms_rules, pregnancy_history
from .draft_services import (
    ERROR_INVALID_VALUE,
    IntakeValidationError,
    draft_locked,
    draft_touch,
    refuse_if_under_age,
)
from .models import HardDate, Intake
from .steps import PREGNANCIES


@transaction.atomic
def hard_date_add(
    *, intake: Intake, data: dict, actor: User | None, request: HttpRequest | None = None
) -> HardDate:
    """Add one hard date. Raises IntakeValidationError with field messages."""
    fresh = draft_locked(intake)
    refuse_if_under_age(fresh)
    if fresh.hard_dates.count() >= forms_rules.HARD_DATES_MAX:
        message = forms_rules.ERROR_TOO_MANY_HARD_DATES % {"limit": forms_rules.HARD_DATES_MAX}
        raise IntakeValidationError(message, {"__all__": message})
    errors = pregnancy_history.hard_date_errors(data.get("date"), timezone.localdate())
    if errors:
        raise IntakeValidationError(ERROR_INVALID_VALUE, errors)
    hard_date = HardDate.objects.create(intake=fresh, date=data["date"], what=data.get("what") or "")
    draft_touch(fresh, PREGNANCIES)
    audit_record(
        client=fresh.client,
        action=AuditEvent.Action.CREATE,
        object_type="hard_date",
        object_id=hard_date.pk,
        detail="hard date added",
        request=request,
        actor=actor,
    )
    return hard_date


@transaction.atomic
def hard_date_remove(*, hard_date: HardDate, actor: User | None, request: HttpRequest | None = None) -> None:
    """Remove one hard date from a draft (once sent, the intake is a record and kept)."""
    fresh = draft_locked(hard_date.intake)
    hard_date_id = hard_date.pk
    hard_date.delete()
    draft_touch(fresh, PREGNANCIES)
    audit_record(
        client=fresh.client,
        action=AuditEvent.Action.UPDATE,
        object_type="hard_date",
        object_id=hard_date_id,
        detail="hard date removed from draft",
        request=request,
        actor=actor,
    )
