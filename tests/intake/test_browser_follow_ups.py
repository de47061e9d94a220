"""The safety path in a real browser at phone size: follow-up questions appear in place, fast
answers are all kept in the order given, and the crisis panel is in view after every answer
that raises the level, with JavaScript and without."""

import re
import time

import pytest
from playwright.sync_api import expect

from intake.models import QuestionnaireResponse, RiskFlag
from tests.conftest import PHONE, settle
from tests.portal.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEP_5 = "/intake/step/5/"

# Clicks each label in turn, `gap` ms apart, the way a quick thumb would; before each click it
# checks that the question is really shown (a hidden follow-up must not be clickable).
FAST_CLICKS = """async ({ids, gap}) => {
  const hidden = [];
  for (const id of ids) {
    await new Promise((resolve) => setTimeout(resolve, gap));
    const input = document.getElementById(id);
    if (!input || input.closest("[hidden]")) { hidden.push(id); continue; }
    document.querySelector(`label[for="${id}"]`).click();
  }
  return hidden;
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    settle(page)
    context.close()


@pytest.fixture
def phone_no_script(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    yield page
    settle(page)
    context.close()


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _answers(user, code: str, expected: dict, timeout: float = 15.0) -> dict:
    """The saved answers once they equal `expected` (or whatever they are at the deadline)."""
    deadline = time.monotonic() + timeout
    answers = {}
    while time.monotonic() < deadline:
        response = QuestionnaireResponse.objects.filter(intake__client=user, code=code).first()
        answers = response.answers if response else {}
        if answers == expected:
            break
        time.sleep(0.1)
    return answers


def _in_viewport(page, selector: str) -> None:
    """The panel's top and its heading are on screen, and it has the focus."""
    panel = page.locator(selector)
    expect(panel).to_be_visible(timeout=10_000)
    page.wait_for_function(
        """(sel) => {
          const r = document.querySelector(sel).getBoundingClientRect();
          return r.top >= -1 && r.top < window.innerHeight / 2;
        }""",
        arg=selector,
        timeout=10_000,
    )
    heading = panel.locator("h2").bounding_box()
    viewport = page.viewport_size
    assert heading is not None
    assert heading["y"] >= 0
    assert heading["y"] + heading["height"] <= viewport["height"]


def _has_focus(page, selector: str) -> None:
    page.wait_for_function("(sel) => document.activeElement === document.querySelector(sel)", arg=selector)


# --- fast answers are all kept


def test_fast_answers_to_the_asq_and_its_follow_up_are_all_saved_as_given(phone, live_server, client_user):
    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}{STEP_5}?question=q-asq-1")

    hidden = phone.evaluate(
        FAST_CLICKS,
        {
            "ids": ["q-asq-1-yes", "q-asq-2-no", "q-asq-3-decline", "q-asq-4-no", "q-asq-5-no"],
            "gap": 150,
        },
    )

    assert hidden == []  # question 5 was on screen 150 ms after the "yes"
    expected = {"1": True, "2": False, "3": None, "4": False, "5": False}
    assert _answers(client_user, "asq", expected) == expected
    expect(phone.locator('[data-question-status="q-asq-5"]')).to_have_text("Saved", timeout=10_000)


def test_fast_answers_to_the_trauma_question_and_its_five_are_all_saved_as_given(
    phone, live_server, client_user
):
    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}{STEP_5}?question=q-pcptsd5-gate")
    ids = ["q-pcptsd5-gate-yes", "q-pcptsd5-1-yes", "q-pcptsd5-2-no", "q-pcptsd5-3-yes"]
    ids += ["q-pcptsd5-4-decline", "q-pcptsd5-5-no"]

    hidden = phone.evaluate(FAST_CLICKS, {"ids": ids, "gap": 120})

    assert hidden == []
    expected = {"gate": True, "1": True, "2": False, "3": True, "4": None, "5": False}
    assert _answers(client_user, "pcptsd5", expected) == expected


def test_a_changed_mind_mid_stream_keeps_the_last_answer(phone, live_server, client_user):
    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}{STEP_5}")

    phone.evaluate(FAST_CLICKS, {"ids": ["q-phq9-1-3", "q-phq9-2-1", "q-phq9-1-0", "q-phq9-2-2"], "gap": 40})

    assert _answers(client_user, "phq9", {"1": 0, "2": 2}) == {"1": 0, "2": 2}


def test_the_follow_up_hides_again_when_the_yes_becomes_no(phone, live_server, client_user):
    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}{STEP_5}?question=q-asq-1")
    question_5 = phone.locator('[data-question="q-asq-5"]')

    phone.locator('label[for="q-asq-2-yes"]').click()
    expect(question_5).to_be_visible()
    phone.locator('label[for="q-asq-2-no"]').click()

    expect(question_5).to_be_hidden()


# --- the crisis panel comes into view after each raising answer, with the script


def test_asq_1_yes_brings_the_panel_into_view_and_focus(phone, live_server, client_user, screenshot_dir):
    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}{STEP_5}?question=q-asq-1")

    phone.locator('label[for="q-asq-1-yes"]').click()

    _in_viewport(phone, '[data-safety-panel="high"]')
    _has_focus(phone, '[data-safety-panel="high"]')
    phone.screenshot(path=screenshot_dir / "phone-asq1-yes-panel.png")
    # "Keep going" leads back to the question just answered; the next one follows it.
    phone.locator('[data-safety-panel="high"] [data-safety-continue]').click()
    expect(phone.locator('[data-question="q-asq-1"]')).to_be_in_viewport()
    expect(phone.locator('[data-question="q-asq-5"]')).to_be_visible()


def test_asq_5_yes_brings_the_urgent_panel_into_view(phone, live_server, client_user, screenshot_dir):
    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}{STEP_5}?question=q-asq-1")
    phone.locator('label[for="q-asq-1-yes"]').click()
    _in_viewport(phone, '[data-safety-panel="high"]')

    phone.locator('label[for="q-asq-5-yes"]').click()  # scrolls down to it first

    _in_viewport(phone, '[data-safety-panel="urgent"]')
    _has_focus(phone, '[data-safety-panel="urgent"]')
    phone.screenshot(path=screenshot_dir / "phone-asq5-yes-urgent-panel.png")
    assert RiskFlag.objects.filter(intake__client=client_user, level="urgent").exists()


def test_phq9_item_9_brings_the_panel_into_view(phone, live_server, client_user):
    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}{STEP_5}?question=q-phq9-9")

    phone.locator('label[for="q-phq9-9-1"]').click()

    _in_viewport(phone, '[data-safety-panel="high"]')
    _has_focus(phone, '[data-safety-panel="high"]')


def test_epds_item_10_brings_the_panel_into_view(phone, live_server, client_user, practice):
    practice.epds_enabled = True
    practice.save(update_fields=["epds_enabled"])
    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}{STEP_5}?question=q-epds-10")

    phone.locator('label[for="q-epds-10-1"]').click()

    _in_viewport(phone, '[data-safety-panel="high"]')
    _has_focus(phone, '[data-safety-panel="high"]')


def test_the_self_harm_tick_brings_the_panel_into_view(phone, live_server, client_user):
    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}/intake/step/4/")

    phone.locator('input[name="symptoms"][value="self_harm"]').check()

    _in_viewport(phone, '[data-safety-panel="high"]')
    _has_focus(phone, '[data-safety-panel="high"]')


# --- and without it


def _save_step(page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("step", "label", "panel"),
    [
        (5, 'label[for="q-asq-1-yes"]', "high"),
        (5, 'label[for="q-phq9-9-2"]', "high"),
        (5, 'label[for="q-epds-10-1"]', "high"),
        (4, 'input[name="symptoms"][value="self_harm"]', "high"),
    ],
    ids=["asq-1", "phq9-9", "epds-10", "self-harm-tick"],
)
def test_without_the_script_a_raising_answer_lands_on_the_panel(
    phone_no_script, live_server, client_user, practice, step, label, panel
):
    practice.epds_enabled = True
    practice.save(update_fields=["epds_enabled"])
    page = phone_no_script
    _sign_in(page, live_server, client_user)
    # Step 5's screen that holds the question (one questionnaire per screen).
    question = label.split('"')[1].rsplit("-", 1)[0] if step == 5 else ""
    page.goto(f"{live_server.url}/intake/step/{step}/" + (f"?question={question}" if question else ""))

    page.locator(label).click()
    _save_step(page)

    assert page.url.endswith("#safety")
    _in_viewport(page, f'[data-safety-panel="{panel}"]')


def test_without_the_script_asq_5_yes_lands_on_the_urgent_panel(phone_no_script, live_server, client_user):
    page = phone_no_script
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}{STEP_5}?question=q-asq-1")
    page.locator('label[for="q-asq-1-yes"]').click()
    _save_step(page)
    # The panel's own link leads on to the first ASQ question still to answer; the one that
    # appeared says why it is there.
    page.locator('[data-safety-panel="high"] [data-safety-continue]').click()
    expect(page.locator("#q-asq-2")).to_be_in_viewport()
    expect(page.get_by_text("Your answer above brought up this question")).to_be_visible()

    page.locator('label[for="q-asq-5-yes"]').click()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()

    _in_viewport(page, '[data-safety-panel="urgent"]')
    # "I am safe for now" leads on to where she was going: the next questionnaire's screen.
    page.locator('[data-safety-panel="urgent"] [data-safety-continue]').click()
    expect(page.locator("[data-part-count]")).to_contain_text("Questionnaire 5 of")


def test_without_the_script_the_trauma_follow_ups_keep_her_on_the_step(
    phone_no_script, live_server, client_user
):
    page = phone_no_script
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}{STEP_5}?question=q-pcptsd5-gate")

    page.locator('label[for="q-pcptsd5-gate-yes"]').click()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()

    assert STEP_5 in page.url
    expect(page.locator("#q-pcptsd5-1")).to_be_in_viewport()
    # The line that says why, and the question's lead-in, are on screen too.
    expect(page.get_by_text("Your answer above brought up this question")).to_be_in_viewport()
    expect(page.get_by_text("In the past month, have you...")).to_be_in_viewport()


# --- answers given just as the session ended are kept and saved after signing in again


def _expire_session(page) -> None:
    from importlib import import_module

    from django.conf import settings

    from portal.middleware import LAST_ACTIVITY_KEY

    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    store[LAST_ACTIVITY_KEY] = time.time() - 60 * 60
    store.save()


def test_answers_given_after_the_sign_out_are_kept_and_saved_at_sign_in(phone, live_server, client_user):
    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}{STEP_5}")
    _expire_session(phone)

    phone.evaluate(FAST_CLICKS, {"ids": ["q-phq9-1-2", "q-phq9-2-1"], "gap": 60})

    indicator = phone.locator("[data-saved-indicator]")
    expect(indicator).to_contain_text("Your latest answers are kept", timeout=10_000)
    expect(phone.locator('[data-question-status="q-phq9-2"]')).to_have_text(
        "Kept: saved when you sign in again"
    )
    assert not QuestionnaireResponse.objects.filter(intake__client=client_user).exists()

    indicator.get_by_role("link", name="Sign in again").click()
    phone.get_by_label("Email").fill(client_user.email)
    phone.get_by_label("Password").fill(DEFAULT_PASSWORD)
    phone.get_by_role("button", name="Sign In").click()

    expect(phone.get_by_text("We saved the answers you gave just as you were signed out")).to_be_visible()
    assert STEP_5 in phone.url
    assert _answers(client_user, "phq9", {"1": 2, "2": 1}) == {"1": 2, "2": 1}


# --- a long answer: counted near the limit, refused past it, never cut


def test_a_long_answer_is_counted_and_never_cut(phone, live_server, client_user):
    from intake.forms_rules import LONG_TEXT_MAX
    from intake.models import Intake

    _sign_in(phone, live_server, client_user)
    phone.goto(f"{live_server.url}/intake/step/2/")
    box = phone.get_by_label(re.compile("What would you like to be different"))
    text = "a" * (LONG_TEXT_MAX + 40)

    box.fill(text)

    error = phone.locator('[data-field-error="hopes"]')
    expect(error).to_contain_text("characters or fewer", timeout=5_000)
    expect(phone.locator("[data-char-count]")).to_contain_text(f"of {LONG_TEXT_MAX:,} characters")
    expect(box).to_have_value(text)
    box.fill(text[:LONG_TEXT_MAX])
    expect(error).to_be_hidden()
    expect(phone.locator("[data-saved-indicator]")).to_contain_text("Last saved at", timeout=10_000)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(Intake.objects.get(client=client_user).hopes) != LONG_TEXT_MAX:
        time.sleep(0.1)
    assert len(Intake.objects.get(client=client_user).hopes) == LONG_TEXT_MAX
