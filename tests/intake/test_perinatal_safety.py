"""The perinatal safety questions in the intake: an URGENT answer raises its flag, climbs the
same-day alert ladder like the ASQ, and shows the crisis panel that says this can be a
medical emergency (911 and 988 first); thoughts alone raise nothing."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intake.alerts import RISK_ALERT
from intake.models import PregnancyEntry, RiskFlag
from portal.models import Message
from tests.intake.factories import PregnancyEntryFactory
from tests.intake.factories_review import intake_with_answers
from tests.intake.test_safety import CLINICAL_WORDS, autosave, save_answers, step_url, visible_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, client_user, intake):
    client.force_login(client_user)
    return client


def test_an_urge_to_act_raises_an_urgent_flag(intake):
    save_answers(intake, "perinatal", {"thoughts": True, "urge": True})

    intake.refresh_from_db()
    assert intake.risk_level == "urgent"
    assert RiskFlag.objects.get(intake=intake, level="urgent").reasons[0]["rule"] == "harm_urge"


def test_thoughts_alone_raise_no_flag(intake):
    save_answers(intake, "perinatal", {"thoughts": True, "urge": False})

    intake.refresh_from_db()
    assert intake.risk_level == "routine"
    assert not RiskFlag.objects.filter(intake=intake).exists()


def test_an_urgent_perinatal_answer_alerts_the_on_call_without_clinical_words(
    intake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_answers(intake, "perinatal", {"confusion": True})

    (row,) = Message.objects.filter(kind=RISK_ALERT)
    assert row.sent_at is not None
    message = mail.outbox[0]
    text = (message.subject + message.body + message.alternatives[0][0]).lower()
    assert "urgent" in message.subject.lower()
    assert [word for word in CLINICAL_WORDS if word in text] == []


def test_a_warning_sign_with_a_recent_birth_is_urgent(intake):
    today = timezone.localdate()
    PregnancyEntryFactory(
        intake=intake, outcome=PregnancyEntry.Outcome.LIVE_BIRTH, year=today.year, month=today.month
    )

    save_answers(intake, "perinatal", {"sleepless": True})

    intake.refresh_from_db()
    assert intake.risk_level == "urgent"


def test_a_warning_sign_while_pregnant_is_urgent(intake):
    due = timezone.localdate() + dt.timedelta(days=90)
    PregnancyEntryFactory(
        intake=intake, outcome=PregnancyEntry.Outcome.CURRENT, year=None, month=None, due_date=due
    )

    save_answers(intake, "perinatal", {"perceptions": True})

    intake.refresh_from_db()
    assert intake.risk_level == "urgent"


def test_a_warning_sign_years_after_the_last_pregnancy_is_high(intake):
    PregnancyEntryFactory(intake=intake, outcome=PregnancyEntry.Outcome.LIVE_BIRTH, year=2015, month=5)

    save_answers(intake, "perinatal", {"beliefs": True})

    intake.refresh_from_db()
    assert intake.risk_level == "high"


def test_a_warning_sign_with_no_history_given_is_read_as_urgent(intake):
    save_answers(intake, "perinatal", {"beliefs": True})

    intake.refresh_from_db()
    assert intake.risk_level == "urgent"


def test_autosave_of_an_urge_to_act_asks_for_the_emergency_panel(signed_in):
    autosave(signed_in, "q-perinatal-thoughts", "yes")

    response = autosave(signed_in, "q-perinatal-urge", "yes")

    assert response.status_code == 200
    assert response.json()["safety"] == "emergency"


def test_autosave_of_thoughts_alone_asks_for_no_panel(signed_in):
    response = autosave(signed_in, "q-perinatal-thoughts", "yes")

    assert response.json()["safety"] == ""


def test_an_acute_asq_answer_keeps_its_own_panel(signed_in):
    autosave(signed_in, "q-asq-1", "yes")

    assert autosave(signed_in, "q-asq-5", "yes").json()["safety"] == "urgent"


def test_without_javascript_the_emergency_panel_puts_911_then_988_first(signed_in):
    signed_in.post(step_url(5), {"q-perinatal-confusion": "yes", "action": "next"})

    html = signed_in.get(step_url(5)).content.decode()

    assert 'data-safety-panel="emergency" hidden' not in html
    panel = html[html.index('data-safety-panel="emergency"') : html.index('data-safety-panel="urgent"')]
    assert "This can be a medical emergency" in panel
    assert panel.index("tel:911") < panel.index("tel:988") < panel.index("tel:18444938255")
    assert visible_panel(html) is None  # neither of the other two panels shows beside it


def test_the_therapist_reads_the_urge_and_the_thoughts_behind_it(client, therapist, client_user):
    intake = intake_with_answers(client=client_user, answers={"perinatal": {"thoughts": True, "urge": True}})
    client.force_login(therapist)

    html = client.get(reverse("intake:staff_detail", kwargs={"pk": intake.pk})).content.decode()

    assert "Urge or plan to act on thoughts of harm to the baby (Yes)" in html
    assert "Have you felt any urge, or made any plan, to act on these thoughts?" in html
    assert "Item urge" not in html


def test_the_therapist_sees_thoughts_alone_without_a_flag(client, therapist, client_user):
    answers = {
        "thoughts": True,
        "urge": False,
        **dict.fromkeys(("perceptions", "beliefs", "confusion", "sleepless"), False),
    }
    intake = intake_with_answers(client=client_user, answers={"perinatal": answers})
    client.force_login(therapist)

    html = client.get(reverse("intake:staff_detail", kwargs={"pk": intake.pk})).content.decode()

    assert "Unwanted thoughts of harm to the baby, no urge to act" in html
    assert not RiskFlag.objects.filter(intake=intake).exists()


def test_without_javascript_a_sign_after_an_acute_answer_brings_the_emergency_panel(signed_in):
    signed_in.post(step_url(5), {"q-asq-1": "yes", "q-asq-5": "yes", "action": "save"})

    response = signed_in.post(step_url(5), {"q-perinatal-beliefs": "yes", "action": "next"})

    assert response["Location"] == step_url(5) + "?after=next&part=1#safety"
    html = signed_in.get(response["Location"]).content.decode()
    assert 'data-safety-panel="emergency" hidden' not in html


def test_a_warning_sign_after_an_urge_taken_back_shows_the_emergency_panel_again(signed_in):
    autosave(signed_in, "q-perinatal-thoughts", "yes")
    assert autosave(signed_in, "q-perinatal-urge", "yes").json()["safety_again"] is False
    autosave(signed_in, "q-perinatal-urge", "no")  # the flag stays; the panel was seen

    response = autosave(signed_in, "q-perinatal-perceptions", "yes").json()

    assert (response["safety"], response["safety_again"]) == ("emergency", True)


def test_the_same_answer_saved_twice_does_not_show_the_panel_again(signed_in):
    autosave(signed_in, "q-perinatal-thoughts", "yes")
    autosave(signed_in, "q-perinatal-urge", "yes")

    assert autosave(signed_in, "q-perinatal-urge", "yes").json()["safety_again"] is False


def test_without_javascript_a_new_warning_sign_brings_the_full_panel_again(signed_in):
    signed_in.post(step_url(5), {"q-perinatal-thoughts": "yes", "q-perinatal-urge": "yes", "action": "save"})
    signed_in.get(step_url(5))  # the full panel seen once: later pages show the strip
    signed_in.post(step_url(5), {"q-perinatal-urge": "no", "action": "save"})

    response = signed_in.post(step_url(5), {"q-perinatal-perceptions": "yes", "action": "save"})
    html = signed_in.get(response["Location"]).content.decode()

    assert response["Location"].endswith("#safety")
    assert 'data-safety-panel="emergency" hidden' not in html
