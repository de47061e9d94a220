"""Template helpers for showing intake status outside the intake pages (the client home)."""

from django import template

from intake.review_selectors import review_waiting
from intake.selectors import (
    REASON_NEW_AGREEMENT,
    consent_documents_to_sign_again,
    intake_for_client,
    intake_progress_percent,
)

register = template.Library()


@register.simple_tag
def intake_home_status(user) -> dict:
    """{"intake": Intake | None, "percent": int, "sign_again": [reason, ...]} for the signed-in
    client (sign_again: why a sent intake has agreements to sign: an earlier version was
    incomplete, or the practice added one since)."""
    if not getattr(user, "is_authenticated", False):
        return {"intake": None, "percent": 0, "sign_again": []}
    intake = intake_for_client(client=user)
    percent = intake_progress_percent(intake=intake) if intake and intake.is_editable else 0
    again = consent_documents_to_sign_again(intake=intake) if intake and not intake.is_editable else []
    return {
        "intake": intake,
        "percent": percent,
        "sign_again": again,
        "new_agreements": any(why == str(REASON_NEW_AGREEMENT) for _document, why in again),
        "incomplete_agreements": any(why != str(REASON_NEW_AGREEMENT) for _document, why in again),
    }


@register.simple_tag
def review_home(user):
    """The staff home's intake counts for clinical staff (intake.review_selectors.review_waiting);
    None for anyone else."""
    return review_waiting(user=user)
