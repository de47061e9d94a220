import logging

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.cache import cache
from django.db import models
from django.db.models import Q

from .auth_backends import IDENTITY_CACHE_SECONDS, identity_family
from .cached import cached_value
from .models import Practice, User
from .reference_data import practice_ensure

logger = logging.getLogger(__name__)

try:  # the production cache is Redis; the embedded default keeps it in the process
    from redis.exceptions import RedisError as _CacheDown
except ImportError:  # pragma: no cover - redis is a pinned dependency
    _CacheDown = OSError

PRACTICE_CACHE_KEY = "portal:practice:v1"
# Every page shows the practice's details, so they are kept in the cache. Saving or
# deleting the practice forgets them (portal/signals.py); the timeout only bounds how
# long a change made around the model (a raw SQL update) could go unseen.
PRACTICE_CACHE_SECONDS = 300


def practice_get() -> Practice:
    """The practice's details and settings: always a row (migration portal 0008 creates it;
    one emptied since, as a test does, is created again, empty)."""
    try:
        practice = cache.get(PRACTICE_CACHE_KEY)
    except (_CacheDown, OSError):
        logger.warning("The cache could not be read; reading the practice from the database.")
        return practice_ensure(Practice)
    if practice is None:
        practice = practice_ensure(Practice)
        try:
            cache.set(PRACTICE_CACHE_KEY, practice, PRACTICE_CACHE_SECONDS)
        except (_CacheDown, OSError):
            logger.warning("The cache could not be written; the practice will be read again.")
    return practice


def has_joined() -> Q:
    """Users who have chosen a password: a staff member invited by email has not until she
    uses her link, so she is not offered for assigning or booking yet (User.has_usable_password,
    as a filter)."""
    return ~Q(password__startswith=UNUSABLE_PASSWORD_PREFIX) & ~Q(password="")


def practice_forget() -> None:
    """Drop the cached practice details, so the next page reads them afresh."""
    try:
        cache.delete(PRACTICE_CACHE_KEY)
    except (_CacheDown, OSError):
        logger.error("The cached practice details could not be dropped; they expire within minutes.")


def therapists_taking_new_clients() -> models.QuerySet[User]:
    """Active therapists a new client may meet: the one rule for who is booked for a first
    visit (scheduling) and who the Colorado disclosure lists (intake). A therapist whose
    profile is not filled in yet takes new clients, as the profile's default says."""
    return (
        User.objects.filter(role=User.Role.THERAPIST, is_active=True)
        .exclude(credentials__taking_new_clients=False)
        .order_by("full_name", "pk")
    )


def on_call_addresses(*, practice: Practice) -> list[str]:
    """Who is emailed when an intake needs same-day review: the practice's own on-call
    addresses, or when it has none, the deployment's PORTAL_ON_CALL_EMAILS."""
    if practice.on_call_list:
        return practice.on_call_list
    return list(settings.PORTAL_ON_CALL_EMAILS)


def on_call_alerts_configured(*, practice: Practice) -> bool:
    """Whether a same-day flag really emails someone (what the client may be told)."""
    return bool(on_call_addresses(practice=practice))


def practice_admin_addresses() -> list[str]:
    """Every active practice admin's address: the last step of the urgent alert ladder."""
    return list(
        User.objects.filter(role=User.Role.PRACTICE_ADMIN, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


def user_has_totp(*, user: User) -> bool:
    """Whether she has an authenticator app set up (every staff request asks): kept in her
    identity family, forgotten when any authenticator of hers is added or removed."""
    return cached_value(
        identity_family(user.pk),
        "totp",
        lambda: Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        seconds=IDENTITY_CACHE_SECONDS,
    )
