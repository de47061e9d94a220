"""Every page that shows a client's name to staff leaves an audit row; every write endpoint
refuses the roles it is not for, even when asked with POST.

The first test walks every URL pattern (Django admin included) as each staff role, with a
client whose name is distinctive, and fails on any 200 that shows her name without writing
a new audit row about her. The second posts to every URL as every kind of visitor: walking
with GET alone cannot see a missing role check behind require_POST.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from tests.portal.access_policy import PERSONAS, POLICY, iter_named_patterns, url_kwargs
from tests.portal.test_access_matrix import admin_kwargs, expected_for, outcome
from tests.scheduling.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

STAFF = ("front_desk", "therapist", "admin")
NAME = "Hope Rivera"  # personas["client"]: her name is what must not be seen unaudited


@pytest.fixture
def seen_client(personas):
    """The client, with an appointment this week so the calendar shows her too."""
    today = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    AppointmentFactory(
        client=personas["client"], therapist=personas["therapist"], start=today + dt.timedelta(hours=24)
    )
    return personas["client"]


def pages_open_to(persona: str, personas: dict, sample_objects: dict, *, admin: bool = True):
    """(URL name, URL) of every page `persona` may open, with objects to name in each
    (Django admin's pages too, unless `admin` is False)."""
    kwargs_by_name = url_kwargs(personas)
    for name, pattern in iter_named_patterns():
        if expected_for(name)[persona] != "ok" or (not admin and name.startswith("admin:")):
            continue
        kwargs = (
            admin_kwargs(name, pattern, sample_objects)
            if name.startswith("admin:")
            else kwargs_by_name.get(name, {})
        )
        yield name, reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("persona", STAFF)
def test_every_page_that_shows_a_client_to_staff_is_audited(
    client, personas, sample_objects, seen_client, persona
):
    user = personas[persona]
    client.force_login(user)
    unaudited = []
    for name, url in pages_open_to(persona, personas, sample_objects):
        before = AuditEvent.objects.filter(client=seen_client).count()
        response = client.get(url)
        shows_her = response.status_code == 200 and NAME in _text(response)
        if shows_her and AuditEvent.objects.filter(client=seen_client).count() == before:
            unaudited.append(name)
        client.force_login(user)
    assert unaudited == [], f"pages that show a client's name without an audit row: {unaudited}"


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return ""  # a file download: audited by its own view (intake PDF tests)
    return response.content.decode(errors="replace")


# --- Writes: POST to every URL as every kind of visitor

# Who may POST to each URL that takes a POST (the others must be refused: sent to sign in,
# 403, or 404 for an object that is not theirs). "*" is everyone.
POST_ALLOWED: dict[str, set[str]] = {
    "portal:session_keepalive": {"client", "client2", "front_desk", "therapist", "admin"},
    "portal:settings_staff_role": {"admin"},
    "portal:settings_staff_mfa_reset": {"admin"},
    "portal:settings_staff_reinvite": {"admin"},
    "portal:settings_staff_deactivate": {"admin"},
    "scheduling:settings_office_closure_new": {"admin"},
    "scheduling:settings_office_closure_remove": {"admin"},
    "intake:step": {"client", "client2"},
    "intake:pregnancy_add": {"client", "client2"},
    "intake:pregnancy_edit": {"client"},
    "intake:pregnancy_remove": {"client"},
    "intake:hard_date_add": {"client", "client2"},
    "intake:hard_date_remove": {"client"},
    "intake:autosave": {"client", "client2"},
    "intake:agreements_sign": {"client", "client2"},
    "intake:submit": {"client", "client2"},
    "intake:staff_assign": {"therapist", "admin"},
    "intake:staff_status": {"therapist", "admin"},
    "intake:staff_note_add": {"therapist", "admin"},
    "intake:staff_flag_acknowledge": {"therapist", "admin"},
    "intake:staff_summary_rerender": {"therapist", "admin"},
    "intake:benefits_check": {"front_desk", "admin"},
    "scheduling:estimate_ask": {"client", "client2"},
    "scheduling:estimate_acknowledge": {"client"},
    "scheduling:estimate_issue": {"front_desk", "admin"},
    "scheduling:request_new": {"client", "client2"},
    "scheduling:request_withdraw": {"client"},
    "scheduling:appointment_cancel": {"client"},
    "scheduling:appointment_move": {"client"},
    "scheduling:request_book": {"front_desk", "admin"},
    "scheduling:request_decline": {"front_desk", "admin"},
    "scheduling:appointment_reschedule": {"front_desk", "admin"},
    "scheduling:appointment_staff_cancel": {"front_desk", "admin"},
    "scheduling:availability_add": {"therapist", "admin"},
    "scheduling:availability_remove": {"therapist", "admin"},
    "scheduling:time_off_add": {"therapist", "admin"},
    "scheduling:time_off_remove": {"therapist", "admin"},
}
REFUSED = {"login", "forbidden", "not_found", "unauthorized"}


def test_every_write_endpoint_is_declared():
    """A URL that answers GET with 405 (POST only) is a write endpoint: it must be declared."""
    post_only = {name for name, rules in POLICY.items() if set(rules.values()) == {"method"}}
    assert post_only - set(POST_ALLOWED) == set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_write_endpoint_refuses_the_roles_it_is_not_for(client, personas, persona):
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    kwargs_by_name = url_kwargs(personas)
    wrong = []
    for name, allowed in POST_ALLOWED.items():
        response = client.post(reverse(name, kwargs=kwargs_by_name.get(name, {})), {})
        assert response.status_code < 500, f"{name} answered {response.status_code} to a POST by {persona}"
        got = outcome(response)
        may = "*" in allowed or persona in allowed
        if may and got in REFUSED:
            wrong.append(f"{name}: {persona} may post, got {got}")
        if not may and got not in REFUSED:
            wrong.append(f"{name}: {persona} may not post, got {got}")
        if user is not None:
            client.force_login(user)
    assert wrong == []


# --- HEAD: a page that answers GET answers HEAD the same way, with no body


@pytest.mark.parametrize("persona", ["client", *STAFF])
def test_every_page_that_answers_get_answers_head(client, personas, sample_objects, persona):
    user = personas[persona]
    differs = []
    for name, url in pages_open_to(persona, personas, sample_objects):
        client.force_login(user)
        get_status = client.get(url).status_code
        client.force_login(user)
        head = client.head(url)
        body = b"".join(head.streaming_content) if head.streaming else head.content
        if head.status_code != get_status or body:
            differs.append((name, get_status, head.status_code))
    assert differs == [], f"pages whose HEAD differs from GET: {differs}"
