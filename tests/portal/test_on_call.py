"""Who is emailed when an intake needs same-day review."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.selectors import on_call_addresses, on_call_alerts_configured, practice_admin_addresses
from tests.portal.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_the_practices_own_on_call_addresses_come_first(practice, settings):
    settings.PORTAL_ON_CALL_EMAILS = ["fallback@practice.example"]

    assert on_call_addresses(practice=practice) == [
        "oncall@practice.example",
        "second-oncall@practice.example",
    ]


def test_the_deployments_addresses_are_used_when_the_practice_has_none(practice, settings):
    settings.PORTAL_ON_CALL_EMAILS = ["fallback@practice.example"]
    practice.on_call_emails = ""

    assert on_call_addresses(practice=practice) == ["fallback@practice.example"]


def test_alerts_are_not_configured_with_no_address_anywhere(practice, settings):
    settings.PORTAL_ON_CALL_EMAILS = []
    practice.on_call_emails = "\n  \n"

    assert on_call_alerts_configured(practice=practice) is False


def test_a_practice_on_call_line_that_is_not_an_address_is_refused(practice):
    practice.on_call_emails = "oncall@practice.example\n303-555-0142"

    with pytest.raises(ValidationError, match="303-555-0142"):
        practice.full_clean()


def test_practice_admin_addresses_are_the_active_admins_only(practice_admin):
    StaffFactory(email="former-admin@practice.example", role="practice_admin", is_active=False, mfa=False)
    StaffFactory(email="therapist2@practice.example", role="therapist", mfa=False)

    assert practice_admin_addresses() == ["admin@practice.example"]


# --- The practice admin's warning


WARNING = "data-on-call-warning"


@pytest.fixture
def no_on_call(practice, settings):
    settings.PORTAL_ON_CALL_EMAILS = []
    practice.on_call_emails = ""
    practice.save(update_fields=["on_call_emails"])
    return practice


@pytest.mark.parametrize("url_name", ["portal:staff_home", "intake:staff_queue", "portal:audit_log"])
def test_the_practice_admin_is_warned_on_staff_pages_when_no_on_call_address_is_set(
    client, practice_admin, no_on_call, url_name
):
    client.force_login(practice_admin)

    html = client.get(reverse(url_name)).content.decode()

    assert WARNING in html
    assert "No on-call address is set" in html
    assert reverse("admin:portal_practice_change", args=[no_on_call.pk]) in html


def test_the_practice_admin_is_warned_in_django_admin_too(client, practice_admin, no_on_call):
    client.force_login(practice_admin)

    html = client.get(reverse("admin:portal_practice_change", args=[no_on_call.pk])).content.decode()

    assert WARNING in html


@pytest.mark.parametrize("persona", ["therapist", "front_desk", "client_user"])
def test_no_one_else_sees_the_on_call_warning(client, request, no_on_call, persona):
    client.force_login(request.getfixturevalue(persona))

    assert WARNING not in client.get(reverse("portal:home"), follow=True).content.decode()


def test_no_warning_once_the_practice_has_an_on_call_address(client, practice_admin, practice):
    client.force_login(practice_admin)

    assert WARNING not in client.get(reverse("portal:staff_home")).content.decode()


def test_no_warning_when_the_deployment_has_an_on_call_address(client, practice_admin, no_on_call, settings):
    settings.PORTAL_ON_CALL_EMAILS = ["fallback@practice.example"]
    client.force_login(practice_admin)

    assert WARNING not in client.get(reverse("portal:staff_home")).content.decode()
