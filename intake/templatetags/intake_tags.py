"""Template helpers for showing intake status outside the intake pages (the client home)."""

from django import template

from intake.selectors import intake_for_client, intake_progress_percent

register = template.Library()


@register.simple_tag
def intake_home_status(user) -> dict:
    """{"intake": Intake | None, "percent": int} for the signed-in client."""
    if not getattr(user, "is_authenticated", False):
        return {"intake": None, "percent": 0}
    intake = intake_for_client(client=user)
    percent = intake_progress_percent(intake=intake) if intake and intake.is_editable else 0
    return {"intake": intake, "percent": percent}
