import csv
import io
import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit import audit_record
from portal.audit_words import audit_sentence, name_short
from portal.csv_export import csv_cell
from portal.forms import MSG_DATE_ORDER
from portal.models import AuditEvent
from tests.portal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(therapist, front_desk, client_user, second_client_user):
    return [
        audit_record(actor=therapist, action="view", object_type="intake", object_id=1, client=client_user),
        audit_record(
            actor=front_desk, action="view", object_type="request", object_id=2, client=second_client_user
        ),
        audit_record(
            actor=therapist,
            action="update",
            object_type="intake",
            object_id=3,
            client=second_client_user,
            detail='=HYPERLINK("http://evil")',
        ),
    ]


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_audit_log_lists_entries_newest_first(client, practice_admin, events):
    client.force_login(practice_admin)

    response = client.get(reverse("portal:audit_log"))

    assert response.status_code == 200
    assert [e.pk for e in response.context["page"]][:3] == [events[2].pk, events[1].pk, events[0].pk]


def test_audit_log_filters_by_staff_member(client, practice_admin, therapist, events):
    client.force_login(practice_admin)

    response = client.get(reverse("portal:audit_log"), {"staff": therapist.pk})

    assert {e.pk for e in response.context["page"]} == {events[0].pk, events[2].pk}


def test_audit_log_filters_by_client_email(client, practice_admin, second_client_user, events):
    client.force_login(practice_admin)

    response = client.get(reverse("portal:audit_log"), {"client_email": second_client_user.email.upper()})

    assert {e.pk for e in response.context["page"]} == {events[1].pk, events[2].pk}


def test_audit_log_filters_by_date_range_in_denver_days(client, practice_admin, events):
    client.force_login(practice_admin)
    today = timezone.localdate()

    inside = client.get(reverse("portal:audit_log"), {"date_from": today, "date_to": today})
    before = client.get(reverse("portal:audit_log"), {"date_to": "2020-01-01"})

    assert {e.pk for e in inside.context["page"]} >= {e.pk for e in events}
    assert list(before.context["page"]) == []


def test_audit_log_explains_a_backwards_date_range(client, practice_admin, events):
    client.force_login(practice_admin)

    response = client.get(reverse("portal:audit_log"), {"date_from": "2026-05-02", "date_to": "2026-05-01"})

    assert response.status_code == 200
    assert str(MSG_DATE_ORDER) in response.content.decode()
    assert 'value="2026-05-02"' in response.content.decode()


def test_audit_log_ignores_a_malformed_page_number(client, practice_admin, events):
    client.force_login(practice_admin)

    assert client.get(reverse("portal:audit_log"), {"page": "'; drop table"}).status_code == 200


def test_viewing_the_audit_log_is_itself_audited(client, practice_admin, events):
    client.force_login(practice_admin)

    client.get(reverse("portal:audit_log"))

    assert (
        AuditEvent.objects.filter(actor=practice_admin, object_type="audit_log", action="view").count() == 1
    )


def test_audit_csv_exports_the_filtered_entries_and_is_audited(client, practice_admin, therapist, events):
    client.force_login(practice_admin)

    response = client.get(reverse("portal:audit_log_csv"), {"staff": therapist.pk})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    rows = _rows(response)
    assert rows[0][:3] == ["time", "staff_or_actor", "action"]
    assert [row[4] for row in rows[1:]] == ["3", "1"]
    assert AuditEvent.objects.filter(actor=practice_admin, action="export").count() == 1


def test_audit_csv_defuses_spreadsheet_formulas(client, practice_admin, events):
    client.force_login(practice_admin)

    rows = _rows(client.get(reverse("portal:audit_log_csv")))

    details = [row[6] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in details


def test_audit_csv_defuses_a_formula_in_every_column(client, practice_admin):
    # Valid, confirmable addresses: a visitor can choose what the export will hold.
    hostile_client = UserFactory(email="=2+5@evil.example")
    hostile_staff = StaffFactory(email="+SUM(A1)@evil.example")
    AuditEvent.objects.create(
        actor=hostile_staff,
        action="view",
        object_type="@intake",
        object_id="-1",
        client=hostile_client,
        detail="\t=1+1",
        path="\r=cmd|' /C calc'!A0",
    )
    client.force_login(practice_admin)

    row = next(
        row for row in _rows(client.get(reverse("portal:audit_log_csv"))) if row[5] == "'=2+5@evil.example"
    )

    assert row[1] == "'+SUM(A1)@evil.example"
    assert row[3:5] == ["'@intake", "'-1"]
    assert row[6] == "'\t=1+1"
    assert row[8] == "'\r=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("hope@example.org", "hope@example.org"),
        ("a=b", "a=b"),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_cell(value, cell):
    assert csv_cell(value) == cell


def test_audit_log_page_query_count_does_not_grow_with_entries(
    client, practice_admin, therapist, client_user, django_assert_max_num_queries
):
    client.force_login(practice_admin)
    for n in range(60):
        audit_record(actor=therapist, action="view", object_type="intake", object_id=n, client=client_user)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:audit_log"))

    assert len(response.context["page"]) == 50


def test_therapists_cannot_read_the_audit_log(client, therapist, events):
    client.force_login(therapist)

    assert client.get(reverse("portal:audit_log")).status_code == 403
    assert client.get(reverse("portal:audit_log_csv")).status_code == 403


def test_entries_for_other_days_are_outside_a_one_day_filter(client, practice_admin, therapist, client_user):
    # Created directly with a past timestamp, as a row written on that day would be.
    old = AuditEvent.objects.create(
        actor=therapist,
        action="view",
        object_type="intake",
        client=client_user,
        created_at=datetime(2026, 3, 1, 12, tzinfo=timezone.get_current_timezone()),
    )
    client.force_login(practice_admin)

    response = client.get(reverse("portal:audit_log"), {"date_from": "2026-03-02", "date_to": "2026-03-02"})

    assert old not in list(response.context["page"])


def test_each_entry_says_who_did_what_to_whom(client, practice_admin, front_desk):
    hannah = UserFactory(email="hannah@example.com", full_name="Hannah Ruth Alvarez")
    audit_record(actor=front_desk, action="create", object_type="appointment", object_id=9, client=hannah)
    client.force_login(practice_admin)

    response = client.get(reverse("portal:audit_log"))

    assert "Jordan Ellis booked an appointment for Hannah A." in response.content.decode()
    assert "hannah@example.com" not in response.content.decode()


@pytest.mark.parametrize(
    ("action", "object_type", "by_herself", "sentence"),
    [
        ("create", "appointment", False, "Jordan Ellis booked an appointment for Hannah A."),
        ("submit", "intake", True, "Hannah A. sent her intake to the practice"),
        ("view", "intake", False, "Jordan Ellis opened the intake of Hannah A."),
        ("view", "audit_log", False, "Jordan Ellis read the audit log"),
        (
            "update",
            "something_new",
            False,
            "Jordan Ellis changed a record: something new for Hannah A.",
        ),
    ],
)
def test_audit_sentences(action, object_type, by_herself, sentence):
    actor = "Hannah A." if by_herself else "Jordan Ellis"
    said = audit_sentence(
        action=action, object_type=object_type, actor=actor, client="Hannah A.", by_herself=by_herself
    )
    assert said == sentence


@pytest.mark.parametrize(
    ("full_name", "short"),
    [("Hannah Ruth Alvarez", "Hannah A."), ("Cher", "Cher"), ("", "hannah@example.com")],
)
def test_a_client_is_named_by_first_name_and_initial(full_name, short):
    assert name_short(full_name, fallback="hannah@example.com") == short


def test_the_log_pages_by_time_without_counting_and_keeps_its_filters(
    client, practice_admin, therapist, client_user, django_assert_max_num_queries
):
    for n in range(120):
        audit_record(actor=therapist, action="view", object_type="intake", object_id=n, client=client_user)
    client.force_login(practice_admin)
    filters = {"staff": str(therapist.pk)}

    first = client.get(reverse("portal:audit_log"), filters)
    older = re.search(r'href="\?([^"]*before=[^"]*)"', first.content.decode()).group(1).replace("&amp;", "&")
    with CaptureQueriesContext(connection) as queries:
        second = client.get(f"{reverse('portal:audit_log')}?{older}")
    third = client.get(f"{reverse('portal:audit_log')}?{older.replace('before=', 'x=')}")

    assert f"staff={therapist.pk}" in older
    ids = [e.object_id for e in first.context["page"]] + [e.object_id for e in second.context["page"]]
    assert ids == [str(n) for n in range(119, 19, -1)]
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert second.context["page"].newer is not None
    assert [e.object_id for e in third.context["page"]][:1] == ["119"]


def test_a_malformed_cursor_shows_the_newest_entries(client, practice_admin, events):
    client.force_login(practice_admin)

    for cursor in ("x", "99999999999999999999999.1", "1.-2", "'; drop table"):
        response = client.get(reverse("portal:audit_log"), {"before": cursor})
        assert response.status_code == 200
        assert response.context["page"].newer is None  # the newest page
        assert events[2].pk in [e.pk for e in response.context["page"]]


def test_newer_goes_back_to_the_page_before(client, practice_admin, therapist, client_user):
    for n in range(60):
        audit_record(actor=therapist, action="view", object_type="intake", object_id=n, client=client_user)
    client.force_login(practice_admin)
    first = client.get(reverse("portal:audit_log"))
    second = client.get(reverse("portal:audit_log"), {"before": first.context["page"].older})

    back = client.get(reverse("portal:audit_log"), {"after": second.context["page"].newer})

    assert [e.pk for e in back.context["page"]] == [e.pk for e in first.context["page"]]
