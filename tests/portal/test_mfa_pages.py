"""The two-step sign-in pages the project words itself (allauth's stock MFA wording is title
case and cold) still behave as allauth's do: the same fields, actions and checks."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from portal.models import User
from portal.services import user_mfa_activate_totp
from tests.portal.factories import DEFAULT_PASSWORD, TOTP_SECRET, StaffFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db

STOCK_PHRASES = (
    "Two-Factor Authentication",
    "Activate Authenticator App",
    "Deactivate Authenticator App",
    "Authenticator App",
    "Recovery Codes",
    "Sign In",
    "Confirm Access",
)
CODE_HEADING = "Enter the code from your authenticator app"
SETUP_HEADING = "Set up two-step sign-in"


def assert_our_page(response, heading: str) -> str:
    """The page answers, has one <h1> with our heading, and none of allauth's stock phrases."""
    assert response.status_code == 200
    content = response.content.decode()
    h1s = re.findall(r"<h1[^>]*>(.*?)</h1>", content, re.S)
    assert [h.strip() for h in h1s] == [heading]
    assert [phrase for phrase in STOCK_PHRASES if phrase in content] == []
    return content


def password_step(client, user) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")


def signed_in_and_confirmed(client, user) -> None:
    """Signed in, and just confirmed with the password: allauth asks for that fresh
    confirmation (not the sign-in itself) before any change to two-step sign-in."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_staff_sign_in_asks_for_the_code_in_our_words(client, therapist):
    password_step(client, therapist)

    content = assert_our_page(client.get(reverse("mfa_authenticate")), CODE_HEADING)

    assert '<label for="id_code">Six-digit code</label>' in content
    assert 'name="code"' in content
    assert "recovery codes here instead" in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert f'action="{reverse("account_logout")}"' in content


def test_wrong_code_is_explained_by_the_field(client, therapist):
    password_step(client, therapist)

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    content = assert_our_page(response, CODE_HEADING)
    assert 'aria-invalid="true"' in content
    assert re.search(r'<ul class="errorlist" id="id_code_error"><li>[^<]+</li></ul>', content)
    assert '<a href="#id_code">Six-digit code: ' in content
    assert "_auth_user_id" not in client.session


def test_right_code_signs_the_therapist_in(client, therapist):
    password_step(client, therapist)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(therapist.pk)
    assert client.get(reverse("portal:staff_home")).status_code == 200


def test_recovery_code_also_signs_in(client, therapist):
    recovery = Authenticator.objects.get(user=therapist, type=Authenticator.Type.RECOVERY_CODES)
    password_step(client, therapist)

    response = client.post(reverse("mfa_authenticate"), {"code": recovery.wrap().get_unused_codes()[0]})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(therapist.pk)


def test_staff_without_an_app_is_sent_to_our_setup_page_with_the_key(client, practice):
    staff = StaffFactory(role=User.Role.FRONT_DESK, mfa=False)
    client.post(reverse("account_login"), {"login": staff.email, "password": DEFAULT_PASSWORD})
    held = client.get(reverse("portal:home"), follow=True)
    assert held.redirect_chain[0][0] == reverse("mfa_activate_totp")

    response = client.post(held.redirect_chain[-1][0], {"password": DEFAULT_PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    content = assert_our_page(response, SETUP_HEADING)
    secret = response.context["form"].secret
    shown = re.search(r'<code id="totp-secret"[^>]*>(.*?)</code>', content).group(1)
    assert shown.replace("<wbr>", "") == secret
    assert '<img src="data:image/svg+xml;base64,' in content
    assert "Install an authenticator app" in content
    assert '<label for="id_code">Six-digit code</label>' in content


def test_setup_page_has_no_inline_style_or_script(client, practice):
    signed_in_and_confirmed(client, StaffFactory(mfa=False))

    content = client.get(reverse("mfa_activate_totp")).content.decode()

    assert "style=" not in content
    assert "<style" not in content
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", content) == []


# allauth adds its message when the transaction commits, so these run outside the test's one.
@pytest.mark.django_db(transaction=True)
def test_activating_with_the_right_code_turns_two_step_sign_in_on(client, practice):
    staff = StaffFactory(role=User.Role.THERAPIST, mfa=False)
    signed_in_and_confirmed(client, staff)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)

    assert response.redirect_chain[0][0] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    content = assert_our_page(response, "Your recovery codes")
    assert "Two-step sign-in is on." in content
    assert client.get(reverse("portal:staff_home")).status_code == 200


def test_activating_with_a_wrong_code_keeps_the_setup_page_and_says_why(client, practice):
    staff = StaffFactory(mfa=False)
    signed_in_and_confirmed(client, staff)
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    content = assert_our_page(response, SETUP_HEADING)
    assert 'id="id_code_error"' in content
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_recovery_codes_page_lists_the_unused_codes(client, therapist):
    signed_in_and_confirmed(client, therapist)
    codes = Authenticator.objects.get(user=therapist, type=Authenticator.Type.RECOVERY_CODES).wrap()

    content = assert_our_page(client.get(reverse("mfa_view_recovery_codes")), "Your recovery codes")

    assert '<label for="recovery_codes">' in content
    assert all(code in content for code in codes.get_unused_codes())
    assert "Each code works once." in content
    assert reverse("mfa_download_recovery_codes") in content


def test_manage_page_shows_the_app_is_on_and_staff_cannot_remove_it(client, therapist):
    client.force_login(therapist)

    content = assert_our_page(client.get(reverse("mfa_index")), "Two-step sign-in")

    assert "On. Each time you sign in" in content
    assert "You have 10 of 10 recovery codes left." in content
    assert reverse("mfa_deactivate_totp") not in content
    assert reverse("mfa_generate_recovery_codes") in content


def test_staff_deactivate_page_says_it_stays_on_and_offers_no_button(client, therapist):
    signed_in_and_confirmed(client, therapist)

    content = assert_our_page(client.get(reverse("mfa_deactivate_totp")), "Two-step sign-in stays on")

    assert "ask the practice admin" in content
    assert f'action="{reverse("mfa_deactivate_totp")}"' not in content
    assert Authenticator.objects.filter(user=therapist, type=Authenticator.Type.TOTP).exists()


@pytest.mark.django_db(transaction=True)
def test_client_with_an_app_can_turn_it_off(client, practice):
    person = UserFactory()
    user_mfa_activate_totp(user=person, secret=TOTP_SECRET)
    signed_in_and_confirmed(client, person)
    assert_our_page(client.get(reverse("mfa_deactivate_totp")), "Turn off two-step sign-in")

    response = client.post(reverse("mfa_deactivate_totp"), follow=True)

    assert not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert "Two-step sign-in is off." in response.content.decode()


def test_generate_page_warns_that_old_codes_stop_working(client, therapist):
    signed_in_and_confirmed(client, therapist)

    content = assert_our_page(client.get(reverse("mfa_generate_recovery_codes")), "Make new recovery codes")

    assert "Your 10 unused codes will stop working" in content


@pytest.mark.django_db(transaction=True)
def test_generating_new_codes_replaces_the_old_ones(client, therapist):
    signed_in_and_confirmed(client, therapist)
    old = Authenticator.objects.get(user=therapist, type=Authenticator.Type.RECOVERY_CODES).wrap()
    old_codes = old.get_unused_codes()

    response = client.post(reverse("mfa_generate_recovery_codes"), follow=True)

    new = Authenticator.objects.get(user=therapist, type=Authenticator.Type.RECOVERY_CODES).wrap()
    assert new.get_unused_codes() != old_codes
    assert "Your recovery codes are ready." in assert_our_page(response, "Your recovery codes")


def test_reauthenticate_page_asks_for_the_code_in_our_words(client, therapist):
    client.force_login(therapist)

    content = assert_our_page(client.get(reverse("mfa_reauthenticate")), "Confirm it is you")

    assert '<label for="id_code">Six-digit code</label>' in content
    assert f'action="{reverse("mfa_reauthenticate")}"' in content
