"""The front desk's queue of open requests scales with the page, not the practice: the
database orders it by the priority the intake's triage gives now (the one rule of
intake.risk_rules), then oldest first; a page of REQUEST_PAGE_SIZE with no exact count, read
off a partial index of open requests; labels from one dictionary a page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.models import RiskLevelChoices
from intake.selectors import intake_priorities_for_clients, intake_priority_position
from portal.models import AuditEvent
from scheduling.models import AppointmentRequest
from scheduling.selectors import READY_PAGE_SIZE, REQUEST_PAGE_SIZE, request_queue_rows
from tests.intake.factories import IntakeFactory
from tests.intake.factories_review import sent_intake
from tests.scheduling.factories import AppointmentRequestFactory, SessionTypeFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("scheduling:queue")
CLINICAL_TEXT = "HOPES-SECRET sleeping since the miscarriage"
# Every triage level, and a client with no intake at all (routine).
LEVELS = ("urgent", "high", "elevated", "routine", None)
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")


def _open_requests(count: int, *, session_type=None) -> list[AppointmentRequest]:
    """`count` open requests over every level, four at a time made at the same moment (ties
    on created_at, broken by pk)."""
    session_type = session_type or SessionTypeFactory()
    start = timezone.now() - dt.timedelta(days=30)
    made = []
    for n in range(count):
        request_obj = AppointmentRequestFactory(session_type=session_type)
        level = LEVELS[n % len(LEVELS)]
        if level is not None:
            IntakeFactory(client=request_obj.client, risk_level=level, hopes=CLINICAL_TEXT)
        AppointmentRequest.objects.filter(pk=request_obj.pk).update(
            created_at=start + dt.timedelta(hours=(count - n) // 4)
        )
        made.append(request_obj)
    return made


def _previous_python_order() -> list[int]:
    """The queue's order as it was worked out before the database did it: every open request
    loaded, then sorted in Python by the live priority's position, oldest first, then pk."""
    rows = list(AppointmentRequest.objects.filter(status=AppointmentRequest.Status.OPEN))
    priorities = intake_priorities_for_clients(client_ids={row.client_id for row in rows})
    rows.sort(key=lambda row: (intake_priority_position(priorities[row.client_id]), row.created_at, row.pk))
    return [row.pk for row in rows]


def _shown(response) -> list[int]:
    return [req.pk for req, *_rest in response.context["items"]]


def _plan(queryset) -> str:
    # On a test's handful of rows a sequential scan is cheaper; price it out (as the intake
    # list tests do) to see which index fits the query.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    return queryset.explain()


def test_the_database_orders_the_queue_as_the_python_sort_did():
    _open_requests(23)

    assert list(request_queue_rows().values_list("pk", flat=True)) == _previous_python_order()


def test_the_first_page_shows_the_same_requests_in_the_same_order_as_before(client, front_desk):
    _open_requests(REQUEST_PAGE_SIZE + 7)
    client.force_login(front_desk)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert _shown(response) == _previous_python_order()[:REQUEST_PAGE_SIZE]
    assert response.context["page"].has_next


def test_each_request_shows_the_priority_the_intake_gives_now_and_saves_nothing(client, front_desk):
    _open_requests(len(LEVELS))
    client.force_login(front_desk)

    response = client.get(QUEUE)

    items = response.context["items"]
    priorities = intake_priorities_for_clients(client_ids={req.client_id for req, *_rest in items})
    assert response.status_code == 200
    assert [req.priority for req, *_rest in items] == ["urgent", "high", "high", "routine", "routine"]
    assert [req.priority for req, *_rest in items] == [priorities[req.client_id] for req, *_rest in items]
    assert [req.priority_label for req, *_rest in items] == [
        AppointmentRequest.Priority(req.priority).label for req, *_rest in items
    ]
    # Shown, never saved: the stored priority is what it was when she asked.
    assert set(AppointmentRequest.objects.values_list("priority", flat=True)) == {"routine"}


def test_the_second_page_shows_the_rest_in_order(client, front_desk):
    _open_requests(REQUEST_PAGE_SIZE + 3)
    client.force_login(front_desk)

    response = client.get(QUEUE, {"page": 2})

    assert response.status_code == 200
    assert _shown(response) == _previous_python_order()[REQUEST_PAGE_SIZE:]
    assert response.context["page"].has_previous
    assert not response.context["page"].has_next
    assert 'href="?page=1"' in response.content.decode()


def test_a_page_past_the_end_shows_the_first_page(client, front_desk):
    _open_requests(3)
    client.force_login(front_desk)

    response = client.get(QUEUE, {"page": 2})

    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert _shown(response) == _previous_python_order()


@pytest.mark.parametrize("page", ["0", "-1", "two", "99999", "1e9", "\u0661", "1" * 40])
def test_a_page_number_that_makes_no_sense_shows_the_first_page(client, front_desk, page):
    _open_requests(REQUEST_PAGE_SIZE + 1)
    client.force_login(front_desk)

    response = client.get(QUEUE, {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert _shown(response) == _previous_python_order()[:REQUEST_PAGE_SIZE]


def test_the_queue_never_counts_the_open_requests(client, front_desk):
    _open_requests(REQUEST_PAGE_SIZE + 1)
    client.force_login(front_desk)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)

    assert response.status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "Requests 1 to 25." in response.content.decode()


def test_the_page_costs_the_same_queries_at_5_and_60_open_requests(client, front_desk):
    session_type = SessionTypeFactory()
    _open_requests(5, session_type=session_type)
    client.force_login(front_desk)
    client.get(QUEUE)  # fills the per-process caches (the practice's details)
    with CaptureQueriesContext(connection) as few:
        small = client.get(QUEUE)
    _open_requests(55, session_type=session_type)

    with CaptureQueriesContext(connection) as many:
        large = client.get(QUEUE)

    assert small.status_code == large.status_code == 200
    assert len(_shown(large)) == REQUEST_PAGE_SIZE
    assert len(many.captured_queries) == len(few.captured_queries)


def test_only_the_clients_on_the_page_are_audited_as_seen(client, front_desk):
    _open_requests(REQUEST_PAGE_SIZE + 4)
    client.force_login(front_desk)

    response = client.get(QUEUE)

    seen = AuditEvent.objects.filter(object_type="desk_queue_row")
    assert response.status_code == 200
    assert sorted(int(pk) for pk in seen.values_list("object_id", flat=True)) == sorted(_shown(response))


def test_the_desk_sees_priority_words_never_the_triage_or_answers(client, front_desk):
    _open_requests(len(LEVELS))
    client.force_login(front_desk)

    page = client.get(QUEUE).content.decode()

    assert "Contact today" in page
    assert "Contact soon" in page
    assert CLINICAL_TEXT not in page
    assert "elevated" not in page.casefold()
    assert not [label for label in RiskLevelChoices.labels if str(label) in page]


@postgres_only
def test_the_open_requests_are_read_off_their_partial_index():
    _open_requests(2)

    plan = _plan(request_queue_rows()[: REQUEST_PAGE_SIZE + 1])

    assert "scheduling_request_open_queue" in plan


def test_paging_one_list_keeps_the_page_of_the_other(client, front_desk):
    _open_requests(REQUEST_PAGE_SIZE + 1)
    for _ in range(READY_PAGE_SIZE + 1):
        sent_intake(status="accepted")
    client.force_login(front_desk)

    page = client.get(QUEUE, {"page": 2, "ready_page": 2}).content.decode()

    assert 'href="?page=1&amp;ready_page=2"' in page
    assert 'href="?ready_page=1&amp;page=2#ready-heading"' in page
