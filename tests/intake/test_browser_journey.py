"""A whole intake in a real browser: two losses and a live birth, every step, signed and sent.

Each page is checked with axe-core, and screenshots of each step are kept under
test-artifacts/screenshots/ for people to look at.
"""

import pytest
from playwright.sync_api import expect

from intake.models import ConsentSignature, Intake, PregnancyEntry, QuestionnaireResponse
from intake.selectors import intake_history_summary, questionnaires_offered
from intake.steps import STEPS
from tests.portal.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PREGNANCIES = [
    # outcome, month label, year, weeks, complication
    ("miscarriage", "March", "2023", "9", "surgery"),
    ("ectopic", "October", "2024", "7", "emergency"),
    ("live_birth", "June", "2025", "39", "nicu"),
]


# On a phone, the longest questionnaire screen stays a short page.
PHONE_SCREEN_MAX_HEIGHT = 3500


def _next(page):
    page.get_by_role("button", name="Save and continue").click()


def _height(page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def _progress_says(page, position: int, title: str) -> None:
    expect(page.locator("[data-progress-now]")).to_have_text(f"Step {position} of {len(STEPS)} - {title}")


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_a_client_completes_the_whole_intake_with_two_losses_and_a_live_birth(
    page, live_server, client_user, practice, viewport, axe
):
    shots = viewport["shots"] / "journey"
    shots.mkdir(exist_ok=True)
    _sign_in(page, live_server, client_user)
    expect(page.get_by_role("link", name="Begin your intake")).to_be_visible()
    axe(page, "client home")
    page.get_by_role("link", name="Begin your intake").click()

    # 1. About you
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    axe(page, "step 1")
    page.fill("[name=legal_name]", "Hope Marie Rivera")
    page.fill("[name=preferred_name]", "Hope")
    page.fill("[name=date_of_birth]", "1990-05-17")
    page.fill("[name=phone]", "(720) 555-0199")
    page.fill("[name=address_line]", "1234 Pearl Street")
    page.fill("[name=city]", "Denver")
    page.fill("[name=state]", "CO")
    page.fill("[name=postal_code]", "80203")
    page.fill("[name=emergency_contact_name]", "Sam Rivera")
    page.fill("[name=emergency_contact_phone]", "(720) 555-0100")
    for name, value in (("may_email", "True"), ("may_text", "False"), ("may_voicemail", "True")):
        page.check(f"input[name={name}][value={value}]")
    page.screenshot(path=shots / "01-about.png", full_page=True)
    _progress_says(page, 1, "About you")
    # Lower down the long first step, the save status is still in view.
    page.locator("[name=heard_about_detail]").scroll_into_view_if_needed()
    expect(page.locator("[data-saved-indicator]")).to_contain_text("Last saved at")
    expect(page.locator("[data-saved-indicator]")).to_be_in_viewport()
    _next(page)

    # The progress list says, in words, what is done and where she is.
    _progress_says(page, 2, "What brings you here")
    # Folded on a phone (a tap opens it), open on a wide screen.
    opened = page.locator("[data-progress-details]").evaluate("d => d.open")
    assert opened is (viewport["size"]["width"] > 400)
    if not opened:
        page.locator(".intake-progress__summary").click()
    steps = page.locator(".intake-progress__list li")
    expect(steps.nth(0)).to_have_attribute("data-step-state", "done")
    expect(steps.nth(0)).to_contain_text("Done")
    expect(steps.nth(1)).to_have_attribute("aria-current", "step")
    expect(steps.nth(1)).to_contain_text("You are here")
    expect(steps.nth(2)).to_contain_text("Not started")
    page.screenshot(path=shots / "02-progress.png")

    # 2. What brings you here
    axe(page, "step 2")
    page.check("input[name=services][value=loss_counseling]")
    page.check("input[name=modality][value=in_person]")
    page.fill("[name=hopes]", "To feel like myself again, and to stop dreading the next appointment.")
    _next(page)

    # 3. Pregnancies: two losses and a live birth, each through its own small form
    axe(page, "step 3")
    for outcome, month, year, weeks, complication in PREGNANCIES:
        page.get_by_role("link", name="Add a pregnancy").click()
        page.check(f"input[name=outcome][value={outcome}]")
        page.select_option("[name=month]", label=month)
        page.fill("[name=year]", year)
        page.fill("[name=weeks]", weeks)
        page.check(f"input[name=complications][value={complication}]")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your pregnancies")
    page.screenshot(path=shots / "03-pregnancies.png", full_page=True)
    _next(page)

    # 4. How you have been feeling
    axe(page, "step 4")
    page.check("input[name=symptoms][value=sadness]")
    page.check("input[name=symptoms][value=anxiety]")
    page.check("input[name=impact_work][value='6']")
    _next(page)

    # 5. Questionnaires, one per screen (a long one over a few): a few answers, one "prefer
    # not to answer"; every screen measured.
    heights = []
    offered = len(questionnaires_offered())
    for screen in range(1, 20):
        _progress_says(page, 5, "Short questionnaires")
        expect(page.locator("[data-part-count]")).to_contain_text(f" of {offered}")
        axe(page, f"step 5, screen {screen}")
        for name, value in (
            *((f"q-phq9-{i}", "1") for i in range(1, 9)),
            ("q-phq9-9", "0"),
            ("q-gad7-1", "decline"),
        ):
            if page.locator(f"input[name={name}]").count():
                page.check(f"input[name={name}][value='{value}']")
        heights.append(_height(page))
        page.screenshot(path=shots / f"05-{screen}.png", full_page=True)
        _next(page)
        if "Short questionnaires" not in page.locator("[data-progress-now]").inner_text():
            break
    if viewport["size"]["width"] <= 400:
        assert max(heights) < PHONE_SCREEN_MAX_HEIGHT, heights

    # 6-8. Health, support, appointment preferences
    axe(page, "step 6")
    page.fill("[name=medications]", "Sertraline 50 mg")
    _next(page)
    page.fill("[name=supporters]", "My sister and my partner")
    _next(page)
    page.fill("[name=appointment_preferences]", "Weekday mornings before 11")
    _next(page)

    # 9. Paying for sessions: self-pay, nothing more asked
    axe(page, "step 9")
    page.get_by_label("I will pay for sessions myself").check()
    _next(page)

    # 10. Agreements: each opened, read and ticked, then one signature for all
    axe(page, "step 10")
    for details in page.locator("details.agreement__details").all():
        details.locator("summary").click()
    for box in page.locator("input[name=read]").all():
        box.check()
    page.get_by_label("Type your full name to sign").fill("hope rivera")
    page.get_by_role("button", name="Sign these").click()
    expect(page.get_by_text("You have signed every agreement.")).to_be_visible()
    page.screenshot(path=shots / "09-agreements.png", full_page=True)
    page.get_by_role("button", name="Save and review").click()

    # Review, then send
    axe(page, "review")
    expect(page.get_by_text("Hope Marie Rivera").first).to_be_visible()
    page.get_by_role("button", name="Send my intake").click()
    expect(page.get_by_text("Your intake is with the practice now")).to_be_visible()
    page.screenshot(path=shots / "10-sent.png", full_page=True)
    axe(page, "sent")

    intake = Intake.objects.get(client=client_user)
    assert intake.status == Intake.Status.SUBMITTED
    assert intake.legal_name == "Hope Marie Rivera"
    assert sorted(PregnancyEntry.objects.filter(intake=intake).values_list("outcome", flat=True)) == [
        "ectopic",
        "live_birth",
        "miscarriage",
    ]
    summary = intake_history_summary(intake=intake)
    assert (summary["losses"], summary["live_births"]) == (2, 1)
    assert QuestionnaireResponse.objects.get(intake=intake, code="phq9").answers["9"] == 0
    assert QuestionnaireResponse.objects.get(intake=intake, code="gad7").answers["1"] is None
    assert ConsentSignature.objects.filter(intake=intake).count() >= 3
