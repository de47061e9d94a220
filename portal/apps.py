from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.conf import settings

        from . import checks, held, signals  # noqa: F401  (registers the system checks and receivers)
        from .settings.guard import settings_refuse_unsafe

        # Here rather than in a system check: gunicorn and Celery never run the checks.
        settings_refuse_unsafe(
            debug=settings.DEBUG, secret_key=settings.SECRET_KEY, allowed_hosts=settings.ALLOWED_HOSTS
        )
