"""Encrypt every stored second-factor secret with the first key in PORTAL_MFA_KEYS.

Run it after putting a new key first (then the old key can be removed), and at every deploy
(the compose migrate job does), so secrets stored before encryption was added are encrypted.
"""

from django.core.management.base import BaseCommand, CommandError

from portal.mfa_secrets import authenticators_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every TOTP secret and recovery-code seed with the first key in PORTAL_MFA_KEYS. "
        "Safe to run again: secrets already under that key are left alone."
    )

    def handle(self, *args, **options):
        result = authenticators_reencrypt()
        self.stdout.write(
            f"{result.checked} authenticators checked: {result.from_plain_text} encrypted from plain text, "
            f"{result.rotated} moved from an older key, "
            f"{result.checked - result.changed - len(result.unreadable)} already under the first key."
        )
        if result.unreadable:
            ids = ", ".join(str(pk) for pk in result.unreadable)
            raise CommandError(
                f"{len(result.unreadable)} authenticators (ids {ids}) could not be decrypted with any key in "
                "PORTAL_MFA_KEYS and were left as they are. Put back the key they were written with."
            )
