"""The client-home status partial and the admin's way of revising an agreement."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from intake.models import ConsentDocument, Intake
from portal.models import AuditEvent
from tests.intake.factories import IntakeFactory


def render_status(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template('{% include "intake/_home_status.html" %}').render(
        Context({"user": user, "request": request})
    )


def test_home_status_before_starting_offers_to_begin(client_user):
    html = render_status(client_user)
    assert "Not started yet" in html
    assert reverse("intake:start") in html


def test_home_status_in_progress_shows_percent_and_continue(client_user):
    IntakeFactory(client=client_user)
    html = render_status(client_user)
    assert "% done" in html
    assert "Continue your intake" in html
    assert reverse("intake:summary") in html


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Intake.Status.SUBMITTED, "Sent to the practice"),
        (Intake.Status.IN_REVIEW, "reading your intake"),
        (Intake.Status.ACCEPTED, "look forward to meeting you"),
    ],
)
def test_home_status_after_sending_says_where_it_is(client_user, status, words):
    IntakeFactory(client=client_user, status=status, submitted_at=timezone.now())
    html = render_status(client_user)
    assert words in html
    assert "Continue your intake" not in html


def test_admin_add_form_is_prefilled_with_the_current_text(client, practice_admin):
    client.force_login(practice_admin)
    response = client.get(reverse("admin:intake_consentdocument_add") + "?kind=telehealth")
    assert response.status_code == 200
    assert "Consent to telehealth" in response.content.decode()


def test_admin_saving_a_changed_text_publishes_a_new_version(client, practice_admin):
    client.force_login(practice_admin)
    response = client.post(
        reverse("admin:intake_consentdocument_add"),
        {"kind": "telehealth", "title": "Consent to telehealth", "body": "Revised wording."},
    )
    assert response.status_code == 302
    current = ConsentDocument.objects.get(kind="telehealth", is_current=True)
    assert (current.version, current.body) == (2, "Revised wording.")
    assert ConsentDocument.objects.get(kind="telehealth", version=1).is_current is False
    assert AuditEvent.objects.filter(object_type="consent_document", actor=practice_admin).exists()


def test_admin_list_of_agreements_opens(client, practice_admin):
    client.force_login(practice_admin)
    response = client.get(reverse("admin:intake_consentdocument_changelist"))
    assert response.status_code == 200
    assert "Write a new version" in response.content.decode()
