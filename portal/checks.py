from django.conf import settings
from django.core.checks import Error, register

E001 = Error(
    "Outgoing mail is not configured: set EMAIL_URL (for example smtp+tls://user:pass@host:587).",
    hint="Sign-up confirmations and password resets are sent by email; without EMAIL_URL "
    "they would be written to files nobody reads.",
    id="portal.E001",
)


@register()
def check_outgoing_mail(app_configs, **kwargs) -> list[Error]:
    if getattr(settings, "PORTAL_REQUIRE_EMAIL_URL", False) and settings.EMAIL_BACKEND.endswith(
        ("filebased.EmailBackend", "console.EmailBackend", "locmem.EmailBackend", "ReadableFileEmailBackend")
    ):
        return [E001]
    return []
