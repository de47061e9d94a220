"""Keep cached copies honest: a saved or deleted practice is forgotten by the cache."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Practice
from .selectors import practice_forget


@receiver([post_save, post_delete], sender=Practice, dispatch_uid="portal.practice_forget")
def _practice_changed(sender, **kwargs) -> None:
    # Now, for this transaction's own reads, and again once committed: a page that read the
    # old row between the two would otherwise cache it until the timeout.
    practice_forget()
    transaction.on_commit(practice_forget)
