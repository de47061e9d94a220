"""How the intake looks in a real browser, at a phone's width and a desktop's: question text
inside its card, tap targets a finger can hit, long words that wrap, no missing favicon."""

import re

import pytest
from playwright.sync_api import expect

from tests.intake.factories import IntakeFactory, PregnancyEntryFactory
from tests.intake.factories_review import sent_intake
from tests.portal.factories import DEFAULT_PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "A" * 200
CHOICES = "input[type=radio], input[type=checkbox]"


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if "/2fa/" in page.url:
        page.locator("input[name=code]").fill(totp_code())
        page.locator("main form button[type=submit]").first.click()


def _console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def _boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector,
        "els => els.filter(e => e.offsetParent).map(e => {"
        " const r = e.getBoundingClientRect();"
        " const text = (e.textContent || e.name || '').trim().slice(0, 40);"
        " return {text, width: r.width, height: r.height}; })",
    )


def _no_sideways_scroll(page, where: str) -> None:
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{where} scrolls {wide}px sideways"


def test_question_text_sits_inside_its_card(page, live_server, client_user, viewport, axe):
    IntakeFactory(client=client_user)
    errors = _console_errors(page)
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/5/")
    expect(page.get_by_role("heading", name="How your mood has been")).to_be_visible()
    outside = page.eval_on_selector_all(
        "fieldset.question",
        # Follow-up questions hidden until an answer calls for them have no box to check.
        "sets => sets.filter(f => f.offsetParent).filter(f => {"
        " const box = f.getBoundingClientRect(), legend = f.querySelector('legend').getBoundingClientRect();"
        " const top = box.top + parseFloat(getComputedStyle(f).borderTopWidth);"
        " return legend.top < top || legend.bottom > box.bottom; }).map(f => f.id)",
    )
    assert outside == []
    axe(page, "questionnaires")
    page.screenshot(path=viewport["shots"] / "presentation-questionnaires.png", full_page=True)
    assert errors == []


def test_radio_buttons_and_checkboxes_are_big_enough_to_tap(page, live_server, client_user, viewport):
    IntakeFactory(client=client_user)
    _sign_in(page, live_server, client_user)
    for step in (2, 4, 5):
        page.goto(f"{live_server.url}/intake/step/{step}/")
        small = [b for b in _boxes(page, CHOICES) if b["width"] < 20 or b["height"] < 20]
        assert small == [], f"step {step}: {small[:3]}"
    # The words are part of the target: tapping them chooses the answer.
    page.get_by_text("Several days").first.click()
    expect(page.locator("input[name=q-phq9-1][value='1']")).to_be_checked()


def test_header_and_crisis_links_are_at_least_44px_tall(page, live_server, client_user, viewport):
    IntakeFactory(client=client_user)
    page.goto(f"{live_server.url}/")
    signed_out = _boxes(page, ".site-nav a")
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/1/")
    targets = signed_out + _boxes(page, ".site-nav a, .site-nav button, .crisis__list a")
    assert len(targets) >= 6
    short = [t for t in targets if t["height"] < 44]
    assert short == []


def test_a_long_unbroken_name_wraps_on_the_review_page(page, live_server, client_user, viewport, axe):
    intake = IntakeFactory(client=client_user, legal_name=LONG_NAME)
    PregnancyEntryFactory(intake=intake, note="B" * 160)
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/review/")
    _no_sideways_scroll(page, "review")
    about = page.locator("section[aria-labelledby=section-about]")
    assert about.evaluate("s => s.scrollWidth <= s.clientWidth")
    axe(page, "review with a long name")
    page.screenshot(path=viewport["shots"] / "presentation-long-name-review.png", full_page=True)


def test_a_long_unbroken_name_wraps_on_the_sent_answers(page, live_server, client_user, viewport, axe):
    intake = sent_intake(client=client_user, legal_name=LONG_NAME, risk_level="high")
    PregnancyEntryFactory(intake=intake, note="B" * 160)
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/your-answers/")
    _no_sideways_scroll(page, "your answers")
    # Sent: the crisis lines stay, the way back to the answers does not.
    panel = page.locator("[data-safety-panel=high]")
    expect(panel).to_contain_text("988")
    expect(panel.get_by_role("link", name="Keep going with my answers")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(re.compile(r"[ap]\.m\.\."))
    axe(page, "sent answers with a long name")


def test_a_long_unbroken_name_wraps_for_the_therapist(
    page, live_server, client_user, therapist, viewport, axe
):
    intake = sent_intake(client=client_user, legal_name=LONG_NAME, may_email=True, may_text=False)
    PregnancyEntryFactory(intake=intake, note="B" * 160)
    _sign_in(page, live_server, therapist)
    page.goto(f"{live_server.url}/intake/staff/{intake.pk}/")
    expect(page.locator("h1")).to_have_text(LONG_NAME)
    _no_sideways_scroll(page, "intake detail")
    channels = page.locator(".review-contact .channels")
    expect(channels).to_contain_text("voicemail: not answered")
    assert channels.locator(".channel--unknown").first.evaluate(
        "e => !getComputedStyle(e).textDecorationLine.includes('line-through')"
    )
    axe(page, "intake detail with a long name")
    page.screenshot(path=viewport["shots"] / "presentation-long-name-detail.png", full_page=True)
