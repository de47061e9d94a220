"""A direction-override character in a name (U+202E and its kind, easy to paste into any
field) cannot reorder the rest of a page: what people type is kept without those controls,
and the portal's own pages show names inside <bdi> (which also keeps a right-to-left name
from reordering the words around it).

For the pages, every user and intake is given a name holding an override straight in the
database (as if from before the cleaning); every page each role can open is then read as
HTML, and any text outside a <bdi> element that holds the override fails the test. Django
admin's own templates are not ours to change; there the cleaning at input is what holds.
"""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from intake.models import Intake
from portal.models import User
from portal.text import typed_text_clean
from tests.portal.test_phi_views_audited import pages_open_to

pytestmark = pytest.mark.django_db

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows it is drawn backwards


class _Unisolated(HTMLParser):
    """Collects text holding OVERRIDE that is not inside a <bdi> (or a non-rendered element)."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
    NOT_SHOWN = {"script", "style", "title", "textarea", "option"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if OVERRIDE in data and "bdi" not in self.stack and not self.NOT_SHOWN & set(self.stack):
            self.found.append(" ".join(data.split())[:80])


def _unisolated(html: str) -> list[str]:
    parser = _Unisolated()
    parser.feed(html)
    return parser.found


def _names_overridden() -> None:
    for user in User.objects.all():
        user.full_name = f"{user.full_name}{OVERRIDE} lanigirO"
        user.save(update_fields=["full_name"])
    Intake.objects.update(legal_name=f"Hope{OVERRIDE} areviR", preferred_name=f"Ho{OVERRIDE}pe")


@pytest.mark.parametrize("persona", ["client", "front_desk", "therapist", "admin"])
def test_every_name_on_every_page_is_isolated(client, personas, sample_objects, persona):
    pages = list(pages_open_to(persona, personas, sample_objects, admin=False))  # makes the objects
    _names_overridden()
    user = User.objects.get(pk=personas[persona].pk)
    failures = {}
    for name, url in pages:
        client.force_login(user)
        response = client.get(url)
        if response.status_code != 200 or getattr(response, "streaming", False):
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        if found := _unisolated(response.content.decode()):
            failures[name] = found[:3]
    assert failures == {}, f"names outside <bdi>: {failures}"


# --- What people type is kept without the controls


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (f"Hope{OVERRIDE} areviR", "Hope areviR"),
        ("\u202aA\u202b\u202c\u202d\u2066\u2067\u2068\u2069", "A"),
        ("\u0646\u0648\u0631 Rivera", "\u0646\u0648\u0631 Rivera"),  # an Arabic name stays as typed
        ("Zo\u00eb O\u2019Neil-Park", "Zo\u00eb O\u2019Neil-Park"),
    ],
)
def test_typed_text_keeps_everything_but_direction_controls(typed, kept):
    assert typed_text_clean(typed) == kept


def test_a_name_autosaved_with_an_override_is_kept_without_it(client, client_user):
    client.force_login(client_user)

    response = client.post(
        reverse("intake:autosave"),
        data=json.dumps({"field": "legal_name", "value": f"Hope{OVERRIDE} areviR"}),
        content_type="application/json",
        HTTP_X_REQUESTED_WITH="fetch",
    )

    assert response.status_code == 200
    assert Intake.objects.get(client=client_user).legal_name == "Hope areviR"


def test_a_name_set_in_admin_is_kept_without_overrides(client, practice_admin, therapist):
    client.force_login(practice_admin)

    client.post(
        reverse("admin:portal_user_change", args=[therapist.pk]),
        {"full_name": f"Stephanie{OVERRIDE} elooP", "role": therapist.role, "is_active": "on"},
    )

    therapist.refresh_from_db()
    assert therapist.full_name == "Stephanie elooP"
