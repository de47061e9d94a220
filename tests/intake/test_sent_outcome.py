"""Sending the intake: the client is told what happened, even if the answer was lost on its
way back (the session could not be saved) or she presses Send again."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import OperationalError
from django.urls import reverse

from intake.message_kinds import INTAKE_RECEIVED
from intake.models import Intake
from intake.views import MSG_SENT
from portal.message_ledger import message_deliver
from portal.models import Message
from scheduling.message_content import forbidden_words_in

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


def test_the_sent_page_offers_to_ask_for_an_appointment_right_there(ready, client_user):
    response = ready.post(reverse("intake:submit"), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("intake:summary")
    assert f'href="{reverse("scheduling:request_new")}"' in page
    assert "Ask for an appointment" in page


def test_sending_emails_one_discreet_receipt(
    ready, client_user, practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ready.post(reverse("intake:submit"))

    receipts = [m for m in mail.outbox if m.to == [client_user.email]]
    assert len(receipts) == 1
    receipt = receipts[0]
    text = receipt.subject + receipt.body + receipt.alternatives[0][0]
    assert forbidden_words_in(text) == []
    assert "intake" not in text.lower()
    row = Message.objects.get(kind=INTAKE_RECEIVED, client=client_user)
    message_deliver(message_id=row.pk)
    assert len([m for m in mail.outbox if m.to == [client_user.email]]) == 1


@pytest.mark.parametrize(("allowed", "named"), [(True, True), (False, False), (None, False)])
def test_the_receipt_names_the_practice_only_where_she_allowed_it(
    ready, client_user, practice, django_capture_on_commit_callbacks, allowed, named
):
    Intake.objects.filter(client=client_user).update(may_name_practice=allowed)
    with django_capture_on_commit_callbacks(execute=True):
        ready.post(reverse("intake:submit"))

    (receipt,) = [m for m in mail.outbox if m.to == [client_user.email]]
    assert (practice.name in receipt.subject + receipt.body + receipt.alternatives[0][0]) is named


def test_no_receipt_when_she_said_no_to_email(ready, client_user, django_capture_on_commit_callbacks):
    Intake.objects.filter(client=client_user).update(may_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        ready.post(reverse("intake:submit"))

    assert [m for m in mail.outbox if m.to == [client_user.email]] == []
    assert Message.objects.get(kind=INTAKE_RECEIVED, client=client_user).status == Message.Status.SKIPPED
