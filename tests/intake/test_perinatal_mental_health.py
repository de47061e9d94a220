"""Her perinatal mental-health history on the Health step: every part may be left out or
answered "I'd rather not say", a wrong number is refused beside its field with the rest kept,
and the therapist reads it all on the detail page and in the practice PDF (intake.facts)."""

import shutil

import pytest
from django.urls import reverse

from intake.facts import PERINATAL_HISTORY_FIELDS
from intake.forms_rules import ERROR_SLEEP_HOURS
from intake.models import SummaryDocument
from intake.steps import HEALTH, STEP_BY_NUMBER
from intake.summary_services import summary_render
from tests.intake.factories_review import sent_intake
from tests.intake.test_summary_pdf import flat, pdftotext

pytestmark = pytest.mark.django_db

ANSWERS = {
    "perinatal_episodes": "yes",
    "perinatal_episodes_detail": "After my first birth; sertraline helped.",
    "hospital_stay": "prefer_not",
    "mania_history": "no",
    "bipolar_diagnosis": "unsure",
    "family_bipolar_psychosis": "yes",
    "medications": "Sertraline 50 mg",
    "medications_pregnancy": "Sertraline while breastfeeding",
    "infant_feeding": "combined",
    "sleep_hours": "4",
    "sleep_when_baby_sleeps": "no",
}


def step_url() -> str:
    return reverse("intake:step", kwargs={"number": HEALTH})


@pytest.fixture
def signed_in(client, client_user, intake):
    client.force_login(client_user)
    return client


def test_every_part_is_asked_on_the_health_step() -> None:
    assert set(PERINATAL_HISTORY_FIELDS) <= set(STEP_BY_NUMBER[HEALTH].fields)


def test_the_health_step_saves_the_perinatal_history(signed_in, intake):
    response = signed_in.post(step_url(), {**ANSWERS, "action": "save"})

    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.family_bipolar_psychosis == "yes"
    assert intake.hospital_stay == "prefer_not"
    assert intake.sleep_hours == 4
    assert intake.infant_feeding == "combined"


@pytest.mark.parametrize(
    "name", ["perinatal_episodes", "hospital_stay", "mania_history", "bipolar_diagnosis"]
)
def test_id_rather_not_say_is_offered_for_each_history_question(signed_in, name):
    html = signed_in.get(step_url()).content.decode()

    assert f'name="{name}" value="prefer_not"' in html


def test_a_sleep_number_out_of_range_is_refused_beside_it_and_the_rest_is_kept(signed_in, intake):
    response = signed_in.post(step_url(), {**ANSWERS, "sleep_hours": "30", "action": "next"})

    assert response.status_code == 200
    assert str(ERROR_SLEEP_HOURS) in response.content.decode()
    intake.refresh_from_db()
    assert intake.sleep_hours is None
    assert intake.mania_history == "no"


def test_nothing_in_the_history_is_required(signed_in, intake):
    response = signed_in.post(step_url(), {"action": "next"})

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:step", kwargs={"number": HEALTH + 1})


def test_the_therapist_reads_the_history_on_the_detail_page(client, therapist, client_user):
    sent = sent_intake(
        client=client_user, family_bipolar_psychosis="yes", sleep_hours=3, hospital_stay="prefer_not"
    )
    client.force_login(therapist)

    html = client.get(reverse("intake:staff_detail", kwargs={"pk": sent.pk})).content.decode()

    section = html[html.index('id="perinatal"') :]
    assert "Family history of bipolar disorder or postpartum psychosis" in section
    assert "About 3 hours" in section
    assert "rather not say" in section


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_the_history_is_in_the_practice_pdf(client_user):
    sent = sent_intake(
        client=client_user, bipolar_diagnosis="yes", medications_pregnancy="Lamotrigine in pregnancy"
    )

    text = flat(pdftotext(summary_render(intake_id=sent.pk, audience=SummaryDocument.Audience.STAFF)))

    assert "Mental health around pregnancy and birth" in text
    assert "Lamotrigine in pregnancy" in text
    assert "Told she has bipolar disorder Yes" in text
