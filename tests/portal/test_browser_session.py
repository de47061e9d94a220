"""The idle warning in a real browser, under the strict Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from tests.portal.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_client_is_warned_before_sign_out_and_can_stay(
    page, live_server, settings, client_user, screenshot_dir
):
    # A short timeout with a long warning, so the warning is due a few seconds after load.
    settings.PORTAL_CLIENT_IDLE_TIMEOUT = 130
    settings.PORTAL_IDLE_WARNING = 126
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    _sign_in(page, live_server, client_user)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    dialog = page.get_by_role("dialog", name="Are you still there?")
    expect(dialog).to_be_visible(timeout=15_000)
    page.screenshot(path=screenshot_dir / "idle-warning.png")
    dialog.get_by_role("button", name="Stay signed in").click()

    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_landing_page_shows_crisis_resources_on_a_phone(page, live_server, practice, screenshot_dir, axe):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url)
    axe(page, "landing page on a phone")

    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("988")
    expect(footer.get_by_role("link", name="Colorado Crisis Services")).to_have_attribute(
        "href", "tel:18444938255"
    )
    page.screenshot(path=screenshot_dir / "landing-phone.png", full_page=True)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_public_pages_have_no_serious_accessibility_problems(page, live_server, practice, axe, path):
    page.goto(live_server.url + path)

    axe(page, path)


def test_signed_in_pages_have_no_serious_accessibility_problems(page, live_server, client_user, axe):
    _sign_in(page, live_server, client_user)
    for path in ("/welcome/", "/accounts/email/", "/accounts/password/change/"):
        page.goto(live_server.url + path)
        axe(page, path)
