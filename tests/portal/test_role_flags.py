"""Role rules live in portal/access.py; templates read them as `role.<flag>` from the portal
context processor and never compare role names themselves."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from portal.access import client_of_record, role_flags

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_templates_never_compare_role_names():
    comparing = re.compile(r"\.role\s*(==|!=|in\b)|is_staff_member|is_client\b")

    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if comparing.search(line)
    ]

    assert offenders == []


@pytest.mark.parametrize(
    ("persona", "flags"),
    [
        ("client", {"client"}),
        ("therapist", {"staff", "clinical", "therapist"}),
        ("front_desk", {"staff", "scheduling"}),
        ("admin", {"staff", "clinical", "scheduling", "practice_admin"}),
        ("anon", set()),
    ],
)
def test_role_flags_are_the_access_predicates(personas, persona, flags):
    assert {name for name, on in role_flags(personas[persona]).items() if on} == flags


def test_a_deactivated_account_has_no_role_flags(therapist):
    therapist.is_active = False

    assert not any(role_flags(therapist).values())
    assert client_of_record(therapist) is None


def test_a_closed_client_account_is_still_the_client_of_its_record(client_user):
    client_user.is_active = False

    assert client_of_record(client_user) == client_user


def test_pages_get_the_flags(client, front_desk):
    client.force_login(front_desk)

    response = client.get(reverse("portal:home"), follow=True)

    assert response.context["role"]["scheduling"] is True
    assert response.context["role"]["clinical"] is False
