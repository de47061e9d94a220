"""Error pages in a real browser: readable, accessible, with the crisis lines, at both sizes."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_wrong_address_shows_a_kind_page_with_the_crisis_lines(page, live_server, practice, viewport, axe):
    page.goto(f"{live_server.url}/intake/no-such-step/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    expect(page.locator("#crisis-resources")).to_contain_text("988")
    axe(page, "not found")
    page.screenshot(path=viewport["shots"] / "error-404.png", full_page=True)
    page.get_by_role("link", name="Go to the start page").click()
    expect(page.get_by_role("link", name="Begin your intake").first).to_be_visible()
