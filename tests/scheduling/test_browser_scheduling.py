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
        status=Intake.Status.ACCEPTED,
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
    expect(
        page.get_by_role("heading", name=re.compile("Best free times in her days and times"))
    ).to_be_visible()
    axe(page, "request page")
    page.screenshot(path=shots / "scheduling-request.png", full_page=True)
    first_slot = page.locator(".slot").first
    chosen = first_slot.locator(".slot__when").inner_text()
    first_slot.get_by_role("button", name="Book").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check before booking")
    assert Appointment.objects.count() == 0
    axe(page, "booking summary")
    page.screenshot(path=shots / "scheduling-confirm.png", full_page=True)
    page.get_by_role("button", name="Book and send").click()

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


@pytest.fixture
def busy_week(client_user, second_client_user, therapist, practice_admin):
    """Two therapists' appointments this week, one client without an account name (her name
    is on her intake only), and an afternoon of time off."""
    from tests.portal.factories import StaffFactory, UserFactory
    from tests.scheduling.factories import AppointmentFactory, TimeOffFactory

    colleague = StaffFactory(
        email="maya@practice.example", full_name="Maya Herrera", role="therapist", mfa=False
    )
    nameless = UserFactory(email="hannah.a@example.com", full_name="")
    IntakeFactory(client=nameless, legal_name="Hannah Abbott")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday()) + dt.timedelta(days=7)

    def at(day, hour, minute=0):
        return dt.datetime.combine(
            monday + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=PRACTICE_ZONE
        )

    for who, with_, day, hour in [
        (client_user, therapist, 0, 9),
        (nameless, colleague, 0, 9),
        (second_client_user, therapist, 2, 14),
        (nameless, therapist, 3, 10),
    ]:
        AppointmentFactory(client=who, therapist=with_, start=at(day, hour), end=at(day, hour, 50))
    TimeOffFactory(therapist=colleague, start=at(1, 13), end=at(1, 17), reason="Dentist")
    return monday


def test_the_calendar_is_a_time_grid_with_client_names(
    page, live_server, front_desk, busy_week, viewport, axe
):
    shots = viewport["shots"]
    _sign_in(page, live_server, front_desk, axe, mfa=True)
    header = page.get_by_role("navigation", name="Main")
    expect(header.get_by_role("link", name="Requests")).to_be_visible()
    header.get_by_role("link", name="Calendar").click()
    page.goto(f"{live_server.url}/scheduling/calendar/?view=week&day={busy_week.isoformat()}")

    grid = page.locator("[data-calendar-grid]")
    expect(grid.get_by_role("heading", level=3)).to_have_count(7)
    expect(grid).to_contain_text("Hope Rivera")
    expect(grid).to_contain_text("Hannah Abbott")
    expect(grid).not_to_contain_text("@example.com")
    expect(grid).to_contain_text("Time off")
    expect(grid).not_to_contain_text("Dentist")
    expect(grid.locator(".calendar-hour").first).to_have_text("7 AM")
    # Two appointments at 9:00 on Monday sit side by side, not on top of each other.
    monday_nine = grid.locator(".calendar-column").first.locator(".calendar-event")
    expect(monday_nine).to_have_count(2)
    boxes = [monday_nine.nth(n).bounding_box() for n in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"]
    assert boxes[0]["x"] != boxes[1]["x"]
    axe(page, "calendar week")
    page.screenshot(path=shots / "scheduling-calendar-week.png", full_page=True)

    page.keyboard.press("Tab")
    first = grid.get_by_role("link").first
    first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Appointment for")
    expect(page.get_by_label("Therapist")).not_to_have_value("")

    page.goto(f"{live_server.url}/scheduling/calendar/?view=day&day={busy_week.isoformat()}")
    columns = page.locator(".calendar-column__title")
    expect(columns).to_have_count(2)
    expect(columns.first).to_have_text("Maya Herrera")
    axe(page, "calendar day")
    page.screenshot(path=shots / "scheduling-calendar-day.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=shots / "scheduling-calendar-print.png", full_page=True)
    expect(page.locator(".calendar-filter")).to_be_hidden()
