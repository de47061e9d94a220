"""The therapist's intake page builds each form once and only where it is shown, takes its
labels from one dictionary, and reads the same number of rows however much the intake holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake, RiskFlag
from intake.review_selectors import assignable_therapist_choices
from tests.intake.factories_review import raise_flag, sent_intake
from tests.intake.summary_samples import intake_build
from tests.portal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def detail_url(intake) -> str:
    return reverse("intake:staff_detail", kwargs={"pk": intake.pk})


@pytest.fixture
def as_therapist(client, therapist):
    client.force_login(therapist)
    return client


def test_an_acknowledged_flag_gets_no_acknowledge_form(as_therapist, therapist):
    intake = sent_intake(risk_level="urgent")
    done = raise_flag(intake, "urgent")
    RiskFlag.objects.filter(pk=done.pk).update(
        acknowledged_at=timezone.now(), acknowledged_by=therapist, follow_up="called"
    )
    open_flag = raise_flag(intake, "high")

    response = as_therapist.get(detail_url(intake))

    assert response.status_code == 200
    forms = {view.flag.pk: form for view, form in response.context["flags"]}
    assert forms[done.pk] is None
    assert forms[open_flag.pk].prefix == f"ack{open_flag.pk}"
    assert response.content.decode().count('class="ack-form"') == 1


def test_a_closed_intake_gets_no_decision_form(as_therapist):
    intake = sent_intake(status="closed")

    response = as_therapist.get(detail_url(intake))

    assert response.status_code == 200
    assert response.context["status_form"] is None
    assert "Save decision" not in response.content.decode()


def test_the_assign_form_offers_the_cached_therapists_without_a_query(as_therapist, therapist):
    intake = sent_intake()
    assignable_therapist_choices()  # warm the cache, as every earlier page does

    with CaptureQueriesContext(connection) as queries:
        response = as_therapist.get(detail_url(intake))

    offered = list(response.context["assign_form"].fields["therapist"].choices)
    assert offered[1:] == assignable_therapist_choices()
    assert str(therapist.pk) in [value for value, _label in offered]
    assert not [q for q in queries.captured_queries if '"portal_user"."role" = ' in q["sql"]]


def test_assigning_from_the_cached_choices_still_checks_the_therapist(as_therapist, therapist):
    intake = sent_intake()
    front_desk = StaffFactory(role="front_desk")

    response = as_therapist.post(
        reverse("intake:staff_assign", kwargs={"pk": intake.pk}), {"therapist": front_desk.pk}
    )

    assert response.status_code == 400
    assert Intake.objects.get(pk=intake.pk).assigned_therapist is None


def test_the_page_shows_the_labels_of_level_status_modality_and_flags(as_therapist):
    intake = sent_intake(risk_level="high", status="in_review", modality="telehealth", in_colorado="no")
    raise_flag(intake, "high")

    page = as_therapist.get(detail_url(intake)).content.decode()

    assert '<span class="risk risk--high">High: same-day review</span>' in page
    assert page.count('<span class="tag">Being reviewed</span>') == 1
    assert "By video (telehealth)" in page
    assert 'answered "No" to being in Colorado' in page


def test_the_page_reads_as_many_rows_for_a_full_intake_as_for_a_bare_one(as_therapist):
    bare = sent_intake()
    full = intake_build(client=UserFactory())
    assert full.risk_flags.count()
    assert full.pregnancies.count()
    as_therapist.get(detail_url(bare))  # the session's first request writes it

    with CaptureQueriesContext(connection) as small:
        assert as_therapist.get(detail_url(bare)).status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert as_therapist.get(detail_url(full)).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries) == 11
