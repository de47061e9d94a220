from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        # Here, not at import: the kind names models, which exist only once apps are ready.
        from .message_kinds import message_kinds_register

        message_kinds_register()

    def demo_seed(self, *, password: str) -> list[tuple[str, str]]:
        """Two sent intakes (one urgent) so the therapist review has something to show; the
        demo logins they add, for `manage.py seed_demo` to print."""
        from .review_demo import demo_intakes_seed  # models are ready only once apps are

        return [
            (intake.client.email, f"{intake.client.get_role_display()} (sent intake)")
            for intake in demo_intakes_seed(password=password)
        ]
