"""Answers sent just as the automatic sign-out happened are kept and saved after sign-in."""

import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from intake.models import Intake, QuestionnaireResponse
from portal import held
from portal.middleware import LAST_ACTIVITY_KEY, MSG_SIGNED_OUT_IDLE
from portal.models import HeldRequest
from tests.intake.factories import IntakeFactory
from tests.portal.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

STEP_7 = reverse("intake:step", kwargs={"number": 7})
AUTOSAVE = reverse("intake:autosave")


def _idle_for(client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - seconds
    session.save()


def _autosave(client, field, value):
    return client.post(
        AUTOSAVE,
        data=json.dumps({"field": field, "value": value}),
        content_type="application/json",
        HTTP_X_REQUESTED_WITH="fetch",
    )


def _sign_in(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}, follow=True
    )


@pytest.fixture
def expired(client, client_user):
    IntakeFactory(client=client_user)
    client.force_login(client_user)
    client.get(reverse("portal:client_home"))
    _idle_for(client, 31 * 60)
    return client


def test_a_save_counts_as_activity_however_soon_after_the_last(client, client_user, settings):
    IntakeFactory(client=client_user)
    client.force_login(client_user)
    _idle_for(client, 10)  # 10 s ago: a page view now would not be recorded, a save is

    _autosave(client, "supporters", "My sister")

    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_the_sign_out_message_claims_nothing_was_saved(expired):
    response = expired.get(reverse("portal:client_home"), follow=True)

    page = response.content.decode()
    assert str(MSG_SIGNED_OUT_IDLE) in page
    assert "was saved" not in page


def test_a_step_saved_without_the_script_after_the_sign_out_is_kept_then_saved_at_sign_in(
    expired, client_user
):
    response = expired.post(STEP_7, {"supporters": "My sister", "action": "next"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Intake.objects.get(client=client_user).supporters == ""
    assert HeldRequest.objects.filter(user=client_user).count() == 1

    page = _sign_in(expired, client_user).content.decode()

    assert Intake.objects.get(client=client_user).supporters == "My sister"
    assert str(held.MSG_REPLAYED) in page
    assert not HeldRequest.objects.exists()


def test_autosaves_after_the_sign_out_are_kept_in_order_and_saved_at_sign_in(expired, client_user):
    first = _autosave(expired, "q-phq9-1", "3")
    second = _autosave(expired, "q-phq9-1", "1")  # changed her mind: the later answer wins
    third = _autosave(expired, "q-asq-4", "no")

    assert [r.status_code for r in (first, second, third)] == [401, 401, 401]
    assert all(r.json()["held"] for r in (first, second, third))
    assert not QuestionnaireResponse.objects.filter(intake__client=client_user).exists()

    _sign_in(expired, client_user)

    answers = {r.code: r.answers for r in QuestionnaireResponse.objects.filter(intake__client=client_user)}
    assert answers == {"phq9": {"1": 1}, "asq": {"4": False}}


def test_saves_long_after_the_sign_out_are_not_kept(expired, client_user, monkeypatch):
    _autosave(expired, "q-phq9-1", "3")
    later = time.time() + held.HOLD_WINDOW_SECONDS + 5
    monkeypatch.setattr(held.time, "time", lambda: later)

    response = _autosave(expired, "q-phq9-2", "3")

    assert response.status_code == 401
    assert response.json()["held"] is False
    assert HeldRequest.objects.filter(user=client_user).count() == 1


def test_a_browser_that_never_had_her_session_holds_nothing(client_user):
    IntakeFactory(client=client_user)
    stranger = Client()

    response = _autosave(stranger, "q-phq9-1", "3")

    assert response.status_code in (302, 401, 403)
    assert not HeldRequest.objects.exists()


def test_a_held_save_still_needs_the_csrf_token(client_user):
    IntakeFactory(client=client_user)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(client_user)
    _idle_for(browser, 31 * 60)

    response = browser.post(STEP_7, {"supporters": "forged", "action": "next"})

    assert response.status_code == 403
    assert not HeldRequest.objects.exists()


def test_a_page_view_is_never_held(expired):
    expired.get(STEP_7)

    assert not HeldRequest.objects.exists()


def test_held_saves_of_one_person_are_never_replayed_for_another(expired, client_user, second_client_user):
    _autosave(expired, "q-phq9-1", "3")
    IntakeFactory(client=second_client_user)
    other = Client()

    _sign_in(other, second_client_user)

    assert not QuestionnaireResponse.objects.filter(intake__client=second_client_user).exists()
    assert HeldRequest.objects.filter(user=client_user).count() == 1
