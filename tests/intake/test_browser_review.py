"""The therapist review in a real browser: sign in with MFA, urgent intake first, acknowledge
the flag, download the PDF, accept the intake."""

import re

import pytest
from playwright.sync_api import expect

from intake.models import Intake, RiskFlag
from portal.models import AuditEvent
from tests.intake.factories_review import ASQ_ACUTE, answer, raise_flag, sent_intake
from tests.portal.factories import DEFAULT_PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def totp_now() -> str:
    return totp_code()


def _sign_in_with_mfa(page, live_server, user, axe):
    page.goto(f"{live_server.url}/accounts/login/")
    axe(page, "sign-in")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile("/accounts/2fa/authenticate/"))
    axe(page, "two-factor code")
    page.locator("input[name=code]").fill(totp_now())
    page.locator("main form button[type=submit]").first.click()


def test_therapist_reviews_the_urgent_intake_first(page, live_server, therapist, viewport, axe):
    shots = viewport["shots"]
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sent_intake(legal_name="Beatrice Lang", services=["postpartum_depression"])
    urgent = sent_intake(legal_name="Alma Reyes", services=["loss_counseling"])
    answer(urgent, "asq", ASQ_ACUTE)
    flag = raise_flag(urgent, "urgent")

    _sign_in_with_mfa(page, live_server, therapist, axe)
    header = page.locator(".site-header")
    expect(header.get_by_role("link", name="1 urgent intake with a flag to acknowledge")).to_be_visible()
    axe(page, "staff home")

    header.get_by_role("link", name="Intake queue").click()
    first_row = page.locator("table.review-queue tbody tr").first
    expect(first_row).to_contain_text("Alma Reyes")
    expect(first_row).to_contain_text("Urgent")
    axe(page, "review queue")
    page.screenshot(path=shots / "review-queue.png", full_page=True)
    first_row.get_by_role("link", name="Alma Reyes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Alma Reyes")
    axe(page, "intake detail")
    safety = page.locator("#safety")
    expect(safety).to_contain_text("Are you having thoughts of killing yourself right now?")
    safety.get_by_label("What was done").select_option("called_client")
    safety.get_by_label("Note").fill("Called at 2pm; safety plan made; session tomorrow.")
    safety.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".messages")).to_contain_text("Flag acknowledged.")
    expect(page.locator("#safety")).to_contain_text("Acknowledged by Stephanie Poole")
    expect(header.get_by_role("link", name="0 urgent intakes with flags to acknowledge")).to_be_visible()
    axe(page, "intake detail, flag acknowledged")

    pdf_link = page.get_by_role("link", name="Download the PDF summary")
    with page.expect_download() as download_info:
        pdf_link.click()
    assert download_info.value.suggested_filename.endswith(".pdf")
    pdf = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment")
    assert "no-store" in pdf.headers["cache-control"]
    assert pdf.body().startswith(b"%PDF")

    decision = page.locator("#actions")
    decision.get_by_label("Start the review").check()
    decision.get_by_role("button", name="Save decision").click()
    expect(page.locator(".messages")).to_contain_text("Being reviewed")
    decision.get_by_label("Accept: ready for scheduling").check()
    decision.get_by_role("button", name="Save decision").click()
    expect(page.locator(".messages")).to_contain_text("Accepted")
    axe(page, "intake detail, accepted")
    page.screenshot(path=shots / "review-detail.png", full_page=True)

    urgent.refresh_from_db()
    assert urgent.status == Intake.Status.ACCEPTED
    assert RiskFlag.objects.get(pk=flag.pk).acknowledged_by == therapist
    assert AuditEvent.objects.filter(actor=therapist, action="download", client=urgent.client).exists()
    assert [e for e in errors if "Content Security Policy" in e] == []
