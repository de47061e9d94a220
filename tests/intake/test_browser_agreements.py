"""Signing the agreements on a phone (390x844): each opened and ticked, one signature, and a
wrong name answered beside the field, in view, with the ticks and the name kept."""

import pytest
from playwright.sync_api import expect

from intake.models import ConsentSignature, Intake
from intake.selectors import consent_documents_required
from intake.steps import AGREEMENTS
from tests.conftest import PHONE
from tests.portal.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _open_agreements(page, live_server, client) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(client.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/intake/step/{AGREEMENTS}/")


def _in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        selector,
    )


def test_one_signature_on_a_phone_keeps_the_ticks_and_shows_the_name_on_file(
    page, live_server, practice, axe, screenshot_dir
):
    page.set_viewport_size(PHONE)
    client = UserFactory(email="hannah@example.com", full_name="Hannah Ruth Alvarez")
    intake = Intake.objects.create(
        client=client,
        legal_name="Hannah Ruth Alvarez",
        preferred_name="Annie",
        modality=Intake.Modality.EITHER,
    )
    documents = consent_documents_required(intake=intake)
    _open_agreements(page, live_server, client)
    axe(page, "agreements")

    # Each agreement opens to be read, with its version and date; all start closed.
    summaries = page.locator("details.agreement__details summary")
    expect(summaries).to_have_count(len(documents))
    expect(summaries.first).to_contain_text("Version")
    summaries.first.click()
    expect(page.locator("details.agreement__details").first.locator(".agreement__text")).to_be_visible()
    for box in page.locator("input[name=read]").all():
        box.check()
    page.get_by_label("Type your full name to sign").fill("Maria Alvarez")
    page.get_by_role("button", name=f"Sign these {len(documents)} agreements").click()

    error = page.locator("#id_typed_name_error")
    expect(error).to_have_text("Please type your full name as you gave it: Hannah Ruth Alvarez")
    expect(page.get_by_label("Type your full name to sign")).to_be_focused()
    assert _in_viewport(page, "#id_typed_name_error")
    for box in page.locator("input[name=read]").all():
        expect(box).to_be_checked()
    expect(page.get_by_label("Type your full name to sign")).to_have_value("Maria Alvarez")
    page.screenshot(path=screenshot_dir / "agreements-wrong-name-phone.png")
    axe(page, "agreements, wrong name")
    assert not ConsentSignature.objects.exists()

    # The name she asked to be called, with her surname, signs for all of them at once.
    page.get_by_label("Type your full name to sign").fill("annie alvarez")
    page.get_by_role("button", name=f"Sign these {len(documents)} agreements").click()
    expect(page.get_by_text("You have signed every agreement.")).to_be_visible()
    assert ConsentSignature.objects.filter(intake=intake).count() == len(documents)
    page.screenshot(path=screenshot_dir / "agreements-signed-phone.png", full_page=True)


def test_an_agreement_left_unticked_is_opened_and_focused_on_a_phone(page, live_server, practice):
    page.set_viewport_size(PHONE)
    client = UserFactory(email="hope@example.com", full_name="Hope Rivera")
    Intake.objects.create(client=client, legal_name="Hope Rivera")
    _open_agreements(page, live_server, client)

    boxes = page.locator("input[name=read]")
    for index in range(1, boxes.count()):
        boxes.nth(index).check()
    page.get_by_label("Type your full name to sign").fill("Hope Rivera")
    page.get_by_role("button", name="Sign these").click()

    expect(boxes.first).to_be_focused()
    expect(page.locator("details.agreement__details").first).to_have_attribute("open", "")
    for index in range(1, boxes.count()):
        expect(boxes.nth(index)).to_be_checked()
    expect(page.get_by_label("Type your full name to sign")).to_have_value("Hope Rivera")
    assert not ConsentSignature.objects.exists()
