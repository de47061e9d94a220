import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from portal.adapters import MSG_SIGN_IN_PAUSED
from portal.middleware import MSG_STAFF_MFA_REQUIRED
from portal.models import User
from tests.portal.factories import DEFAULT_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "new.person@example.com", "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD}
CLINICAL_WORDS = ("miscarriage", "loss", "pregnan", "postpartum", "baby", "depression", "grief", "therapy")


def test_signup_creates_a_client_and_sends_a_verification_email(client, practice):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.person@example.com")
    assert user.role == User.Role.CLIENT
    assert not user.is_staff
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_verification_email_says_nothing_about_why_someone_seeks_care(client, practice):
    client.post(reverse("account_signup"), SIGNUP)

    message = mail.outbox[0]
    text = (message.subject + message.body + "".join(str(a[0]) for a in message.alternatives)).lower()
    assert [word for word in CLINICAL_WORDS if word in text] == []


def test_unverified_client_cannot_sign_in(client, practice):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()

    response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("portal:client_home"))["Location"].startswith(reverse("account_login"))


def test_following_the_verification_link_lets_the_client_in(client, practice):
    client.post(reverse("account_signup"), SIGNUP)
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)

    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified is True
    assert client.get(reverse("portal:client_home")).status_code == 200


def test_signup_cannot_choose_a_staff_role(client, practice):
    client.post(reverse("account_signup"), {**SIGNUP, "role": User.Role.PRACTICE_ADMIN, "is_staff": "on"})

    user = User.objects.get(email=SIGNUP["email"])
    assert user.role == User.Role.CLIENT
    assert not user.is_staff
    assert not user.is_superuser


def test_password_reset_sends_a_link(client, client_user):
    response = client.post(reverse("account_reset_password"), {"email": client_user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_repeated_failed_sign_ins_are_rate_limited(client, client_user):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": client_user.email, "password": "wrong-password"})

    response = client.post(
        reverse("account_login"), {"login": client_user.email, "password": DEFAULT_PASSWORD}
    )

    assert str(MSG_SIGN_IN_PAUSED) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_verified_client_signs_in_and_lands_on_the_client_home(client, client_user):
    response = client.post(
        reverse("account_login"), {"login": client_user.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("portal:client_home")


def test_staff_without_mfa_are_held_at_mfa_setup(client, practice):
    therapist = StaffFactory(role=User.Role.THERAPIST, mfa=False)
    client.post(reverse("account_login"), {"login": therapist.email, "password": DEFAULT_PASSWORD})

    response = client.get(reverse("portal:staff_home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    follow = client.get(response["Location"], follow=True)
    assert str(MSG_STAFF_MFA_REQUIRED) in follow.content.decode()


@pytest.mark.parametrize("role", [User.Role.THERAPIST, User.Role.FRONT_DESK, User.Role.PRACTICE_ADMIN])
def test_every_staff_role_without_mfa_reaches_no_staff_page(client, practice, role):
    user = StaffFactory(role=role, mfa=False)
    client.force_login(user)

    for url in (reverse("portal:staff_home"), reverse("admin:index"), reverse("portal:home")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url


def test_staff_with_mfa_reach_their_home(client, therapist):
    client.force_login(therapist)

    assert client.get(reverse("portal:staff_home")).status_code == 200


def test_staff_sign_in_asks_for_the_authenticator_code(client, therapist):
    response = client.post(reverse("account_login"), {"login": therapist.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_staff_cannot_remove_their_authenticator(therapist):
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.get(user=therapist, type=Authenticator.Type.TOTP)

    assert get_adapter().can_delete_authenticator(totp) is False


def test_client_may_remove_an_optional_authenticator(client_user):
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    from portal.services import user_mfa_activate_totp

    user_mfa_activate_totp(user=client_user, secret="JBSWY3DPEHPK3PXPCLIENTSECRET2345")
    totp = Authenticator.objects.get(user=client_user, type=Authenticator.Type.TOTP)

    assert get_adapter().can_delete_authenticator(totp) is True


def test_home_sends_each_role_to_its_own_page(client, client_user, front_desk):
    client.force_login(client_user)
    assert client.get(reverse("portal:home"))["Location"] == reverse("portal:client_home")
    client.force_login(front_desk)
    assert client.get(reverse("portal:home"))["Location"] == reverse("portal:staff_home")


def test_signed_in_pages_are_never_cached(client, client_user):
    client.force_login(client_user)

    response = client.get(reverse("portal:client_home"))

    assert "no-store" in response["Cache-Control"]
