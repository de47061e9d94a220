"""New staff are invited: a one-time link to choose their own password under the password
rules, then their authenticator app before anything else."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from portal.models import AuditEvent, User
from portal.services import MSG_ADDRESS_TAKEN

pytestmark = pytest.mark.django_db

NEW_EMAIL = "new.therapist@practice.example"
STRONG_PASSWORD = "Willow-bark-harbour-73"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s\"<]+/)")
# Words that would say why someone is in care, or name the practice's clients.
CLINICAL_WORDS = ("intake", "pregnan", "loss", "miscarriage", "postpartum", "depress", "anxi", "client:")


@pytest.fixture
def admin_client(client, practice_admin):
    client.force_login(practice_admin)
    return client


def invite(admin_client, **overrides):
    data = {"email": NEW_EMAIL, "full_name": "Alex Moreno", "role": "therapist", **overrides}
    return admin_client.post(reverse("admin:portal_user_add"), data)


def invite_link(message) -> str:
    return LINK.search(message.body).group(1)


def choose_password(browser: Client, link: str, password: str):
    """Open the link (which moves the key into the session) and send the password twice."""
    opened = browser.get(link)
    assert opened.status_code == 302
    return browser.post(opened["Location"], {"password1": password, "password2": password})


def test_admin_add_user_page_is_an_invitation_without_a_password(admin_client):
    content = admin_client.get(reverse("admin:portal_user_add")).content.decode()

    assert 'name="email"' in content
    assert 'name="full_name"' in content
    assert 'name="role"' in content
    assert 'type="password"' not in content
    assert '<option value="client"' not in content


def test_inviting_staff_makes_an_account_nobody_can_sign_in_to_yet(admin_client):
    response = invite(admin_client)

    user = User.objects.get(email=NEW_EMAIL)
    assert response["Location"] == reverse("admin:portal_user_change", args=[user.pk])
    assert (user.role, user.full_name, user.is_staff) == ("therapist", "Alex Moreno", False)
    assert not user.has_usable_password()


def test_inviting_staff_emails_her_a_link_to_choose_her_password(admin_client, mailoutbox):
    invite(admin_client)

    [message] = mailoutbox
    assert message.to == [NEW_EMAIL]
    assert invite_link(message).startswith("/accounts/password/reset/key/")
    assert invite_link(message) in message.alternatives[0].content


def test_the_invitation_names_no_client_and_says_nothing_clinical(admin_client, client_user, mailoutbox):
    invite(admin_client)

    [message] = mailoutbox
    text = " ".join([message.subject, message.body, message.alternatives[0].content]).lower()
    assert client_user.full_name.lower() not in text
    assert client_user.email not in text
    assert [word for word in CLINICAL_WORDS if word in text] == []


def test_a_staff_invitation_is_audited_as_invited_not_as_a_role_change(admin_client, practice_admin):
    invite(admin_client, role="front_desk")

    user = User.objects.get(email=NEW_EMAIL)
    events = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).order_by("id")
    assert [(event.actor, event.action, event.detail) for event in events] == [
        (practice_admin, "create", "staff invited as front_desk"),
        (practice_admin, "notify", "staff invitation emailed"),
    ]


def test_inviting_an_address_that_already_has_an_account_is_refused(admin_client, client_user, mailoutbox):
    response = invite(admin_client, email=client_user.email.upper())

    assert response.status_code == 200
    assert str(MSG_ADDRESS_TAKEN) in response.content.decode()
    client_user.refresh_from_db()
    assert client_user.role == "client"
    assert mailoutbox == []


def test_the_link_refuses_a_password_the_validators_reject(admin_client, mailoutbox):
    invite(admin_client)
    browser = Client()

    response = choose_password(browser, invite_link(mailoutbox[0]), "a")

    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.get(email=NEW_EMAIL).has_usable_password()


def test_the_link_lets_her_choose_her_own_password(admin_client, mailoutbox):
    invite(admin_client)

    response = choose_password(Client(), invite_link(mailoutbox[0]), STRONG_PASSWORD)

    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert User.objects.get(email=NEW_EMAIL).check_password(STRONG_PASSWORD)


def test_the_link_works_only_once(admin_client, mailoutbox):
    invite(admin_client)
    link = invite_link(mailoutbox[0])
    choose_password(Client(), link, STRONG_PASSWORD)

    response = Client().get(link)

    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
    assert User.objects.get(email=NEW_EMAIL).check_password(STRONG_PASSWORD)


def test_an_invited_staff_member_is_held_on_mfa_set_up_after_signing_in(admin_client, mailoutbox):
    invite(admin_client, role="practice_admin")
    choose_password(Client(), invite_link(mailoutbox[0]), STRONG_PASSWORD)
    her = Client()

    signed_in = her.post(reverse("account_login"), {"login": NEW_EMAIL, "password": STRONG_PASSWORD})

    assert signed_in.status_code == 302
    for url in (
        reverse("portal:staff_home"),
        reverse("admin:index"),
        reverse("account_email"),
        reverse("account_change_password"),
    ):
        assert her.get(url)["Location"] == reverse("mfa_activate_totp"), url


@pytest.mark.parametrize(
    "name", ["mfa_activate_totp", "account_reauthenticate", "account_logout", "portal:session_status"]
)
def test_staff_without_an_authenticator_still_reach_the_set_up_pages(client, practice, name):
    from tests.portal.factories import StaffFactory

    client.force_login(StaffFactory(mfa=False))

    response = client.get(reverse(name))

    assert response.get("Location") != reverse("mfa_activate_totp")


def test_create_staff_user_sends_the_same_invitation(mailoutbox, settings, capsys):
    settings.SITE_URL = "https://portal.example.org"

    call_command("create_staff_user", "Boss@Practice.example", role="practice_admin", name="Sam Ortiz")

    user = User.objects.get(email="boss@practice.example")
    assert (user.role, user.is_staff, user.has_usable_password()) == ("practice_admin", True, False)
    [message] = mailoutbox
    assert "https://portal.example.org/accounts/password/reset/key/" in message.body
    created = AuditEvent.objects.get(object_id=str(user.pk), action="create")
    assert (created.actor, created.detail) == (None, "staff invited as practice_admin")
    assert "invited" in capsys.readouterr().out


def test_create_staff_user_refuses_an_address_that_already_has_an_account(client_user, mailoutbox):
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_staff_user", client_user.email, role="therapist", name="Not Her")

    client_user.refresh_from_db()
    assert client_user.role == "client"
    assert mailoutbox == []
