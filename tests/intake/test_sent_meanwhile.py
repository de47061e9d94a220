"""A save that meets an intake sent a moment earlier (from another tab) gets one calm answer.

The race is forced where it happens: the page has read a draft, and just before the save
takes its row lock, the other tab's send commits.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from intake import (
    consent_services,
    draft_services,
    pregnancy_services,
    questionnaire_services,
    step_services,
)
from intake.models import Intake, PregnancyEntry
from intake.selectors import consent_documents_required
from intake.steps import AGREEMENTS
from tests.intake.factories import IntakeFactory, PregnancyEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_meanwhile(monkeypatch):
    """Make the next row lock find the intake sent, as if another tab had just sent it."""
    real = draft_services.draft_locked

    def sent_then_locked(intake, fields=None):
        Intake.objects.filter(pk=intake.pk).update(
            status=Intake.Status.SUBMITTED, submitted_at=timezone.now()
        )
        return real(intake, fields)

    # Every write service takes its row lock through draft_locked.
    for module in (step_services, pregnancy_services, questionnaire_services, consent_services):
        monkeypatch.setattr(module, "draft_locked", sent_then_locked)


@pytest.fixture
def draft(client, client_user):
    client.force_login(client_user)
    intake = IntakeFactory(client=client_user, legal_name="Hope Rivera")
    return intake


def _posts(draft):
    entry = PregnancyEntryFactory(intake=draft)
    document = consent_documents_required(intake=draft)[0]
    step = lambda n: reverse("intake:step", kwargs={"number": n})  # noqa: E731
    pregnancy = {"outcome": PregnancyEntry.Outcome.MISCARRIAGE, "month": "3", "year": "2024"}
    return {
        "step-fields": (step(2), {"hopes": "To rest", "action": "next"}),
        "step-pregnancies": (step(3), {"action": "next"}),
        "step-questionnaires": (step(5), {"q-phq9-1": "1", "action": "next"}),
        "step-agreements": (step(AGREEMENTS), {"action": "next"}),
        "pregnancy-add": (reverse("intake:pregnancy_add"), pregnancy),
        "pregnancy-edit": (reverse("intake:pregnancy_edit", kwargs={"pk": entry.pk}), pregnancy),
        "pregnancy-remove": (reverse("intake:pregnancy_remove", kwargs={"pk": entry.pk}), {}),
        "agreement-sign": (
            reverse("intake:agreements_sign"),
            {"shown": [str(document.pk)], "read": [str(document.pk)], "typed_name": "Hope Rivera"},
        ),
    }


PATHS = [
    "step-fields",
    "step-pregnancies",
    "step-questionnaires",
    "step-agreements",
    "pregnancy-add",
    "pregnancy-edit",
    "pregnancy-remove",
    "agreement-sign",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_write_path_answers_calmly_when_the_intake_was_just_sent(client, draft, sent_meanwhile, path):
    url, data = _posts(draft)[path]

    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("intake:summary")
    assert str(draft_services.ERROR_LOCKED) in response.content.decode().replace("&#x27;", "'")
