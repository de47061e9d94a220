"""One continuous journey across all three roles in a real browser (issue 8).

A new client signs up and confirms her email, fills the whole intake (a self-harm answer shows
the crisis resources at once), loses her browser half-way and finds every answer kept, signs
the agreements, sends the intake and asks for an appointment. A therapist signs in with two-step
sign-in, finds her intake at the top of the queue, acknowledges the flag, reads the PDF summary
and accepts her. The front desk books the first suggested time, and the client sees it, with a
calendar file in a confirmation email that says nothing clinical.

Every page is checked with axe-core; screenshots of each step are kept under
test-artifacts/screenshots/[phone/]cross-role/ for people to look at.
"""

import datetime as dt
import re
import subprocess
import time

import icalendar
import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from intake.models import Intake, PregnancyEntry, RiskFlag
from intake.risk_rules import RiskLevel
from portal.models import User
from scheduling.message_content import forbidden_words_in
from scheduling.models import Appointment, AppointmentRequest, Modality
from scheduling.slots import MORNING, PRACTICE_ZONE
from tests.intake.factories_review import sent_intake
from tests.portal.factories import DEFAULT_PASSWORD, totp_code
from tests.scheduling.factories import OfficeFactory, TherapistProfileFactory, WeeklyAvailabilityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "rosa.alvarez@example.com"
LEGAL_NAME = "Rosalind Maria Alvarez"
OTHER_CLIENT = "Beatrice Lang"
PHQ9_ITEM_9 = "Thoughts that you would be better off dead or of hurting yourself in some way"
SUPPORTERS = "My sister Ana, and my partner"
PREGNANCIES = [
    # outcome, month label, year, weeks, complication
    ("miscarriage", "March", "2023", "9", "surgery"),
    ("ectopic", "October", "2024", "7", "emergency"),
    ("live_birth", "June", "2025", "39", "nicu"),
]
BOOKED_SUBJECT = "Your appointment is booked"
# intake.js waits 800 ms after the last change before saving; this leaves it room to be late.
AUTOSAVE_QUIET = 1.5


# --- Helpers


class Journey:
    """What every page of the journey shares: where screenshots go, console errors, axe."""

    def __init__(self, *, browser, live_server, viewport, axe):
        self.browser = browser
        self.url = live_server.url
        self.size = viewport["size"]
        self.shots = viewport["shots"] / "cross-role"
        self.shots.mkdir(exist_ok=True)
        self.axe = axe
        self.console_errors: list[str] = []
        self.autosaves_in_flight = 0
        self.last_autosave_at = 0.0

    def watch(self, page):
        page.on("console", lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("request", self._autosave_started)
        page.on("requestfinished", self._autosave_ended)
        page.on("requestfailed", self._autosave_ended)
        return page

    def _autosave_started(self, request) -> None:
        if _is_autosave(request):
            self.autosaves_in_flight += 1
            self.last_autosave_at = time.monotonic()

    def _autosave_ended(self, request) -> None:
        if _is_autosave(request):
            self.autosaves_in_flight -= 1
            self.last_autosave_at = time.monotonic()

    def let_autosave_finish(self, page) -> None:
        """Wait until every answer typed or ticked so far has been autosaved.

        intake.js saves each answer 800 ms after it last changed. Posting the step while
        a save is still on its way would make two requests write at once, which the in-memory
        SQLite of the test server answers with "database table is locked" (PostgreSQL would
        not mind). So: no save in flight, and none started or answered for AUTOSAVE_QUIET.
        """
        quiet_since = time.monotonic()
        deadline = quiet_since + 15
        while time.monotonic() < deadline:
            quiet_since = max(quiet_since, self.last_autosave_at)
            if not self.autosaves_in_flight and time.monotonic() - quiet_since > AUTOSAVE_QUIET:
                return
            page.wait_for_timeout(100)
        raise AssertionError(f"autosave still busy: {self.autosaves_in_flight} in flight")

    def new_page(self):
        """A page in a fresh browser context (no cookies), at the journey's screen size."""
        return self.watch(self.browser.new_context(viewport=self.size).new_page())

    def check(self, page, where: str, shot: str | None = None) -> None:
        self.axe(page, where)
        if shot:
            page.screenshot(path=self.shots / f"{shot}.png", full_page=True)


def _h1(page):
    return page.get_by_role("heading", level=1)


def _next(journey, page):
    if page.locator("form[data-autosave-url]").count():
        journey.let_autosave_finish(page)
    page.get_by_role("button", name="Save and continue").click()


def _totp_now() -> str:
    """The current code; allauth accepts only this period's (no tolerance), so a code that
    would expire while the form is in flight is not sent: wait for the next period instead."""
    return totp_code()


def _sign_in(journey: Journey, page, email: str, *, mfa: bool = False) -> None:
    """Sign in and wait for the home page the person lands on (staff and clients differ)."""
    page.goto(f"{journey.url}/accounts/login/")
    journey.check(page, "sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if mfa:
        expect(page).to_have_url(re.compile("/accounts/2fa/authenticate/"))
        journey.check(page, "two-factor code")
        page.locator("input[name=code]").fill(_totp_now())
        page.locator("main form button[type=submit]").first.click()
    # /home/ redirects on by role: wait for the end of it, so the next step starts from rest.
    expect(page).to_have_url(re.compile("/staff/$" if mfa else "/welcome/$"))
    page.wait_for_load_state()


def _is_autosave(request) -> bool:
    return request.url.endswith("/intake/autosave/") and request.method == "POST"


def _autosave_response(response) -> bool:
    return _is_autosave(response.request)


def _pdf_text(pdf: bytes) -> str:
    extracted = subprocess.run(  # noqa: S603 - a fixed command on bytes the test made
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(extracted.stdout.decode().split())


def _attachment_bytes(content) -> bytes:
    return content if isinstance(content, bytes) else content.encode()


def _all_text(message) -> str:
    parts = [message.subject, message.body, *(content for content, _ in message.alternatives)]
    parts += [_attachment_bytes(a[1]).decode() for a in message.attachments]
    return "\n".join(parts)


@pytest.fixture
def therapist_hours(therapist):
    """In-person mornings every day from today, at the Denver office."""
    TherapistProfileFactory(user=therapist)
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


# --- The client: sign-up and the intake


def _sign_up(journey: Journey, page) -> None:
    page.goto(journey.url + "/")
    journey.check(page, "landing", "01-landing")
    page.locator(".hero").get_by_role("link", name="Begin your intake").click()
    expect(_h1(page)).to_have_text("Create your account")
    journey.check(page, "sign-up")
    page.fill("[name=email]", EMAIL)
    page.fill("[name=password1]", DEFAULT_PASSWORD)
    page.fill("[name=password2]", DEFAULT_PASSWORD)
    page.screenshot(path=journey.shots / "02-sign-up.png", full_page=True)
    page.get_by_role("button", name="Create account").click()
    expect(_h1(page)).to_have_text("Please check your email")
    journey.check(page, "verification sent")

    # The live server runs in this process, so its locmem outbox is ours to read.
    (message,) = [m for m in mail.outbox if m.to == [EMAIL]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    assert link.startswith(journey.url)
    page.goto(link)
    expect(_h1(page)).to_have_text("Confirm your email address")
    journey.check(page, "confirm email")
    page.get_by_role("button", name="Yes, this is my address").click()

    expect(page).to_have_url(re.compile("/welcome/$"))
    expect(page.get_by_role("link", name="Begin your intake")).to_be_visible()
    journey.check(page, "client home", "03-client-home")
    user = User.objects.get(email=EMAIL)
    assert user.role == User.Role.CLIENT
    assert EmailAddress.objects.get(user=user).verified


def _intake_first_steps(journey: Journey, page) -> None:
    page.get_by_role("link", name="Begin your intake").click()

    expect(_h1(page)).to_have_text("About you")
    journey.check(page, "step 1")
    page.fill("[name=legal_name]", LEGAL_NAME)
    page.fill("[name=preferred_name]", "Rosa")
    page.fill("[name=date_of_birth]", "1991-08-23")
    page.fill("[name=phone]", "(720) 555-0147")
    page.fill("[name=address_line]", "2100 Downing Street")
    page.fill("[name=city]", "Denver")
    page.fill("[name=state]", "CO")
    page.fill("[name=postal_code]", "80205")
    page.fill("[name=emergency_contact_name]", "Ana Alvarez")
    page.fill("[name=emergency_contact_phone]", "(720) 555-0148")
    for name, value in (("may_email", "True"), ("may_text", "False"), ("may_voicemail", "True")):
        page.check(f"input[name={name}][value={value}]")
    page.screenshot(path=journey.shots / "04-about.png", full_page=True)
    _next(journey, page)

    expect(_h1(page)).to_have_text("What brings you here")
    journey.check(page, "step 2")
    page.check("input[name=services][value=loss_counseling]")
    page.check("input[name=modality][value=in_person]")
    page.fill("[name=hopes]", "To sleep again, and to stop bracing for bad news.")
    _next(journey, page)

    expect(_h1(page)).to_have_text("Your pregnancies")
    journey.check(page, "step 3")
    for outcome, month, year, weeks, complication in PREGNANCIES:
        page.get_by_role("link", name="Add a pregnancy").click()
        journey.check(page, f"add a pregnancy ({outcome})")
        page.check(f"input[name=outcome][value={outcome}]")
        page.select_option("[name=month]", label=month)
        page.fill("[name=year]", year)
        page.fill("[name=weeks]", weeks)
        page.check(f"input[name=complications][value={complication}]")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(_h1(page)).to_have_text("Your pregnancies")
    journey.check(page, "step 3 with three pregnancies", "05-pregnancies")
    _next(journey, page)

    expect(_h1(page)).to_have_text("How you have been feeling")
    journey.check(page, "step 4")
    page.check("input[name=symptoms][value=sadness]")
    page.check("input[name=symptoms][value=anxiety]")
    page.check("input[name=impact_work][value='6']")
    _next(journey, page)


def _answer_on_its_screen(journey: Journey, page, name: str, value: str) -> None:
    """Step 5 asks one questionnaire (or part of a long one) per screen: on to the screen
    that holds the question, then answer it."""
    while not page.locator(f"input[name={name}]").count():
        _next(journey, page)
    page.check(f"input[name={name}][value='{value}']")


def _questionnaires_with_a_self_harm_answer(journey: Journey, page) -> None:
    expect(_h1(page)).to_have_text("Short questionnaires")
    journey.check(page, "step 5")
    panel = page.locator('[data-safety-panel="high"]')
    expect(panel).to_be_hidden()
    for item in range(1, 9):
        _answer_on_its_screen(journey, page, f"q-phq9-{item}", "1")
    journey.let_autosave_finish(page)
    _answer_on_its_screen(journey, page, "q-phq9-9", "1")

    # The crisis resources appear on this same page as soon as the answer is saved.
    expect(panel).to_be_visible(timeout=10_000)
    expect(panel.get_by_role("link", name="988 Suicide & Crisis Lifeline")).to_be_visible()
    assert "/intake/step/5/" in page.url
    page.screenshot(path=journey.shots / "06-crisis-resources.png", full_page=False)
    journey.check(page, "step 5 with the crisis resources")
    intake = Intake.objects.get(client__email=EMAIL)
    assert intake.risk_level == RiskLevel.HIGH
    assert RiskFlag.objects.filter(intake=intake, level=RiskLevel.HIGH).exists()

    for item in range(1, 8):
        _answer_on_its_screen(journey, page, f"q-gad7-{item}", "1")
    while _h1(page).inner_text() == "Short questionnaires":
        _next(journey, page)

    expect(_h1(page)).to_have_text("Your health")
    journey.check(page, "step 6")
    page.fill("[name=medications]", "Sertraline 50 mg")
    _next(journey, page)


def _leave_mid_step(journey: Journey, page) -> None:
    """Type on the support step, wait for the autosave, then lose the browser."""
    expect(_h1(page)).to_have_text("Your support")
    journey.check(page, "step 7")
    indicator = page.locator("[data-saved-indicator]")
    with page.expect_response(_autosave_response) as saved:
        page.fill("[name=supporters]", SUPPORTERS)
    assert saved.value.json()["saved"] is True
    # "Saving…" until the answer is stored; then the time it was saved.
    expect(indicator).to_have_text(re.compile(r"^Last saved at \d{2}:\d{2}$"))
    page.screenshot(path=journey.shots / "07-support-autosaved.png", full_page=True)
    page.context.close()


def _everything_was_kept(journey: Journey, page) -> None:
    _sign_in(journey, page, EMAIL)
    journey.check(page, "client home, intake in progress")
    page.get_by_role("link", name="Continue your intake").click()
    expect(_h1(page)).to_have_text("Your support")
    expect(page.locator("[name=supporters]")).to_have_value(SUPPORTERS)
    journey.check(page, "step 7 after signing in again", "08-support-kept")

    page.goto(f"{journey.url}/intake/step/1/")
    expect(page.locator("[name=legal_name]")).to_have_value(LEGAL_NAME)
    expect(page.locator("[name=date_of_birth]")).to_have_value("1991-08-23")
    expect(page.locator("[name=phone]")).to_have_value("(720) 555-0147")
    journey.check(page, "step 1 kept")
    page.goto(f"{journey.url}/intake/step/2/")
    expect(page.locator("input[name=services][value=loss_counseling]")).to_be_checked()
    expect(page.locator("input[name=modality][value=in_person]")).to_be_checked()
    journey.check(page, "step 2 kept")
    page.goto(f"{journey.url}/intake/step/3/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your pregnancies")
    journey.check(page, "step 3 kept")
    page.goto(f"{journey.url}/intake/step/5/?question=q-phq9-9")
    expect(page.locator("input[name=q-phq9-9][value='1']")).to_be_checked()
    # Rendered by the server this time: the same-day level stays until a therapist acts,
    # as a short strip of the most direct lines once the full panel has been seen.
    expect(page.locator("[data-safety-compact]")).to_be_visible()
    expect(page.locator("[data-safety-compact]").get_by_role("link", name="Call 988")).to_be_visible()
    journey.check(page, "step 5 kept")
    page.goto(f"{journey.url}/intake/step/6/")
    expect(page.locator("[name=medications]")).to_have_value("Sertraline 50 mg")
    journey.check(page, "step 6 kept")
    assert PregnancyEntry.objects.filter(intake__client__email=EMAIL).count() == len(PREGNANCIES)


def _sign_and_send(journey: Journey, page) -> None:
    page.goto(f"{journey.url}/intake/step/7/")
    _next(journey, page)
    expect(_h1(page)).to_have_text("Appointment preferences")
    journey.check(page, "step 8")
    page.fill("[name=appointment_preferences]", "Mornings before 11 suit me best")
    _next(journey, page)

    expect(_h1(page)).to_have_text("Paying for sessions")
    journey.check(page, "step 9")
    page.get_by_label("I'd like to talk about this first").check()
    _next(journey, page)

    expect(_h1(page)).to_have_text("Agreements")
    journey.check(page, "step 10")
    boxes = page.locator("input[name=read]")
    expect(boxes.first).to_be_visible()
    for box in boxes.all():
        box.check()
    page.get_by_label("Type your full name to sign").fill(LEGAL_NAME.lower())
    page.get_by_role("button", name="Sign these").click()
    expect(page.get_by_text("You have signed every agreement.")).to_be_visible()
    journey.check(page, "step 10 signed", "10-agreements")
    page.get_by_role("button", name="Save and review").click()

    expect(_h1(page)).to_have_text("Review and send")
    expect(page.get_by_text(LEGAL_NAME).first).to_be_visible()
    journey.check(page, "review", "10-review")
    page.get_by_role("button", name="Send my intake").click()
    expect(_h1(page)).to_have_text("Your intake")
    expect(page.get_by_text("Your intake is with the practice now")).to_be_visible()
    journey.check(page, "sent", "11-sent")
    intake = Intake.objects.get(client__email=EMAIL)
    assert intake.status == Intake.Status.SUBMITTED
    assert intake.risk_level == RiskLevel.HIGH


def _ask_for_an_appointment(journey: Journey, page) -> AppointmentRequest:
    page.goto(f"{journey.url}/home/")
    journey.check(page, "client home, intake sent")
    page.get_by_role("link", name="Ask for an appointment").click()
    expect(_h1(page)).to_have_text("Ask for an appointment")
    journey.check(page, "appointment request form")
    # Filled in from the intake: the first consultation, in person.
    expect(page.locator("input[name=session_type]:checked")).to_have_count(1)
    expect(page.locator("input[name=modality][value=in_person]")).to_be_checked()
    page.check(f"input[name=parts][value={MORNING}]")
    page.screenshot(path=journey.shots / "12-request-form.png", full_page=True)
    page.get_by_role("button", name="Check my request").click()
    # A summary to confirm before anything is sent.
    expect(_h1(page)).to_have_text("Check your request")
    journey.check(page, "appointment request summary")
    page.get_by_role("button", name="Send my request").click()

    expect(page.locator(".messages")).to_contain_text("We have your request")
    journey.check(page, "appointments with the request", "13-request-sent")
    request = AppointmentRequest.objects.get(client__email=EMAIL)
    assert request.status == AppointmentRequest.Status.OPEN
    assert request.modality == AppointmentRequest.ModalityPreference.IN_PERSON
    assert request.windows == [{"parts": [MORNING]}]
    return request


# --- The therapist


def _therapist_review(journey: Journey, page, therapist) -> None:
    _sign_in(journey, page, therapist.email, mfa=True)
    journey.check(page, "staff home")
    page.locator(".site-header").get_by_role("link", name="Intake queue").click()

    rows = page.locator("table.review-queue tbody tr")
    expect(rows.first).to_contain_text(LEGAL_NAME)
    expect(rows.first).to_contain_text("High")
    expect(rows.nth(1)).to_contain_text(OTHER_CLIENT)
    journey.check(page, "review queue", "14-review-queue")
    rows.first.get_by_role("link", name=LEGAL_NAME).click()

    expect(_h1(page)).to_have_text(LEGAL_NAME)
    journey.check(page, "intake detail")
    safety = page.locator("#safety")
    expect(safety).to_contain_text(PHQ9_ITEM_9)
    safety.get_by_label("What was done").select_option("called_client")
    safety.get_by_label("Note").fill("Called her at 2pm; she is safe, and has a session this week.")
    safety.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".messages")).to_contain_text("Flag acknowledged.")
    expect(page.locator("#safety")).to_contain_text(f"Acknowledged by {therapist.full_name}")
    journey.check(page, "intake detail, flag acknowledged")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF summary").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert LEGAL_NAME in text
    assert "PHQ-9" in text
    assert "better off dead" in text

    decision = page.locator("#actions")
    decision.get_by_label("Start the review").check()
    decision.get_by_role("button", name="Save decision").click()
    expect(page.locator(".messages")).to_contain_text("Being reviewed")
    decision.get_by_label("Accept: ready for scheduling").check()
    decision.get_by_role("button", name="Save decision").click()
    expect(page.locator(".messages")).to_contain_text("Accepted")
    journey.check(page, "intake detail, accepted", "15-review-accepted")

    intake = Intake.objects.get(client__email=EMAIL)
    assert intake.status == Intake.Status.ACCEPTED
    flag = RiskFlag.objects.get(intake=intake)
    assert flag.acknowledged_by == therapist


# --- The front desk


def _front_desk_books(journey: Journey, page, front_desk, request: AppointmentRequest) -> Appointment:
    _sign_in(journey, page, front_desk.email, mfa=True)
    journey.check(page, "front-desk home")
    page.goto(f"{journey.url}/scheduling/desk/")
    expect(_h1(page)).to_have_text("Appointment requests")
    item = page.locator(f'.queue-item[data-request="{request.pk}"]')
    expect(item).to_be_visible()
    journey.check(page, "front-desk queue", "16-desk-queue")
    item.get_by_role("link", name="Find a time").click()

    suggestions = page.get_by_role("heading", name=re.compile("Best free times in her days and times"))
    expect(suggestions).to_be_visible()
    journey.check(page, "request page", "17-desk-request")
    first = page.locator(".slot").first
    day = first.locator("input[name=day]").input_value()
    start_time = first.locator("input[name=start_time]").input_value()
    first.get_by_role("button", name="Book").click()

    expect(_h1(page)).to_have_text("Check before booking")
    journey.check(page, "booking summary", "18-desk-confirm")
    page.get_by_role("button", name="Book and send").click()
    expect(page.locator(".message")).to_contain_text("Booked")
    journey.check(page, "booked", "18-desk-booked")
    appointment = Appointment.objects.get(client__email=EMAIL)
    local = appointment.start.astimezone(PRACTICE_ZONE)
    assert (local.strftime("%Y-%m-%d"), local.strftime("%H:%M")) == (day, start_time)
    assert local.date() >= request.earliest_date
    assert dt.time(8) <= local.time() < dt.time(12)  # the mornings she asked for
    assert appointment.modality == Modality.IN_PERSON
    assert appointment.booked_by == front_desk
    request.refresh_from_db()
    assert request.status == AppointmentRequest.Status.BOOKED
    return appointment


# --- The client again


def _client_sees_it(journey: Journey, page, appointment: Appointment) -> None:
    local = appointment.start.astimezone(PRACTICE_ZONE)
    page.goto(f"{journey.url}/scheduling/")
    card = page.locator(".appointment-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(local.strftime("%A, %B %-d"))
    expect(card).to_contain_text(local.strftime("%-I:%M %p"))
    expect(card).to_contain_text("In person")
    journey.check(page, "client appointments", "19-client-appointments")

    (message,) = [m for m in mail.outbox if m.to == [EMAIL] and m.subject == BOOKED_SUBJECT]
    assert forbidden_words_in(_all_text(message)) == []
    (ics,) = [a for a in message.attachments if a[0].endswith(".ics")]
    calendar = icalendar.Calendar.from_ical(_attachment_bytes(ics[1]))
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == appointment.start


def test_a_new_client_the_therapist_and_the_front_desk_share_one_journey(
    page, browser, live_server, practice, therapist, front_desk, therapist_hours, viewport, axe
):
    journey = Journey(browser=browser, live_server=live_server, viewport=viewport, axe=axe)
    # Someone else is waiting, longer but at a lower level, so "first in the queue" means something.
    sent_intake(legal_name=OTHER_CLIENT, risk_level="elevated", waiting=dt.timedelta(days=3))

    client_page = journey.new_page()
    _sign_up(journey, client_page)
    _intake_first_steps(journey, client_page)
    _questionnaires_with_a_self_harm_answer(journey, client_page)
    _leave_mid_step(journey, client_page)

    client_page = journey.new_page()
    _everything_was_kept(journey, client_page)
    _sign_and_send(journey, client_page)
    request = _ask_for_an_appointment(journey, client_page)

    _therapist_review(journey, journey.watch(page), therapist)

    desk_page = journey.new_page()
    appointment = _front_desk_books(journey, desk_page, front_desk, request)
    desk_page.context.close()

    _client_sees_it(journey, client_page, appointment)
    client_page.context.close()
    assert [e for e in journey.console_errors if "Content Security Policy" in e] == []
