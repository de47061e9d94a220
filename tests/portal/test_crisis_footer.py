"""The crisis footer is rendered once per practice contact and language, and is still exactly
what its template makes: a change to the practice's details shows on the next page."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from portal.crisis import CRISIS_LINES
from portal.selectors import practice_forget, practice_get

pytestmark = pytest.mark.django_db


def footer(html: str) -> str:
    start = html.index('<footer class="site-footer"')
    return html[start : html.index("</footer>", start) + len("</footer>")]


def test_the_footer_on_a_page_is_what_its_template_renders(client, practice):
    html = client.get("/").content.decode()

    expected = render_to_string(
        "portal/_crisis_footer.html", {"practice": practice_get(), "crisis_lines": CRISIS_LINES}
    )
    assert footer(html) == footer(expected)
    assert practice.phone in footer(html)


def test_a_new_practice_phone_shows_in_the_footer_on_the_next_page(client, practice):
    client.get("/")
    practice.phone = "(303) 555-0142"
    practice.save(update_fields=["phone", "updated_at"])
    practice_forget()

    html = client.get("/").content.decode()

    assert "(303) 555-0142" in footer(html)


def test_the_footer_follows_the_page_language(client, practice):
    with translation.override("en"):
        english = footer(client.get("/").content.decode())
    assert "If you need help right now" in english
    assert english.count('class="crisis-link"') >= len(CRISIS_LINES)
