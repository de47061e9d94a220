"""Safety triage in the intake: crisis resources at once, flags that stay, on-call told once."""

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intake.alerts import RISK_ALERT
from intake.message_kinds import RESEND_AFTER
from intake.models import Intake, RiskFlag
from intake.questionnaire_services import questionnaire_answers_save
from intake.selectors import intake_priority_for_client
from intake.step_services import intake_save_step
from portal.message_ledger import message_deliver, messages_sweep
from portal.models import AuditEvent, Message
from tests.intake.pages import questionnaire_pages

pytestmark = pytest.mark.django_db

CLINICAL_WORDS = (
    "miscarriage",
    "loss",
    "pregnan",
    "postpartum",
    "baby",
    "depress",
    "grief",
    "suicid",
    "self-harm",
    "self harm",
    "harm",
    "risk",
    "crisis",
    "therapy",
    "anxiety",
    "phq",
    "asq",
    "epds",
    "score",
)


def step_url(number: int) -> str:
    return reverse("intake:step", kwargs={"number": number})


def autosave(client, field, value):
    return client.post(
        reverse("intake:autosave"),
        data=json.dumps({"field": field, "value": value}),
        content_type="application/json",
        HTTP_X_REQUESTED_WITH="fetch",
    )


def save_answers(intake, code, answers):
    return questionnaire_answers_save(intake=intake, code=code, answers=answers, actor=intake.client)


def visible_panel(html: str) -> str | None:
    """Which crisis panel a page shows without JavaScript ("urgent", "high" or None)."""
    for level in ("urgent", "high"):
        if re.search(rf'data-safety-panel="{level}"(?! hidden)[^>]*>', html) and not re.search(
            rf'data-safety-panel="{level}" hidden', html
        ):
            return level
    return None


@pytest.fixture
def signed_in(client, client_user, intake):
    client.force_login(client_user)
    return client


# --- with JavaScript: the autosave of the item


def test_autosave_of_phq9_item_9_above_zero_asks_the_page_for_crisis_resources(signed_in, intake):
    response = autosave(signed_in, "q-phq9-9", "1")

    assert response.status_code == 200
    assert response.json()["safety"] == "high"
    intake.refresh_from_db()
    assert intake.risk_level == "high"


def test_autosave_of_an_acute_asq_answers_urgent(signed_in):
    autosave(signed_in, "q-asq-1", "yes")

    response = autosave(signed_in, "q-asq-5", "yes")

    assert response.json()["safety"] == "urgent"


def test_autosave_of_a_harmless_answer_asks_for_nothing(signed_in):
    response = autosave(signed_in, "q-phq9-1", "3")

    assert response.json()["safety"] == ""


def test_autosave_of_the_self_harm_checkbox_asks_for_crisis_resources(signed_in, intake):
    response = autosave(signed_in, "symptoms", ["sadness", "self_harm"])

    assert response.json()["safety"] == "high"
    assert RiskFlag.objects.get(intake=intake).level == "high"


# --- without JavaScript: the step's save


def test_saving_the_step_with_item_9_stays_on_the_step_and_shows_crisis_resources(signed_in, intake):
    response = signed_in.post(step_url(5), {"q-phq9-9": "2", "action": "next"})

    assert response.status_code == 302
    assert response["Location"] == step_url(5) + "?after=next&part=1#safety"
    html = signed_in.get(response["Location"]).content.decode()
    assert visible_panel(html) == "high"
    assert "tel:988" in html
    # "Keep going" leads on to the next questionnaire screen, where she was going.
    assert f'href="{step_url(5)}?part=2" data-safety-continue' in html


def test_an_urgent_answer_asks_whether_the_client_is_safe_and_puts_988_and_911_first(signed_in):
    signed_in.post(step_url(5), {"q-asq-1": "yes", "q-asq-5": "yes", "action": "next"})

    html = signed_in.get(step_url(5)).content.decode()

    assert visible_panel(html) == "urgent"
    urgent = html[html.index('data-safety-panel="urgent"') :]
    assert "Are you safe right now?" in urgent
    assert urgent.index("tel:988") < urgent.index("tel:18444938255")
    assert urgent.index("tel:911") < urgent.index("tel:18444938255")


def test_the_crisis_panels_promise_nothing_the_practice_cannot_keep(signed_in):
    # The portal is not watched around the clock: no panel may promise a reply "today" (a
    # Saturday night answer is read on the next working day); each points to lines that are.
    signed_in.post(step_url(4), {"symptoms": ["self_harm"], "action": "next"})
    html = signed_in.get(step_url(4)).content.decode()
    panels = html[html.index('id="safety"') : html.index("</div>", html.index('id="safety"'))]
    assert "today." not in panels
    assert "will look at your answers today" not in panels
    assert panels.count("next working day") == 2
    assert "tel:988" in panels


def test_saving_the_feelings_step_with_self_harm_ticked_shows_crisis_resources(signed_in):
    response = signed_in.post(step_url(4), {"symptoms": ["self_harm"], "action": "next"})

    assert response["Location"] == step_url(4) + "?after=next#safety"
    assert visible_panel(signed_in.get(step_url(4)).content.decode()) == "high"


def test_no_crisis_panel_is_shown_before_any_safety_answer(signed_in):
    assert visible_panel(questionnaire_pages(signed_in)) is None


def test_the_crisis_panel_is_shown_in_full_once_then_a_strip_stays_on_every_page(signed_in, intake):
    save_answers(intake, "phq9", {"9": 1})

    first = signed_in.get(step_url(1)).content.decode()
    assert visible_panel(first) == "high"
    assert "data-safety-compact" not in first
    for url in (step_url(6), reverse("intake:review"), reverse("intake:summary")):
        page = signed_in.get(url).content.decode()
        assert visible_panel(page) is None, url
        assert "data-safety-compact" in page, url
        assert 'href="tel:988"' in page
        assert 'href="sms:988"' in page


def test_a_higher_level_shows_its_full_panel_again(signed_in, intake):
    save_answers(intake, "phq9", {"9": 1})
    signed_in.get(step_url(1))

    save_answers(intake, "asq", {"1": True, "5": True})

    assert visible_panel(signed_in.get(step_url(6)).content.decode()) == "urgent"
    assert visible_panel(signed_in.get(step_url(7)).content.decode()) is None


def test_a_panel_shown_by_the_script_is_not_shown_in_full_again(signed_in, intake):
    autosave(signed_in, "q-phq9-9", "1")  # the page's script shows the panel

    page = signed_in.get(step_url(6)).content.decode()

    assert visible_panel(page) is None
    assert "data-safety-compact" in page


def test_the_submitted_page_repeats_the_crisis_resources(signed_in, intake, rf_request):
    from tests.intake.conftest import sign_all

    intake_save_step(
        intake=intake,
        step=1,
        data={
            "date_of_birth": dt.date(1990, 1, 1),
            "phone": "303-555-0100",
            "state": "CO",
        },
        actor=intake.client,
    )
    sign_all(intake, rf_request)
    save_answers(intake, "asq", {"1": True, "5": False})

    response = signed_in.post(reverse("intake:submit"), follow=True)

    assert Intake.objects.get(pk=intake.pk).status == Intake.Status.SUBMITTED
    assert visible_panel(response.content.decode()) == "high"


# --- flags


def test_a_flag_records_the_items_and_answers_that_raised_it(intake):
    save_answers(intake, "phq9", {"9": 2})

    flag = RiskFlag.objects.get(intake=intake)
    assert flag.level == "high"
    assert flag.reasons[0]["source"] == "phq9"
    assert flag.reasons[0]["item_key"] == "9"
    assert flag.reasons[0]["answer"] == "More than half the days"
    assert flag.reasons[0]["item_text"].startswith("Thoughts that you would be better off dead")
    assert AuditEvent.objects.filter(
        object_type="risk_flag", object_id=str(flag.pk), action="create"
    ).exists()


def test_flags_survive_an_edit_back_to_no(intake):
    save_answers(intake, "phq9", {"9": 1})

    save_answers(intake, "phq9", {"9": 0})

    intake.refresh_from_db()
    assert intake.risk_level == "high"
    assert list(RiskFlag.objects.filter(intake=intake).values_list("level", flat=True)) == ["high"]


def test_unticking_self_harm_keeps_the_flag(intake):
    intake_save_step(intake=intake, step=4, data={"symptoms": ["self_harm"]}, actor=intake.client)

    intake_save_step(intake=intake, step=4, data={"symptoms": []}, actor=intake.client)

    assert RiskFlag.objects.filter(intake=intake, level="high").exists()
    assert Intake.objects.get(pk=intake.pk).risk_level == "high"


def test_a_level_is_flagged_once_however_often_it_is_reached(intake):
    save_answers(intake, "phq9", {"9": 1})
    save_answers(intake, "phq9", {"9": 3})
    save_answers(intake, "asq", {"2": True, "5": False})

    assert RiskFlag.objects.filter(intake=intake, level="high").count() == 1


def test_a_later_answer_at_the_same_level_is_added_to_the_flag_without_a_second_alert(
    intake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake_save_step(intake=intake, step=4, data={"symptoms": ["self_harm"]}, actor=intake.client)
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 3})
        save_answers(intake, "phq9", {"9": 3})  # the same answer again adds nothing

    flag = RiskFlag.objects.get(intake=intake, level="high")
    assert [r["source"] for r in flag.reasons] == ["checklist", "phq9"]
    assert flag.reasons[1]["answer"] == "Nearly every day"
    assert "at" in flag.reasons[1]
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(
        object_type="risk_flag", object_id=str(flag.pk), action="update"
    ).exists()


def test_a_new_answer_after_acknowledgement_opens_the_flag_again_and_keeps_the_old_note(
    intake, therapist, django_capture_on_commit_callbacks
):
    from intake.review_services import risk_flag_acknowledge

    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    flag = RiskFlag.objects.get(intake=intake, level="high")
    risk_flag_acknowledge(flag=flag, actor=therapist, follow_up="called_client", note="Spoke at 2pm; safe.")

    with django_capture_on_commit_callbacks(execute=True):
        intake_save_step(intake=intake, step=4, data={"symptoms": ["self_harm"]}, actor=intake.client)

    flag.refresh_from_db()
    assert (flag.acknowledged_at, flag.acknowledged_by, flag.acknowledgement_note) == (None, None, "")
    assert flag.notified_at is not None  # told again
    assert len(mail.outbox) == 2
    (kept,) = intake.notes.all()
    assert kept.author == therapist
    assert "Called the client" in kept.body
    assert "Spoke at 2pm; safe." in kept.body


def test_urgent_after_high_adds_an_urgent_flag_and_raises_the_level(intake):
    save_answers(intake, "phq9", {"9": 1})

    save_answers(intake, "asq", {"1": True, "5": True})

    assert set(RiskFlag.objects.filter(intake=intake).values_list("level", flat=True)) == {"high", "urgent"}
    assert Intake.objects.get(pk=intake.pk).risk_level == "urgent"


def test_a_severe_total_raises_elevated_without_telling_the_on_call(intake):
    save_answers(intake, "phq9", {str(i): 2 for i in range(1, 9)} | {"9": 0})

    flag = RiskFlag.objects.get(intake=intake)
    assert flag.level == "elevated"
    assert mail.outbox == []


def test_a_total_one_below_the_threshold_stays_routine(intake):
    save_answers(intake, "phq9", {"1": 3, "2": 3, "3": 3, "4": 3, "5": 2, "6": 0, "7": 0, "8": 0, "9": 0})

    assert not RiskFlag.objects.filter(intake=intake).exists()
    assert Intake.objects.get(pk=intake.pk).risk_level == "routine"


# --- the on-call notification


def test_a_high_flag_emails_the_on_call_addresses_once(intake, practice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})

    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted(practice.on_call_list)
    flag = RiskFlag.objects.get(intake=intake)
    assert flag.notified_at is not None
    assert AuditEvent.objects.filter(object_type="notification", action="notify").count() == 1


def test_the_notification_names_no_client_and_no_clinical_words(intake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "asq", {"1": True, "5": True})

    message = mail.outbox[0]
    text = (message.subject + message.body + message.alternatives[0][0]).lower()
    assert intake.legal_name.lower() not in text
    assert intake.client.email not in text
    assert [word for word in CLINICAL_WORDS if word in text] == []
    assert "/staff/" in message.body


def test_running_the_notification_twice_sends_once(intake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    (row,) = Message.objects.filter(kind=RISK_ALERT)

    assert message_deliver(message_id=row.pk).sent_at == row.sent_at
    assert message_deliver(message_id=row.pk).sent_at == row.sent_at
    assert len(mail.outbox) == 1


def test_one_notification_per_flag_when_high_then_urgent(intake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "asq", {"1": True, "5": True})
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 3})

    assert len(mail.outbox) == 2


def test_the_notification_goes_out_before_the_intake_is_submitted(intake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "phq9", {"9": 1})

    assert Intake.objects.get(pk=intake.pk).status == Intake.Status.DRAFT
    assert len(mail.outbox) == 1


def test_the_sweeper_sends_a_notification_that_was_never_queued(intake):
    # Without running on-commit callbacks, as when the broker was down at save time.
    save_answers(intake, "phq9", {"9": 1})
    assert mail.outbox == []
    later = timezone.now() + RESEND_AFTER + dt.timedelta(seconds=1)

    assert messages_sweep(now=later) == 1

    assert len(mail.outbox) == 1
    assert messages_sweep(now=later) == 0


# --- what the front desk may know


@pytest.mark.parametrize(
    ("answers", "priority"),
    [
        ({"phq9": {"9": 0}}, "routine"),
        ({"phq9": {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3, "9": 0}}, "high"),
        ({"phq9": {"9": 1}}, "high"),
        ({"asq": {"1": True, "5": True}}, "urgent"),
    ],
)
def test_priority_for_the_front_desk_follows_the_safety_level(intake, answers, priority):
    for code, values in answers.items():
        save_answers(intake, code, values)

    assert intake_priority_for_client(client=intake.client) == priority


def test_priority_of_a_client_without_an_intake_is_routine(second_client_user):
    assert intake_priority_for_client(client=second_client_user) == "routine"


# --- EPDS only with the publisher's permission


def test_epds_is_not_offered_unless_the_practice_enabled_it(signed_in, practice):
    html = questionnaire_pages(signed_in)

    assert "q-epds-1" not in html
    assert "q-phq9-1" in html


def test_epds_comes_first_once_enabled(signed_in, practice):
    practice.epds_enabled = True
    practice.save(update_fields=["epds_enabled"])

    html = questionnaire_pages(signed_in)

    assert "q-epds-1" in html
    assert html.index("q-epds-1") < html.index("q-phq9-1")


def test_epds_item_10_raises_high_when_enabled(intake, practice):
    practice.epds_enabled = True
    practice.save(update_fields=["epds_enabled"])

    save_answers(intake, "epds", {"10": 2})

    assert RiskFlag.objects.get(intake=intake).level == "high"


# --- ASQ "right now" question left open; declined suicide-risk items; evidence once per item


ASQ_NO = {"1": False, "2": False, "3": False, "4": False}


def test_asq_right_now_unanswered_is_high_in_a_draft(intake):
    save_answers(intake, "asq", {**ASQ_NO, "1": True})

    intake.refresh_from_db()
    assert intake.risk_level == "high"
    flag = RiskFlag.objects.get(intake=intake, level="high")
    evidence = [(r["source"], r["item_key"], r["rule"]) for r in flag.reasons]
    assert ("asq", "5", "acuity_unanswered") in evidence


def test_asq_right_now_unanswered_becomes_urgent_when_the_intake_is_sent(
    signed_intake, practice, django_capture_on_commit_callbacks
):
    from intake.submit_services import intake_submit

    with django_capture_on_commit_callbacks(execute=True):
        save_answers(signed_intake, "asq", {**ASQ_NO, "1": True})
    with django_capture_on_commit_callbacks(execute=True):
        intake_submit(intake=signed_intake, actor=signed_intake.client)

    signed_intake.refresh_from_db()
    assert signed_intake.risk_level == "urgent"
    urgent = RiskFlag.objects.get(intake=signed_intake, level="urgent")
    assert [r["rule"] for r in urgent.reasons] == ["acuity_unanswered"]
    assert "not answered before the intake was sent" in urgent.reasons[0]["why"]
    assert urgent.notified_at is not None  # the on-call hears of it the moment it is sent


def test_asq_right_now_answered_no_stays_high_when_sent(signed_intake):
    from intake.submit_services import intake_submit

    save_answers(signed_intake, "asq", {**ASQ_NO, "1": True, "5": False})
    intake_submit(intake=signed_intake, actor=signed_intake.client)

    signed_intake.refresh_from_db()
    assert signed_intake.risk_level == "high"
    assert not RiskFlag.objects.filter(intake=signed_intake, level="urgent").exists()


@pytest.mark.parametrize(("code", "key"), [("phq9", "9"), ("epds", "10")])
def test_a_declined_self_harm_item_raises_elevated_with_a_declined_reason(intake, code, key):
    save_answers(intake, code, {key: None})

    intake.refresh_from_db()
    assert intake.risk_level == "elevated"
    flag = RiskFlag.objects.get(intake=intake, level="elevated")
    (reason,) = flag.reasons
    assert (reason["source"], reason["item_key"], reason["rule"]) == (code, key, "item_declined")
    assert "declined" in reason["why"]


def test_a_total_climbing_answer_by_answer_is_one_line_of_evidence(intake):
    for key, value in [("1", 3), ("2", 3), ("3", 3), ("4", 3), ("5", 3), ("6", 2), ("7", 1), ("8", 1)]:
        save_answers(intake, "phq9", {key: value})

    flag = RiskFlag.objects.get(intake=intake, level="elevated")
    assert len(flag.reasons) == 1
    assert "at least 19" in flag.reasons[0]["why"]


def test_a_changed_answer_at_the_same_level_replaces_its_evidence_and_when(intake):
    save_answers(intake, "phq9", {"9": 1})
    first = RiskFlag.objects.get(intake=intake, level="high").reasons[0]

    save_answers(intake, "phq9", {"9": 3})

    (reason,) = RiskFlag.objects.get(intake=intake, level="high").reasons
    assert reason["answer"] == "Nearly every day"
    assert reason["at"] >= first["at"]


def test_an_answer_changed_below_the_level_keeps_the_evidence_that_raised_the_flag(intake):
    save_answers(intake, "phq9", {"9": 2})

    save_answers(intake, "phq9", {"9": 0})

    (reason,) = RiskFlag.objects.get(intake=intake, level="high").reasons
    assert reason["answer"] == "More than half the days"
