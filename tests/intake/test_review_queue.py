"""The therapist's triage queue: order, filters, markers, paging, audit and query count."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake, RiskFlag
from intake.review_selectors import review_queue, same_day_flags_unacknowledged_counts
from portal.models import AuditEvent, User
from portal.selectors import practice_get
from tests.intake.factories_review import raise_flag, sent_intake
from tests.portal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("intake:staff_queue")


@pytest.fixture
def as_therapist(client, therapist):
    client.force_login(therapist)
    return client


def shown(response) -> list[int]:
    return [intake.pk for intake in response.context["page"].object_list]


def test_queue_orders_urgent_high_elevated_routine_then_the_longest_waiting(as_therapist):
    routine_old = sent_intake(waiting=dt.timedelta(days=5))
    elevated_new = sent_intake(risk_level="elevated", waiting=dt.timedelta(hours=2))
    high = sent_intake(risk_level="high", waiting=dt.timedelta(hours=3))
    urgent = sent_intake(risk_level="urgent", waiting=dt.timedelta(minutes=5))
    routine_new = sent_intake(waiting=dt.timedelta(minutes=30))

    response = as_therapist.get(QUEUE)

    assert response.status_code == 200
    assert shown(response) == [urgent.pk, high.pk, elevated_new.pk, routine_old.pk, routine_new.pk]


def test_queue_shows_every_open_status_but_not_closed_or_unsent_intakes(as_therapist, client_user):
    kept = [sent_intake(status=status) for status in ("submitted", "in_review", "accepted", "referred")]
    sent_intake(status="closed")
    draft = sent_intake(status="draft", submitted_at=None)

    ids = shown(as_therapist.get(QUEUE))

    assert sorted(ids) == sorted(i.pk for i in kept)
    assert draft.pk not in ids


def test_queue_shows_a_draft_that_raised_an_unacknowledged_same_day_flag(as_therapist):
    draft = sent_intake(status="draft", submitted_at=None)
    raise_flag(draft, "urgent")

    response = as_therapist.get(QUEUE)

    assert shown(response) == [draft.pk]
    assert "Not sent yet" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "in_review"}, ["in_review"]),
        ({"status": "closed"}, ["closed"]),
        ({"risk": "high"}, ["high"]),
        ({"service": "postpartum_depression"}, ["postpartum"]),
        ({"q": "marisol"}, ["named"]),
        ({"q": "UNIQUE-MAIL"}, ["mailed"]),
    ],
)
def test_queue_filters(as_therapist, params, expected):
    made = {
        "in_review": sent_intake(status="in_review"),
        "closed": sent_intake(status="closed"),
        "high": sent_intake(risk_level="high"),
        "postpartum": sent_intake(services=["postpartum_depression", "partner_support"]),
        "named": sent_intake(legal_name="Marisol Ortega"),
        "mailed": sent_intake(client=UserFactory(email="unique-mail@example.com")),
    }

    ids = shown(as_therapist.get(QUEUE, params))

    assert ids == [made[key].pk for key in expected]


def test_queue_filters_by_assignment_mine_unassigned_and_a_named_therapist(as_therapist, therapist):
    colleague = StaffFactory(role=User.Role.THERAPIST, mfa=False)
    mine = sent_intake(assigned_therapist=therapist)
    theirs = sent_intake(assigned_therapist=colleague)
    nobody = sent_intake()

    assert shown(as_therapist.get(QUEUE, {"assigned": "mine"})) == [mine.pk]
    assert shown(as_therapist.get(QUEUE, {"assigned": "unassigned"})) == [nobody.pk]
    assert shown(as_therapist.get(QUEUE, {"assigned": str(colleague.pk)})) == [theirs.pk]


def test_queue_ignores_a_filter_value_it_does_not_offer(as_therapist):
    intake = sent_intake()

    response = as_therapist.get(QUEUE, {"risk": "<script>", "assigned": "999999", "status": "draft"})

    assert response.status_code == 200
    assert shown(response) == [intake.pk]


def test_queue_marks_flags_waiting_time_services_assignment_and_telehealth_outside_colorado(
    as_therapist, therapist
):
    intake = sent_intake(
        risk_level="routine",
        waiting=dt.timedelta(days=2, hours=1),
        services=["loss_counseling"],
        modality=Intake.Modality.TELEHEALTH,
        in_colorado="no",
        assigned_therapist=therapist,
    )
    raise_flag(intake, "high")

    html = as_therapist.get(QUEUE).content.decode()

    row = re.search(rf'<tr class="review-row[^"]*" data-intake="{intake.pk}">.*?</tr>', html, re.S).group(0)
    assert "review-row--high" in row
    assert "1 flag to acknowledge" in row
    assert "2\xa0days" in row
    assert "Loss" in row
    assert "Telehealth: may be outside Colorado" in row
    assert "You" in row


def test_queue_is_paginated_and_keeps_the_filters(as_therapist):
    for _ in range(27):
        sent_intake(risk_level="high")

    first = as_therapist.get(QUEUE, {"risk": "high"})
    second = as_therapist.get(QUEUE, {"risk": "high", "page": 2})

    assert len(shown(first)) == 25
    assert len(shown(second)) == 2
    assert "risk=high&amp;page=2" in first.content.decode()


def test_each_queue_view_records_one_audit_row_per_intake_shown(as_therapist, therapist):
    intakes = [sent_intake() for _ in range(3)]
    sent_intake(status="closed")

    as_therapist.get(QUEUE)

    rows = AuditEvent.objects.filter(object_type="intake_queue_row")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(str(i.pk) for i in intakes)
    assert {row.client_id for row in rows} == {i.client_id for i in intakes}
    assert {row.actor_id for row in rows} == {therapist.pk}
    assert {row.action for row in rows} == {AuditEvent.Action.VIEW}


def _bulk_intakes(count: int, start: int, therapist) -> None:
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(email=f"bulk{n}@example.com", full_name=f"Bulk Client {n}", password="!")
            for n in range(start, start + count)
        ]
    )
    levels = ["routine", "elevated", "high", "urgent"]
    intakes = Intake.objects.bulk_create(
        [
            Intake(
                client=user,
                legal_name=user.full_name,
                status=Intake.Status.SUBMITTED,
                submitted_at=now - dt.timedelta(minutes=n),
                risk_level=levels[n % 4],
                services=["loss_counseling"],
                assigned_therapist=therapist if n % 3 == 0 else None,
            )
            for n, user in enumerate(users)
        ]
    )
    RiskFlag.objects.bulk_create(
        [RiskFlag(intake=i, level=i.risk_level, reasons=[]) for i in intakes if i.risk_level != "routine"]
    )


def test_queue_query_count_does_not_grow_with_the_number_of_intakes(as_therapist, therapist):
    _bulk_intakes(10, 0, therapist)
    as_therapist.get(QUEUE)  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as ten:
        assert as_therapist.get(QUEUE).status_code == 200
    _bulk_intakes(990, 10, therapist)
    with CaptureQueriesContext(connection) as thousand:
        response = as_therapist.get(QUEUE, {"page": 3})

    assert response.context["page"].has_next
    assert len(shown(response)) == 25
    assert len(thousand.captured_queries) == len(ten.captured_queries)


def test_the_queue_page_is_read_off_its_index_not_sorted(therapist):
    # The queue's order is an indexed expression (Intake.Meta.indexes); if the query's ORDER BY
    # drifted from it, every page would sort all the intakes again.
    _bulk_intakes(50, 0, therapist)
    page = review_queue(user=therapist)[:25].values_list("pk", flat=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # inside the test's transaction only
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
    assert "intake_review_queue_order" in page.explain()


def test_header_counts_unacknowledged_urgent_and_high_flags_separately(client, therapist):
    raise_flag(sent_intake(risk_level="urgent"), "urgent")
    raise_flag(sent_intake(risk_level="urgent"), "urgent")
    acknowledged = raise_flag(sent_intake(risk_level="urgent"), "urgent")
    RiskFlag.objects.filter(pk=acknowledged.pk).update(
        acknowledged_at=timezone.now(), acknowledged_by=therapist
    )
    raise_flag(sent_intake(risk_level="high"), "high")
    raise_flag(sent_intake(risk_level="elevated"), "elevated")
    client.force_login(therapist)

    html = client.get(reverse("portal:staff_home")).content.decode()

    assert 'data-urgent-count="2"' in html
    assert 'data-high-count="1"' in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "2 urgent intakes with flags to acknowledge" in text
    assert "1 high intake with a flag to acknowledge" in text


def test_each_header_count_is_what_its_link_lists_first(client, therapist):
    # Now urgent, with an older high flag still open: counted once, as urgent.
    both = sent_intake(risk_level="urgent")
    raise_flag(both, "high")
    raise_flag(both, "urgent")
    high = sent_intake(risk_level="high")
    raise_flag(high, "high")
    closed = sent_intake(risk_level="high", status="closed")  # not in the queue
    raise_flag(closed, "high")
    client.force_login(therapist)

    html = client.get(reverse("portal:staff_home")).content.decode()
    listed = client.get(QUEUE + "?risk=high")

    assert 'data-urgent-count="1"' in html
    assert 'data-high-count="1"' in html
    assert shown(listed) == [high.pk]


def test_header_counts_link_to_the_queue_filtered_by_level(client, therapist):
    client.force_login(therapist)

    html = client.get(reverse("portal:staff_home")).content.decode()

    queue = reverse("intake:staff_queue")
    assert f'href="{queue}?risk=urgent" data-urgent-count="0"' in html
    assert f'href="{queue}?risk=high" data-high-count="0"' in html


def test_header_counts_take_one_query(therapist, django_assert_num_queries):
    raise_flag(sent_intake(risk_level="urgent"), "urgent")
    raise_flag(sent_intake(risk_level="high"), "high")
    practice_get()  # the practice's settings come from the cache on every page

    with django_assert_num_queries(1):
        counts = same_day_flags_unacknowledged_counts(user=therapist)

    assert (counts.urgent, counts.high) == (1, 1)


def test_header_count_and_queue_link_are_never_shown_to_the_front_desk(client, front_desk):
    raise_flag(sent_intake(risk_level="urgent"), "urgent")
    client.force_login(front_desk)

    html = client.get(reverse("portal:staff_home")).content.decode()

    assert "data-urgent-count" not in html
    assert "data-high-count" not in html
    assert reverse("intake:staff_queue") not in html


def test_header_count_follows_the_assigned_only_setting(client, therapist, practice):
    colleague = StaffFactory(role=User.Role.THERAPIST, mfa=False)
    raise_flag(sent_intake(risk_level="urgent", assigned_therapist=colleague), "urgent")
    raise_flag(sent_intake(risk_level="urgent"), "urgent")
    practice.therapists_see_assigned_only = True
    practice.save(update_fields=["therapists_see_assigned_only"])
    client.force_login(therapist)

    assert 'data-urgent-count="1"' in client.get(reverse("portal:staff_home")).content.decode()


def test_staff_home_links_clinical_staff_to_the_queue(client, practice_admin):
    client.force_login(practice_admin)

    assert reverse("intake:staff_queue") in client.get(reverse("portal:staff_home")).content.decode()
