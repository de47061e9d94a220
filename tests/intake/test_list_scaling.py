"""Staff lists scale with the page, not the practice: no exact count, indexes the database
uses for each list's filter and order (read from EXPLAIN on PostgreSQL), and the header's
cached counts refreshed whenever a flag changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake, RiskFlag, RiskLevelChoices
from intake.review_selectors import assignable_therapists, review_queue
from intake.selectors import intakes_ready_to_schedule_rows
from portal.models import User
from tests.intake.factories_review import raise_flag, sent_intake
from tests.portal.factories import StaffFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("intake:staff_queue")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")


def _plan(queryset) -> str:
    # Only the indexes: on a test's handful of rows a sequential scan or a sort is cheaper,
    # so both are priced out for this transaction, leaving whatever index fits the query.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    return queryset.explain()


def test_the_queue_never_counts_every_intake(client, therapist):
    for _ in range(30):
        sent_intake()
    client.force_login(therapist)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)

    assert response.status_code == 200
    # What a paginator asks: the number of rows of the whole list.
    assert not [q["sql"] for q in queries.captured_queries if '"__count"' in q["sql"]]
    assert response.context["page"].has_next
    assert "Intakes 1 to 25; more on the next page" in response.content.decode()


def test_the_last_page_of_the_queue_says_how_many_intakes_there_are(client, therapist):
    for _ in range(27):
        sent_intake()
    client.force_login(therapist)

    response = client.get(QUEUE, {"page": 2})

    assert len(response.context["page"].object_list) == 2
    assert "Intakes 26 to 27 of 27" in response.content.decode()
    assert "Next" not in response.content.decode().split('class="pagination"')[1]


@pytest.mark.parametrize("page", ["0", "-3", "two", "99999", "\u0661", "1" * 40])
def test_a_queue_page_that_makes_no_sense_shows_the_first_page(client, therapist, page):
    first = sent_intake()
    client.force_login(therapist)

    response = client.get(QUEUE, {"page": page})

    assert response.status_code == 200
    assert [i.pk for i in response.context["page"].object_list] == [first.pk]
    assert response.context["page"].number == 1


def test_a_draft_with_an_open_same_day_flag_is_in_the_queue_until_it_is_acknowledged(client, therapist):
    draft = sent_intake(status=Intake.Status.DRAFT, submitted_at=None)
    flag = raise_flag(draft, "urgent")
    quiet_draft = sent_intake(status=Intake.Status.DRAFT, submitted_at=None)
    raise_flag(quiet_draft, "elevated")

    assert list(review_queue(user=therapist).values_list("pk", flat=True)) == [draft.pk]
    RiskFlag.objects.filter(pk=flag.pk).update(acknowledged_at=timezone.now(), acknowledged_by=therapist)
    assert list(review_queue(user=therapist).values_list("pk", flat=True)) == []


def test_the_header_count_changes_as_soon_as_a_flag_is_raised(client, therapist):
    intake = sent_intake(risk_level="high")
    client.force_login(therapist)
    assert 'data-urgent-count="0"' in client.get(reverse("portal:staff_home")).content.decode()

    raise_flag(intake, "urgent")

    assert 'data-urgent-count="1"' in client.get(reverse("portal:staff_home")).content.decode()


def test_the_header_count_drops_as_soon_as_the_intake_is_closed(client, therapist):
    intake = sent_intake(risk_level="urgent")
    raise_flag(intake, "urgent")
    client.force_login(therapist)
    assert 'data-urgent-count="1"' in client.get(reverse("portal:staff_home")).content.decode()

    intake.status = Intake.Status.CLOSED
    intake.save(update_fields=["status"])

    assert 'data-urgent-count="0"' in client.get(reverse("portal:staff_home")).content.decode()


def test_a_new_therapist_is_in_the_queue_filter_at_once(client, therapist):
    client.force_login(therapist)
    client.get(QUEUE)

    newcomer = StaffFactory(role=User.Role.THERAPIST, full_name="Rowan Newcomer")
    choices = dict(client.get(QUEUE).context["form"].fields["assigned"].choices)

    assert choices[str(newcomer.pk)] == "Rowan Newcomer"


def test_a_deactivated_therapist_leaves_the_queue_filter_at_once(client, therapist):
    leaving = StaffFactory(role=User.Role.THERAPIST, full_name="Sam Leaving")
    client.force_login(therapist)
    assert str(leaving.pk) in dict(client.get(QUEUE).context["form"].fields["assigned"].choices)

    leaving.is_active = False
    leaving.save(update_fields=["is_active"])

    assert str(leaving.pk) not in dict(client.get(QUEUE).context["form"].fields["assigned"].choices)


@postgres_only
def test_postgres_connections_run_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@postgres_only
def test_the_ready_to_schedule_list_is_read_off_its_partial_index():
    sent_intake(status=Intake.Status.ACCEPTED)
    plan = _plan(intakes_ready_to_schedule_rows()[:21])
    assert "intake_ready_to_schedule_order" in plan


@postgres_only
def test_open_same_day_flags_are_found_by_their_partial_index():
    raise_flag(sent_intake(risk_level="urgent"), "urgent")
    flags = RiskFlag.objects.filter(level__in=["high", "urgent"], acknowledged_at__isnull=True)
    assert "intake_riskflag_open_same_day" in _plan(flags.values("intake_id"))


@postgres_only
def test_the_therapists_are_read_off_their_partial_index(therapist):
    assert "portal_user_active_therapists" in _plan(assignable_therapists())


@postgres_only
def test_the_queue_filtered_by_level_still_walks_the_queue_index(therapist):
    raise_flag(sent_intake(risk_level="urgent"), "urgent")
    page = review_queue(user=therapist, risk="urgent").values_list("pk", flat=True)[:26]
    assert "intake_review_queue_order" in _plan(page)


def test_a_queue_row_shows_the_level_status_and_modality_labels(client, therapist):
    intake = sent_intake(
        risk_level="high", status=Intake.Status.IN_REVIEW, modality=Intake.Modality.TELEHEALTH
    )
    client.force_login(therapist)

    html = client.get(QUEUE).content.decode()

    row = html.split(f'data-intake="{intake.pk}"')[1].split("</tr>")[0]
    assert str(RiskLevelChoices.HIGH.label) in row
    assert str(Intake.Status.IN_REVIEW.label) in row
    assert str(Intake.Modality.TELEHEALTH.label) in row
