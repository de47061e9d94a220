"""The intake in a real browser: autosave with JavaScript, plain forms without it, strict CSP."""

import re

import pytest
from playwright.sync_api import expect

from intake.models import Intake
from tests.portal.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_answers_are_saved_as_the_client_types(page, live_server, client_user, screenshot_dir):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/2/")

    page.get_by_label("Support after miscarriage or pregnancy loss").check()
    page.get_by_label(re.compile("What would you like to be different")).fill("To sleep through the night")
    expect(page.locator("[data-saved-indicator]")).to_contain_text("Last saved at", timeout=10_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=screenshot_dir / "intake-step2-autosave.png", full_page=True)

    intake = Intake.objects.get(client=client_user)
    assert intake.hopes == "To sleep through the night"
    assert intake.services == ["loss_counseling"]
    page.reload()
    expect(page.get_by_label(re.compile("What would you like to be different"))).to_have_value(
        "To sleep through the night"
    )
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_intake_works_with_javascript_off(browser, live_server, client_user):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/7/")
    page.get_by_label("Who do you turn to for support? (optional)").fill("My sister")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Appointment preferences")
    assert Intake.objects.get(client=client_user).supporters == "My sister"
    context.close()
