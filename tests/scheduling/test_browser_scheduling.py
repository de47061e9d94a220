"""The front desk books a client's request in a real browser, and the client sees it."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from intake.models import Intake
from scheduling.models import Appointment, AppointmentRequest, Modality
from scheduling.slots import PRACTICE_ZONE
from tests.intake.factories import IntakeFactory
from tests.portal.factories import DEFAULT_PASSWORD, totp_code
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    OfficeFactory,
    TherapistProfileFactory,
    WeeklyAvailabilityFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user, axe, *, mfa=False):
    page.goto(f"{live_server.url}/accounts/login/")
    axe(page, "sign-in")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if mfa:
        expect(page).to_have_url(re.compile("/accounts/2fa/"))
        axe(page, "two-factor code")
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name=re.compile("Sign In|Continue|Verify", re.I)).click()


@pytest.fixture
def open_request(client_user, therapist):
    IntakeFactory(
        client=client_user,
        status=Intake.Status.SUBMITTED,
        submitted_at=timezone.now(),
        preferred_name="Hope",
        may_email=True,
        may_text=False,
    )
    TherapistProfileFactory(user=therapist, video_link="https://video.example/room/7")
    OfficeFactory()
    for weekday in range(7):
        WeeklyAvailabilityFactory(
            therapist=therapist,
            weekday=weekday,
            modality=Modality.IN_PERSON,
            start_time=dt.time(9),
            end_time=dt.time(13),
            valid_from=timezone.localdate(),
        )
    return AppointmentRequestFactory(
        client=client_user,
        modality=AppointmentRequest.ModalityPreference.IN_PERSON,
        windows=[{"parts": ["morning"]}],
        earliest_date=timezone.localdate(),
    )


def test_front_desk_books_a_request_and_the_client_sees_it(
    page, browser, live_server, front_desk, client_user, open_request, viewport, axe
):
    shots = viewport["shots"]
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _sign_in(page, live_server, front_desk, axe, mfa=True)
    expect(page).not_to_have_url(re.compile("/accounts/"))
    axe(page, "front-desk home")

    page.goto(f"{live_server.url}/scheduling/desk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Appointment requests")
    expect(page.locator(".queue-item")).to_have_count(1)
    axe(page, "front-desk queue")
    page.screenshot(path=shots / "scheduling-queue.png", full_page=True)

    page.get_by_role("link", name="Find a time").click()
    expect(page.get_by_role("heading", name="Best free times (next four weeks)")).to_be_visible()
    axe(page, "request page")
    page.screenshot(path=shots / "scheduling-request.png", full_page=True)
    first_slot = page.locator(".slot").first
    chosen = first_slot.locator(".slot__when").inner_text()
    first_slot.get_by_role("button", name="Book").click()

    expect(page.locator(".message")).to_contain_text("Booked")
    axe(page, "booked")
    page.screenshot(path=shots / "scheduling-booked.png", full_page=True)
    appointment = Appointment.objects.get()
    assert appointment.client == client_user
    assert appointment.booked_by == front_desk
    open_request.refresh_from_db()
    assert open_request.status == AppointmentRequest.Status.BOOKED
    local = appointment.start.astimezone(PRACTICE_ZONE)
    assert local.strftime("%a %b %-d") in chosen
    assert [m.subject for m in mail.outbox] == ["Your appointment is booked"]

    context = browser.new_context(viewport=viewport["size"])
    client_page = context.new_page()
    client_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _sign_in(client_page, live_server, client_user, axe)
    expect(client_page).not_to_have_url(re.compile("/accounts/"))
    axe(client_page, "client home")
    client_page.goto(f"{live_server.url}/scheduling/")
    card = client_page.locator(".appointment-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(local.strftime("%A, %B %-d"))
    expect(card).to_contain_text(local.strftime("%-I:%M %p"))
    expect(card).to_contain_text("In person")
    axe(client_page, "client appointments")
    client_page.screenshot(path=shots / "scheduling-client-appointments.png", full_page=True)
    context.close()
    assert [e for e in errors if "Content Security Policy" in e] == []
