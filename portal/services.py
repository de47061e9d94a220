"""Writes that concern accounts and roles."""

from importlib import import_module

from allauth.account.forms import default_token_generator
from allauth.account.internal.flows.password_reset import request_password_reset
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import client_of_record
from .audit import audit_record
from .models import AuditEvent, User
from .practice_changes import practice_changed
from .sign_in_limits import NETWORK, Pause

MSG_ADDRESS_TAKEN = _(
    "An account with this address already exists. To make it a staff account, change its role instead."
)
MSG_ALREADY_STAFF = _(
    "%(name)s already has a staff account with this address (%(role)s). To change what they do, "
    "change their role in the list above; if they have not chosen a password yet, use “Send the "
    "invitation again” beside their name."
)
MSG_ALREADY_STAFF_CLOSED = _(
    "%(name)s had a staff account with this address, now closed. A closed account is not opened "
    "again here; to invite them anew, use another address."
)
MSG_NOT_A_STAFF_ROLE = _("Choose a staff role: therapist, front desk or practice admin.")
MSG_ALREADY_JOINED = _("This person has already chosen a password; send a password-reset link instead.")


class StaffInviteRefused(Exception):
    """The invitation cannot be made or sent; the message says why, in the admin's words."""


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
    """Create (or update) a staff member with a password and a verified email.

    For demo data and benchmarks only, whose passwords are published: real staff are invited
    (staff_invite) and choose their own password.
    """
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
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        object_type="user",
        object_id=user.pk,
        detail=f"staff account {'created' if created else 'updated'} with role {role}",
    )
    return user


@transaction.atomic
def user_role_set(*, user: User, role: str, actor: User | None, request: HttpRequest | None = None) -> User:
    """Change a user's role, keep Django admin access in step with it, and audit the change.

    Setting the role she already has changes nothing and writes no audit row.
    """
    if role not in User.Role.values:
        raise ValueError(f"{role!r} is not a role.")
    previous = user.role
    if previous == role:
        return user
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
    if User.Role.THERAPIST in (previous, role):
        practice_changed(actor=actor, request=request)
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None, request: HttpRequest | None = None) -> list[str]:
    """Close a staff member's account: she can no longer sign in, her sessions end, and a
    therapist is no longer listed for new clients (the apps write again what lists her).

    Her records and her name on them stay. Returns what the apps could not write again.
    Closing an account already closed changes nothing.
    """
    if not user.is_active:
        return []
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="user",
        object_id=user.pk,
        client=_client_or_none(user),
        detail="account deactivated",
        request=request,
    )
    problems = practice_changed(actor=actor, request=request) if user.role == User.Role.THERAPIST else []
    transaction.on_commit(lambda: user_sessions_revoke(user=user, actor=actor, request=request))
    return problems


@transaction.atomic
def user_mfa_activate_totp(*, user: User, secret: str) -> list[str]:
    """Give a staff member an authenticator (TOTP) with ``secret`` and recovery codes.

    For set-up scripts and demo data; people normally do this themselves on the MFA page.
    Returns the recovery codes. Does nothing new if the user already has an authenticator.
    """
    # allauth exposes no public service for this; its internal helpers are stable in 65.x.
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    recovery = RecoveryCodes(codes) if codes else RecoveryCodes.activate(user)
    return recovery.get_unused_codes()


def _client_or_none(user: User) -> User | None:
    # Audit rows about a client carry her as the client, so "who touched her account" is one filter.
    return client_of_record(user)


@transaction.atomic
def staff_invite(
    *, email: str, full_name: str, role: str, actor: User | None, request: HttpRequest | None = None
) -> User:
    """Create a staff account that nobody can sign in to until she chooses her own password.

    The account has no usable password and a verified address (the admin typed it, and only
    its owner receives the link). Send the invitation with staff_invite_send once this has
    committed. At her first sign-in she must set up her authenticator app before any other page.
    """
    if role not in User.STAFF_ROLES:
        raise StaffInviteRefused(MSG_NOT_A_STAFF_ROLE)
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.role in User.STAFF_ROLES:
        words = MSG_ALREADY_STAFF if existing.is_active else MSG_ALREADY_STAFF_CLOSED
        raise StaffInviteRefused(words % {"name": existing, "role": existing.get_role_display()})
    if existing is not None or EmailAddress.objects.filter(email__iexact=email).exists():
        raise StaffInviteRefused(MSG_ADDRESS_TAKEN)
    user = User(email=email, full_name=full_name, role=role, **_admin_flags(role))
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="user",
        object_id=user.pk,
        detail=f"staff invited as {role}",
        request=request,
    )
    if role == User.Role.THERAPIST:  # a therapist joining is listed where the apps list them
        practice_changed(actor=actor, request=request)
    return user


def staff_invite_link(*, user: User, request: HttpRequest | None = None) -> str:
    """The one-time link where an invited staff member chooses her password.

    It is allauth's password-reset link: the token is made from her password hash and last
    sign-in, so it stops working once she has chosen a password, and after
    PASSWORD_RESET_TIMEOUT; the page applies AUTH_PASSWORD_VALIDATORS.
    """
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


def staff_invite_send(*, user: User, actor: User | None, request: HttpRequest | None = None) -> None:
    """Email her the invitation; call it outside any transaction. Audited once sent.

    The email names no client and says nothing clinical: only that a staff account is waiting.
    """
    if user.has_usable_password():
        raise StaffInviteRefused(MSG_ALREADY_JOINED)
    context = {
        "user": user,
        "role": user.get_role_display(),
        "invite_url": staff_invite_link(user=user, request=request),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("portal/email/staff_invite_subject.txt", context).strip(),
        body=render_to_string("portal/email/staff_invite.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("portal/email/staff_invite.html", context), "text/html")
    message.send()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.NOTIFY,
        object_type="user",
        object_id=user.pk,
        detail="staff invitation emailed",
        request=request,
    )


def user_password_reset_send(*, user: User, request: HttpRequest) -> None:
    """Email her a link to choose a new password herself (allauth's reset email).

    Nobody sets another person's password. The account adapter audits every reset link sent,
    whoever asked for it.
    """
    email = EmailAddress.objects.get_primary_email(user) or user.email
    request_password_reset(request, email, [user], token_generator=None)


def _session_keys_of(user: User) -> list[str]:
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = store_class.get_model_class().objects.filter(expire_date__gt=timezone.now())
    return [
        session.session_key
        for session in sessions.iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]


def user_sessions_revoke(*, user: User, actor: User | None, request: HttpRequest | None = None) -> int:
    """Sign her out everywhere: end every session that belongs to her. Audited with the count.

    Sessions are found by reading each live one (the database store has no index by user); a
    small practice has a few hundred at most. Each is deleted through the session store, so a
    cached copy goes too.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = _session_keys_of(user)
    for key in keys:
        store_class(session_key=key).delete()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="user",
        object_id=user.pk,
        client=_client_or_none(user),
        detail=f"signed out everywhere: {len(keys)} sessions ended",
        request=request,
    )
    return len(keys)


def user_mfa_reset(*, user: User, actor: User | None, request: HttpRequest | None = None) -> int:
    """Remove her second factors (authenticator app, recovery codes) and sign her out everywhere.

    At her next sign-in her password alone lets her in, and a staff member is then held on
    the set-up page until she has enrolled a new authenticator app. Her sessions end too:
    one left open would let whoever holds it enrol an app of their own. Returns how many
    authenticators were removed.
    """
    with transaction.atomic():
        removed, _by_model = Authenticator.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="user",
            object_id=user.pk,
            client=_client_or_none(user),
            detail=f"two-step sign-in reset: {removed} authenticators removed",
            request=request,
        )
    user_sessions_revoke(user=user, actor=actor, request=request)
    return removed


def staff_mfa_reset_send(*, user: User, actor: User | None, request: HttpRequest | None = None) -> int:
    """Reset her two-step sign-in (user_mfa_reset) and email her the link to sign in and enrol
    a new authenticator app; call it outside any transaction. The email is audited once sent.
    Returns how many authenticators were removed."""
    removed = user_mfa_reset(user=user, actor=actor, request=request)
    path = reverse("account_login")
    context = {
        "sign_in_url": request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("portal/email/staff_mfa_reset_subject.txt", context).strip(),
        body=render_to_string("portal/email/staff_mfa_reset.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("portal/email/staff_mfa_reset.html", context), "text/html")
    message.send()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.NOTIFY,
        object_type="user",
        object_id=user.pk,
        detail="two-step sign-in enrolment link emailed",
        request=request,
    )
    return removed


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
        client=client_of_record(person),
        detail=pause.detail,
        request=request,
    )
