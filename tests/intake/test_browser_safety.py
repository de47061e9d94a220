"""Crisis resources in a real browser, the moment a self-harm answer is given."""

import pytest
from playwright.sync_api import expect

from intake.models import RiskFlag
from tests.portal.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_a_self_harm_answer_shows_crisis_resources_without_leaving_the_page(
    page, live_server, client_user, practice, screenshot_dir
):
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/5/?question=q-phq9-9")
    panel = page.locator('[data-safety-panel="high"]')
    expect(panel).to_be_hidden()

    page.locator('input[name="q-phq9-9"][value="1"]').check()

    expect(panel).to_be_visible(timeout=10_000)
    expect(panel.get_by_role("link", name="988 Suicide & Crisis Lifeline", exact=True)).to_be_visible()
    expect(panel.get_by_role("link", name="Text 988", exact=True)).to_have_attribute("href", "sms:988")
    assert page.url.endswith("/intake/step/5/?question=q-phq9-9")
    page.screenshot(path=screenshot_dir / "intake-crisis-high.png", full_page=False)
    assert RiskFlag.objects.filter(intake__client=client_user, level="high").exists()


def test_an_acute_answer_asks_whether_the_client_is_safe_now(
    page, live_server, client_user, practice, screenshot_dir, axe
):
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/5/?question=q-asq-1")

    page.locator('input[name="q-asq-1"][value="yes"]').check()
    # The acuity question appears once a screening question is answered yes.
    page.locator('input[name="q-asq-5"][value="yes"]').check(timeout=10_000)

    urgent = page.locator('[data-safety-panel="urgent"]')
    expect(urgent).to_be_visible(timeout=10_000)
    expect(urgent.get_by_role("heading")).to_have_text("Are you safe right now?")
    expect(urgent.get_by_role("link", name="Call 988", exact=True)).to_have_attribute("href", "tel:988")
    expect(urgent.get_by_role("link", name="Text 988", exact=True)).to_have_attribute("href", "sms:988")
    page.screenshot(path=screenshot_dir / "intake-crisis-urgent.png", full_page=False)
    axe(page, "questionnaires with the urgent crisis panel")
