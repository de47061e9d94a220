"""The therapist's hours screen at a phone's size: the weekly hours table stays on the screen,
with every Remove button in view, and selects show their whole text."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scheduling.models import Modality
from tests.scheduling.factories import TherapistProfileFactory, WeeklyAvailabilityFactory
from tests.scheduling.test_browser_scheduling import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# The names of the page's selects whose longest choice is wider than the room for text.
CLIPPED_SELECTS = """() => [...document.querySelectorAll('main select')].filter(s => {
  const style = getComputedStyle(s);
  const pen = document.createElement('canvas').getContext('2d');
  pen.font = style.font;
  const longest = Math.max(...[...s.options].map(o => pen.measureText(o.text).width));
  return longest > s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
}).map(s => s.name)"""


def test_the_hours_tables_remove_buttons_are_in_view_on_a_phone(
    page, live_server, therapist, axe, screenshot_dir
):
    page.set_viewport_size(PHONE)
    TherapistProfileFactory(user=therapist)
    for weekday, modality in ((0, Modality.IN_PERSON), (2, Modality.TELEHEALTH), (4, Modality.IN_PERSON)):
        WeeklyAvailabilityFactory(
            therapist=therapist,
            weekday=weekday,
            start_time=dt.time(9),
            end_time=dt.time(17, 30),
            modality=modality,
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() + dt.timedelta(days=180),
        )
    _sign_in(page, live_server, therapist, axe, mfa=True)
    expect(page).not_to_have_url(re.compile("/accounts/"))

    page.goto(f"{live_server.url}/scheduling/hours/")
    page.get_by_text("Add hours").first.click()
    (screenshot_dir / "phone").mkdir(exist_ok=True)
    page.screenshot(path=str(screenshot_dir / "phone" / "hours-table.png"), full_page=True)

    buttons = page.get_by_role("button", name=re.compile("^Remove"))
    expect(buttons).to_have_count(3)
    for n in range(3):
        box = buttons.nth(n).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    # A select as wide as its longest choice's text: nothing cut off.
    clipped = page.evaluate(CLIPPED_SELECTS)
    assert clipped == []
    axe(page, "hours at phone size")


@pytest.mark.parametrize("size", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_the_owner_sets_office_hours_and_a_closure_the_calendar_shows(
    page, live_server, practice_admin, axe, screenshot_dir, size
):
    page.set_viewport_size(size)
    shots = screenshot_dir / "phone" if size == PHONE else screenshot_dir
    shots.mkdir(exist_ok=True)
    closed = timezone.localdate() + dt.timedelta(days=3)
    _sign_in(page, live_server, practice_admin, axe, mfa=True)
    expect(page).not_to_have_url(re.compile("/accounts/"))

    page.goto(f"{live_server.url}/scheduling/settings/office/")
    page.get_by_label("Monday: opens").fill("09:00")
    page.get_by_label("Monday: closes").fill("17:00")
    page.get_by_role("button", name="Save office hours").click()
    expect(page.get_by_text("The office hours are saved.")).to_be_visible()
    page.get_by_label("Date the office is closed").fill(closed.isoformat())
    page.get_by_label("What for (optional)").fill("Staff retreat")
    page.get_by_role("button", name="Add the closure").click()
    expect(page.get_by_text("Staff retreat")).to_be_visible()
    axe(page, "office settings")
    page.screenshot(path=str(shots / "office-settings.png"), full_page=True)

    page.goto(f"{live_server.url}/scheduling/calendar/?view=week&day={closed.isoformat()}")
    expect(page.locator(".calendar-closure")).to_contain_text("Staff retreat")
    expect(page.locator(".calendar-column--closed")).to_have_count(1)
    axe(page, "calendar with a closure")
    page.screenshot(path=str(shots / "calendar-closure.png"), full_page=True)
