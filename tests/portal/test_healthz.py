import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_with_a_working_database(client, settings):
    settings.CELERY_BROKER_URL = ""

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "not configured", "storage": "ok"},
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_reports_a_dead_broker(client, settings):
    # Nothing listens on port 1 of loopback: the connection is refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "error", "storage": "ok"}


@pytest.mark.integration
def test_healthz_reports_a_live_broker(client, settings):
    if not settings.PORTAL_TEST_BROKER_URL:
        pytest.skip("No broker configured (set CELERY_BROKER_URL).")
    settings.CELERY_BROKER_URL = settings.PORTAL_TEST_BROKER_URL

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"
