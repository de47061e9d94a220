"""Written answers have a limit no client would reach, enforced the same way by the page,
the autosave and the model; too much text at once is explained, and nothing typed is lost."""

import json

import pytest
from django.urls import reverse

from intake import forms_rules
from intake.models import Intake, PregnancyEntry
from intake.step_services import intake_save_step
from tests.intake.factories import IntakeFactory, PregnancyEntryFactory

pytestmark = pytest.mark.django_db

LIMIT = forms_rules.LONG_TEXT_MAX
STEP_2 = reverse("intake:step", kwargs={"number": 2})


@pytest.fixture
def signed_in(client, client_user):
    IntakeFactory(client=client_user, hopes="")
    client.force_login(client_user)
    return client


def _autosave(client, field, value):
    return client.post(
        reverse("intake:autosave"),
        data=json.dumps({"field": field, "value": value}),
        content_type="application/json",
        HTTP_X_REQUESTED_WITH="fetch",
    )


def test_an_answer_at_the_limit_is_saved(signed_in, client_user):
    assert _autosave(signed_in, "hopes", "x" * LIMIT).status_code == 200
    assert len(Intake.objects.get(client=client_user).hopes) == LIMIT


def test_an_autosave_over_the_limit_is_refused_with_a_message_beside_it(signed_in, client_user):
    response = _autosave(signed_in, "hopes", "x" * (LIMIT + 1))

    assert response.status_code == 400
    assert response.json()["field"] == "hopes"
    assert f"{LIMIT:,} characters or fewer; it is {LIMIT + 1:,} now" in response.json()["error"]
    assert Intake.objects.get(client=client_user).hopes == ""


def test_a_step_over_the_limit_keeps_the_text_and_saves_the_rest(signed_in, client_user):
    long_text = "I remember everything. " * 300  # about 6,900 characters

    response = signed_in.post(STEP_2, {"hopes": long_text, "services": ["loss_counseling"], "action": "next"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "characters or fewer" in page
    assert "I remember everything. I remember everything." in page  # still in the box
    intake = Intake.objects.get(client=client_user)
    assert (intake.hopes, intake.services) == ("", ["loss_counseling"])


def test_a_line_break_counts_once_however_the_browser_sends_it(signed_in, client_user):
    # 5,000 characters counting each line break once (5,100 counting CR and LF apart).
    text = ("x" * 49 + "\r\n") * 99 + "x" * 50

    response = signed_in.post(STEP_2, {"hopes": text, "action": "next"})

    assert response.status_code == 302
    saved = Intake.objects.get(client=client_user).hopes
    assert "\r" not in saved
    assert len(saved) <= LIMIT


def test_the_service_refuses_it_too(client_user):
    intake = IntakeFactory(client=client_user)

    saved = intake_save_step(intake=intake, step=2, data={"hopes": "x" * (LIMIT + 1)}, actor=client_user)

    assert "hopes" in saved.errors


def test_the_page_counts_characters_near_the_limit(signed_in):
    page = signed_in.get(STEP_2).content.decode()

    assert f'data-max-length="{LIMIT}"' in page
    assert "data-count-label=" in page


def test_a_pregnancy_note_over_the_limit_is_refused_beside_it(signed_in):
    response = signed_in.post(
        reverse("intake:pregnancy_add"),
        {"outcome": "miscarriage", "month": "3", "year": "2024", "note": "y" * (LIMIT + 1)},
    )

    assert response.status_code == 200
    assert "characters or fewer" in response.content.decode()
    assert not PregnancyEntry.objects.exists()


def test_no_more_than_the_limit_of_pregnancies(signed_in, client_user):
    intake = Intake.objects.get(client=client_user)
    for _ in range(forms_rules.PREGNANCY_ENTRIES_MAX):
        PregnancyEntryFactory(intake=intake)

    response = signed_in.post(
        reverse("intake:pregnancy_add"), {"outcome": "miscarriage", "month": "3", "year": "2024"}
    )

    assert response.status_code == 200
    assert "as many as this form can hold" in response.content.decode()
    assert intake.pregnancies.count() == forms_rules.PREGNANCY_ENTRIES_MAX


def test_a_huge_paste_in_an_autosave_is_explained_not_a_bare_error(signed_in):
    response = _autosave(signed_in, "hopes", "z" * 3_000_000)

    assert response.status_code == 413
    assert "far more text than any answer here can hold" in response.json()["error"]


def test_a_huge_form_post_gets_a_page_saying_what_happened_and_how_to_get_back(signed_in):
    response = signed_in.post(STEP_2, {"hopes": "z" * 3_000_000, "action": "next"})

    assert response.status_code == 413
    page = response.content.decode().replace("&#x27;", "'")
    assert "too long to save in one go" in page
    assert "back button" in page
