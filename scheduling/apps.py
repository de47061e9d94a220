from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        # Here, not at import: the kinds name models, which exist only once apps are ready.
        from .message_kinds import message_kinds_register

        message_kinds_register()

    def demo_seed(self, *, password: str) -> list[tuple[str, str]]:
        """Every active therapist's hours and a few requests and appointments for the demo."""
        from portal.models import User  # models are ready only once apps are

        from .demo import scheduling_demo_seed

        scheduling_demo_seed(therapists=list(User.objects.filter(role=User.Role.THERAPIST, is_active=True)))
        return []
