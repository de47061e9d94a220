"""Failed sign-ins are limited per network and per address from one network, so someone who
knows an address (a therapist's is on the practice's website) cannot lock its owner out: she
signs in from her own network. A generous ceiling per address across networks stops guessing
spread over many networks; a password reset lifts it. Each pause is audited once, without
the address. See portal/sign_in_limits.py and settings.ACCOUNT_RATE_LIMITS."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.adapters import MSG_SIGN_IN_PAUSED
from portal.models import AuditEvent
from tests.portal.factories import DEFAULT_PASSWORD, totp_code

pytestmark = pytest.mark.django_db

# The limits in settings.ACCOUNT_RATE_LIMITS, as the README states them.
PER_ADDRESS_FROM_NETWORK = 5  # in 5 minutes
PER_NETWORK = 10  # in a minute
PER_ADDRESS = 100  # in an hour, from every network together
WRONG = "not-the-Right-one-77"
NEW_PASSWORD = "quiet-Morning-walk-2026"
ATTACKER = "203.0.113.66"
HER_NETWORK = "198.51.100.7"
TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|name="csrf-token" content="|nonce=")[^"]+')


def sign_in(address: str, password: str, ip: str) -> tuple[Client, object]:
    browser = Client(REMOTE_ADDR=ip)
    response = browser.post(reverse("account_login"), {"login": address, "password": password})
    return browser, response


def fail(address: str, ip: str, times: int) -> None:
    for _ in range(times):
        _, response = sign_in(address, WRONG, ip)
        assert str(MSG_SIGN_IN_PAUSED) not in response.content.decode()


def paused(response) -> bool:
    return response.status_code == 200 and str(MSG_SIGN_IN_PAUSED) in response.content.decode()


def pauses() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_PAUSE).order_by("id"))


def test_five_wrong_passwords_pause_that_address_from_that_network(client_user):
    fail(client_user.email, ATTACKER, PER_ADDRESS_FROM_NETWORK)

    browser, response = sign_in(client_user.email, DEFAULT_PASSWORD, ATTACKER)

    assert paused(response)
    assert "_auth_user_id" not in browser.session


def test_a_therapist_still_signs_in_from_her_own_network_while_her_address_is_paused_elsewhere(therapist):
    fail(therapist.email, ATTACKER, PER_ADDRESS_FROM_NETWORK)

    browser, response = sign_in(therapist.email, DEFAULT_PASSWORD, HER_NETWORK)
    assert response["Location"] == reverse("mfa_authenticate")
    browser.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert browser.get(reverse("portal:staff_home")).status_code == 200


def test_a_paused_address_leaves_other_addresses_on_that_network_alone(client_user, second_client_user):
    fail(client_user.email, ATTACKER, PER_ADDRESS_FROM_NETWORK)

    browser, response = sign_in(second_client_user.email, DEFAULT_PASSWORD, ATTACKER)

    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(second_client_user.pk)


def test_ten_failures_from_one_network_pause_every_address_there(client_user):
    for i in range(PER_NETWORK):
        fail(f"guess{i}@example.com", ATTACKER, 1)

    _, response = sign_in(client_user.email, DEFAULT_PASSWORD, ATTACKER)

    assert paused(response)


def test_a_network_pause_leaves_other_networks_alone(client_user):
    for i in range(PER_NETWORK):
        fail(f"guess{i}@example.com", ATTACKER, 1)

    browser, response = sign_in(client_user.email, DEFAULT_PASSWORD, HER_NETWORK)

    assert browser.session["_auth_user_id"] == str(client_user.pk)


def fail_from_many_networks(address: str) -> None:
    """PER_ADDRESS failures spread over enough networks that none of them is paused."""
    for attempt in range(PER_ADDRESS):
        fail(address, f"10.20.{attempt // PER_ADDRESS_FROM_NETWORK}.1", 1)


def test_failures_from_many_networks_pause_the_address_everywhere(client_user):
    fail_from_many_networks(client_user.email)

    browser, response = sign_in(client_user.email, DEFAULT_PASSWORD, HER_NETWORK)

    assert paused(response)
    assert "_auth_user_id" not in browser.session


def test_a_password_reset_lifts_the_pause_on_the_address(client_user):
    fail_from_many_networks(client_user.email)
    browser = Client(REMOTE_ADDR=HER_NETWORK)
    browser.post(reverse("account_reset_password"), {"email": client_user.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    browser.post(browser.get(link)["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    _, response = sign_in(client_user.email, NEW_PASSWORD, HER_NETWORK)

    assert response.status_code == 302


def test_a_pause_is_audited_once_with_the_network_and_without_the_address(client_user):
    fail(client_user.email, ATTACKER, PER_ADDRESS_FROM_NETWORK)

    for _ in range(3):
        sign_in(client_user.email, WRONG, ATTACKER)

    [event] = pauses()
    assert event.actor is None
    assert event.client == client_user
    assert event.object_type == "sign_in"
    assert event.object_id == str(client_user.pk)
    assert event.ip_address == ATTACKER
    assert event.detail == "failed sign-ins paused for one address from this network: 5 failures in 5 minutes"
    assert client_user.email not in event.detail


def test_a_pause_of_a_staff_address_names_her_but_not_as_a_client(therapist):
    fail(therapist.email, ATTACKER, PER_ADDRESS_FROM_NETWORK)

    sign_in(therapist.email, WRONG, ATTACKER)

    [event] = pauses()
    assert event.object_id == str(therapist.pk)
    assert event.client is None


def test_a_network_pause_is_audited_without_naming_anyone(client_user):
    for i in range(PER_NETWORK):
        fail(f"guess{i}@example.com", ATTACKER, 1)

    sign_in(client_user.email, DEFAULT_PASSWORD, ATTACKER)

    [event] = pauses()
    assert (event.client, event.object_id) == (None, "")
    assert event.ip_address == ATTACKER
    assert (
        event.detail == "failed sign-ins paused for every address from this network: 10 failures in a minute"
    )


def answer_when_paused(address: str, ip: str) -> str:
    fail(address, ip, PER_ADDRESS_FROM_NETWORK)
    _, response = sign_in(address, WRONG, ip)
    assert paused(response)
    return TOKENS.sub(r"\1TOKEN", response.content.decode()).replace(address, "ADDRESS")


def test_an_unknown_address_is_paused_and_answered_the_same_way(client_user):
    known = answer_when_paused(client_user.email, "203.0.113.1")

    assert known == answer_when_paused("nobody@example.com", "203.0.113.2")
    assert [event.client for event in pauses()] == [client_user, None]
