"""Two tabs of the same intake in a real browser at phone size: nothing typed in one is lost
to the other, and an answer changed in both is shown, not overwritten."""

import time

import pytest
from playwright.sync_api import expect

from intake.models import Intake
from tests.conftest import PHONE, settle
from tests.intake.factories import IntakeFactory
from tests.portal.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPPORT = "/intake/step/7/"
SUPPORTERS = "Who do you turn to for support? (optional)"


@pytest.fixture
def two_tabs(browser, live_server, client_user):
    IntakeFactory(client=client_user, supporters="")
    context = browser.new_context(viewport=PHONE)
    first = context.new_page()
    first.goto(f"{live_server.url}/accounts/login/")
    first.get_by_label("Email").fill(client_user.email)
    first.get_by_label("Password").fill(DEFAULT_PASSWORD)
    first.get_by_role("button", name="Sign In").click()
    first.wait_for_url(lambda url: "/accounts/login/" not in url)
    second = context.new_page()
    yield first, second
    settle(first)
    settle(second)
    context.close()


def _saved(client_user, expected: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = Intake.objects.get(client=client_user).supporters
        if value == expected:
            break
        time.sleep(0.1)
    return value


def test_a_stale_tab_saving_the_step_keeps_what_the_other_tab_saved(two_tabs, live_server, client_user):
    tab_a, tab_b = two_tabs
    tab_b.goto(f"{live_server.url}{SUPPORT}")  # loaded before tab A's answer
    tab_a.goto(f"{live_server.url}{SUPPORT}")
    tab_a.get_by_label(SUPPORTERS).fill("My sister")
    expect(tab_a.locator("[data-saved-indicator]")).to_contain_text("Last saved at", timeout=10_000)
    assert _saved(client_user, "My sister") == "My sister"

    tab_b.get_by_label("In a relationship").check()
    tab_b.get_by_role("button", name="Save and continue").click()
    tab_b.wait_for_load_state()

    intake = Intake.objects.get(client=client_user)
    assert (intake.supporters, intake.relationship_status) == ("My sister", "partnered")


def test_the_same_answer_typed_in_two_tabs_is_shown_beside_it_not_overwritten(
    two_tabs, live_server, client_user, screenshot_dir
):
    tab_a, tab_b = two_tabs
    tab_a.goto(f"{live_server.url}{SUPPORT}")
    tab_b.goto(f"{live_server.url}{SUPPORT}")
    tab_a.get_by_label(SUPPORTERS).fill("My sister")
    assert _saved(client_user, "My sister") == "My sister"

    tab_b.get_by_label(SUPPORTERS).fill("My partner")

    error = tab_b.locator('[data-field-error="supporters"]')
    expect(error).to_contain_text("changed in another window or tab", timeout=10_000)
    expect(error).to_contain_text("“My sister”")
    expect(error).to_be_in_viewport()
    tab_b.screenshot(path=screenshot_dir / "phone-two-tabs-conflict.png")
    assert Intake.objects.get(client=client_user).supporters == "My sister"
    # Her choice: saving this page keeps what she typed here.
    tab_b.get_by_role("button", name="Save", exact=True).click()
    tab_b.wait_for_load_state()
    assert _saved(client_user, "My partner") == "My partner"
