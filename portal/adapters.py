from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import is_staff_member
from .audit import audit_record
from .mfa_secrets import secret_decrypt, secret_encrypt
from .models import AuditEvent


class PortalAccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up is a client; staff accounts come from a practice admin."""

    def get_login_redirect_url(self, request) -> str:
        return reverse("portal:home")

    def save_user(self, request, user, form, commit=True):
        user.role = user.Role.CLIENT
        user.is_staff = False
        user.is_superuser = False
        return super().save_user(request, user, form, commit=commit)

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        # Every reset link sent is audited, whoever asked: the person herself (signed out, so
        # no actor) or a practice admin from Django admin. Recorded before the mail is sent.
        request: HttpRequest | None = context.get("request")
        actor = getattr(request, "user", None)
        audit_record(
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=AuditEvent.Action.NOTIFY,
            object_type="user",
            object_id=user.pk,
            client=user if user.is_client else None,
            detail="password reset link sent",
            request=request,
        )
        super().send_password_reset_mail(user, email, context)


class PortalMFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "That code did not work. Codes change every 30 seconds: please type the one your app shows now."
        ),
        "cannot_delete_authenticator": _(
            "Two-step sign-in stays on for staff accounts. The practice admin can reset it."
        ),
    }

    def encrypt(self, text: str) -> str:
        # TOTP keys and recovery-code seeds are stored encrypted (portal.mfa_secrets).
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secret_decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Staff must keep an authenticator app: removing it would undo the MFA requirement.
        if authenticator.type == Authenticator.Type.TOTP and is_staff_member(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
