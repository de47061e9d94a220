"""Template helpers for showing intake status outside the intake pages (the client home)."""

from django import template

from intake.review_selectors import review_waiting
from intake.selectors import consent_documents_to_sign_again, intake_for_client, intake_progress_percent

register = template.Library()


@register.simple_tag
def intake_home_status(user) -> dict:
    """{"intake": Intake | None, "percent": int, "sign_again": bool} for the signed-in client
    (sign_again: a sent intake with an agreement to sign again, its earlier version incomplete)."""
    if not getattr(user, "is_authenticated", False):
        return {"intake": None, "percent": 0, "sign_again": False}
    intake = intake_for_client(client=user)
    percent = intake_progress_percent(intake=intake) if intake and intake.is_editable else 0
    sign_again = bool(intake and not intake.is_editable and consent_documents_to_sign_again(intake=intake))
    return {"intake": intake, "percent": percent, "sign_again": sign_again}


@register.simple_tag
def review_home(user):
    """The staff home's intake counts for clinical staff (intake.review_selectors.review_waiting);
    None for anyone else."""
    return review_waiting(user=user)
