"""Keep cached copies honest: a saved or deleted practice is forgotten by the cache, and so
are a person's account row and MFA state when her account or an authenticator of hers changes."""

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .auth_backends import identity_family
from .cached import cached_forget
from .models import Practice, User
from .selectors import practice_forget

# The one change to an account that leaves what a page reads of her as it was.
_NOT_IDENTITY = frozenset({"last_login"})


@receiver([post_save, post_delete], sender=Practice, dispatch_uid="portal.practice_forget")
def _practice_changed(sender, **kwargs) -> None:
    # Now, for this transaction's own reads, and again once committed: a page that read the
    # old row between the two would otherwise cache it until the timeout.
    practice_forget()
    transaction.on_commit(practice_forget)


@receiver([post_save, post_delete], sender=User, dispatch_uid="portal.identity_forget_user")
def _user_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is None or not set(update_fields) <= _NOT_IDENTITY:
        cached_forget(identity_family(instance.pk))


@receiver([post_save, post_delete], sender=Authenticator, dispatch_uid="portal.identity_forget_mfa")
def _authenticator_changed(sender, instance, **kwargs) -> None:
    cached_forget(identity_family(instance.user_id))
