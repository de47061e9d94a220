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
