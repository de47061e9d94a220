"""What clients and staff read: plain questionnaire titles, no clinical abbreviations for
clients, kind wording for unanswered details, the contact channels' three states, and the
small things every page needs (a favicon, a way back only where there is somewhere to go)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from intake.display import NOT_ANSWERED, pregnancy_rows
from intake.instruments import INSTRUMENT_ORDER
from intake.instruments.epds import EPDS
from intake.models import Intake
from tests.intake.factories import PregnancyEntryFactory
from tests.intake.factories_review import answer, raise_flag, sent_intake
from tests.intake.pages import questionnaire_pages

pytestmark = pytest.mark.django_db

# Every way an instrument is named to staff: its abbreviation and its full name.
OFFICIAL_NAMES = [name for i in INSTRUMENT_ORDER for name in (i.short_name, i.name)]
KEEP_GOING = ("Keep going with my answers", "Let me keep going with my answers")


def _visible_text(html: str) -> str:
    """The page without tags, attributes or scripts: what a person can read."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


@pytest.fixture
def epds_on(practice):
    practice.epds_enabled = True
    practice.save(update_fields=["epds_enabled"])
    return practice


@pytest.fixture
def as_therapist(client, therapist):
    client.force_login(therapist)
    return client


def test_every_instrument_has_a_plain_client_title_of_its_own():
    titles = [instrument.client_title for instrument in INSTRUMENT_ORDER]
    assert all(titles)
    assert len(set(titles)) == len(titles)
    for title in titles:
        assert not any(name.lower() in title.lower() for name in OFFICIAL_NAMES), title


def test_questionnaire_step_heads_each_questionnaire_with_its_client_title(signed_in, intake, epds_on):
    page = questionnaire_pages(signed_in)
    headings = re.findall(r"<h2 id=\"q-[a-z0-9]+\">([^<]+)</h2>", page)
    assert list(dict.fromkeys(headings)) == [i.client_title for i in INSTRUMENT_ORDER]


def test_questionnaire_step_shows_the_client_no_instrument_name(signed_in, intake, epds_on):
    text = _visible_text(questionnaire_pages(signed_in))
    shown = [name for name in OFFICIAL_NAMES if name in text]
    assert shown == []


def test_questionnaire_step_keeps_the_publishers_instructions_and_wording(signed_in, intake, epds_on):
    page = questionnaire_pages(signed_in)
    text = " ".join(_visible_text(page).split())
    for instrument in INSTRUMENT_ORDER:
        first = instrument.items[0]
        for words in (instrument.instructions, first.preamble, first.text):
            assert " ".join(words.split()) in text.replace("&quot;", '"').replace("&#x27;", "'")


def test_the_postnatal_questions_are_introduced_in_words_that_fit_anyone(signed_in, intake, epds_on):
    text = " ".join(_visible_text(questionnaire_pages(signed_in)).split())

    assert EPDS.instructions in text
    assert "choose the answer" in EPDS.instructions
    for words in ("UNDERLINE", "underline", "recently had a baby"):
        assert words not in text
    for reader in ("pregnant", "had a baby", "a loss", "a partner"):
        assert reader in EPDS.instructions


def test_the_postnatal_items_keep_the_publishers_wording():
    assert EPDS.stem == "In the past 7 days:"
    assert EPDS.items[0].text == "I have been able to laugh and see the funny side of things"
    assert EPDS.items[9].text == "The thought of harming myself has occurred to me"


@pytest.mark.parametrize("url_name", ["intake:review", "intake:summary"])
def test_the_clients_answers_name_no_instrument(signed_in, intake, epds_on, url_name):
    answer(intake, "phq9", {"1": 1, "9": 0})
    answer(intake, "asq", {"1": False})
    text = _visible_text(signed_in.get(reverse(url_name)).content.decode())
    assert [name for name in OFFICIAL_NAMES if name in text] == []


def test_sent_answers_show_no_instrument_name_either(signed_in, client_user):
    intake = sent_intake(client=client_user)
    answer(intake, "gad7", {"1": 2})
    text = _visible_text(signed_in.get(reverse("intake:summary")).content.decode())
    assert [name for name in OFFICIAL_NAMES if name in text] == []


def test_staff_still_see_the_official_names(as_therapist, client_user):
    intake = sent_intake(client=client_user)
    answer(intake, "phq9", {"1": 1})
    page = as_therapist.get(reverse("intake:staff_detail", kwargs={"pk": intake.pk})).content.decode()
    assert "PHQ-9" in page


def test_after_sending_the_safety_panel_offers_no_way_back_to_the_answers(signed_in, client_user):
    intake = sent_intake(client=client_user, risk_level="high")
    raise_flag(intake, "high")
    page = signed_in.get(reverse("intake:summary")).content.decode()
    assert 'data-safety-panel="high"' in page
    assert "988" in page
    assert not any(words in page for words in KEEP_GOING)
    assert 'href="#intake-continue"' not in page


def test_after_sending_an_urgent_panel_offers_no_way_back_either(signed_in, client_user):
    sent_intake(client=client_user, risk_level="urgent")
    page = signed_in.get(reverse("intake:summary")).content.decode()
    assert "Are you safe right now?" in page
    assert 'href="#intake-continue"' not in page


def test_while_a_draft_the_safety_panel_still_leads_back_to_the_answers(signed_in, intake):
    Intake.objects.filter(pk=intake.pk).update(risk_level="high")
    page = questionnaire_pages(signed_in)
    assert "Keep going with my answers" in page


@pytest.mark.parametrize("hour", [11, 18])
def test_the_sent_time_is_not_followed_by_a_second_full_stop(signed_in, client_user, hour):
    when = timezone.localtime().replace(hour=hour, minute=40)
    sent_intake(client=client_user, submitted_at=when)
    text = _visible_text(signed_in.get(reverse("intake:summary")).content.decode())
    assert "11:40 a.m." in text or "6:40 p.m." in text
    assert "a.m.." not in text
    assert "p.m.." not in text


def test_a_pregnancys_unanswered_medical_care_reads_not_answered(intake):
    entry = PregnancyEntryFactory(intake=intake, complications=[])
    care = {str(row.label): row.value for row in pregnancy_rows(entry)}["Medical care"]
    assert care == str(NOT_ANSWERED)


def test_the_pregnancy_list_never_says_none_given(signed_in, intake):
    PregnancyEntryFactory(intake=intake, complications=[])
    for url in (reverse("intake:step", kwargs={"number": 3}), reverse("intake:review")):
        page = signed_in.get(url).content.decode()
        assert "None given" not in page
        assert "Not answered" in page


def test_a_pregnancys_given_medical_care_is_listed(intake):
    entry = PregnancyEntryFactory(intake=intake, complications=["surgery", "nicu"])
    care = {str(row.label): row.value for row in pregnancy_rows(entry)}["Medical care"]
    assert care == "Surgery or a procedure (such as a D&C), A stay in the NICU"


def test_staff_detail_shows_three_states_for_contact_channels(as_therapist, client_user):
    intake = sent_intake(
        client=client_user, may_email=True, may_text=False, may_voicemail=None, may_name_practice=None
    )
    page = as_therapist.get(reverse("intake:staff_detail", kwargs={"pk": intake.pk})).content.decode()
    channels = dict(re.findall(r'<span class="channel channel--(\w+)">([^<]+)</span>', page))
    assert channels == {"yes": "email: yes", "no": "text: no", "unknown": "practice name: not answered"}
    assert page.count("channel--unknown") == 2
    assert "voicemail: not answered" in page


def test_struck_through_is_only_for_a_no():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "staff.css").read_text()
    unknown = re.search(r"\.channel--unknown \{([^}]*)\}", css)
    assert unknown is not None
    assert "line-through" not in unknown.group(1)


def test_every_page_links_the_favicon(client, practice):
    page = client.get(reverse("account_login")).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg" type="image/svg\+xml">', page)


def test_the_error_page_links_the_favicon_too(practice):
    html = render_to_string("500.html", {"crisis_lines": []})
    assert 'favicon.svg" type="image/svg+xml"' in html


def test_the_favicon_is_a_small_svg_without_text():
    svg = (Path(settings.BASE_DIR) / "static" / "favicon.svg").read_text()
    assert svg.startswith("<svg")
    assert "<text" not in svg
    assert "#1d5c63" in svg  # the site's teal
