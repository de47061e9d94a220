"""Safety at home (HARK): asked only after she says she can answer privately, with a quick
way out and the hotline on every view of it; a positive screen is the therapist's alone,
never the front desk's, never in her own copy and never in any message."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from intake.instruments import HARK
from intake.models import Intake
from intake.steps import STEPS, SUPPORT
from intake.summary import intake_summary_context
from intake.views import HOME_SAFETY_ACTION
from intake.views_home_safety import QUICK_EXIT_URL
from scheduling.message_content import FORBIDDEN_WORDS, forbidden_words_in
from tests.intake.factories_review import answer, sent_intake
from tests.portal.access_policy import POLICY, url_kwargs

pytestmark = pytest.mark.django_db

URL = reverse("intake:home_safety")
PRIVATE = URL + "?private=yes"
HARK_POSITIVE = {"1": False, "2": True, "3": False, "4": False}
HOTLINE = "tel:18007997233"


@pytest.fixture
def signed_in(client, client_user, intake):
    client.force_login(client_user)
    return client


def test_the_questions_wait_until_she_says_she_can_answer_privately(signed_in):
    html = signed_in.get(URL).content.decode()

    assert "Can you answer privately right now?" in html
    assert 'name="q-hark-1"' not in html
    assert 'href="?private=yes" data-replace-history' in html


def test_after_she_says_so_the_four_questions_are_asked(signed_in):
    html = signed_in.get(PRIVATE).content.decode()

    for item in HARK.items:
        assert f'name="q-hark-{item.key}"' in html
        assert item.text in html


@pytest.mark.parametrize("url", [URL, PRIVATE])
def test_every_view_of_the_page_has_the_quick_exit_and_the_hotline(signed_in, url):
    html = signed_in.get(url).content.decode()

    assert f'href="{QUICK_EXIT_URL}" rel="noreferrer" data-quick-exit' in html
    assert html.index("data-quick-exit") < html.index("<h1>")
    assert HOTLINE in html
    assert "Text START to 88788" in html
    assert "sms:88788?&amp;body=START" in html
    assert "tel:911" in html


def test_the_page_is_never_kept_in_the_browsers_store(signed_in):
    response = signed_in.get(PRIVATE)

    assert "no-store" in response["Cache-Control"]


def test_saving_her_answers_keeps_them_and_returns_to_the_support_step(signed_in, intake):
    response = signed_in.post(
        URL, {"q-hark-1": "no", "q-hark-2": "yes", "q-hark-3": "decline", "action": "save"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:step", kwargs={"number": SUPPORT})
    saved = intake.questionnaires.get(code="hark")
    assert saved.answers == {"1": False, "2": True, "3": None}
    intake.refresh_from_db()
    assert intake.current_step == SUPPORT
    assert intake.risk_level == "routine"


def test_the_support_step_saves_and_opens_the_questions(signed_in, intake):
    response = signed_in.post(
        reverse("intake:step", kwargs={"number": SUPPORT}),
        {"supporters": "My sister", "action": HOME_SAFETY_ACTION},
    )

    assert response["Location"] == URL
    intake.refresh_from_db()
    assert intake.supporters == "My sister"


def test_the_questions_are_never_asked_on_the_questionnaire_step(signed_in):
    html = signed_in.get(reverse("intake:step", kwargs={"number": 5})).content.decode()

    assert "q-hark-" not in html


def test_a_positive_screen_is_shown_to_the_therapist(client, therapist, client_user):
    intake = sent_intake(client=client_user)
    answer(intake, "hark", HARK_POSITIVE)
    client.force_login(therapist)

    html = client.get(reverse("intake:staff_detail", kwargs={"pk": intake.pk})).content.decode()

    section = html[html.index('id="home-safety"') :]
    assert "Positive" in section[:2000]
    assert HARK.items[1].text in section


def test_a_positive_screen_is_in_the_practice_copy_and_never_in_hers(client_user):
    intake = sent_intake(client=client_user)
    answer(intake, "hark", HARK_POSITIVE)

    staff = intake_summary_context(intake=intake, audience="staff")
    hers = intake_summary_context(intake=intake, audience="client")

    assert staff["partner_safety"]["band"] == "positive"
    assert hers["partner_safety"] is None
    assert HARK.items[1].text not in str(hers)


def test_the_front_desk_sees_nothing_of_safety_at_home(client, personas):
    intake = sent_intake(client=personas["client"], status="in_review")
    answer(intake, "hark", HARK_POSITIVE)
    Intake.objects.filter(pk=intake.pk).update(status="accepted")
    markers = [item.text for item in HARK.items] + [
        "HARK",
        "Safety at home",
        "partner or ex-partner",
        "88788",
    ]
    kwargs = url_kwargs(personas)
    client.force_login(personas["front_desk"])
    pages = 0

    for name, outcomes in POLICY.items():
        if outcomes["front_desk"] != "ok":
            continue
        response = client.get(reverse(name, kwargs=kwargs.get(name, {})))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        html = response.content.decode()
        assert [marker for marker in markers if marker in html] == [], name

    assert pages >= 5


def test_the_front_desk_cannot_open_the_page(client, front_desk):
    client.force_login(front_desk)

    assert client.get(PRIVATE).status_code == 403


# --- No message ever carries it

MESSAGE_TEMPLATES = sorted(
    path for path in Path(settings.BASE_DIR, "templates").glob("*/email/*") if path.is_file()
)


def test_every_app_has_message_templates_scanned():
    assert {path.parent.parent.name for path in MESSAGE_TEMPLATES} >= {
        "account",
        "intake",
        "portal",
        "scheduling",
    }


@pytest.mark.parametrize("path", MESSAGE_TEMPLATES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_no_message_template_names_safety_at_home(path):
    assert forbidden_words_in(path.read_text()) == []


@pytest.mark.parametrize(
    "text",
    [
        "Your answers about domestic violence",
        "We saw you are afraid of your partner",
        "Call the hotline",
        "About abuse at home",
        "Your HARK result",
        "Safety at home",
    ],
)
def test_the_scan_catches_words_about_safety_at_home(text):
    assert forbidden_words_in(text) != []


def test_the_scan_keeps_the_words_it_always_had():
    assert {"miscarr", "pregnan", "baby", "suicid"} <= set(FORBIDDEN_WORDS)


def test_one_yes_is_positive_before_the_rest_is_answered(client, therapist, client_user):
    intake = sent_intake(client=client_user)
    answer(intake, "hark", {"1": True, "2": None})
    client.force_login(therapist)

    html = client.get(reverse("intake:staff_detail", kwargs={"pk": intake.pk})).content.decode()

    section = html[html.index('id="home-safety"') : html.index('id="perinatal"')]
    assert "Positive already" in section
    assert "ask about safety at home when the client is alone" in section


def test_the_progress_bar_places_the_page_within_the_support_step(signed_in):
    html = signed_in.get(URL).content.decode()

    now = html[html.index("data-progress-now>") :]
    assert now.startswith(f"data-progress-now>Step {SUPPORT} of {len(STEPS)}")
