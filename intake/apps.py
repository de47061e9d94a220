from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        # Here, not at import: the kind names models, which exist only once apps are ready.
        from portal.practice_changes import practice_republisher_register

        from . import signals  # noqa: F401 - connects the receivers that forget cached counts
        from .consent_services import consent_documents_republish_problems
        from .message_kinds import message_kinds_register

        message_kinds_register()
        practice_republisher_register(consent_documents_republish_problems)

    def demo_seed(self, *, password: str) -> list[tuple[str, str]]:
        """The demo therapists' credentials and the disclosure written from them, and four sent
        intakes (one urgent, a partner, a twin loss, IVF) for the therapist review; the demo logins
        they add, for `manage.py seed_demo` to print."""
        # Models are ready only once apps are.
        from .disclosure_demo import demo_credentials_seed
        from .review_demo import demo_intakes_seed

        demo_credentials_seed()  # first: the demo clients sign the disclosure written from them
        return [
            (intake.client.email, f"{intake.client.get_role_display()} (sent intake)")
            for intake in demo_intakes_seed(password=password)
        ]
