"""When something goes wrong, people see a kind page with the crisis lines, never Django's own."""

import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from portal.views import MSG_CSRF_FAILED, server_error

pytestmark = pytest.mark.django_db


def _crisis_lines_shown(html: str) -> bool:
    return 'href="tel:988"' in html and 'href="tel:911"' in html


def test_an_unknown_address_gets_a_kind_not_found_page(client, practice):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in html
    assert _crisis_lines_shown(html)
    assert practice.phone in html


def test_another_client_s_object_gets_the_same_not_found_page(client, client_user, second_client_user):
    from tests.intake.factories import IntakeFactory, PregnancyEntryFactory

    other = PregnancyEntryFactory(intake=IntakeFactory(client=second_client_user))
    client.force_login(client_user)
    response = client.get(reverse("intake:pregnancy_edit", kwargs={"pk": other.pk}))
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_a_page_for_another_role_gets_a_kind_refusal(client, front_desk):
    client.force_login(front_desk)
    response = client.get(reverse("intake:staff_queue"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "This page is not available to you" in html
    assert _crisis_lines_shown(html)


def test_a_form_sent_without_its_security_token_is_refused_kindly(client_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(client_user)
    response = browser.post(reverse("intake:step", kwargs={"number": 2}), {"hopes": "To rest"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Please try that again" in html
    assert "CSRF" not in html
    assert _crisis_lines_shown(html)


def test_an_autosave_without_its_security_token_answers_json_the_page_can_show(client_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(client_user)
    response = browser.post(
        reverse("intake:autosave"),
        data=json.dumps({"field": "hopes", "value": "To rest"}),
        content_type="application/json",
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 403
    assert response.json() == {"saved": False, "error": str(MSG_CSRF_FAILED)}


def test_a_server_error_page_needs_no_database_and_shows_the_crisis_lines():
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection") as connect:
            response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "boom" not in html
    assert _crisis_lines_shown(html)
    connect.assert_not_called()


def test_a_signed_in_person_gets_the_calm_503_when_the_session_cannot_be_read(client, client_user):
    # The session is loaded by a middleware, before any view runs: a database outage there
    # reaches handler500, which answers like the view-level middleware does.
    client.force_login(client_user)
    client.raise_request_exception = False
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get(reverse("portal:client_home"))
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Please try again in a minute" in html
    assert _crisis_lines_shown(html)


def test_opening_a_post_only_address_shows_a_page_not_a_blank_screen(client, therapist, practice):
    client.force_login(therapist)
    response = client.get(reverse("intake:submit"))
    html = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "This page opens from a button" in html
    assert _crisis_lines_shown(html)


def test_a_post_only_address_still_answers_json_callers_plainly(client, client_user):
    client.force_login(client_user)
    response = client.get(reverse("intake:autosave"), headers={"X-Requested-With": "fetch"})
    assert response.status_code == 405
    assert b"This page opens" not in response.content


def test_the_local_debug_server_still_shows_the_portal_s_own_not_found_page(client, practice, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in html
    assert "URLconf" not in html


def test_a_missing_object_under_debug_shows_the_portal_s_own_page(
    client, client_user, second_client_user, settings
):
    from tests.intake.factories import IntakeFactory, PregnancyEntryFactory

    settings.DEBUG = True
    other = PregnancyEntryFactory(intake=IntakeFactory(client=second_client_user))
    client.force_login(client_user)
    response = client.get(reverse("intake:pregnancy_edit", kwargs={"pk": other.pk}))
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_django_s_debug_pages_are_shown_when_asked_for(client, practice, settings):
    settings.DEBUG = True
    settings.PORTAL_DJANGO_DEBUG_PAGES = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


def test_a_missing_slash_is_still_added_under_debug(client, practice, settings):
    settings.DEBUG = True
    response = client.get("/accounts/login")
    assert response.status_code == 301
    assert response["Location"] == "/accounts/login/"
