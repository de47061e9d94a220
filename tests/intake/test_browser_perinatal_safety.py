"""The perinatal safety questions on a phone (390x844): an urge to act on thoughts of harm to
the baby, or a warning sign of postpartum psychosis, brings the panel that says this can be a
medical emergency into view at once, 911 and 988 first."""

import pytest
from playwright.sync_api import expect

from intake.models import RiskFlag
from tests.conftest import PHONE
from tests.intake.test_browser_safety import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= -1 and box["y"] < PHONE["height"] and box["height"] > 0


def test_an_urge_to_act_shows_the_emergency_panel_in_view_on_a_phone(
    page, live_server, client_user, practice, screenshot_dir, axe
):
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/5/?question=q-perinatal-thoughts")

    page.locator('input[name="q-perinatal-thoughts"][value="yes"]').check()
    # The separate question about acting on them appears after the yes.
    page.locator('input[name="q-perinatal-urge"][value="yes"]').check(timeout=10_000)

    panel = page.locator('[data-safety-panel="emergency"]')
    expect(panel).to_be_visible(timeout=10_000)
    expect(panel.get_by_role("heading")).to_have_text("This can be a medical emergency")
    expect(panel.get_by_role("link", name="Call 911", exact=True)).to_have_attribute("href", "tel:911")
    expect(panel.get_by_role("link", name="Call 988", exact=True)).to_have_attribute("href", "tel:988")
    assert _in_viewport(page, panel.get_by_role("heading"))
    assert _in_viewport(page, panel.get_by_role("link", name="Call 911", exact=True))
    page.screenshot(path=screenshot_dir / "intake-crisis-emergency-phone.png", full_page=False)
    axe(page, "questionnaires with the emergency panel on a phone")
    assert RiskFlag.objects.filter(intake__client=client_user, level="urgent").exists()


def test_a_psychosis_warning_sign_shows_the_emergency_panel_in_view_on_a_phone(
    page, live_server, client_user, practice, screenshot_dir
):
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/5/?question=q-perinatal-perceptions")

    page.locator('input[name="q-perinatal-perceptions"][value="yes"]').check()

    panel = page.locator('[data-safety-panel="emergency"]')
    expect(panel).to_be_visible(timeout=10_000)
    assert _in_viewport(page, panel.get_by_role("link", name="Call 911", exact=True))
    page.screenshot(path=screenshot_dir / "intake-crisis-psychosis-phone.png", full_page=False)
    assert RiskFlag.objects.filter(intake__client=client_user, level="urgent").exists()


def test_thoughts_alone_show_no_panel(page, live_server, client_user, practice):
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/5/?question=q-perinatal-thoughts")

    page.locator('input[name="q-perinatal-thoughts"][value="yes"]').check()
    page.locator('input[name="q-perinatal-urge"][value="no"]').check(timeout=10_000)
    expect(page.locator('[data-question-status="q-perinatal-urge"]')).to_have_text("Saved", timeout=10_000)

    expect(page.locator("[data-safety-panel]:visible")).to_have_count(0)
    assert not RiskFlag.objects.filter(intake__client=client_user).exists()
