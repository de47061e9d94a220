"""Invite a staff member by email, as Django admin's "Add user" does.

Nobody types a staff member's password for her: she chooses it from a one-time link, under
the password rules, then sets up her authenticator app before any staff page.
"""

from django.core.management.base import BaseCommand, CommandError

from portal.models import User
from portal.services import StaffInviteRefused, staff_invite, staff_invite_send

ROLE_CHOICES = sorted(str(role) for role in User.STAFF_ROLES)


class Command(BaseCommand):
    help = (
        "Invite a staff member (therapist, front desk or practice admin): she is emailed a one-time "
        "link to choose her password, then sets up two-step sign-in at her first sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=ROLE_CHOICES)
        parser.add_argument("--name", required=True, help="Full name as clients should see it.")

    def handle(self, *args, email, role, name, **options):
        try:
            user = staff_invite(email=email, full_name=name, role=role, actor=None)
        except StaffInviteRefused as refused:
            raise CommandError(str(refused)) from None
        try:
            staff_invite_send(user=user, actor=None)
        except OSError as exc:
            raise CommandError(
                f"The account for {user.email} was made, but the invitation could not be emailed ({exc}). "
                "Send it again from Django admin (Users, 'Send the staff invitation again')."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"{user.email} is invited as {user.get_role_display()}.")
            + " She chooses her password from the link in the email, then sets up two-step sign-in."
        )
