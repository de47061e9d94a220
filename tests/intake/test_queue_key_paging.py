"""The therapist's queue is paged by its sort key: "Next" and "Previous" carry a row's key
and the database seeks to it in the queue's index; old ?page=N links still work, and a key
that was tampered with shows the first page."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake, RiskFlag
from intake.review_selectors import queue_key_parse, queue_keys, queue_seek, review_queue
from portal.models import User

pytestmark = pytest.mark.django_db

QUEUE = reverse("intake:staff_queue")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")


@pytest.fixture
def as_therapist(client, therapist):
    client.force_login(therapist)
    return client


def _queue_of(count: int, *, start: int = 0) -> None:
    """Intakes at every level, many sent at the very same moment (ties broken by created_at
    and id), and drafts never sent that raised a same-day flag (no submitted_at)."""
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(email=f"key{n}@example.com", full_name=f"Key Client {n}", password="!")
            for n in range(start, start + count)
        ]
    )
    levels = ["routine", "elevated", "high", "urgent"]
    intakes = Intake.objects.bulk_create(
        [
            Intake(
                client=user,
                legal_name=user.full_name,
                status=Intake.Status.DRAFT if n % 7 == 0 else Intake.Status.SUBMITTED,
                submitted_at=None if n % 7 == 0 else now - dt.timedelta(minutes=n % 5),
                risk_level="urgent" if n % 7 == 0 else levels[n % 4],
            )
            for n, user in enumerate(users)
        ]
    )
    RiskFlag.objects.bulk_create(
        [RiskFlag(intake=i, level="urgent", reasons=[]) for i in intakes if i.status == "draft"]
    )


def shown(response) -> list[int]:
    return [intake.pk for intake in response.context["page"].object_list]


def _link(response, label: str) -> str:
    found = re.search(rf'<a href="(\?[^"]*)">{label}</a>', response.content.decode())
    return html.unescape(found.group(1)) if found else ""


def test_next_pages_show_the_same_rows_in_the_same_order_as_numbered_pages(as_therapist):
    _queue_of(80)
    response = as_therapist.get(QUEUE)
    for number in (1, 2, 3):
        assert response.status_code == 200
        assert shown(response) == shown(as_therapist.get(QUEUE, {"page": number}))
        assert response.context["page"].number == number
        next_link = _link(response, "Next")
        assert "after=" in next_link
        response = as_therapist.get(QUEUE + next_link)
    assert shown(response) == shown(as_therapist.get(QUEUE, {"page": 4}))
    assert not response.context["page"].has_next


def test_previous_seeks_back_to_the_same_rows(as_therapist):
    _queue_of(80)
    third = as_therapist.get(
        QUEUE + _link(as_therapist.get(QUEUE + _link(as_therapist.get(QUEUE), "Next")), "Next")
    )

    second = as_therapist.get(QUEUE + _link(third, "Previous"))
    first = as_therapist.get(QUEUE + _link(second, "Previous"))

    assert "before=" in _link(third, "Previous")
    assert shown(second) == shown(as_therapist.get(QUEUE, {"page": 2}))
    assert second.context["page"].number == 2
    assert shown(first) == shown(as_therapist.get(QUEUE))
    assert first.context["page"].number == 1


def test_the_filters_stay_in_the_key_links(as_therapist):
    _queue_of(120)

    first = as_therapist.get(QUEUE, {"risk": "urgent"})
    second = as_therapist.get(QUEUE + _link(first, "Next"))

    assert _link(first, "Next").startswith("?risk=urgent&page=2&after=")
    assert shown(second) == shown(as_therapist.get(QUEUE, {"risk": "urgent", "page": 2}))


@pytest.mark.parametrize(
    "key",
    [
        "",
        "x",
        "1.2.3",
        "1.2.3.4.5",
        "n.1.2.3",
        "1.2.n.3",
        "9" * 40 + ".1.1.1",
        "1.99999999999999999.1.1",
        "\u0661.1.1.1",
        "-1.1.1.1",
    ],
)
def test_a_tampered_key_shows_the_first_page(as_therapist, key):
    _queue_of(30)

    response = as_therapist.get(QUEUE, {"page": 2, "after": key})
    backwards = as_therapist.get(QUEUE, {"page": 2, "before": key})

    assert response.status_code == backwards.status_code == 200
    first = shown(as_therapist.get(QUEUE))
    if queue_key_parse(key) is None:
        assert shown(response) == shown(backwards) == first
        assert response.context["page"].number == 1


def test_a_key_past_the_end_shows_the_first_page(as_therapist):
    _queue_of(30)
    last = as_therapist.get(QUEUE, {"page": 2})

    response = as_therapist.get(QUEUE, {"page": 3, "after": last.context["page"].last_key})

    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert shown(response) == shown(as_therapist.get(QUEUE))


def test_a_key_page_reads_as_many_queries_at_a_thousand_intakes_as_at_ten(as_therapist):
    _queue_of(10)
    as_therapist.get(QUEUE)  # the session's first request writes it
    with CaptureQueriesContext(connection) as ten:
        assert as_therapist.get(QUEUE).status_code == 200
    _queue_of(990, start=10)
    second = as_therapist.get(QUEUE + _link(as_therapist.get(QUEUE), "Next"))

    with CaptureQueriesContext(connection) as thousand:
        response = as_therapist.get(QUEUE + _link(second, "Next"))

    assert len(shown(response)) == 25
    assert response.context["page"].number == 3
    assert len(thousand.captured_queries) == len(ten.captured_queries)


@postgres_only
@pytest.mark.parametrize("forward", [True, False])
def test_a_deep_key_page_seeks_in_the_queue_index_without_sorting(therapist, forward):
    _queue_of(200)
    rows = list(review_queue(user=therapist).values_list("submitted_at", "created_at", "pk")[150:151])
    submitted_at, created_at, pk = rows[0]
    seek = queue_seek(
        review_queue(user=therapist), (3, submitted_at, created_at, pk), forward=forward, limit=26
    )
    with connection.cursor() as cursor:  # inside the test's transaction only
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")

    plan = seek.explain()

    assert "intake_review_queue_order" in plan
    assert "Sort" not in plan
    assert "Seq Scan" not in plan


@postgres_only
def test_the_first_page_of_keys_is_read_off_the_queue_index_without_sorting(therapist):
    _queue_of(200)
    first = queue_keys(review_queue(user=therapist))[:26]
    with connection.cursor() as cursor:  # inside the test's transaction only
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")

    plan = first.explain()

    assert "intake_review_queue_order" in plan
    assert "Sort" not in plan


def test_each_row_links_to_its_own_intake(as_therapist):
    _queue_of(30)

    response = as_therapist.get(QUEUE)

    page = response.content.decode()
    for pk in shown(response):
        assert f'<a href="{reverse("intake:staff_detail", kwargs={"pk": pk})}"><strong>' in page
