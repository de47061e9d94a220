"""Keep the review's cached values honest (intake.review_selectors): the header's flag counts
are forgotten when a flag, or an intake's status, level or assignee, or the practice's
assignment rule changes; the list of therapists when a staff account's name, role or active
state changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.cached import cached_forget
from portal.models import Practice, User

from .models import Intake, RiskFlag
from .review_selectors import FLAG_COUNTS_CACHE, THERAPISTS_CACHE

# Changes to an intake that can move it into or out of someone's header count.
_COUNTED_FIELDS = frozenset({"status", "risk_level", "assigned_therapist", "assigned_therapist_id"})
# Changes to an account that can change the list of therapists.
_THERAPIST_FIELDS = frozenset({"role", "is_active", "full_name", "email"})


def _touches(update_fields, fields: frozenset) -> bool:
    return update_fields is None or not fields.isdisjoint(update_fields)


@receiver([post_save, post_delete], sender=RiskFlag, dispatch_uid="intake.flag_counts_flag")
@receiver([post_save, post_delete], sender=Practice, dispatch_uid="intake.flag_counts_practice")
def _flags_changed(sender, **kwargs) -> None:
    cached_forget(FLAG_COUNTS_CACHE)


@receiver([post_save, post_delete], sender=Intake, dispatch_uid="intake.flag_counts_intake")
def _intake_changed(sender, update_fields=None, **kwargs) -> None:
    if _touches(update_fields, _COUNTED_FIELDS):
        cached_forget(FLAG_COUNTS_CACHE)


@receiver([post_save, post_delete], sender=User, dispatch_uid="intake.therapists_user")
def _user_changed(sender, update_fields=None, **kwargs) -> None:
    if _touches(update_fields, _THERAPIST_FIELDS):
        cached_forget(THERAPISTS_CACHE)
