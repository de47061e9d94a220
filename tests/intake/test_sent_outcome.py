"""Sending the intake: the client is told what happened, even if the answer was lost on its
way back (the session could not be saved) or she presses Send again."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.urls import reverse

from intake.models import Intake
from intake.views import MSG_SENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(client, client_user, signed_intake):
    client.force_login(client_user)
    return client


def test_a_session_that_cannot_be_saved_after_sending_still_shows_the_sent_page(
    ready, client_user, monkeypatch
):
    def database_gone(self, must_create=False):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "save", database_gone)

    response = ready.post(reverse("intake:submit"))

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:summary")
    assert Intake.objects.get(client=client_user).status == Intake.Status.SUBMITTED


def test_sending_again_says_it_was_sent_not_that_it_cannot_be_changed(ready, client_user):
    ready.post(reverse("intake:submit"))

    response = ready.post(reverse("intake:submit"), follow=True)

    page = response.content.decode().replace("&#x27;", "'")
    assert str(MSG_SENT) in page
    assert "can't be changed here" not in page


def test_a_failing_session_save_on_an_error_page_is_still_an_error(ready, monkeypatch):
    def database_gone(self, must_create=False):
        raise OperationalError("gone")

    monkeypatch.setattr(SessionStore, "save", database_gone)

    with pytest.raises(OperationalError):
        ready.get("/no-such-page/")
