"""The audit log page says every recorded event in words: names, labels, Denver time."""

import re

import pytest
from django.urls import reverse

from portal.audit import audit_record
from portal.audit_detail import denver
from tests.portal.factories import StaffFactory
from tests.scheduling.factories import SessionTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_session(db):
    return SessionTypeFactory(name="First session", slug="first-visit")


def _sentence_of(http, practice_admin, **event) -> str:
    audit_record(**event)
    http.force_login(practice_admin)
    line = http.get(reverse("portal:audit_log")).context["lines"][0]
    return f"{line.sentence} | {line.detail}"


# Each row: who acted, what was recorded (as the services write it) -> what the page says.
# "{t}" is the therapist's id, "{q}" the other staff member's.
EVENTS = [
    (
        "front_desk",
        dict(
            action="create",
            object_type="appointment",
            detail="booked first-visit in_person with therapist {t} at 2026-12-03 10:00 UTC"
            "; override (outside hours): she can only come early",
            client=True,
        ),
        "Jordan Ellis booked First session (in person) for Hope R. with Stephanie Poole on Thu Dec 3, "
        "3:00 AM (booked anyway, outside hours: “she can only come early”) | ",
    ),
    (
        "practice_admin",
        dict(action="update", object_type="therapist_credentials", detail="credentials of therapist {t}"),
        "Riley Chen changed the profile of Stephanie Poole | credentials of Stephanie Poole",
    ),
    (
        "practice_admin",
        dict(action="update", object_type="user", object_id="{q}", detail="account deactivated"),
        "Riley Chen closed the account of Quinn Tester | ",
    ),
    (
        "practice_admin",
        dict(
            action="role_change",
            object_type="user",
            object_id="{q}",
            detail="role changed from front_desk to therapist",
        ),
        "Riley Chen changed the role of Quinn Tester from front desk to therapist | ",
    ),
    (
        "front_desk",
        dict(action="download", object_type="good_faith_estimate", detail="version 2", client=True),
        "Jordan Ellis downloaded a Good Faith Estimate for Hope R. | version 2",
    ),
    (
        "practice_admin",
        dict(action="view", object_type="referral_report", detail="counts by referral source"),
        "Riley Chen viewed the referral report | counts by referral source",
    ),
    (
        "practice_admin",
        dict(action="view", object_type="audit_log", detail="page=1e9&therapist=%E2%80%AE"),
        "Riley Chen read the audit log | ",
    ),
    (
        "practice_admin",
        dict(action="view", object_type="audit_log", detail="staff={t}&date_from=2026-11-01"),
        "Riley Chen read the audit log | filtered by staff: Stephanie Poole, from: 2026-11-01",
    ),
    (
        "front_desk",
        dict(
            action="update",
            object_type="appointment",
            detail="moved from 2026-12-03 17:00 to 2026-12-04 18:30 UTC with therapist {t}",
            client=True,
        ),
        "Jordan Ellis changed an appointment of Hope R. | "
        "moved from Thu Dec 3, 10:00 AM to Fri Dec 4, 11:30 AM with Stephanie Poole",
    ),
    (
        "practice_admin",
        dict(action="create", object_type="user", object_id="{q}", detail="staff invited as front_desk"),
        "Riley Chen created the staff account of Quinn Tester | staff invited as front desk",
    ),
    (
        "practice_admin",
        dict(action="update", object_type="intake", detail="assigned to user {t} (was {q})", client=True),
        "Riley Chen changed the intake of Hope R. | assigned to Stephanie Poole (was Quinn Tester)",
    ),
    (
        "practice_admin",
        dict(
            action="update",
            object_type="user",
            object_id="{q}",
            detail="staff account updated with role practice_admin",
        ),
        "Riley Chen changed the account of Quinn Tester | staff account updated with role practice admin",
    ),
    (
        "practice_admin",
        dict(action="create", object_type="time_off", detail="therapist {t}"),
        "Riley Chen added time off of Stephanie Poole | Stephanie Poole",
    ),
]


@pytest.mark.parametrize(("who", "event", "said"), EVENTS, ids=[e[1]["object_type"] for e in EVENTS])
def test_each_recorded_event_reads_in_words(
    client, practice_admin, front_desk, therapist, client_user, first_session, who, event, said
):
    quinn = StaffFactory(full_name="Quinn Tester", role="front_desk")
    actor = {"front_desk": front_desk, "practice_admin": practice_admin}[who]
    ids = {"t": therapist.pk, "q": quinn.pk}
    recorded = {
        key: value.format(**ids) if isinstance(value, str) else value
        for key, value in event.items()
        if key != "client"
    }
    if event.get("client"):
        recorded["client"] = client_user

    assert _sentence_of(client, practice_admin, actor=actor, **recorded) == said


def _mixed_rows(therapist, front_desk, practice_admin, client_user, count: int) -> None:
    for n in range(count):
        staff = StaffFactory(full_name=f"Staff {n}", mfa=False)
        kinds = [
            dict(
                action="create",
                object_type="appointment",
                client=client_user,
                detail=f"booked first-visit telehealth with therapist {therapist.pk} "
                f"at 2026-12-0{n % 9 + 1} 16:00 UTC",
            ),
            dict(
                action="role_change",
                object_type="user",
                object_id=staff.pk,
                detail="role changed from front_desk to therapist",
            ),
            dict(
                action="update",
                object_type="therapist_credentials",
                detail=f"credentials of therapist {staff.pk}",
            ),
            dict(action="view", object_type="audit_log", detail=f"staff={staff.pk}"),
            dict(action="view", object_type="intake", client=client_user, detail="review opened"),
        ]
        audit_record(actor=front_desk, **kinds[n % len(kinds)])


def test_a_page_of_mixed_rows_loads_names_in_a_fixed_number_of_queries(
    client, practice_admin, therapist, front_desk, client_user, first_session, django_assert_max_num_queries
):
    _mixed_rows(therapist, front_desk, practice_admin, client_user, 10)
    client.force_login(practice_admin)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("portal:audit_log"))
    _mixed_rows(therapist, front_desk, practice_admin, client_user, 50)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("portal:audit_log"))

    assert len(response.context["page"]) == 50


def test_no_row_shows_utc_an_id_or_a_code(
    client, practice_admin, therapist, front_desk, client_user, first_session
):
    _mixed_rows(therapist, front_desk, practice_admin, client_user, 50)
    client.force_login(practice_admin)

    lines = client.get(reverse("portal:audit_log")).context["lines"]

    for line in lines:
        said = f"{line.sentence} {line.detail}"
        assert "UTC" not in said
        assert not re.search(r"therapist \d", said)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", said), said


def test_a_time_is_shown_in_denver_summer_and_winter():
    assert denver("2026-07-01 18:00") == "Wed Jul 1, 12:00 PM"
    assert denver("2026-12-01 18:00") == "Tue Dec 1, 11:00 AM"
