"""Every page carries the crisis resources, and nothing loads from another origin."""

import re

import pytest
from django.urls import reverse

from portal.crisis import CRISIS_LINES
from tests.portal.access_policy import PERSONAS, POLICY, iter_named_patterns, url_kwargs

pytestmark = pytest.mark.django_db

CRISIS_MARKERS = (
    "988",
    "1-844-493-8255",
    "911",
    "1-833-852-6262",
    "1-800-944-4773",
    "not watched for emergencies",
)


def _html_pages():
    for name, _pattern in iter_named_patterns():
        if name in POLICY:
            yield name


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_carries_the_crisis_footer(client, personas, persona):
    user = personas[persona]
    kwargs_by_name = url_kwargs(personas)
    checked = 0
    for name in _html_pages():
        if user is not None:
            client.force_login(user)
        response = client.get(reverse(name, kwargs=kwargs_by_name.get(name, {})))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        content = response.content.decode()
        missing = [marker for marker in CRISIS_MARKERS if marker not in content]
        assert missing == [], f"{name} as {persona} lacks {missing}"
        checked += 1
    assert checked >= 5


def test_django_admin_pages_carry_the_crisis_footer(client, practice_admin):
    client.force_login(practice_admin)

    content = client.get(reverse("admin:index")).content.decode()

    assert "988" in content
    assert "1-844-493-8255" in content


def test_crisis_lines_are_the_published_numbers():
    hrefs = [line.href for line in CRISIS_LINES]
    assert hrefs == ["tel:911", "tel:988", "tel:18444938255", "tel:18338526262", "tel:18009444773"]


def test_landing_page_invites_the_visitor_to_begin(client, practice):
    content = client.get(reverse("portal:landing")).content.decode()

    assert reverse("account_signup") in content
    assert practice.name in content


def test_csp_forbids_inline_script_and_other_origins(client, practice):
    response = client.get(reverse("portal:landing"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_load_nothing_from_another_origin(client, personas):
    pattern = re.compile(r'(?:src|href)="(https?:)?//', re.IGNORECASE)
    for persona in PERSONAS:
        user = personas[persona]
        if user is not None:
            client.force_login(user)
        for name in (
            "portal:landing",
            "account_login",
            "account_signup",
            "portal:client_home",
            "portal:staff_home",
        ):
            content = client.get(reverse(name)).content.decode()
            assert not pattern.search(content), f"{name} as {persona} references another origin"
            assert "<script>" not in content
            assert "onclick=" not in content


def test_pages_have_landmarks_and_a_skip_link(client, practice):
    content = client.get(reverse("portal:landing")).content.decode()

    assert '<main id="main"' in content
    assert "<header" in content
    assert "<footer" in content
    assert "<nav" in content
    assert 'href="#main"' in content
    assert '<html lang="en' in content
