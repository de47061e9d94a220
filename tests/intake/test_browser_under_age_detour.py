"""A date of birth under the practice's minimum age, corrected at once: the page the server
sends after the correction is fetched afresh, never sent again as a form, so she lands on
the next step and stays there."""

import time

import pytest
from playwright.sync_api import expect

from tests.intake.test_browser_journey import _next, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _about_you(page) -> None:
    page.fill("[name=legal_name]", "Hope Marie Rivera")
    page.fill("[name=phone]", "(720) 555-0199")
    page.fill("[name=address_line]", "1234 Pearl Street")
    page.fill("[name=city]", "Denver")
    page.fill("[name=state]", "CO")
    page.fill("[name=postal_code]", "80203")
    page.fill("[name=emergency_contact_name]", "Sam Rivera")
    page.fill("[name=emergency_contact_phone]", "(720) 555-0100")
    for name, value in (("may_email", "True"), ("may_text", "False"), ("may_voicemail", "True")):
        page.check(f"input[name={name}][value={value}]")


def test_a_corrected_date_of_birth_then_continue_lands_on_step_two_and_stays(
    page, live_server, client_user, practice
):
    _sign_in(page, live_server, client_user)
    page.goto(f"{live_server.url}/intake/step/1/")
    _about_you(page)
    page.fill("[name=date_of_birth]", "2012-05-05")
    page.locator("[name=phone]").click()
    page.wait_for_timeout(1500)
    _next(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")

    step_two_posts = []
    page.on(
        "request",
        lambda r: step_two_posts.append(r.url) if r.method == "POST" and "/intake/step/2/" in r.url else None,
    )
    # Corrected, and on at once: the save of the date and the form race each other.
    page.fill("[name=date_of_birth]", "1990-04-03")
    page.locator("[name=phone]").click()
    page.wait_for_timeout(150)
    _next(page)

    expect(page).to_have_url(f"{live_server.url}/intake/step/2/")
    time.sleep(2)
    assert page.url == f"{live_server.url}/intake/step/2/"
    assert step_two_posts == []
