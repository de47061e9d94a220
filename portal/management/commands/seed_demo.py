"""Demo data for a local run: the practice and one staff member of each kind.

Idempotent: running it again resets the demo passwords and leaves everything else.
"""

from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.models import Practice, User
from portal.reference_data import practice_ensure
from portal.selectors import practice_forget
from portal.services import user_create_staff, user_mfa_activate_totp

DEMO_PASSWORD = "portal-demo-2026"

DEMO_PRACTICE = {
    "name": "Sitting in Sisterhood",
    "address_line1": "1600 Ogden Street, Suite 200",
    "city": "Denver",
    "state": "CO",
    "postal_code": "80218",
    "phone": "(303) 555-0142",
    "email": "care@sittinginsisterhood.example",
    "on_call_emails": "oncall@sittinginsisterhood.example",
    "minimum_client_age": 18,
    "cancellation_notice_hours": 24,
    "late_cancellation_fee": Decimal("75.00"),
}
# Fictional billing identity for the Good Faith Estimate, well formed (check digit, EIN prefix).
DEMO_BILLING = {"npi": "1568493021", "tax_id": "84-3927165", "sliding_scale_offered": True}

# Fixed, printed secrets so a demo user can add them to an authenticator app. Demo only:
# the command refuses to run with DEBUG off.
DEMO_STAFF = [
    (
        "stephanie@demo.example",
        "Stephanie Poole, LCSW",
        User.Role.THERAPIST,
        "JBSWY3DPEHPK3PXPSTEPHANIEDEMO234",
    ),
    ("maya@demo.example", "Maya Herrera, LPC", User.Role.THERAPIST, "JBSWY3DPEHPK3PXPMAYAHERRERADEMO2"),
    ("frontdesk@demo.example", "Jordan Ellis", User.Role.FRONT_DESK, "JBSWY3DPEHPK3PXPJORDANELLISDEMO2"),
    ("admin@demo.example", "Riley Chen", User.Role.PRACTICE_ADMIN, "JBSWY3DPEHPK3PXPRILEYCHENDEMO234"),
]
DEMO_CLIENT = ("client@demo.example", "Demo Client")


class Command(BaseCommand):
    help = "Load demo data (practice, staff with MFA, a demo client) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data has known passwords; refusing to load it with DEBUG off.")
        practice = practice_ensure(Practice)
        if not practice.name:  # still the empty row the migration made: fill in the demo's
            Practice.objects.filter(pk=practice.pk).update(**DEMO_PRACTICE)
            practice_forget()
        if not practice.npi:
            Practice.objects.filter(pk=practice.pk).update(**DEMO_BILLING)
            practice_forget()
        rows = []
        for email, name, role, secret in DEMO_STAFF:
            user = user_create_staff(email=email, full_name=name, role=role, password=DEMO_PASSWORD)
            user_mfa_activate_totp(user=user, secret=secret)
            rows.append((email, str(user.get_role_display()), secret))
        client = self._demo_client()
        rows.append((client.email, str(client.get_role_display()), "-"))
        # Each app seeds its own demo records (AppConfig.demo_seed), in INSTALLED_APPS order:
        # the portal knows none of their internals.
        for config in apps.get_app_configs():
            seed = getattr(config, "demo_seed", None)
            if seed is not None:
                rows += [(email, role, "-") for email, role in seed(password=DEMO_PASSWORD)]

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        self.stdout.write(f"  {'email':<28} {'role':<16} TOTP secret (add to an authenticator app)")
        for email, role, secret in rows:
            self.stdout.write(f"  {email:<28} {role:<16} {secret}")
        self.stdout.write("  Compute a code without a phone: .venv/bin/python manage.py totp_code EMAIL")
        self.stdout.write("")

    def _demo_client(self) -> User:
        from allauth.account.models import EmailAddress

        email, name = DEMO_CLIENT
        user, _created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
