"""Writes that concern accounts and roles."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import HttpRequest

from .audit import audit_record
from .models import AuditEvent, User
from .sign_in_limits import NETWORK, Pause


def _admin_flags(role: str) -> dict[str, bool]:
    # Only the practice admin works in Django admin; every other role uses the portal.
    is_admin = role == User.Role.PRACTICE_ADMIN
    return {"is_staff": is_admin, "is_superuser": is_admin}


@transaction.atomic
def user_create_staff(
    *,
    email: str,
    full_name: str,
    role: str,
    password: str,
    actor: User | None = None,
) -> User:
    """Create (or update) a staff member with a verified email, ready to set up MFA."""
    if role not in User.STAFF_ROLES:
        raise ValueError(f"{role!r} is not a staff role.")
    email = User.objects.normalize_email(email).lower()
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "role": role, **_admin_flags(role)}
    )
    if not created:
        user.full_name = full_name
        user.role = role
        for field, value in _admin_flags(role).items():
            setattr(user, field, value)
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.ROLE_CHANGE,
        object_type="user",
        object_id=user.pk,
        detail=f"staff account {'created' if created else 'updated'} with role {role}",
    )
    return user


@transaction.atomic
def user_role_set(*, user: User, role: str, actor: User | None, request: HttpRequest | None = None) -> User:
    """Change a user's role, keep Django admin access in step with it, and audit the change."""
    if role not in User.Role.values:
        raise ValueError(f"{role!r} is not a role.")
    previous = user.role
    user.role = role
    for field, value in _admin_flags(role).items():
        setattr(user, field, value)
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ROLE_CHANGE,
        object_type="user",
        object_id=user.pk,
        detail=f"role changed from {previous} to {role}",
        request=request,
    )
    return user


@transaction.atomic
def user_mfa_activate_totp(*, user: User, secret: str) -> list[str]:
    """Give a staff member an authenticator (TOTP) with ``secret`` and recovery codes.

    For set-up scripts and demo data; people normally do this themselves on the MFA page.
    Returns the recovery codes. Does nothing new if the user already has an authenticator.
    """
    # allauth exposes no public service for this; its internal helpers are stable in 65.x.
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    recovery = RecoveryCodes(codes) if codes else RecoveryCodes.activate(user)
    return recovery.get_unused_codes()


@transaction.atomic
def sign_in_pause_record(*, request: HttpRequest, pause: Pause, email: str) -> AuditEvent:
    """Audit that failed sign-ins were paused (portal.sign_in_limits), without the address.

    A pause on one address names whoever the address belongs to, if anyone, so the practice
    admin finds it in that person's history; the look-up runs whether or not there is anyone,
    so the time taken says nothing about the address. A network's pause names nobody.
    """
    person = None if pause.scope == NETWORK else User.objects.filter(email__iexact=email).first()
    return audit_record(
        actor=request.user,
        action=AuditEvent.Action.SIGN_IN_PAUSE,
        object_type="sign_in",
        object_id=person.pk if person else "",
        client=person if person is not None and person.is_client else None,
        detail=pause.detail,
        request=request,
    )
