from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import sign_in_limits
from .access import client_of_record, is_staff_member
from .audit import audit_record
from .mfa_secrets import secret_decrypt, secret_encrypt
from .models import AuditEvent
from .services import sign_in_pause_record
from .text import email_hidden_characters_refuse

# Shown for every kind of pause, and the same whether or not the address has an account.
MSG_SIGN_IN_PAUSED = _(
    "Several sign-in attempts have not worked, so we have paused signing in for a little while "
    "to keep things safe. Please try again in a few minutes. If you have forgotten your "
    "password, you can choose a new one with “Forgot your password?”."
)


class PortalAccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up is a client; staff accounts come from a practice admin."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": MSG_SIGN_IN_PAUSED,
    }

    def clean_email(self, email: str) -> str:
        """Every address typed into sign-up, a reset request or the email page."""
        email_hidden_characters_refuse(email)
        return super().clean_email(email)

    def get_login_redirect_url(self, request) -> str:
        return reverse("portal:home")

    def save_user(self, request, user, form, commit=True):
        user.role = user.Role.CLIENT
        user.is_staff = False
        user.is_superuser = False
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if template_prefix == "account/email/unknown_account":
            # A reset asked for an address with no account: audited like a real one (which
            # send_password_reset_mail records), so both take the same work and the log shows
            # addresses being tried. The address itself is not kept.
            request: HttpRequest | None = context.get("request")
            audit_record(
                actor=None,
                action=AuditEvent.Action.NOTIFY,
                object_type="user",
                object_id="",
                client=None,
                detail="an address with no account was asked for (password reset)",
                request=request,
            )
        super().send_mail(template_prefix, email, context)

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
            client=client_of_record(user),
            detail="password reset link sent",
            request=request,
        )
        super().send_password_reset_mail(user, email, context)

    # --- Failed sign-ins (portal.sign_in_limits)

    def _address_key(self, request: HttpRequest, **credentials) -> str:
        # allauth's own key: the site and the address typed, lower-cased.
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        # allauth counts its per-"key" failures by address alone, so five wrong passwords from
        # anywhere paused the owner everywhere. Here the key is the address and the network.
        return sign_in_limits.address_and_network(self._address_key(request, **credentials), request)

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        address_key = self._address_key(request, **credentials)
        try:
            super().pre_authenticate(request, **credentials)
            usage = sign_in_limits.address_consume(request, address_key=address_key)
            if usage is None:
                raise self.validation_error("too_many_login_attempts")
            # Given back with allauth's own counts when the password is right.
            self._login_failed_rl_usage.usage.extend(usage.usage)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                self._sign_in_paused(request, address_key=address_key, credentials=credentials)
            raise

    def _sign_in_paused(self, request: HttpRequest, *, address_key: str, credentials: dict) -> None:
        pair_key = self._get_login_attempts_cache_key(request, **credentials)
        for pause in sign_in_limits.pauses(request, address_key=address_key, pair_key=pair_key):
            if sign_in_limits.pause_is_new(pause):
                sign_in_pause_record(request=request, pause=pause, email=credentials.get("email") or "")

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials) -> None:
        # Called by allauth after a password reset, for each of the account's addresses.
        sign_in_limits.address_clear(
            request,
            address_key=self._address_key(request, **credentials),
            pair_key=self._get_login_attempts_cache_key(request, **credentials),
        )


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
