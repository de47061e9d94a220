"""Two tabs of the same intake: a page saves only what it changed, and an answer changed in
both is never overwritten without a word."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from intake.draft_services import ERROR_CHANGED_ELSEWHERE
from intake.forms import LOADED_FIELD, form_snapshot, snapshot_values, step_form_class
from intake.models import Intake, QuestionnaireResponse
from intake.steps import STEPS
from tests.intake.factories import IntakeFactory

pytestmark = pytest.mark.django_db

CHANGED_ELSEWHERE = str(ERROR_CHANGED_ELSEWHERE).split("“")[0]


def step_url(number: int) -> str:
    return reverse("intake:step", kwargs={"number": number})


def autosave(client, field, value, was=None):
    body = {"field": field, "value": value}
    if was is not None:
        body["was"] = was
    return client.post(
        reverse("intake:autosave"),
        data=json.dumps(body),
        content_type="application/json",
        HTTP_X_REQUESTED_WITH="fetch",
    )


def snapshot_of(html: str) -> str:
    match = re.search(r'name="_loaded" value="([^"]*)"', html)
    assert match, "the page carries no snapshot"
    return match.group(1).replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")


@pytest.fixture
def signed_in(client, client_user):
    IntakeFactory(client=client_user, supporters="", hopes="")
    client.force_login(client_user)
    return client


# --- the snapshot stands for exactly what the page shows


@pytest.mark.parametrize("step", [s for s in STEPS if s.fields], ids=lambda s: s.slug)
def test_a_snapshot_cleans_back_to_the_saved_answers(client_user, step):
    intake = IntakeFactory(
        client=client_user,
        date_of_birth=dt.date(1990, 5, 17),
        symptoms=["sadness", "self_harm"],
        impact_work=4,
        may_email=True,
        may_text=False,
        hopes="To sleep",
    )
    form_class = step_form_class(step)
    initial = {name: getattr(intake, name) for name in form_class.base_fields}

    values = snapshot_values(form_class, form_snapshot(form_class(initial=initial)))

    assert values == {name: getattr(intake, name) for name in form_class.base_fields}


# --- a step's "Save" writes only what this page changed


def test_a_stale_tab_does_not_revert_an_answer_saved_in_another(signed_in, client_user):
    tab_b = signed_in.get(step_url(7)).content.decode()  # loaded first
    autosave(signed_in, "supporters", "My sister")  # tab A, after B was loaded

    response = signed_in.post(
        step_url(7),
        {"supporters": "", "relationship_status": "", LOADED_FIELD: snapshot_of(tab_b), "action": "next"},
    )

    assert response.status_code == 302
    assert Intake.objects.get(client=client_user).supporters == "My sister"


def test_what_the_stale_tab_did_change_is_still_saved(signed_in, client_user):
    tab_b = signed_in.get(step_url(7)).content.decode()
    autosave(signed_in, "supporters", "My sister")

    signed_in.post(
        step_url(7),
        {
            "supporters": "",
            "relationship_status": "partnered",
            LOADED_FIELD: snapshot_of(tab_b),
            "action": "next",
        },
    )

    intake = Intake.objects.get(client=client_user)
    assert (intake.supporters, intake.relationship_status) == ("My sister", "partnered")


def test_an_answer_changed_in_both_tabs_is_not_overwritten_and_both_are_shown(signed_in, client_user):
    tab_b = signed_in.get(step_url(7)).content.decode()
    autosave(signed_in, "supporters", "My sister")

    response = signed_in.post(
        step_url(7), {"supporters": "My partner", LOADED_FIELD: snapshot_of(tab_b), "action": "next"}
    )

    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert CHANGED_ELSEWHERE in page
    assert "“My sister”" in page  # what the other tab saved
    assert "My partner</textarea>" in page  # hers, still here
    assert Intake.objects.get(client=client_user).supporters == "My sister"
    # Saving again from the page now keeps hers: its snapshot is what is saved now.
    again = signed_in.post(
        step_url(7), {"supporters": "My partner", LOADED_FIELD: snapshot_of(page), "action": "next"}
    )
    assert again.status_code == 302
    assert Intake.objects.get(client=client_user).supporters == "My partner"


def test_a_page_without_a_snapshot_saves_everything_as_before(signed_in, client_user):
    autosave(signed_in, "supporters", "My sister")

    signed_in.post(step_url(7), {"supporters": "", "action": "next"})

    assert Intake.objects.get(client=client_user).supporters == ""


# --- the autosave says when the answer was changed elsewhere


def test_an_autosave_over_an_answer_changed_elsewhere_is_refused_with_both(signed_in, client_user):
    autosave(signed_in, "supporters", "My sister", was=[])  # tab A

    response = autosave(signed_in, "supporters", "My partner", was=[])  # tab B still thought it empty

    assert response.status_code == 412
    data = response.json()
    assert data["conflict"] is True
    assert data["current"] == ["My sister"]
    assert "“My sister”" in data["error"]
    assert Intake.objects.get(client=client_user).supporters == "My sister"


def test_an_autosave_that_knew_the_saved_answer_goes_through(signed_in, client_user):
    autosave(signed_in, "supporters", "My sister", was=[])

    response = autosave(signed_in, "supporters", "My partner", was=["My sister"])

    assert response.status_code == 200
    assert Intake.objects.get(client=client_user).supporters == "My partner"


def test_two_tabs_ticking_the_same_answer_both_succeed(signed_in, client_user):
    autosave(signed_in, "supporters", "My sister", was=[])

    assert autosave(signed_in, "supporters", "My sister", was=[]).status_code == 200


# --- the questionnaires


def _answers(client_user, code):
    return QuestionnaireResponse.objects.get(intake__client=client_user, code=code).answers


def test_a_stale_questionnaire_tab_does_not_revert_answers_saved_in_another(signed_in, client_user):
    tab_b = signed_in.get(step_url(5)).content.decode()
    autosave(signed_in, "q-phq9-1", "2")

    signed_in.post(step_url(5), {"q-phq9-2": "1", LOADED_FIELD: snapshot_of(tab_b), "action": "save"})

    assert _answers(client_user, "phq9") == {"1": 2, "2": 1}


def test_a_questionnaire_answer_changed_in_both_tabs_is_shown_not_overwritten(signed_in, client_user):
    tab_b = signed_in.get(step_url(5)).content.decode()
    autosave(signed_in, "q-phq9-1", "2")

    response = signed_in.post(
        step_url(5), {"q-phq9-1": "0", LOADED_FIELD: snapshot_of(tab_b), "action": "next"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "“More than half the days”" in page
    assert 'id="q-phq9-1-0" value="0" checked' in page
    assert _answers(client_user, "phq9") == {"1": 2}


def test_a_questionnaire_autosave_over_a_changed_answer_is_refused(signed_in, client_user):
    autosave(signed_in, "q-asq-1", "no", was=[])

    response = autosave(signed_in, "q-asq-1", "yes", was=[])

    assert response.status_code == 412
    assert response.json()["current"] == ["no"]
    assert _answers(client_user, "asq") == {"1": False}
