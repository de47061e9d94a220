"""The account pages the project words itself (allauth's stock wording is cold) still behave
as allauth's do: every form, key and security check is kept."""

import re

import pytest
from allauth.account.decorators import verified_email_required
from allauth.account.middleware import AccountMiddleware
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tests.portal.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STOCK_PHRASES = (
    "Successfully",
    "E-mail",
    "Confirm Email Address",
    "Change Password",
    "Make Primary",
    "Re-send Verification",
    "Current Password",
    "New Password",
    "Bad Token",
    "Password Reset",
)
NEW_PASSWORD = "quiet-Morning-walk-2026"


def assert_our_page(response, heading: str) -> str:
    """The page answers, has one <h1> with our heading, and none of allauth's stock phrases."""
    assert response.status_code == 200
    content = response.content.decode()
    h1s = re.findall(r"<h1[^>]*>(.*?)</h1>", content, re.S)
    assert [h.strip() for h in h1s] == [heading]
    assert [phrase for phrase in STOCK_PHRASES if phrase in content] == []
    return content


def unverified_address(email: str = "new.person@example.com") -> EmailAddress:
    user = UserFactory(email=email, verified_email=False)
    return EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)


def confirm_url(address: EmailAddress) -> str:
    return reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])


def reset_link(client, email: str) -> str:
    client.post(reverse("account_reset_password"), {"email": email})
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)


# --- Confirming an email address


def test_confirm_page_asks_in_plain_words(client, practice):
    address = unverified_address()
    url = confirm_url(address)

    content = assert_our_page(client.get(url), "Confirm your email address")

    assert "new.person@example.com" in content
    # The key is signed afresh when the page is drawn, so it differs from ours in its timestamp.
    assert re.search(r'<form method="post" action="/accounts/confirm-email/[^"]+/">', content)
    assert "csrfmiddlewaretoken" in content


def test_confirming_from_the_sign_up_email_verifies_the_address_and_welcomes(client, practice):
    client.post(
        reverse("account_signup"),
        {"email": "new.person@example.com", "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)

    response = client.post(link, follow=True)

    assert EmailAddress.objects.get(email="new.person@example.com").verified is True
    content = response.content.decode()
    assert "Thank you. Your email address new.person@example.com is confirmed." in content
    assert "Welcome. You are signed in." in content
    assert "Successfully" not in content


def test_a_used_confirmation_link_shows_the_expired_page(client, practice):
    address = unverified_address()
    url = confirm_url(address)
    client.post(url)
    client.logout()

    content = assert_our_page(client.get(url), "This link has expired")

    assert reverse("account_login") in content


def test_a_made_up_confirmation_key_shows_the_expired_page(client, practice):
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))

    assert_our_page(response, "This link has expired")


def test_an_address_confirmed_on_another_account_cannot_be_confirmed_again(client, client_user):
    other = UserFactory(email="other@example.com")
    taken = EmailAddress.objects.create(user=other, email=client_user.email, verified=False, primary=False)

    content = assert_our_page(client.get(confirm_url(taken)), "We could not confirm this address")

    assert "<button" not in content.split('id="main"')[1].split("site-footer")[0]
    taken.refresh_from_db()
    assert taken.verified is False


# --- Signing in and out


def test_signing_in_says_welcome(client, client_user):
    response = client.post(
        reverse("account_login"), {"login": client_user.email, "password": DEFAULT_PASSWORD}, follow=True
    )

    content = response.content.decode()
    assert "Welcome. You are signed in." in content
    assert "Successfully" not in content


def test_sign_out_page_asks_gently_and_signs_out(client, client_user):
    client.force_login(client_user)

    content = assert_our_page(client.get(reverse("account_logout")), "Sign out")
    assert f'action="{reverse("account_logout")}"' in content

    response = client.post(reverse("account_logout"), follow=True)

    assert "_auth_user_id" not in client.session
    assert "You have signed out. Take care." in response.content.decode()


def test_inactive_account_page_is_kind(client, practice):
    assert_our_page(client.get(reverse("account_inactive")), "This account is not active")


def test_verified_email_required_page_is_kind(client_user):
    EmailAddress.objects.filter(user=client_user).update(verified=False)
    request = RequestFactory().get("/somewhere/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = client_user

    # allauth's middleware gives its mail code the request; no project URL uses the decorator.
    view = AccountMiddleware(verified_email_required(lambda r: HttpResponse("inside")))
    response = view(request)

    assert_our_page(response, "Please confirm your email address")
    assert len(mail.outbox) == 1


# --- Managing email addresses


def confirm_it_is_me(client) -> None:
    """Type the password again, as adding, choosing or removing an address asks first."""
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_account_page_uses_plain_labels(client, client_user):
    EmailAddress.objects.create(user=client_user, email="second@example.com", verified=False)
    client.force_login(client_user)

    content = assert_our_page(client.get(reverse("account_email")), "Your account")

    assert "Use this address for sign-in and messages" in content
    assert "Send the confirmation again" in content
    assert "Remove" in content
    assert 'name="action_add"' in content
    assert '<label for="id_email">' in content


def test_choosing_another_address_for_sign_in(client, client_user):
    EmailAddress.objects.create(user=client_user, email="second@example.com", verified=True)
    client.force_login(client_user)
    confirm_it_is_me(client)

    response = client.post(
        reverse("account_email"), {"email": "second@example.com", "action_primary": ""}, follow=True
    )

    assert EmailAddress.objects.get(email="second@example.com").primary is True
    assert "We will use this address for sign-in and messages from now on." in response.content.decode()


def test_sending_the_confirmation_again(client, client_user):
    EmailAddress.objects.create(user=client_user, email="second@example.com", verified=False)
    client.force_login(client_user)

    response = client.post(
        reverse("account_email"), {"email": "second@example.com", "action_send": ""}, follow=True
    )

    assert [m.to for m in mail.outbox] == [["second@example.com"]]
    assert "We have sent a confirmation link to second@example.com." in response.content.decode()


def test_removing_an_address(client, client_user):
    EmailAddress.objects.create(user=client_user, email="second@example.com", verified=False)
    client.force_login(client_user)
    confirm_it_is_me(client)

    response = client.post(
        reverse("account_email"), {"email": "second@example.com", "action_remove": ""}, follow=True
    )

    assert not EmailAddress.objects.filter(email="second@example.com").exists()
    assert "second@example.com has been removed from your account." in response.content.decode()


def test_the_sign_in_address_cannot_be_removed(client, client_user):
    client.force_login(client_user)
    confirm_it_is_me(client)

    response = client.post(
        reverse("account_email"), {"email": client_user.email, "action_remove": ""}, follow=True
    )

    assert EmailAddress.objects.filter(email=client_user.email).exists()
    assert "is the address you sign in with, so it cannot be removed yet" in response.content.decode()


def test_adding_an_address_asks_for_the_password_first(client, client_user):
    client.force_login(client_user)

    response = client.post(reverse("account_email"), {"email": "new.address@example.com", "action_add": ""})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="new.address@example.com").exists()
    assert mail.outbox == []


def test_the_address_is_added_once_she_has_typed_her_password(client, client_user):
    client.force_login(client_user)
    asked = client.post(reverse("account_email"), {"email": "new.address@example.com", "action_add": ""})

    response = client.post(asked["Location"], {"password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    address = EmailAddress.objects.get(email="new.address@example.com")
    assert address.user == client_user
    assert address.verified is False
    assert [m.to for m in mail.outbox] == [["new.address@example.com"]]


def test_a_wrong_password_adds_no_address(client, client_user):
    client.force_login(client_user)
    asked = client.post(reverse("account_email"), {"email": "new.address@example.com", "action_add": ""})

    response = client.post(asked["Location"], {"password": "not-my-password"})

    assert response.status_code == 200
    assert not EmailAddress.objects.filter(email="new.address@example.com").exists()
    assert mail.outbox == []


def test_choosing_another_address_asks_for_the_password_first(client, client_user):
    EmailAddress.objects.create(user=client_user, email="second@example.com", verified=True)
    client.force_login(client_user)

    response = client.post(reverse("account_email"), {"email": "second@example.com", "action_primary": ""})

    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert EmailAddress.objects.get(email="second@example.com").primary is False


def test_removing_an_address_asks_for_the_password_first(client, client_user):
    EmailAddress.objects.create(user=client_user, email="second@example.com", verified=False)
    client.force_login(client_user)

    response = client.post(reverse("account_email"), {"email": "second@example.com", "action_remove": ""})

    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert EmailAddress.objects.filter(email="second@example.com").exists()


def test_adding_an_address_with_a_mistake_shows_it_by_the_field(client, client_user):
    client.force_login(client_user)

    response = client.post(reverse("account_email"), {"email": "not-an-address", "action_add": ""})

    content = assert_our_page(response, "Your account")
    assert 'id="id_email_error"' in content
    assert not EmailAddress.objects.filter(email="not-an-address").exists()


# --- Changing the password


def test_password_change_page_uses_plain_labels(client, client_user):
    client.force_login(client_user)

    content = assert_our_page(client.get(reverse("account_change_password")), "Change your password")

    for label in ("Your current password", "New password", "New password again"):
        assert label in content
    for name in ("oldpassword", "password1", "password2"):
        assert f'name="{name}"' in content
    assert 'autocomplete="current-password"' in content


def test_changing_the_password_with_the_right_current_password(client, client_user):
    client.force_login(client_user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    client_user.refresh_from_db()
    assert client_user.check_password(NEW_PASSWORD)
    content = assert_our_page(response, "Change your password")
    assert "Your new password is saved." in content


def test_a_wrong_current_password_is_shown_by_the_field(client, client_user):
    client.force_login(client_user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    content = assert_our_page(response, "Change your password")
    field = re.search(r'<div class="field field--error">.*?</div>', content, re.S).group(0)
    assert 'name="oldpassword"' in field
    assert 'aria-invalid="true"' in field
    assert 'class="errorlist" id="id_oldpassword_error"' in field
    assert "error-summary" in content
    client_user.refresh_from_db()
    assert client_user.check_password(DEFAULT_PASSWORD)


# --- Resetting a forgotten password


def test_password_reset_pages_are_kind(client, client_user):
    assert_our_page(client.get(reverse("account_reset_password")), "Reset your password")

    response = client.post(reverse("account_reset_password"), {"email": client_user.email}, follow=True)

    content = assert_our_page(response, "Check your email")
    assert "If an account uses that address" in content


def test_a_reset_link_sets_a_new_password(client, client_user):
    link = reset_link(client, client_user.email)

    landing = client.get(link)
    assert landing.status_code == 302  # allauth moves the key out of the address bar
    form_page = client.get(landing["Location"])
    content = assert_our_page(form_page, "Choose a new password")
    assert f'action="{landing["Location"]}"' in content

    response = client.post(
        landing["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )

    assert_our_page(response, "Your new password is saved")
    client_user.refresh_from_db()
    assert client_user.check_password(NEW_PASSWORD)


def test_a_used_reset_link_shows_the_kind_page(client, client_user):
    link = reset_link(client, client_user.email)
    set_password_url = client.get(link)["Location"]
    client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    content = assert_our_page(client.get(link), "This link no longer works")

    assert reverse("account_reset_password") in content


def test_a_bad_reset_key_shows_the_kind_page(client, client_user):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "made-up-key"})

    assert_our_page(client.get(url), "This link no longer works")


def test_reset_done_page_stands_alone(client, practice):
    assert_our_page(client.get(reverse("account_reset_password_from_key_done")), "Your new password is saved")


def test_confirming_it_is_you_asks_for_the_password_in_our_words(client, client_user):
    client.force_login(client_user)
    page = client.get(reverse("account_reauthenticate"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Confirm it is you" in html
    assert "Confirm Access" not in html
    wrong = client.post(reverse("account_reauthenticate"), {"password": "not-my-password"})
    assert wrong.status_code == 200
    assert "error-summary" in wrong.content.decode()
    right = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert right.status_code == 302


def test_a_wrong_two_step_code_is_explained_kindly(client, therapist):
    client.post(reverse("account_login"), {"login": therapist.email, "password": DEFAULT_PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    html = response.content.decode()
    assert "That code did not work" in html
    assert "Incorrect code." not in html


def test_sign_in_offers_forgot_your_password_once(client, practice):
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Forgot your password?") == 1
    assert reverse("account_reset_password") in html
