from allauth.mfa.models import Authenticator

from .models import Practice, User


def practice_get() -> Practice | None:
    """The practice's details, or None before the practice has been set up."""
    return Practice.objects.order_by("pk").first()


def user_has_totp(*, user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
