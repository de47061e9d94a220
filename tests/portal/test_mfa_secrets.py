"""Second-factor secrets are encrypted at rest, with keys that can rotate."""

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from portal.models import AuditEvent
from portal.settings.env import env_fernet_keys
from tests.portal.factories import TOTP_SECRET, StaffFactory, totp_code
from tests.portal.test_settings import PRODUCTION_ENV, _manage

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def stored_data(authenticator: Authenticator) -> str:
    """The data column as the database holds it, read past the ORM."""
    table = connection.ops.quote_name(Authenticator._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {table} WHERE id = %s", [authenticator.pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def totp_of(user) -> Authenticator:
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)


def test_totp_secret_is_not_stored_in_plain_text(therapist):
    column = stored_data(totp_of(therapist))

    assert TOTP_SECRET not in column
    assert TOTP_SECRET.lower() not in column.lower()
    assert "fernet:" in column


def test_recovery_code_seed_is_not_stored_in_plain_text(therapist):
    codes = Authenticator.objects.get(user=therapist, type=Authenticator.Type.RECOVERY_CODES)
    seed = RecoveryCodes(codes).instance.data["seed"]

    column = stored_data(codes)

    assert seed.startswith("fernet:")
    assert Authenticator.objects.get(pk=codes.pk).wrap().get_unused_codes()  # still readable
    assert all(code not in column for code in RecoveryCodes(codes).get_unused_codes())


def test_encrypted_totp_secret_still_accepts_the_current_code(therapist):
    assert TOTP(totp_of(therapist)).validate_code(totp_code())


def test_a_secret_written_under_an_old_key_decrypts_after_rotation(settings):
    settings.PORTAL_MFA_KEYS = [OLD_KEY]
    staff = StaffFactory()
    settings.PORTAL_MFA_KEYS = [NEW_KEY, OLD_KEY]

    assert TOTP(totp_of(staff)).validate_code(totp_code())


def test_a_secret_no_key_can_read_is_refused(settings):
    settings.PORTAL_MFA_KEYS = [OLD_KEY]
    staff = StaffFactory()
    settings.PORTAL_MFA_KEYS = [NEW_KEY]

    with pytest.raises(Exception, match="No key in PORTAL_MFA_KEYS"):
        TOTP(totp_of(staff)).validate_code(totp_code())


def test_mfa_reencrypt_moves_every_secret_to_the_first_key(settings, capsys):
    settings.PORTAL_MFA_KEYS = [OLD_KEY]
    staff = StaffFactory()
    settings.PORTAL_MFA_KEYS = [NEW_KEY, OLD_KEY]

    call_command("mfa_reencrypt")

    assert "2 moved from an older key" in capsys.readouterr().out
    settings.PORTAL_MFA_KEYS = [NEW_KEY]  # the old key is retired
    assert TOTP(totp_of(staff)).validate_code(totp_code())
    assert Authenticator.objects.get(user=staff, type="recovery_codes").wrap().get_unused_codes()
    audited = AuditEvent.objects.filter(object_type="authenticator", detail__contains="2 from an older key")
    assert audited.exists()


def test_mfa_reencrypt_a_second_time_changes_nothing(settings, capsys, therapist):
    call_command("mfa_reencrypt")
    before = stored_data(totp_of(therapist))

    call_command("mfa_reencrypt")

    out = capsys.readouterr().out
    assert "0 encrypted from plain text, 0 moved from an older key, 2 already under the first key" in out
    assert stored_data(totp_of(therapist)) == before


def test_a_plain_text_secret_from_before_still_works_and_mfa_reencrypt_encrypts_it(capsys):
    staff = StaffFactory(mfa=False)
    authenticator = Authenticator.objects.create(user=staff, type="totp", data={"secret": TOTP_SECRET})
    assert TOTP(authenticator).validate_code(totp_code())

    call_command("mfa_reencrypt")

    assert "1 encrypted from plain text" in capsys.readouterr().out
    assert TOTP_SECRET not in stored_data(authenticator)
    stored = Authenticator.objects.get(pk=authenticator.pk).data["secret"]
    assert stored.startswith("fernet:")
    assert get_adapter().decrypt(stored) == TOTP_SECRET


def test_mfa_reencrypt_stops_on_a_secret_no_key_can_read_and_leaves_it_alone(settings):
    settings.PORTAL_MFA_KEYS = [OLD_KEY]
    staff = StaffFactory()
    before = stored_data(totp_of(staff))
    settings.PORTAL_MFA_KEYS = [NEW_KEY]

    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("mfa_reencrypt")

    assert stored_data(totp_of(staff)) == before


def test_a_malformed_mfa_key_stops_start_up(monkeypatch):
    monkeypatch.setenv("PORTAL_MFA_KEYS", f"{NEW_KEY},not-a-key")

    with pytest.raises(ImproperlyConfigured, match="Key 2 in PORTAL_MFA_KEYS is not a Fernet key"):
        env_fernet_keys("PORTAL_MFA_KEYS", [])


def test_mfa_keys_are_read_first_to_encrypt(monkeypatch):
    monkeypatch.setenv("PORTAL_MFA_KEYS", f" {NEW_KEY} , {OLD_KEY}")

    assert env_fernet_keys("PORTAL_MFA_KEYS", []) == [NEW_KEY, OLD_KEY]


def test_totp_code_command_reads_an_encrypted_secret(settings, capsys, therapist):
    settings.DEBUG = True
    expected = totp_code()  # waits out a period about to end

    call_command("totp_code", therapist.email)

    assert capsys.readouterr().out.strip() == expected


def test_production_refuses_the_published_development_mfa_key():
    result = _manage("check", env={**PRODUCTION_ENV, "PORTAL_MFA_KEYS": settings.LOCAL_MFA_KEY})

    assert result.returncode != 0
    assert "PORTAL_MFA_KEYS holds the published development key" in result.stderr
