"""The pregnancy timeline on the therapist's page at a phone's width (390x844): wider than the
screen, its box opens at the recent end (the latest pregnancy and today) and says the earlier
years are to the left; its words stay beside it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import PHONE
from tests.intake.factories import PregnancyEntryFactory
from tests.intake.factories_review import raise_flag, sent_intake
from tests.intake.test_browser_review import _sign_in_with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_timeline_opens_at_the_recent_end(page, live_server, therapist, axe, screenshot_dir):
    intake = sent_intake(legal_name="Rowan Ash")
    raise_flag(intake, level="urgent")
    for n, outcome in enumerate(["ended_other", "miscarriage", "stillbirth", "neonatal_death", "chemical"]):
        PregnancyEntryFactory(intake=intake, outcome=outcome, month=3, year=2016 + 2 * n)
    page.set_viewport_size(PHONE)
    _sign_in_with_mfa(page, live_server, therapist, axe)
    page.goto(live_server.url + reverse("intake:staff_detail", kwargs={"pk": intake.pk}))

    box = page.locator(".glance__scroll")
    box.scroll_into_view_if_needed()
    expect(page.locator("[data-timeline-hint]")).to_be_visible()
    view = box.bounding_box()
    today = box.locator("svg text", has_text="today").bounding_box()
    oldest = box.locator("svg text", has_text="2016").first.bounding_box()
    page.screenshot(path=screenshot_dir / "phone" / "staff-timeline-phone.png", full_page=False)

    assert view["x"] <= today["x"]
    assert today["x"] + today["width"] <= view["x"] + view["width"]
    assert oldest["x"] < view["x"]  # the earliest year is off to the left, a scroll away
    expect(page.locator(".glance__words")).to_contain_text("Timeline of 5 pregnancies")
    axe(page, "therapist's page with the timeline on a phone")
