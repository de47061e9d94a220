import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from portal.models import AuditEvent, Practice, User

pytestmark = pytest.mark.django_db


def test_create_staff_user_makes_a_verified_staff_member_without_mfa():
    call_command("create_staff_user", "New.Therapist@Example.com", role="therapist", name="Alex Moreno")

    user = User.objects.get(email="new.therapist@example.com")
    assert user.role == User.Role.THERAPIST
    assert not user.is_staff  # only practice admins work in Django admin
    assert EmailAddress.objects.get(user=user).verified
    assert not Authenticator.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).exists()


def test_create_staff_user_gives_a_practice_admin_django_admin_access():
    call_command("create_staff_user", "boss@example.com", role="practice_admin", name="Sam")

    user = User.objects.get(email="boss@example.com")
    assert user.is_staff
    assert user.is_superuser


def test_create_staff_user_takes_no_password():
    with pytest.raises(CommandError, match="unrecognized arguments"):
        call_command(
            "create_staff_user",
            "weak@example.com",
            "--role",
            "front_desk",
            "--name",
            "Weak",
            "--password",
            "123",
        )
    assert not User.objects.filter(email="weak@example.com").exists()


def test_seed_demo_is_idempotent_and_sets_up_mfa_for_staff(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")

    assert Practice.objects.count() == 1
    staff = User.objects.exclude(role=User.Role.CLIENT)
    assert sorted(staff.values_list("role", flat=True)) == [
        "front_desk",
        "practice_admin",
        "therapist",
        "therapist",
    ]
    assert Authenticator.objects.filter(type="totp", user__in=staff).count() == 4
    out = capsys.readouterr().out
    assert "portal-demo-2026" in out
    assert "JBSWY3DP" in out


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_role_change_in_admin_is_audited_and_keeps_admin_access_in_step(client, practice_admin, client_user):
    client.force_login(practice_admin)
    response = client.post(
        f"/admin/portal/user/{client_user.pk}/change/",
        {
            "email": client_user.email,
            "full_name": client_user.full_name,
            "role": "front_desk",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    client_user.refresh_from_db()
    assert client_user.role == "front_desk"
    event = AuditEvent.objects.get(action="role_change", object_id=str(client_user.pk))
    assert event.actor == practice_admin
    assert "client to front_desk" in event.detail
