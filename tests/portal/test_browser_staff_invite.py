"""An invited staff member's first visit in a real browser: the link, her own password, her
authenticator app, then the staff home."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.services import staff_invite, staff_invite_send
from tests.portal.factories import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Willow-bark-harbour-73"


def test_invited_staff_member_chooses_her_password_enrols_and_reaches_the_staff_home(
    page, live_server, practice, practice_admin, settings, screenshot_dir, axe
):
    settings.SITE_URL = live_server.url
    user = staff_invite(
        email="alex@practice.example", full_name="Alex Moreno", role="therapist", actor=practice_admin
    )
    staff_invite_send(user=user, actor=practice_admin)
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    axe(page, "invitation: choose a password")
    page.get_by_label("New password", exact=True).fill("a")
    page.get_by_label("New password again").fill("a")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_text("too short").first).to_be_visible()
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password again").fill(PASSWORD)
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new password is saved")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # allauth asks for the password again (a fresh confirmation) before any change to MFA.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile("/accounts/2fa/totp/activate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    axe(page, "invitation: set up two-step sign-in")
    page.screenshot(path=screenshot_dir / "staff-invite-enrol.png", full_page=True)

    page.goto(f"{live_server.url}/staff/")  # no staff page before enrolling
    expect(page).to_have_url(re.compile("/accounts/2fa/totp/activate/"))
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Six-digit code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")

    page.goto(f"{live_server.url}/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alex")
