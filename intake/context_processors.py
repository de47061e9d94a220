"""The therapist review's part of every page: the counts of unacknowledged same-day flags
in the header, for clinical staff only."""

from portal.access import can_see_clinical

from .review_selectors import same_day_flags_unacknowledged_counts


def review(request) -> dict:
    """`review_flag_counts`: None for anyone who may not see clinical content (the header
    then shows nothing), else the urgent and high flags still to acknowledge."""
    user = getattr(request, "user", None)
    if not can_see_clinical(user):
        return {"review_flag_counts": None}
    return {"review_flag_counts": same_day_flags_unacknowledged_counts(user=user)}
