"""The crisis and support lines: exact numbers, a text link wherever a line takes texts, one
list behind every page that shows them."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from intake.questionnaire_services import questionnaire_answers_save
from portal.crisis import CRISIS_LINES, HIGH_LINES, MATERNAL_MENTAL_HEALTH_HOTLINE, URGENT_MORE
from tests.intake.factories import IntakeFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Any of the published numbers, written out: only portal/crisis.py may hold them.
NUMBER = re.compile(r"\b(988|911)\b|844-?493|833-?852|944-?4773|38255|971-?203|tel:1?8|sms:")


def step_page(client, user, answers: dict) -> str:
    intake = IntakeFactory(client=user)
    for code, values in answers.items():
        questionnaire_answers_save(intake=intake, code=code, answers=values, actor=user)
    client.force_login(user)
    return client.get(reverse("intake:step", kwargs={"number": 5})).content.decode()


def panel(html: str, level: str) -> str:
    start = html.index(f'data-safety-panel="{level}"')
    return html[start : html.index("</section>", start)]


def test_the_lines_that_take_texts_offer_a_text_link():
    assert [line.text_href for line in CRISIS_LINES] == [
        "",
        "sms:988",
        "sms:38255?&body=TALK",
        "sms:18338526262",
        "sms:18009444773",
    ]


def test_every_text_link_says_what_to_text_where():
    assert [str(line.text_label) for line in CRISIS_LINES if line.text_href] == [
        "Text 988",
        "Text TALK to 38255",
        "Text 1-833-852-6262",
        "Text 1-800-944-4773",
    ]


def test_988_and_the_helpline_offer_a_spanish_text_link():
    more = {str(line.name): [link.href for link in line.more] for line in CRISIS_LINES if line.more}

    assert more == {
        "988 Suicide & Crisis Lifeline": ["sms:988?&body=AYUDA"],
        "Postpartum Support International HelpLine": ["sms:19712037773"],
    }


def test_the_footer_offers_to_call_or_text_988(client, practice):
    html = client.get(reverse("portal:landing")).content.decode()
    footer = html[html.index('id="crisis-resources"') :]

    assert 'href="tel:988"' in footer
    assert 'href="sms:988"' in footer
    assert 'href="sms:38255?&amp;body=TALK"' in footer


def test_the_error_page_offers_to_text_988_too():
    html = render_to_string("500.html", {"crisis_lines": CRISIS_LINES})

    assert 'href="sms:988"' in html


def test_the_urgent_panel_has_big_buttons_to_call_and_to_text_988(client, client_user):
    urgent = panel(step_page(client, client_user, {"asq": {"1": True, "5": True}}), "urgent")

    assert re.search(r'class="button button--danger" href="tel:988">Call 988<', urgent)
    assert re.search(r'class="button button--danger" href="sms:988">Text 988<', urgent)
    assert re.search(r'class="button button--danger" href="tel:911">Call 911<', urgent)


def test_the_high_panel_offers_to_text_988(client, client_user):
    high = panel(step_page(client, client_user, {"phq9": {"9": 1}}), "high")

    assert 'href="sms:988"' in high


def test_the_high_panel_lists_the_maternal_mental_health_hotline(client, client_user):
    high = panel(step_page(client, client_user, {"phq9": {"9": 1}}), "high")

    assert "National Maternal Mental Health Hotline" in high
    assert 'href="tel:18338526262"' in high
    assert 'href="sms:18338526262"' in high
    assert "not a crisis line" in high


def test_the_urgent_panel_lists_the_maternal_mental_health_hotline_too(client, client_user):
    urgent = panel(step_page(client, client_user, {"asq": {"1": True, "5": True}}), "urgent")

    assert "National Maternal Mental Health Hotline" in urgent
    assert 'href="tel:18338526262"' in urgent


def test_the_panels_list_only_lines_that_answer_at_any_hour():
    assert all(line.always_open for line in (*HIGH_LINES, *URGENT_MORE))
    assert MATERNAL_MENTAL_HEALTH_HOTLINE in HIGH_LINES


def test_no_page_says_988_routes_by_area_code(client, client_user):
    pages = [
        client.get(reverse("portal:landing")).content.decode(),
        step_page(client, client_user, {"asq": {"1": True, "5": True}}),
        render_to_string("500.html", {"crisis_lines": CRISIS_LINES}),
    ]

    for html in pages:
        assert "routes by area code" not in html
        assert "may be the surer way" in html


def test_no_template_writes_a_crisis_number_of_its_own():
    written = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in NUMBER.finditer(path.read_text())
    ]

    assert written == []
