"""The sign-in backends, with the signed-in user read from the shared cache.

Every signed-in request reads its user; these backends keep her row in the cache
(portal.cached) instead, in a family of her own, forgotten whenever her account changes
(portal/signals.py: role, active state, password, anything but the last sign-in time) or her
authenticators do. Django still compares the session's password hash with the cached row's,
so a changed password signs other sessions out as before.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from .cached import cached_value

IDENTITY_CACHE = "portal:identity"
IDENTITY_CACHE_SECONDS = 300


def identity_family(user_id) -> str:
    """The cache family of one person's account and MFA state: forgetting it touches no one
    else's (a new client signing up does not send everyone signed in to the database)."""
    return f"{IDENTITY_CACHE}:{user_id}"


def user_cached(user_id, read):
    """`read(user_id)` (a backend's own get_user), kept in her identity family."""
    return cached_value(
        identity_family(user_id), "user", lambda: read(user_id), seconds=IDENTITY_CACHE_SECONDS
    )


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        return user_cached(user_id, super().get_user)


class CachedAllauthBackend(AuthenticationBackend):
    def get_user(self, user_id):
        return user_cached(user_id, super().get_user)
