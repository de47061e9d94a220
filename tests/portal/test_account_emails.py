"""Account emails that can reach someone who never asked for them say nothing about why anyone
is in touch with the practice, in the practice's own words (allauth's stock ones are cold)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from scheduling.message_content import forbidden_words_in
from tests.portal.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

STOCK_PHRASES = ("You are receiving this email", "Account Already Exists", "Unknown Account", "Hello from")
# Beyond the clinical words: nothing that says the reader has, or is asked about, care here.
# "account" is allowed where the reader is the one with the account (see each test).
TREATMENT_HINTS = re.compile(r"\b(care|caring|client|appointment|intake|session|practice)\b", re.IGNORECASE)
CREATED_ACCOUNT = re.compile(r"creat\w* an account", re.IGNORECASE)


def message_text(message) -> str:
    """Subject, plain body and HTML body, with links taken out (their paths are not wording)."""
    html = "".join(str(body) for body, _ in message.alternatives)
    text = "\n".join([message.subject, message.body, html])
    return re.sub(r"https?://[^\s\"<]+", "", text)


def assert_reveals_nothing(message, practice) -> str:
    text = message_text(message)
    assert forbidden_words_in(text) == []
    assert practice.name not in text
    assert [phrase for phrase in STOCK_PHRASES if phrase in text] == []
    # The signature every account email shares is "Your client portal"; nothing else hints.
    assert TREATMENT_HINTS.findall(text.replace("Your client portal", "")) == []
    assert message.alternatives, "every email has an HTML body as well as a plain one"
    return text


def test_signing_up_with_a_known_address_sends_her_kind_words_and_a_reset_link(client, client_user, practice):
    client.post(
        reverse("account_signup"),
        {"email": client_user.email, "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )

    assert [m.to for m in mail.outbox] == [[client_user.email]]
    message = mail.outbox[0]
    text = assert_reveals_nothing(message, practice)
    assert message.subject == "This email address is already signed up"
    assert "you can sign in with it just as before" in text
    assert "http://testserver/accounts/password/reset/" in message.body


def test_a_reset_for_an_unknown_address_is_answered_in_our_words(client, practice):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert [m.to for m in mail.outbox] == [["nobody@example.com"]]
    message = mail.outbox[0]
    text = assert_reveals_nothing(message, practice)
    assert "not signed up with us" in text
    assert not CREATED_ACCOUNT.search(text)
    assert "http://testserver/accounts/signup/" in message.body


def test_adding_someone_elses_address_sends_her_nothing_about_an_account(
    client, client_user, second_client_user, practice
):
    client.force_login(client_user)
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})

    client.post(reverse("account_email"), {"email": second_client_user.email, "action_add": ""})

    assert [m.to for m in mail.outbox] == [[second_client_user.email]]
    message = mail.outbox[0]
    text = assert_reveals_nothing(message, practice)
    assert re.findall(r"\baccounts?\b", text, re.IGNORECASE) == []
    assert not CREATED_ACCOUNT.search(text)
    assert message.subject == "Please confirm this email address"
    assert "http://testserver/accounts/confirm-email/" in message.body
