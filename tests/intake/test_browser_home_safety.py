"""Safety at home in a real browser on a phone (390x844): asked after she says she can answer
privately, answers saved as given, and the quick exit leaves for a neutral site that takes
this page's place in the history, so Back returns to the Support step, not here."""

import pytest
from playwright.sync_api import expect

from intake.views_home_safety import QUICK_EXIT_URL
from tests.conftest import PHONE
from tests.intake.test_browser_safety import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def neutral_site(page):
    """The neutral site, answered inside the browser: tests never reach the internet."""
    page.route(
        QUICK_EXIT_URL + "**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title><h1>Weather</h1>"
        ),
    )
    return QUICK_EXIT_URL


def test_the_quick_exit_leaves_and_back_does_not_return_to_the_questions(
    page, live_server, client_user, practice, neutral_site, screenshot_dir, axe
):
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/7/")
    page.get_by_role("button", name="Save and go to these questions").click()
    expect(page.get_by_role("heading", name="Can you answer privately right now?")).to_be_visible()
    page.get_by_role("link", name="Yes, I can answer privately now").click()

    page.locator('input[name="q-hark-2"][value="no"]').check()
    expect(page.locator('[data-question-status="q-hark-2"]')).to_have_text("Saved", timeout=10_000)
    exit_button = page.get_by_role("link", name="Leave this page quickly")
    expect(exit_button).to_be_in_viewport()
    page.screenshot(path=screenshot_dir / "intake-home-safety-phone.png", full_page=False)
    axe(page, "safety at home on a phone")
    exit_button.click()

    expect(page).to_have_title("Weather")
    page.go_back()
    page.wait_for_load_state()
    assert page.url.endswith("/intake/step/7/")
    assert client_user.intake.questionnaires.get(code="hark").answers == {"2": False}


def test_the_quick_exit_stays_in_view_while_she_scrolls(
    page, live_server, client_user, practice, neutral_site
):
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/safety-at-home/?private=yes")

    page.get_by_text("Text START to 88788").scroll_into_view_if_needed()

    expect(page.get_by_role("link", name="Leave this page quickly")).to_be_in_viewport()
