"""A client's free text is text: markup she types is shown, never run or fetched, both on the
therapist's detail page and in the stored PDF summary (read back with pypdf and pdftotext)."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from intake.models import SummaryDocument
from intake.summary_services import summary_render
from tests.intake.summary_samples import HOSTILE_TEXT, intake_build

pytestmark = pytest.mark.django_db

RAW_MARKUP = (
    '<script>alert("x")</script>',
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/hostname">',
    "<b>bold?</b>",
)


@pytest.fixture
def hostile(client_user):
    """A sent intake whose free-text answers are all markup (its PDFs are rendered by the
    tests that read them, one copy each)."""
    return intake_build(client=client_user, hopes=HOSTILE_TEXT, free_text=HOSTILE_TEXT)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_bytes(intake, audience: str) -> bytes:
    """The copy for that audience, rendered and stored as the render task does it."""
    document = summary_render(intake_id=intake.pk, audience=audience)
    with document.file.open("rb") as handle:
        return handle.read()


def test_markup_in_free_text_is_escaped_on_the_therapists_detail_page(client, hostile, therapist):
    client.force_login(therapist)

    response = client.get(reverse("intake:staff_detail", kwargs={"pk": hostile.pk}))

    assert response.status_code == 200
    html = response.content.decode()
    # Shown as the client typed it, once for each field that holds it ...
    assert html.count(escape(HOSTILE_TEXT)) >= 2
    # ... and never as markup the browser would act on.
    for markup in RAW_MARKUP:
        assert markup not in html, markup


@pytest.mark.parametrize("audience", SummaryDocument.Audience.values)
def test_markup_in_free_text_is_printed_as_text_in_the_pdf_read_by_pypdf(hostile, audience):
    pdf = _pdf_bytes(hostile, audience)

    reader = PdfReader(io.BytesIO(pdf))
    text = _flat(" ".join(page.extract_text() for page in reader.pages))

    for markup in RAW_MARKUP:
        assert markup in text, markup
    # Nothing was fetched or embedded: no local file's content, no attachment.
    assert b"root:x:0:0" not in pdf
    assert not reader.attachments
    assert b"/EmbeddedFile" not in pdf


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("audience", SummaryDocument.Audience.values)
def test_markup_in_free_text_is_printed_as_text_in_the_pdf_read_by_pdftotext(hostile, audience):
    pdf = _pdf_bytes(hostile, audience)

    result = subprocess.run(  # noqa: S603 - fixed arguments, the PDF on stdin
        [shutil.which("pdftotext"), "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    )
    text = _flat(result.stdout.decode())

    for markup in RAW_MARKUP:
        assert markup in text, markup
    assert "root:x:0:0" not in text
