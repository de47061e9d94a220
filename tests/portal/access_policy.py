"""The declared access policy: what each kind of visitor gets from every URL in the project.

Outcomes: "ok" (200), "login" (sent to sign in), "forbidden" (403), "not_found" (404),
"method" (405: the URL only takes POST), "redirect" (sent elsewhere, e.g. home),
"unavailable" (503: a health check with a dead dependency is never expected here).
Later issues add their URLs to POLICY; a URL missing from it fails the access test.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.portal.access_policy_base import (  # noqa: F401
    ADMIN_ONLY,
    ANON_ONLY,
    CLIENT_ONLY,
    CLINICAL_ONLY,
    OWNER_ONLY,
    PERSONAS,
    SCHEDULING_ONLY,
    SIGNED_IN_ONLY,
    STAFF_ONLY,
    by_role,
    everyone,
)

# name -> expected outcome per persona (GET request).
POLICY: dict[str, dict[str, str]] = {
    # portal
    "portal:landing": everyone("ok"),
    "portal:home": by_role("redirect", "redirect", "redirect", "redirect", "redirect", "redirect"),
    "portal:client_home": CLIENT_ONLY,
    "portal:staff_home": STAFF_ONLY,
    "portal:session_status": by_role("unauthorized", "ok", "ok", "ok", "ok", "ok"),
    "portal:session_keepalive": everyone("method"),
    "portal:audit_log": ADMIN_ONLY,
    "portal:audit_log_csv": ADMIN_ONLY,
    "portal:settings": ADMIN_ONLY,
    "portal:settings_practice": ADMIN_ONLY,
    "portal:settings_safety": ADMIN_ONLY,
    "portal:settings_screening": ADMIN_ONLY,
    "portal:settings_staff": ADMIN_ONLY,
    "portal:settings_staff_role": everyone("method"),
    "portal:settings_staff_mfa_reset": everyone("method"),
    "portal:settings_staff_reinvite": everyone("method"),
    "portal:settings_staff_deactivate": ADMIN_ONLY,
    "healthz": everyone("ok"),
    # allauth: accounts
    "account_login": ANON_ONLY,
    "account_logout": by_role("redirect", "ok", "ok", "ok", "ok", "ok"),
    "account_inactive": everyone("ok"),
    "account_signup": ANON_ONLY,
    "account_reauthenticate": SIGNED_IN_ONLY,
    "account_request_reauthentication_code": SIGNED_IN_ONLY,
    "account_confirm_reauthentication_code": by_role("login", *["redirect"] * 5),
    "account_email": SIGNED_IN_ONLY,
    "account_email_verification_sent": everyone("ok"),
    "account_change_password": SIGNED_IN_ONLY,
    "account_set_password": by_role("login", *["redirect"] * 5),
    "account_reset_password": everyone("ok"),
    "account_confirm_login_code": by_role("login", *["redirect"] * 5),
    "account_confirm_email": everyone("ok"),
    "account_reset_password_from_key_done": everyone("ok"),
    "account_reset_password_from_key": everyone("ok"),
    "account_reset_password_done": everyone("ok"),
    # allauth: MFA. Sensitive MFA pages ask for a fresh sign-in first ("redirect").
    "mfa_index": SIGNED_IN_ONLY,
    "mfa_authenticate": by_role("login", *["redirect"] * 5),
    "mfa_reauthenticate": by_role("login", "redirect", "redirect", "ok", "ok", "ok"),
    "mfa_activate_totp": by_role("login", *["redirect"] * 5),
    "mfa_deactivate_totp": by_role("login", "not_found", "not_found", "redirect", "redirect", "redirect"),
    "mfa_view_recovery_codes": by_role("login", "not_found", "not_found", "redirect", "redirect", "redirect"),
    "mfa_generate_recovery_codes": by_role("login", *["redirect"] * 5),
    "mfa_download_recovery_codes": by_role(
        "login", "not_found", "not_found", "redirect", "redirect", "redirect"
    ),
}

# Each app's URLs are declared in its own fragment (tests/<app>/access_policy.py), merged here.
from tests.intake.access_policy import POLICY as INTAKE_POLICY  # noqa: E402
from tests.intake.access_policy import sample_kwargs as intake_sample_kwargs  # noqa: E402
from tests.scheduling.access_policy import POLICY as SCHEDULING_POLICY  # noqa: E402
from tests.scheduling.access_policy import sample_kwargs as scheduling_sample_kwargs  # noqa: E402

POLICY.update(INTAKE_POLICY)
POLICY.update(SCHEDULING_POLICY)

# Sample arguments for URLs that take them and need no database object. URLs whose
# arguments name an object get them from the fragments' sample_kwargs(personas), which
# creates objects owned by the "client" persona.
SAMPLE_KWARGS: dict[str, dict[str, str]] = {
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key": {"uidb36": "zz", "key": "set-password"},
}

# Django admin: only the practice admin; everyone else is sent to sign in (the admin's
# sign-in goes through allauth, so MFA applies), where a signed-in non-admin is refused.
ADMIN_POLICY = by_role("login", "login", "login", "login", "login", "ok")
ADMIN_EXCEPTIONS: dict[str, dict[str, str]] = {
    "admin:login": by_role("login", "forbidden", "forbidden", "forbidden", "forbidden", "redirect"),
    "admin:logout": by_role(*["redirect"] * 5, "method"),
    "admin:autocomplete": {"admin": "forbidden"},
    "admin:view_on_site": {"admin": "not_found"},
    # The practice row is created once and never deleted; audit rows are never added or
    # deleted by hand.
    "admin:portal_practice_add": {"admin": "forbidden"},
    "admin:portal_practice_delete": {"admin": "forbidden"},
    "admin:portal_auditevent_add": {"admin": "forbidden"},
    "admin:portal_auditevent_delete": {"admin": "forbidden"},
    # A therapist's credentials are corrected, never deleted: the disclosure is written from them.
    "admin:portal_therapistcredentials_delete": {"admin": "forbidden"},
    # Email addresses are read-only in admin: adding one for someone else would route her
    # password-reset links elsewhere.
    "admin:account_emailaddress_add": {"admin": "forbidden"},
    "admin:account_emailaddress_delete": {"admin": "forbidden"},
}


def url_kwargs(personas: dict) -> dict[str, dict[str, str]]:
    """Arguments for every URL that takes some, creating the objects they name."""
    # The practice admin's actions on a staff member name the front desk.
    staff_member = {"pk": str(personas["front_desk"].pk)}
    portal_kwargs = {
        name: staff_member
        for name in (
            "portal:settings_staff_role",
            "portal:settings_staff_mfa_reset",
            "portal:settings_staff_reinvite",
            "portal:settings_staff_deactivate",
        )
    }
    return {
        **SAMPLE_KWARGS,
        **portal_kwargs,
        **intake_sample_kwargs(personas),
        **scheduling_sample_kwargs(personas),
    }


def iter_named_patterns(patterns=None, namespace: str | None = None):
    """Yield (name, pattern) for every named URL pattern in the project."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from iter_named_patterns(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern
