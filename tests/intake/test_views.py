"""The intake pages as the client uses them, with JavaScript off (plain posts) and on (autosave)."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake import (
    consent_services,
    draft_services,
    forms,
    pregnancy_history,
    step_services,
    submit_services,
    views,
)
from intake.forms_rules import ERROR_EMERGENCY_PHONE, ERROR_PHONE, ERROR_POSTAL_CODE, ERROR_STATE
from intake.models import ConsentSignature, Intake, PregnancyEntry, QuestionnaireResponse
from intake.selectors import consent_documents_required
from intake.steps import LAST_STEP
from portal.models import AuditEvent
from tests.intake.factories import IntakeFactory, PregnancyEntryFactory
from tests.intake.pages import questionnaire_pages
from tests.portal.factories import DEFAULT_PASSWORD


def step_url(number: int) -> str:
    return reverse("intake:step", kwargs={"number": number})


def autosave(client, field, value):
    return client.post(
        reverse("intake:autosave"),
        data=json.dumps({"field": field, "value": value}),
        content_type="application/json",
        HTTP_X_REQUESTED_WITH="fetch",
    )


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


# --- flow


def test_start_opens_step_1_and_the_first_save_starts_the_intake(signed_in, client_user):
    response = signed_in.get(reverse("intake:start"))
    assert response.status_code == 302
    assert response["Location"] == step_url(1)
    page = signed_in.get(step_url(1)).content.decode()
    assert f'value="{client_user.email}"' in page  # her account's address, filled in already
    # Reading pages writes nothing: no intake and no audit row until she saves.
    assert not Intake.objects.filter(client=client_user).exists()
    assert not AuditEvent.objects.filter(client=client_user).exists()

    signed_in.post(step_url(2), {"hopes": "Rest", "action": "save"})
    assert Intake.objects.get(client=client_user).hopes == "Rest"
    started = AuditEvent.objects.filter(client=client_user, object_type="intake", detail="intake started")
    assert started.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        *[step_url(n) for n in range(1, 10)],
        reverse("intake:pregnancy_add"),
        reverse("intake:review"),
        reverse("intake:summary"),
    ],
)
def test_every_page_of_an_intake_not_started_yet_answers_and_writes_nothing(signed_in, client_user, url):
    assert signed_in.get(url).status_code == 200
    assert not Intake.objects.filter(client=client_user).exists()
    assert not AuditEvent.objects.filter(client=client_user).exists()


def test_an_intake_only_looked_at_reads_as_not_started_everywhere(signed_in):
    step = signed_in.get(step_url(1)).content.decode()
    home = signed_in.get(reverse("portal:client_home")).content.decode()

    # Her sign-up address is filled in on step 1, but nothing is saved: no step has answers,
    # and her home page says the same.
    assert "(has answers)" not in step
    assert "Not started yet" in home


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6, 7, 8, 9])
def test_every_step_page_shows_progress_with_the_current_step_marked(signed_in, number):
    response = signed_in.get(step_url(number))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('aria-current="step"') == 1
    assert "not watched for emergencies" in html


def test_unknown_step_is_404(signed_in):
    assert signed_in.get(step_url(12)).status_code == 404


def test_next_saves_and_moves_to_the_following_step(signed_in, client_user):
    response = signed_in.post(
        step_url(2), {"hopes": "To feel like myself", "modality": "either", "action": "next"}
    )
    assert response.status_code == 302
    assert response["Location"] == step_url(3)
    intake = Intake.objects.get(client=client_user)
    assert intake.hopes == "To feel like myself"
    assert intake.current_step == 2


def test_back_saves_and_moves_to_the_previous_step(signed_in, client_user):
    response = signed_in.post(step_url(7), {"supporters": "My sister", "action": "back"})
    assert response["Location"] == step_url(6)
    assert Intake.objects.get(client=client_user).supporters == "My sister"


def test_last_step_next_goes_to_review(signed_in):
    response = signed_in.post(step_url(LAST_STEP), {"action": "next"})
    assert response["Location"] == reverse("intake:review")


def test_saved_time_is_shown_after_saving(signed_in, client_user):
    signed_in.post(step_url(8), {"appointment_preferences": "Mornings", "action": "save"})
    intake = Intake.objects.get(client=client_user)
    shown = timezone.localtime(intake.last_saved_at).strftime("%H:%M")
    assert f"Last saved at {shown}" in signed_in.get(step_url(8)).content.decode()


def test_content_note_comes_before_the_pregnancy_and_feelings_steps(signed_in):
    for number in (3, 4):
        html = signed_in.get(step_url(number)).content.decode()
        assert "Before you begin this part" in html


def test_invalid_post_keeps_everything_typed_and_explains_next_to_the_field(signed_in, client_user):
    future = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = signed_in.post(
        step_url(1), {"preferred_name": "Hopie", "date_of_birth": future, "contact_email": "not-an-email"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_date_of_birth"' in html
    assert str(step_services.ERROR_DOB_FUTURE) in html.replace("&#x27;", "'")
    assert 'value="not-an-email"' in html
    assert 'value="Hopie"' in html
    intake = Intake.objects.get(client=client_user)
    assert intake.preferred_name == "Hopie"
    assert intake.contact_email == "hope@example.com"


def test_resume_after_signing_out_shows_every_answer(client, client_user):
    client.login(email=client_user.email, password=DEFAULT_PASSWORD)
    client.post(step_url(1), {"legal_name": "Hope Rivera", "pronouns": "she/her", "may_text": "False"})
    client.post(step_url(4), {"symptoms": ["sleep", "guilt"], "impact_work": "6", "action": "save"})
    client.logout()
    client.login(email=client_user.email, password=DEFAULT_PASSWORD)
    assert client.get(reverse("intake:start"))["Location"] == step_url(4)
    step4 = client.get(step_url(4)).content.decode()
    assert re.search(r'value="sleep"[^>]*checked', step4)
    assert re.search(r'value="guilt"[^>]*checked', step4)
    intake = Intake.objects.get(client=client_user)
    assert (intake.pronouns, intake.may_text, intake.symptoms, intake.impact_work) == (
        "she/her",
        False,
        ["sleep", "guilt"],
        6,
    )


def test_self_harm_answer_shows_the_support_panel(signed_in, client_user):
    signed_in.post(step_url(4), {"symptoms": ["self_harm"], "action": "save"})
    html = signed_in.get(step_url(4)).content.decode()
    assert 'data-safety-panel="high" aria-labelledby' in html
    assert "tel:988" in html


# --- autosave


def test_autosave_saves_one_field(signed_in, client_user):
    signed_in.get(reverse("intake:start"))
    response = autosave(signed_in, "pronouns", "they/them")
    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert response.json()["saved_at"]
    assert Intake.objects.get(client=client_user).pronouns == "they/them"


def test_autosave_saves_a_list_of_choices(signed_in, client_user):
    response = autosave(signed_in, "services", ["loss_counseling", "support_group"])
    assert response.status_code == 200
    assert Intake.objects.get(client=client_user).services == ["loss_counseling", "support_group"]


def test_autosave_of_an_unknown_field_is_400_with_a_message(signed_in):
    response = autosave(signed_in, "status", "accepted")
    assert response.status_code == 400
    assert response.json()["error"] == draft_services.ERROR_UNKNOWN_FIELD


def test_autosave_of_a_bad_value_is_400_with_the_field_message(signed_in, client_user):
    response = autosave(signed_in, "impact_work", "12")
    assert response.status_code == 400
    assert response.json()["field"] == "impact_work"
    # Refused before anything is written: no answer kept (and no intake started for it).
    assert not Intake.objects.filter(client=client_user).exclude(impact_work=None).exists()


def test_the_first_autosave_starts_the_intake_and_keeps_the_answer(signed_in, client_user):
    assert not Intake.objects.filter(client=client_user).exists()
    response = autosave(signed_in, "hopes", "To rest.")
    assert response.status_code == 200
    assert response.json()["saved"] is True
    intake = Intake.objects.get(client=client_user)
    assert (intake.hopes, intake.legal_name) == ("To rest.", client_user.full_name)


def test_an_autosave_reads_and_writes_only_what_it_must(
    signed_in, client_user, django_assert_max_num_queries
):
    autosave(signed_in, "hopes", "First")  # starts the intake, fills the practice cache
    # The session (the user is cached) and the answer written with its audit row: one
    # statement on PostgreSQL, two on SQLite; now and then the session's activity time
    # (a savepoint, its UPDATE and the release).
    with django_assert_max_num_queries(6):
        response = autosave(signed_in, "hopes", "Second")
    assert response.status_code == 200
    assert Intake.objects.get(client=client_user).hopes == "Second"


def test_an_autosave_after_sending_is_refused_and_changes_nothing(signed_in, client_user):
    autosave(signed_in, "hopes", "Kept")
    sent = {"status": Intake.Status.SUBMITTED, "submitted_at": timezone.now()}
    Intake.objects.filter(client=client_user).update(**sent)
    response = autosave(signed_in, "hopes", "Changed")
    assert response.status_code == 409
    assert Intake.objects.get(client=client_user).hopes == "Kept"


def test_autosave_of_a_bad_value_keeps_the_answer_saved_before(signed_in, client_user):
    assert autosave(signed_in, "impact_work", "4").status_code == 200
    assert autosave(signed_in, "impact_work", "12").status_code == 400
    assert Intake.objects.get(client=client_user).impact_work == 4


@pytest.mark.parametrize(
    "body", ["not json", "[]", '{"value": 1}', '{"field": ["x"]}', '{"field": "hopes", "value": {}}']
)
def test_autosave_of_a_malformed_request_is_400(signed_in, body):
    response = signed_in.post(reverse("intake:autosave"), data=body, content_type="application/json")
    assert response.status_code == 400


def test_autosave_after_submit_is_409(signed_in, client_user):
    IntakeFactory(client=client_user, status=Intake.Status.SUBMITTED, submitted_at=timezone.now())
    response = autosave(signed_in, "hopes", "late")
    assert response.status_code == 409
    assert response.json()["error"] == draft_services.ERROR_LOCKED


def test_autosave_of_an_under_age_birth_date_asks_the_page_to_reload(signed_in):
    born = timezone.localdate().replace(year=timezone.localdate().year - 15, day=1)
    response = autosave(signed_in, "date_of_birth", born.isoformat())
    assert response.status_code == 200
    assert response.json()["reload"] is True


def test_autosave_saves_a_questionnaire_answer(signed_in, client_user):
    response = autosave(signed_in, "q-phq9-1", "2")
    assert response.status_code == 200
    assert QuestionnaireResponse.objects.get(intake__client=client_user, code="phq9").answers == {"1": 2}


def test_autosave_of_a_questionnaire_answer_never_asks_the_page_to_reload(signed_in):
    # Follow-up questions are already in the page; a reload could lose an answer in flight.
    for name in ("q-pcptsd5-gate", "q-asq-1"):
        assert not autosave(signed_in, name, "yes").json().get("reload")


def _question_wrap(html: str, name: str) -> str:
    match = re.search(rf'<div class="question-wrap[^"]*"[^>]*data-question="{name}"[^>]*>', html)
    assert match, f"{name} is not in the page"
    return match.group(0)


def test_follow_up_questions_are_in_the_page_hidden_with_their_rule(signed_in):
    html = questionnaire_pages(signed_in)

    asq5 = _question_wrap(html, "q-asq-5")
    assert " hidden" in asq5
    assert 'data-shown-when-fields="q-asq-1 q-asq-2 q-asq-3 q-asq-4"' in asq5
    assert 'data-shown-when-values="yes decline"' in asq5
    ptsd1 = _question_wrap(html, "q-pcptsd5-1")
    assert " hidden" in ptsd1
    assert 'data-shown-when-fields="q-pcptsd5-gate"' in ptsd1
    assert " hidden" not in _question_wrap(html, "q-asq-1")


def test_a_saved_yes_shows_its_follow_up_question_without_the_script(signed_in):
    autosave(signed_in, "q-asq-2", "yes")

    html = questionnaire_pages(signed_in)

    assert " hidden" not in _question_wrap(html, "q-asq-5")


@pytest.mark.parametrize("action", ["next", "save", "back"])
def test_a_post_that_brings_up_trauma_questions_stays_on_the_step_at_the_first_new_one(signed_in, action):
    response = signed_in.post(step_url(5), {"q-pcptsd5-gate": "yes", "action": action})

    assert response.status_code == 302
    assert response["Location"] == step_url(5) + "?more=q-pcptsd5-1&part=6#q-pcptsd5-1-wrap"
    html = signed_in.get(response["Location"]).content.decode()
    wrap = _question_wrap(html, "q-pcptsd5-1")
    assert " hidden" not in wrap
    assert "question-wrap--new" in wrap
    assert "Your answer above brought up this question" in html


def test_a_post_that_raises_the_level_and_brings_up_asq_5_shows_the_panel_then_points_to_it(signed_in):
    response = signed_in.post(step_url(5), {"q-asq-1": "yes", "action": "next"})

    assert response["Location"] == step_url(5) + "?more=q-asq-5&part=7#safety"
    html = signed_in.get(response["Location"]).content.decode()
    # On at the first ASQ question still to answer, so none before the new one is skipped.
    assert 'href="#q-asq-2-wrap" data-safety-continue' in html
    assert " hidden" not in _question_wrap(html, "q-asq-5")


def test_a_held_save_and_continue_lets_the_panel_lead_on_to_the_next_step(signed_in):
    response = signed_in.post(step_url(5), {"q-phq9-9": "2", "action": "next"})

    assert response["Location"] == step_url(5) + "?after=next&part=1#safety"
    html = signed_in.get(response["Location"]).content.decode()
    # On to the next screen of the questionnaires.
    assert f'href="{step_url(5)}?part=2" data-safety-continue' in html


def test_a_post_with_nothing_new_to_ask_moves_on_to_the_next_questionnaire_screen(signed_in):
    response = signed_in.post(step_url(5), {"q-phq9-1": "0", "part": "1", "action": "next"})

    assert response["Location"] == step_url(5) + "?part=2"


def test_the_last_questionnaire_screen_moves_on_to_the_next_step(signed_in):
    response = signed_in.post(step_url(5), {"q-asq-1": "no", "part": "last", "action": "next"})

    assert response["Location"] == step_url(6)


def test_going_back_from_step_6_lands_on_the_last_questionnaire_screen(signed_in):
    response = signed_in.post(step_url(6), {"action": "back"})

    assert response["Location"] == step_url(5) + "?part=last"


def test_a_questionnaire_screen_number_out_of_range_shows_the_first(signed_in):
    response = signed_in.get(step_url(5) + "?part=999")

    assert response.status_code == 200
    assert 'name="part" value="1"' in response.content.decode()


def test_edit_from_the_review_returns_to_the_review_after_saving(signed_in, client_user):
    page = signed_in.get(step_url(2) + "?from=review").content.decode()
    assert "Save and return to the review" in page
    response = signed_in.post(step_url(2), {"hopes": "To rest", "from": "review", "action": "review"})

    assert response["Location"] == reverse("intake:review")
    assert Intake.objects.get(client=client_user).hopes == "To rest"


def test_save_and_continue_from_the_review_s_edit_also_returns_to_the_review(signed_in):
    response = signed_in.post(step_url(4), {"from": "review", "action": "next"})

    assert response["Location"] == reverse("intake:review")


def test_questionnaires_opened_from_the_review_lead_on_to_each_questionnaire_then_back(signed_in):
    page = signed_in.get(step_url(5) + "?from=review").content.decode()
    assert "Save and see the next questionnaire" in page

    response = signed_in.post(step_url(5), {"part": "1", "from": "review", "action": "part_next"})
    assert response["Location"] == step_url(5) + "?part=2&from=review"

    back = signed_in.post(step_url(5), {"part": "2", "from": "review", "action": "review"})
    assert back["Location"] == reverse("intake:review")


def test_review_edit_links_say_they_come_from_the_review(signed_in, client_user):
    signed_in.post(step_url(1), {"legal_name": "Hope Rivera", "action": "save"})
    html = signed_in.get(reverse("intake:review")).content.decode()

    assert f'href="{step_url(1)}?from=review"' in html


def test_the_more_parameter_only_points_to_a_question_that_is_waiting(signed_in):
    html = signed_in.get(step_url(5) + "?more=q-asq-5").content.decode()

    assert "Your answer above brought up this question" not in html


def test_autosave_refuses_an_answer_outside_the_options(signed_in):
    assert autosave(signed_in, "q-phq9-1", "7").status_code == 400


# --- minimum age


def _born_years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=1)


@pytest.fixture
def under_age(signed_in, client_user):
    """A client whose saved date of birth makes her 15, with a pregnancy from before."""
    intake = IntakeFactory(client=client_user, date_of_birth=_born_years_ago(15), hopes="")
    PregnancyEntryFactory(intake=intake)
    return intake


def test_under_age_client_is_told_to_call_and_kept_on_step_1(signed_in, client_user, practice):
    born = _born_years_ago(16)
    response = signed_in.post(step_url(1), {"date_of_birth": born.isoformat(), "action": "next"})
    assert response.status_code == 200
    html = response.content.decode()
    assert practice.phone in html
    assert "call the office" in html
    assert signed_in.get(step_url(2))["Location"] == step_url(1)
    assert signed_in.post(step_url(2), {"hopes": "x"})["Location"] == step_url(1)
    assert Intake.objects.get(client=client_user).hopes == ""


def test_save_and_continue_under_age_explains_next_to_the_date_of_birth(signed_in, client_user):
    response = signed_in.post(
        step_url(1),
        {"date_of_birth": _born_years_ago(15).isoformat(), "preferred_name": "Ana", "action": "next"},
    )
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert str(step_services.ERROR_UNDER_AGE_FIELD) in html
    assert 'id="id_date_of_birth_error" data-field-error="date_of_birth">' in html
    assert 'role="alert" aria-labelledby="under-age-heading"' in html
    assert 'href="#id_date_of_birth">correct it</a>' in html
    # The kind panel is the summary: no "needs another look" box for her age.
    assert 'id="error-summary"' not in html
    assert 'value="Ana"' in html
    assert Intake.objects.get(client=client_user).preferred_name == "Ana"


def test_under_age_step_1_offers_no_other_step(signed_in, under_age):
    html = signed_in.get(step_url(1)).content.decode()
    assert 'class="intake-progress"' not in html
    for number in range(2, 10):
        assert f'href="{step_url(number)}"' not in html
    assert f'href="{reverse("intake:review")}"' not in html
    assert 'role="status" aria-labelledby="under-age-heading"' in html


@pytest.mark.parametrize("number", [2, 3, 4, 5, 6, 7, 8, 9])
def test_under_age_client_is_sent_back_to_step_1_from_every_other_step(signed_in, under_age, number):
    assert signed_in.get(step_url(number))["Location"] == step_url(1)
    assert signed_in.post(step_url(number), {"action": "next"})["Location"] == step_url(1)


def test_under_age_client_is_sent_back_from_review_submit_and_the_pregnancy_pages(signed_in, under_age):
    entry = under_age.pregnancies.get()
    pages = [
        ("get", reverse("intake:review")),
        ("post", reverse("intake:submit")),
        ("get", reverse("intake:pregnancy_add")),
        ("post", reverse("intake:pregnancy_add")),
        ("get", reverse("intake:pregnancy_edit", kwargs={"pk": entry.pk})),
        ("post", reverse("intake:pregnancy_edit", kwargs={"pk": entry.pk})),
        ("get", reverse("intake:pregnancy_remove", kwargs={"pk": entry.pk})),
        ("post", reverse("intake:pregnancy_remove", kwargs={"pk": entry.pk})),
    ]
    for method, url in pages:
        response = getattr(signed_in, method)(url, {"outcome": "tfmr"} if method == "post" else None)
        assert response.status_code == 302, url
        assert response["Location"] == step_url(1), url
    under_age.refresh_from_db()
    assert under_age.status == Intake.Status.DRAFT
    assert list(under_age.pregnancies.values_list("outcome", flat=True)) == ["miscarriage"]


def test_under_age_questionnaire_autosave_is_refused(signed_in, under_age):
    response = autosave(signed_in, "q-phq9-9", "1")
    assert response.status_code == 409
    assert response.json()["reload"] is True
    assert not QuestionnaireResponse.objects.exists()


def test_a_corrected_date_of_birth_lets_her_continue(signed_in, under_age):
    response = signed_in.post(step_url(1), {"date_of_birth": "1990-05-17", "action": "next"})
    assert response["Location"] == step_url(2)
    assert signed_in.get(step_url(2)).status_code == 200
    assert 'class="intake-progress"' in signed_in.get(step_url(1)).content.decode()


def test_autosave_of_a_corrected_date_of_birth_reloads_to_offer_the_steps_again(signed_in, under_age):
    response = autosave(signed_in, "date_of_birth", "1990-05-17")
    assert response.status_code == 200
    assert response.json()["reload"] is True
    assert autosave(signed_in, "date_of_birth", "1991-05-17").json()["reload"] is False


# --- pregnancy history without JavaScript


def test_pregnancy_can_be_added_without_javascript(signed_in, client_user):
    response = signed_in.post(
        reverse("intake:pregnancy_add"),
        {"outcome": "miscarriage", "month": "4", "year": "2025", "weeks": "8", "complications": ["surgery"]},
    )
    assert response["Location"] == step_url(3)
    entry = PregnancyEntry.objects.get(intake__client=client_user)
    assert (entry.month, entry.year, entry.weeks, entry.complications) == (4, 2025, 8, ["surgery"])


def test_a_pregnancy_added_from_the_review_s_edit_keeps_the_way_back_to_the_review(signed_in):
    step = signed_in.get(step_url(3) + "?from=review").content.decode()
    assert reverse("intake:pregnancy_add") + "?from=review" in step

    response = signed_in.post(
        reverse("intake:pregnancy_add") + "?from=review", {"outcome": "miscarriage", "year": "2025"}
    )

    assert response["Location"] == step_url(3) + "?from=review"
    assert "Save and return to the review" in signed_in.get(response["Location"]).content.decode()


def test_what_happened_can_be_answered_i_d_rather_not_say(signed_in, client_user):
    from intake.selectors import intake_history_summary

    page = signed_in.get(reverse("intake:pregnancy_add")).content.decode()
    assert "I&#x27;d rather not say" in page or "I'd rather not say" in page
    response = signed_in.post(reverse("intake:pregnancy_add"), {"outcome": "prefer_not_to_say"})
    assert response.status_code == 302
    intake = Intake.objects.get(client=client_user)
    assert list(intake.pregnancies.values_list("outcome", flat=True)) == ["prefer_not_to_say"]
    summary = intake_history_summary(intake=intake)
    assert (summary["losses"], summary["live_births"], summary["days_since_most_recent"]) == (0, 0, None)


def test_pregnancy_form_keeps_what_was_typed_when_a_rule_is_broken(signed_in, client_user):
    response = signed_in.post(
        reverse("intake:pregnancy_add"), {"outcome": "stillbirth", "weeks": "52", "note": "Her name was Rose"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert str(pregnancy_history.ERROR_WEEKS_RANGE) in html
    assert "Her name was Rose" in html
    assert not PregnancyEntry.objects.exists()


@pytest.mark.parametrize(
    "post",
    [
        {},
        {"outcome": "", "month": "", "year": "", "weeks": "", "due_date": ""},
        {"outcome": "miscarriage", "year": "twenty twenty", "note": "Her name was Rose"},
        {"outcome": "miscarriage", "weeks": "eight", "month": "13"},
    ],
)
def test_pregnancy_form_does_not_claim_anything_was_saved(signed_in, client_user, post):
    response = signed_in.post(reverse("intake:pregnancy_add"), post)
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert 'id="error-summary"' in html
    assert "has been saved" not in html
    assert str(views.PREGNANCY_NOT_SAVED) in html
    assert not PregnancyEntry.objects.exists()


def test_pregnancy_form_explains_letters_in_the_year_and_keeps_the_note(signed_in):
    response = signed_in.post(
        reverse("intake:pregnancy_add"),
        {"outcome": "miscarriage", "year": "twenty twenty", "note": "Her name was Rose"},
    )
    html = response.content.decode()
    assert str(pregnancy_history.ERROR_YEAR_DIGITS) in html
    assert 'value="twenty twenty"' in html
    assert "Her name was Rose" in html


def test_pregnancy_form_asks_gently_for_what_happened(signed_in):
    html = signed_in.post(reverse("intake:pregnancy_add"), {"note": "x"}).content.decode()
    assert str(forms.ERROR_OUTCOME_REQUIRED) in html
    assert 'href="#id_outcome"' in html


def test_a_current_pregnancy_can_be_added_without_a_due_date(signed_in, client_user):
    response = signed_in.post(reverse("intake:pregnancy_add"), {"outcome": "current", "weeks": "12"})
    assert response["Location"] == step_url(3)
    entry = PregnancyEntry.objects.get(intake__client=client_user)
    assert (entry.outcome, entry.weeks, entry.due_date) == ("current", 12, None)


def test_a_current_pregnancys_due_date_is_still_checked_when_given(signed_in):
    past = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    response = signed_in.post(reverse("intake:pregnancy_add"), {"outcome": "current", "due_date": past})
    assert response.status_code == 200
    assert str(pregnancy_history.ERROR_DUE_DATE_PAST) in response.content.decode().replace("&#x27;", "'")
    assert not PregnancyEntry.objects.exists()


def test_pregnancy_step_says_honestly_what_is_needed(signed_in):
    html = signed_in.get(step_url(3)).content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert "only what happened is needed" in html


def test_step_pages_keep_their_own_saved_message(signed_in):
    response = signed_in.post(step_url(1), {"phone": "call me maybe", "action": "next"})
    assert "Everything else you typed has been saved." in response.content.decode()


def test_pregnancy_can_be_edited(signed_in, client_user):
    entry = PregnancyEntryFactory(intake=IntakeFactory(client=client_user))
    signed_in.post(
        reverse("intake:pregnancy_edit", kwargs={"pk": entry.pk}), {"outcome": "ectopic", "weeks": "7"}
    )
    entry.refresh_from_db()
    assert (entry.outcome, entry.weeks) == ("ectopic", 7)


def test_pregnancy_can_be_removed_after_confirming(signed_in, client_user):
    entry = PregnancyEntryFactory(intake=IntakeFactory(client=client_user))
    url = reverse("intake:pregnancy_remove", kwargs={"pk": entry.pk})
    assert signed_in.get(url).status_code == 200
    assert signed_in.post(url)["Location"] == step_url(3)
    assert not PregnancyEntry.objects.filter(pk=entry.pk).exists()


def test_pregnancy_step_lists_entries_with_edit_and_remove_links(signed_in, client_user):
    entry = PregnancyEntryFactory(intake=IntakeFactory(client=client_user))
    html = signed_in.get(step_url(3)).content.decode()
    assert reverse("intake:pregnancy_edit", kwargs={"pk": entry.pk}) in html
    assert reverse("intake:pregnancy_remove", kwargs={"pk": entry.pk}) in html


# --- questionnaires


def test_questionnaire_step_offers_prefer_not_to_answer(signed_in):
    html = questionnaire_pages(signed_in)
    assert 'name="q-phq9-9"' in html
    assert "Prefer not to answer" in html
    assert 'name="q-epds-1"' not in html  # EPDS stays off until the practice enables it


def test_questionnaire_answers_are_saved_by_a_plain_post(signed_in, client_user):
    signed_in.post(step_url(5), {"q-phq9-1": "3", "q-phq9-2": "decline", "q-asq-1": "no", "action": "save"})
    answers = {r.code: r.answers for r in QuestionnaireResponse.objects.filter(intake__client=client_user)}
    assert answers == {"phq9": {"1": 3, "2": None}, "asq": {"1": False}}


# --- agreements


def sign_post(documents, typed_name: str, read=None) -> dict:
    """What the one signing form posts: the versions shown, those ticked, and her name."""
    ids = [str(d.pk) for d in documents]
    return {
        "shown": ids,
        "read": ids if read is None else [str(d.pk) for d in read],
        "typed_name": typed_name,
    }


def test_every_agreement_is_signed_at_once_by_a_plain_post(signed_in, client_user):
    intake = IntakeFactory(client=client_user, legal_name="Hope Rivera")
    documents = consent_documents_required(intake=intake)
    response = signed_in.post(reverse("intake:agreements_sign"), sign_post(documents, "hope rivera"))
    assert response.status_code == 302
    assert set(ConsentSignature.objects.filter(intake=intake).values_list("document", flat=True)) == {
        d.pk for d in documents
    }


def test_agreement_with_the_wrong_name_explains_and_signs_nothing(signed_in, client_user):
    intake = IntakeFactory(client=client_user, legal_name="Hope Rivera")
    documents = consent_documents_required(intake=intake)
    response = signed_in.post(reverse("intake:agreements_sign"), sign_post(documents, "Someone Else"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please type your full name as you gave it: Hope Rivera" in html
    assert 'value="Someone Else"' in html  # what she typed is kept
    assert html.count("checked") == len(documents)  # and what she ticked
    assert not ConsentSignature.objects.exists()


def test_an_agreement_left_unticked_is_opened_and_named_and_nothing_is_signed(signed_in, client_user):
    intake = IntakeFactory(client=client_user, legal_name="Hope Rivera")
    documents = consent_documents_required(intake=intake)
    response = signed_in.post(
        reverse("intake:agreements_sign"), sign_post(documents, "Hope Rivera", read=documents[1:])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="read-{documents[0].pk}_error"' in html
    first = documents[0].pk
    assert f'id="read-{first}" aria-invalid="true" aria-describedby="read-{first}_error" autofocus' in html
    assert 'value="Hope Rivera"' in html
    assert not ConsentSignature.objects.exists()


# --- review, submit, after submit


def _sign_everything(client, intake):
    client.post(
        reverse("intake:agreements_sign"),
        sign_post(consent_documents_required(intake=intake), intake.legal_name),
    )


def test_review_shows_answers_with_edit_links_and_what_is_missing(signed_in, client_user):
    IntakeFactory(client=client_user, hopes="Rest", state="")
    html = signed_in.get(reverse("intake:review")).content.decode()
    assert "Rest" in html
    assert f'href="{step_url(2)}"' in html
    assert str(submit_services.ERROR_SUBMIT_STATE) in html


def test_submit_with_something_missing_stays_on_review(signed_in, client_user):
    IntakeFactory(client=client_user)
    response = signed_in.post(reverse("intake:submit"))
    assert response.status_code == 200
    assert str(submit_services.ERROR_SUBMIT_CONSENTS) in response.content.decode()
    assert Intake.objects.get(client=client_user).status == Intake.Status.DRAFT


def test_submit_locks_the_intake_and_shows_it_read_only(signed_in, client_user):
    intake = IntakeFactory(client=client_user, hopes="Rest")
    _sign_everything(signed_in, intake)
    response = signed_in.post(reverse("intake:submit"))
    assert response["Location"] == reverse("intake:summary")
    intake.refresh_from_db()
    assert intake.status == Intake.Status.SUBMITTED
    html = signed_in.get(reverse("intake:summary")).content.decode()
    assert "Rest" in html
    assert f'href="{step_url(2)}"' not in html


def test_posting_to_a_step_after_submit_is_refused_without_error(signed_in, client_user):
    IntakeFactory(
        client=client_user, hopes="Rest", status=Intake.Status.SUBMITTED, submitted_at=timezone.now()
    )
    response = signed_in.post(step_url(2), {"hopes": "Changed", "action": "save"})
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:summary")
    assert Intake.objects.get(client=client_user).hopes == "Rest"


def test_every_write_url_after_submit_redirects_to_the_read_only_view(signed_in, client_user):
    intake = IntakeFactory(client=client_user, status=Intake.Status.SUBMITTED, submitted_at=timezone.now())
    entry = PregnancyEntryFactory(intake=intake)
    urls = [
        reverse("intake:pregnancy_add"),
        reverse("intake:pregnancy_edit", kwargs={"pk": entry.pk}),
        reverse("intake:pregnancy_remove", kwargs={"pk": entry.pk}),
        reverse("intake:agreements_sign"),
        reverse("intake:submit"),
        reverse("intake:review"),
    ]
    for url in urls:
        response = signed_in.post(url, {"outcome": "miscarriage"})
        assert response.status_code in (302, 405), url
    assert PregnancyEntry.objects.filter(intake=intake).count() == 1


# --- access


def test_another_client_gets_404_for_this_clients_pregnancy_entries(client, client_user, second_client_user):
    entry = PregnancyEntryFactory(intake=IntakeFactory(client=client_user))
    client.force_login(second_client_user)
    for name in ("intake:pregnancy_edit", "intake:pregnancy_remove"):
        url = reverse(name, kwargs={"pk": entry.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"outcome": "tfmr"}).status_code == 404
    entry.refresh_from_db()
    assert entry.outcome == "miscarriage"


def test_another_clients_pages_show_only_her_own_intake(client, client_user, second_client_user):
    IntakeFactory(client=client_user, hopes="Private words")
    client.force_login(second_client_user)
    assert "Private words" not in client.get(reverse("intake:summary")).content.decode()


@pytest.mark.parametrize("persona", ["front_desk", "therapist", "practice_admin"])
def test_staff_cannot_open_client_intake_pages(client, request, persona, client_user):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(step_url(1)).status_code == 403
    assert autosave(client, "hopes", "x").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(step_url(1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_malformed_pregnancy_id_is_404(signed_in):
    assert signed_in.get("/intake/pregnancies/99999999/edit/").status_code == 404


def test_read_only_view_query_count_does_not_grow_with_the_history(
    signed_in, client_user, django_assert_max_num_queries
):
    intake = IntakeFactory(client=client_user)
    PregnancyEntryFactory.create_batch(2, intake=intake)
    with django_assert_max_num_queries(40) as few:
        signed_in.get(reverse("intake:summary"))
    PregnancyEntryFactory.create_batch(6, intake=intake)
    with django_assert_max_num_queries(len(few.captured_queries)):
        signed_in.get(reverse("intake:summary"))


def test_a_version_replaced_since_the_page_opened_is_explained_and_nothing_signed(
    signed_in, client_user, practice_admin
):
    intake = IntakeFactory(client=client_user)
    shown = consent_documents_required(intake=intake)
    consent_services.consent_document_revise(
        kind=shown[0].kind, title=shown[0].title, body="New words.", actor=practice_admin
    )
    response = signed_in.post(reverse("intake:agreements_sign"), sign_post(shown, intake.legal_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This agreement has been updated since the page was opened" in html
    assert "New words." in html
    assert not ConsentSignature.objects.exists()


def test_questionnaire_step_has_a_content_note(signed_in):
    assert "Before you begin this part" in questionnaire_pages(signed_in)


# --- contact answers on step 1


NONSENSE = {
    "phone": ("call me maybe", ERROR_PHONE),
    "postal_code": ("ABCDE", ERROR_POSTAL_CODE),
    "emergency_contact_phone": ("12", ERROR_EMERGENCY_PHONE),
    "state": ("Colorado!!!", ERROR_STATE),
}


def test_step_1_refuses_nonsense_contact_answers_next_to_each_field(signed_in, client_user):
    before = IntakeFactory(client=client_user, postal_code="80218", emergency_contact_phone="")
    post = {name: typed for name, (typed, _message) in NONSENSE.items()}
    response = signed_in.post(
        step_url(1), {**post, "city": "Denver", "pronouns": "she/her", "action": "next"}
    )
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    for name, (typed, message) in NONSENSE.items():
        assert re.search(
            rf'id="id_{name}_error" data-field-error="{name}">{re.escape(str(message))}<', html
        ), name
        assert f'href="#id_{name}"' in html
        assert f'value="{typed}"' in html
    intake = Intake.objects.get(client=client_user)
    assert (intake.city, intake.pronouns) == ("Denver", "she/her")
    for name in NONSENSE:
        assert getattr(intake, name) == getattr(before, name), name


@pytest.mark.parametrize(("name", "typed_and_message"), NONSENSE.items())
def test_autosave_refuses_nonsense_contact_answers_with_the_fields_message(
    signed_in, client_user, name, typed_and_message
):
    typed, message = typed_and_message
    response = autosave(signed_in, name, typed)
    assert response.status_code == 400
    assert response.json() == {"saved": False, "error": str(message), "field": name}
    assert not Intake.objects.filter(client=client_user).exclude(**{name: ""}).exists()


def test_step_1_keeps_a_state_by_name_as_its_code_and_a_phone_in_one_format(signed_in, client_user):
    signed_in.post(
        step_url(1),
        {
            "state": "colorado",
            "postal_code": "80218-1234",
            "phone": "303.555.0142",
            "emergency_contact_phone": "+1 720 555 0199",
        },
    )
    intake = Intake.objects.get(client=client_user)
    assert (intake.state, intake.postal_code, intake.phone, intake.emergency_contact_phone) == (
        "CO",
        "80218-1234",
        "(303) 555-0142",
        "(720) 555-0199",
    )


def test_autosave_keeps_a_phone_in_one_format(signed_in, client_user):
    response = signed_in.post(
        reverse("intake:autosave"),
        data=json.dumps({"field": "phone", "value": "303 555 0142"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Intake.objects.get(client=client_user).phone == "(303) 555-0142"
    assert autosave(signed_in, "state", "wy").status_code == 200
    assert Intake.objects.get(client=client_user).state == "WY"


@pytest.mark.parametrize(
    "typed",
    [
        "\x00",
        "<script>alert(1)</script>",
        "x" * 5000,
        "☎️ 303 555 0142",
        "+" * 30,
        "((((((((((",
        "１２３４５６７８９０",
    ],
)
def test_hostile_step_1_answers_are_refused_gently_never_a_500(signed_in, client_user, typed):
    post = {name: typed for name in ("phone", "postal_code", "state", "emergency_contact_phone")}
    response = signed_in.post(step_url(1), {**post, "date_of_birth": typed, "action": "next"})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    for name in post:
        assert autosave(signed_in, name, typed).status_code == 400


# --- the review page: her questionnaire answers, and an open "right now" question


def test_the_review_page_shows_her_questionnaire_answers_as_given(signed_in):
    autosave(signed_in, "q-asq-4", "no")
    autosave(signed_in, "q-phq9-1", "2")

    html = signed_in.get(reverse("intake:review")).content.decode()

    assert "Have you ever tried to kill yourself?" in html
    assert "<dd>No</dd>" in html
    assert "More than half the days" in html
    assert "Not answered" in html


def test_the_review_page_offers_the_open_right_now_question_with_prefer_not_to_answer(signed_in):
    autosave(signed_in, "q-asq-1", "yes")

    html = signed_in.get(reverse("intake:review")).content.decode()

    assert "One question is still waiting for you" in html
    assert 'name="q-asq-5" id="open-q-asq-5-decline" value="decline"' in html
    assert "Are you having thoughts of killing yourself right now?" in html


def test_answering_the_open_question_from_the_review_page_returns_there(signed_in, client_user):
    autosave(signed_in, "q-asq-1", "yes")

    response = signed_in.post(step_url(5), {"q-asq-5": "no", "action": "review"})

    assert response["Location"] == reverse("intake:review")
    answers = QuestionnaireResponse.objects.get(intake__client=client_user, code="asq").answers
    assert answers == {"1": True, "5": False}
    assert (
        "One question is still waiting for you"
        not in signed_in.get(reverse("intake:review")).content.decode()
    )


def test_declining_the_open_question_from_the_review_page_shows_the_urgent_panel_there(
    signed_in, client_user
):
    autosave(signed_in, "q-asq-1", "yes")

    response = signed_in.post(step_url(5), {"q-asq-5": "decline", "action": "review"})

    assert response["Location"] == reverse("intake:review") + "#safety"
    assert Intake.objects.get(client=client_user).risk_level == "urgent"


def test_no_open_question_is_offered_without_a_positive_screen(signed_in):
    autosave(signed_in, "q-asq-1", "no")

    assert (
        "One question is still waiting for you"
        not in signed_in.get(reverse("intake:review")).content.decode()
    )


def test_a_link_to_a_question_opens_the_screen_that_holds_it(signed_in):
    html = signed_in.get(step_url(5) + "?question=q-asq-1").content.decode()

    assert 'name="q-asq-1"' in html
    assert 'name="q-phq9-1"' not in html


def test_step_5_screens_keep_follow_ups_with_their_question_and_start_anew_at_a_new_part(signed_in):
    url = step_url(5)
    screens = []
    for part in range(1, 30):
        html = signed_in.get(f"{url}?part={part}").content.decode()
        if f'name="part" value="{part}"' not in html:
            break
        screens.append(html)
    holding = {
        name: [i for i, html in enumerate(screens) if f'name="{name}"' in html]
        for name in (
            "q-perinatal-thoughts",
            "q-perinatal-urge",
            "q-perinatal-perceptions",
            "q-asq-1",
            "q-asq-5",
        )
    }

    assert holding["q-perinatal-thoughts"] == holding["q-perinatal-urge"]  # a follow-up stays
    assert holding["q-perinatal-perceptions"] != holding["q-perinatal-thoughts"]  # a new part
    assert holding["q-asq-1"] == holding["q-asq-5"]
    # The first screen also carries the step's opening note, so it holds one question fewer.
    assert screens[0].count("data-question=") < screens[1].count("data-question=")


def _step_state(html: str, number: int) -> str:
    link = html.index(f'href="{step_url(number)}"><span class="intake-progress__mark"')
    start = html.rindex("data-step-state=", 0, link)
    return html[start:].split('"')[1]


def test_questionnaires_read_in_progress_until_every_question_shown_is_answered(signed_in):
    signed_in.post(step_url(5), {"q-phq9-1": "1", "action": "save"})

    assert _step_state(signed_in.get(step_url(1)).content.decode(), 5) == "in_progress"


def test_a_current_pregnancy_with_a_due_date_shows_how_far_along_not_blanks(signed_in, client_user):
    intake = IntakeFactory(client=client_user)
    due = timezone.localdate() + dt.timedelta(weeks=20)
    PregnancyEntryFactory(
        intake=intake, outcome=PregnancyEntry.Outcome.CURRENT, due_date=due, year=None, weeks=None
    )

    html = signed_in.get(step_url(3)).content.decode()
    card = html[html.index("I am pregnant now") :]

    assert "about 20 weeks pregnant" in card
    assert "Not answered" not in card[: card.index("Medical care")]


def test_the_step_list_reads_the_questionnaires_once(signed_in, client_user):
    autosave(signed_in, "q-phq9-1", "2")  # step 5 started: the list also asks what waits there
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get(step_url(1))
    assert response.status_code == 200
    assert sum("intake_questionnaireresponse" in q["sql"] for q in queries.captured_queries) == 1
