from django.conf import settings
from django.core.checks import Error, register

from .validators import invalid_addresses

E001 = Error(
    "Outgoing mail is not configured: set EMAIL_URL (for example smtp+tls://user:pass@host:587).",
    hint="Sign-up confirmations and password resets are sent by email; without EMAIL_URL "
    "they would be written to files nobody reads.",
    id="portal.E001",
)
E002 = Error(
    "No on-call address is configured: set PORTAL_ON_CALL_EMAILS (comma-separated addresses).",
    hint="When an answer raises a same-day safety flag, the on-call is emailed. The practice's "
    "own addresses (Django admin, Practice) take precedence, but the practice row is empty at "
    "first deploy and its addresses can be removed later: these are used whenever it has none.",
    id="portal.E002",
)
E003_MESSAGE = "PORTAL_ON_CALL_EMAILS holds something that is not an email address: {addresses}"


@register()
def check_outgoing_mail(app_configs, **kwargs) -> list[Error]:
    if getattr(settings, "PORTAL_REQUIRE_EMAIL_URL", False) and settings.EMAIL_BACKEND.endswith(
        ("filebased.EmailBackend", "console.EmailBackend", "locmem.EmailBackend", "ReadableFileEmailBackend")
    ):
        return [E001]
    return []


@register()
def check_on_call_addresses(app_configs, **kwargs) -> list[Error]:
    # A settings check, not a database one: it runs with every management command (the compose
    # migrate job that web and the worker wait for included) and needs no practice row.
    addresses = getattr(settings, "PORTAL_ON_CALL_EMAILS", [])
    if bad := invalid_addresses(addresses):
        return [Error(E003_MESSAGE.format(addresses=", ".join(bad)), id="portal.E003")]
    if getattr(settings, "PORTAL_REQUIRE_ON_CALL_EMAILS", False) and not addresses:
        return [E002]
    return []
