"""Every outgoing scheduling template, scanned for words that would reveal why a client sees
the practice (HIPAA minimum necessary; see /work/shared/CLINICAL.md)."""

from pathlib import Path

import pytest
from django.conf import settings

from scheduling.message_content import FORBIDDEN_WORDS, TEMPLATE_DIR, forbidden_words_in, message_render
from scheduling.models import NotificationKind

EMAIL_DIR = Path(settings.BASE_DIR) / "templates" / TEMPLATE_DIR
TEMPLATES = sorted(EMAIL_DIR.iterdir())

# Everything a message context may hold, filled in as fully as it can be.
FULL_CONTEXT = {
    "name": "Hope",
    "practice_name": "",
    "date": "Monday, December 7, 2026",
    "time": "9:00 AM MST",
    "minutes": 53,
    "sign_in_url": "https://portal.example/scheduling/",
    "in_person": True,
    "address": "1600 Ogden Street, Suite 200, Denver, CO 80218",
    "video_link": "",
    "reason": "We are fully booked until March.",
}


def test_every_kind_has_a_subject_text_and_html_template():
    names = {path.name for path in TEMPLATES}
    for kind in NotificationKind.values:
        assert {f"{kind}_subject.txt", f"{kind}_body.txt", f"{kind}_body.html"} <= names


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_source_has_no_clinical_word(path):
    assert forbidden_words_in(path.read_text()) == []


@pytest.mark.parametrize("kind", NotificationKind.values)
@pytest.mark.parametrize("in_person", [True, False])
def test_rendered_message_has_no_clinical_word(kind, in_person):
    context = {
        **FULL_CONTEXT,
        "in_person": in_person,
        "video_link": "" if in_person else "https://v.example/r",
    }
    message = message_render(kind=kind, context=context)
    for text in (message.subject, message.text, message.html):
        assert text.strip()
        assert forbidden_words_in(text) == []


@pytest.mark.parametrize(
    "word", ["miscarriage", "loss", "pregnancy", "postpartum", "baby", "depression", "grief", "therapy"]
)
def test_the_scan_catches_each_word_the_practice_named(word):
    assert word in FORBIDDEN_WORDS or forbidden_words_in(f"About your {word.title()}.") != []


def test_the_scan_leaves_ordinary_words_alone():
    assert forbidden_words_in("Please sign in. Your appointment is booked; the office is close by.") == []
