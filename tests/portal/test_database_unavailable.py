"""While the database cannot be reached, pages answer a calm 503 that still shows the crisis lines.

The outage is made by refusing every new connection, which is what the portal meets while
PostgreSQL restarts; tests/portal/test_pg_restart.py does the same against a real restart.
"""

import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape

from portal.middleware import DATABASE_RETRY_AFTER, MSG_DATABASE_UNAVAILABLE, DatabaseUnavailableMiddleware

pytestmark = pytest.mark.django_db

REFUSED = 'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@pytest.fixture
def database_down(db):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError(REFUSED),
    ):
        yield


def test_a_page_answers_503_when_the_database_is_unreachable(client, database_down):
    response = client.get(reverse("portal:landing"))

    assert response.status_code == 503
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)


def test_the_unavailable_page_says_what_happened_in_plain_words(client, database_down):
    response = client.get(reverse("portal:landing"))

    assert escape(str(MSG_DATABASE_UNAVAILABLE)) in response.content.decode()


def test_the_unavailable_page_still_shows_the_crisis_lines(client, database_down):
    content = client.get(reverse("portal:landing")).content.decode()

    assert 'href="tel:988"' in content
    assert "Call or text 988" in content
    assert 'href="tel:911"' in content
    assert "1-844-493-8255" in content


def test_the_unavailable_page_shows_no_error_details(client, database_down):
    content = client.get(reverse("portal:landing")).content.decode()

    assert "Traceback" not in content
    assert "OperationalError" not in content
    assert "Connection refused" not in content
    assert "5432" not in content


def test_the_unavailable_page_has_no_inline_script_or_style(client, database_down):
    content = client.get(reverse("portal:landing")).content.decode()

    assert "<script" not in content
    assert "<style" not in content
    assert "style=" not in content
    assert "/static/css/portal.css" in content


def test_the_unavailable_page_is_never_cached(client, database_down):
    response = client.get(reverse("portal:landing"))

    assert "no-store" in response["Cache-Control"]


def test_an_autosave_during_the_outage_gets_a_json_503(client, database_down):
    response = client.get(reverse("portal:landing"), headers={"x-requested-with": "fetch"})

    assert response.status_code == 503
    assert response.json() == {"saved": False, "error": str(MSG_DATABASE_UNAVAILABLE)}
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)


def test_the_database_error_is_logged(client, database_down, caplog):
    with caplog.at_level(logging.ERROR, logger="portal.database"):
        client.get(reverse("portal:landing"))

    records = [record for record in caplog.records if record.name == "portal.database"]
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert isinstance(records[0].exc_info[1], OperationalError)


def test_a_dropped_connection_also_answers_503():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)

    response = middleware.process_exception(
        RequestFactory().get("/"), InterfaceError("connection already closed")
    )

    assert response.status_code == 503


def test_other_errors_are_left_to_the_usual_error_handling():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)

    assert middleware.process_exception(RequestFactory().get("/"), ValueError("a bug")) is None


def test_healthz_still_answers_503_in_json(client, database_down, settings):
    settings.CELERY_BROKER_URL = ""

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "error", "broker": "not configured", "storage": "ok"},
    }
