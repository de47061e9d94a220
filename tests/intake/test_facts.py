"""One presenter of an intake's facts (intake.facts) feeds the therapist's detail page and
the PDF summary: the same intake says the same things in both."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from intake.facts import intake_facts
from intake.models import SummaryDocument
from intake.submit_services import intake_submit
from tests.intake.factories import PregnancyEntryFactory
from tests.intake.summary_samples import intake_build

pytestmark = pytest.mark.django_db

# How each says the postpartum state (the page says nothing when she is not).
POSTPARTUM = {
    "yes": ("postpartum (birth within a year)", "Postpartum (a birth within the last year)"),
    "unknown": (
        "postpartum not known (a birth without a date)",
        "Postpartum: not known (a birth without a date)",
    ),
    "no": (None, "Not postpartum"),
}


def _words(text: str) -> str:
    return " ".join(text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&").split())


def _page_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return _words(re.sub(r"<[^>]+>", " ", html))


def _pdf_text(document: SummaryDocument) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return _words(" ".join(page.extract_text() for page in reader.pages))


def test_the_staff_page_and_the_pdf_show_the_same_facts(
    client, client_user, therapist, django_capture_on_commit_callbacks
):
    intake = intake_build(client=client_user, submit=False)
    today = timezone.localdate()
    # A birth this month, so both must say she is postpartum.
    PregnancyEntryFactory(intake=intake, outcome="live_birth", year=today.year, month=today.month, order=9)
    with django_capture_on_commit_callbacks(execute=True):
        intake_submit(intake=intake, actor=client_user)
    intake.refresh_from_db()
    client.force_login(therapist)
    page = _page_text(client.get(reverse("intake:staff_detail", kwargs={"pk": intake.pk})).content.decode())
    pdf = _pdf_text(SummaryDocument.objects.get(intake=intake, audience="staff", is_current=True))
    # Sent today: the page (as of today) and the PDF (as of the day it was sent) agree.
    facts = intake_facts(intake=intake, on=today)
    history = facts.history

    assert f"{facts.age} years old" in page
    assert f"(age {facts.age})" in pdf
    for text in (page, pdf):
        assert intake.legal_name in text
        assert f"{history['losses']} losses" in text
        assert f"{history['live_births']} live birth" in text
        for row in facts.screeners:
            assert f"{row.short_name} " in text, row.short_name
            assert row.status in text, row.short_name
        for view in facts.flags:
            assert str(view.flag.get_level_display()) in text
        for signature in facts.signatures:
            assert signature.document.title in text
    assert history["postpartum_state"] == "yes"
    page_says, pdf_says = POSTPARTUM[history["postpartum_state"]]
    assert (page_says is None or page_says in page, pdf_says in pdf) == (True, True)
