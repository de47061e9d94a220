"""The therapist review's part of every page: the count of unacknowledged urgent flags in
the header, for clinical staff only."""

from portal.access import can_see_clinical

from .review_selectors import urgent_flags_unacknowledged_count


def review(request) -> dict:
    """`review_urgent_count`: None for anyone who may not see clinical content (the header
    then shows nothing), else the number of urgent flags still to acknowledge."""
    user = getattr(request, "user", None)
    if not can_see_clinical(user):
        return {"review_urgent_count": None}
    return {"review_urgent_count": urgent_flags_unacknowledged_count(user=user)}
