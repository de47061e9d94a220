import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.models import User
from portal.services import user_create_staff

ROLE_CHOICES = sorted(str(role) for role in User.STAFF_ROLES)


class Command(BaseCommand):
    help = (
        "Create a staff member (therapist, front desk or practice admin). They set up MFA at first sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=ROLE_CHOICES)
        parser.add_argument("--name", required=True, help="Full name as clients should see it.")
        parser.add_argument(
            "--password",
            help="Leave out to be asked for it (safer: it stays out of shell history).",
        )

    def handle(self, *args, email, role, name, password=None, **options):
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords did not match.")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        user = user_create_staff(email=email, full_name=name, role=role, password=password)
        self.stdout.write(
            self.style.SUCCESS(f"{user.email} is ready as {user.get_role_display()}.")
            + " They will be asked to set up an authenticator app when they first sign in."
        )
