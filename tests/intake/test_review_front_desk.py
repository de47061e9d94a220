"""Minimum necessary: what the front desk learns of an accepted intake, and nothing more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake.models import BenefitsCheck, Intake, RiskFlag
from intake.review_services import internal_note_add, risk_flag_acknowledge
from intake.selectors import (
    estimate_due_without_asking,
    intake_contact_for_front_desk,
    intake_facts_for_front_desk,
    intake_priority_for_client,
    intakes_ready_to_schedule,
    payment_details,
)
from tests.intake.factories_review import ASQ_ACUTE, answer, raise_flag, sent_intake
from tests.portal.access_policy import POLICY, url_kwargs

pytestmark = pytest.mark.django_db

READY_KEYS = {
    "id",
    "client_id",
    "name",
    "preferred_name",
    "email",
    "phone",
    "channels",
    "modality",
    "in_colorado",
    "appointment_preferences",
    "priority",
}


def test_only_accepted_intakes_are_ready_to_schedule_most_urgent_first(client_user):
    routine = sent_intake(status="accepted", risk_level="routine")
    elevated = sent_intake(status="accepted", risk_level="elevated")
    urgent = sent_intake(status="accepted", risk_level="urgent")
    sent_intake(status="in_review", risk_level="urgent")
    sent_intake(status="referred")

    ready = intakes_ready_to_schedule()

    assert [row["id"] for row in ready] == [urgent.pk, elevated.pk, routine.pk]
    assert [row["priority"] for row in ready] == ["urgent", "high", "routine"]


def test_ready_to_schedule_carries_contact_and_request_details_only(client_user, therapist):
    intake = sent_intake(
        client=client_user,
        status="accepted",
        risk_level="high",
        preferred_name="Hope",
        phone="(720) 555-0100",
        may_text=True,
        may_voicemail=False,
        services=["loss_counseling"],
        modality=Intake.Modality.IN_PERSON,
        appointment_preferences="Mornings",
        hopes="PRIVATE-HOPES",
    )

    (row,) = intakes_ready_to_schedule()

    assert set(row) == READY_KEYS
    assert row["client_id"] == client_user.pk
    assert row["name"] == intake.legal_name
    assert row["channels"] == {"email": None, "text": True, "voicemail": False, "name_practice": None}
    assert row["priority"] == "high"
    assert "PRIVATE-HOPES" not in str(row)
    # Why she is in care is not the front desk's to know.
    assert "loss_counseling" not in str(row)
    assert "miscarriage" not in str(row)


def test_front_desk_pages_never_show_a_score_an_answer_or_a_note(client, personas, therapist):
    intake = sent_intake(
        client=personas["client"],
        status="in_review",
        risk_level="routine",
        hopes="MARKER-HOPES",
        symptoms_other="MARKER-SYMPTOMS",
        medications="MARKER-MEDS",
        appointment_preferences="Tuesday mornings",
        services=["loss_counseling", "postpartum_depression"],
    )
    answer(intake, "asq", ASQ_ACUTE)
    answer(intake, "phq9", {str(n): 2 for n in range(1, 10)})
    flag = raise_flag(intake, "urgent")
    risk_flag_acknowledge(flag=flag, actor=therapist, follow_up="called_client", note="MARKER-ACK")
    internal_note_add(intake=intake, author=therapist, body="MARKER-NOTE")
    Intake.objects.filter(pk=intake.pk).update(status="accepted")
    assert RiskFlag.objects.filter(intake=intake).exists()
    forbidden = [
        "MARKER-HOPES",
        "MARKER-SYMPTOMS",
        "MARKER-MEDS",
        "MARKER-ACK",
        "MARKER-NOTE",
        "PHQ-9",
        "Moderately severe",
        "thoughts of killing yourself",
        "better off dead",
        "Acute positive",
    ]
    # The public pages speak of the practice's work; the front desk's own pages never say
    # what a client asked for help with.
    reasons_for_care = ["miscarriage", "pregnancy loss", "ostpartum depression"]
    kwargs = url_kwargs(personas)
    client.force_login(personas["front_desk"])
    pages = 0

    for name, outcomes in POLICY.items():
        if outcomes["front_desk"] != "ok":
            continue
        response = client.get(reverse(name, kwargs=kwargs.get(name, {})))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        html = response.content.decode()
        assert [marker for marker in forbidden if marker in html] == [], name
        if name.startswith("scheduling:"):
            assert [word for word in reasons_for_care if word in html] == [], name

    assert pages >= 5


def test_front_desk_queue_lists_accepted_clients_who_have_not_asked_for_a_time(client, front_desk):
    waiting = sent_intake(status="accepted", risk_level="high", legal_name="Nora Quinn", phone="303-555-0111")
    sent_intake(status="in_review", legal_name="Olive Stone")
    client.force_login(front_desk)

    page = client.get(reverse("scheduling:queue")).content.decode()

    ready = page[page.index('id="ready-heading"') :]
    assert f'data-ready-intake="{waiting.pk}"' in ready
    assert "Nora Quinn" in ready
    assert "303-555-0111" in ready
    assert "Olive Stone" not in page


def test_front_desk_queue_leaves_out_accepted_clients_who_already_asked(client, front_desk):
    from tests.scheduling.factories import AppointmentRequestFactory

    accepted = sent_intake(status="accepted")
    AppointmentRequestFactory(client=accepted.client)
    client.force_login(front_desk)

    page = client.get(reverse("scheduling:queue")).content.decode()

    assert f'data-ready-intake="{accepted.pk}"' not in page


def test_front_desk_queue_leaves_out_accepted_clients_with_a_time_booked_ahead(client, front_desk):
    from django.utils import timezone

    from tests.scheduling.factories import AppointmentFactory

    booked = sent_intake(status="accepted")
    AppointmentFactory(client=booked.client, start=timezone.now() + timezone.timedelta(days=3))
    seen_before = sent_intake(status="accepted")
    AppointmentFactory(client=seen_before.client, start=timezone.now() - timezone.timedelta(days=3))
    client.force_login(front_desk)

    page = client.get(reverse("scheduling:queue")).content.decode()

    assert f'data-ready-intake="{booked.pk}"' not in page
    assert f'data-ready-intake="{seen_before.pk}"' in page


def _ready_ids(response) -> list[int]:
    return [row["id"] for row in response.context["ready"]]


def test_clients_ready_to_schedule_come_a_page_at_a_time_most_urgent_first(client, front_desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scheduling.selectors import READY_PAGE_SIZE

    urgent = sent_intake(status="accepted", risk_level="urgent")
    client.force_login(front_desk)
    client.get(reverse("scheduling:queue"))  # fills the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("scheduling:queue"))
    for _ in range(READY_PAGE_SIZE * 2 + 2):
        sent_intake(status="accepted")
    with CaptureQueriesContext(connection) as many:
        first = client.get(reverse("scheduling:queue"))

    assert len(many.captured_queries) == len(few.captured_queries)
    assert _ready_ids(first)[0] == urgent.pk
    assert len(_ready_ids(first)) == READY_PAGE_SIZE
    assert "Clients 1 to 20 waiting; more on the next page." in first.content.decode()
    assert "Page 1" in first.content.decode()
    last = client.get(reverse("scheduling:queue"), {"ready_page": 3})
    assert len(_ready_ids(last)) == 3
    assert "Clients 41 to 43 of 43 waiting." in last.content.decode()
    seen = {*_ready_ids(first), *_ready_ids(client.get(reverse("scheduling:queue"), {"ready_page": 2}))}
    assert len(seen | set(_ready_ids(last))) == READY_PAGE_SIZE * 2 + 3


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e9", "\u0661"])
def test_a_ready_page_number_that_makes_no_sense_shows_a_page_not_an_error(client, front_desk, page):
    sent_intake(status="accepted")
    client.force_login(front_desk)
    response = client.get(reverse("scheduling:queue"), {"ready_page": page})
    assert response.status_code == 200
    assert len(_ready_ids(response)) == 1


def test_front_desk_facts_agree_with_each_reader_in_three_queries(
    client_user, front_desk, django_assert_num_queries
):
    intake = sent_intake(
        client=client_user,
        risk_level="elevated",
        preferred_name="Hope",
        payment_method=Intake.PaymentMethod.INSURANCE,
        insurance_plan="Aetna",
    )
    BenefitsCheck.objects.create(intake=intake, checked_by=front_desk, note="In network.")

    with django_assert_num_queries(3):  # the intake row, its card photos, its benefits checks
        facts = intake_facts_for_front_desk(client=client_user)

    assert facts.contact == intake_contact_for_front_desk(client=client_user)
    assert facts.priority == intake_priority_for_client(client=client_user) == "high"
    assert facts.estimate_owed is estimate_due_without_asking(client=client_user) is False
    expected = payment_details(client=client_user)
    assert (facts.payment.intake_id, facts.payment.rows) == (expected.intake_id, expected.rows)
    assert [check.note for check in facts.payment.checks] == ["In network."]


def test_front_desk_facts_for_a_client_without_an_intake_take_one_query(
    client_user, django_assert_num_queries
):
    with django_assert_num_queries(1):
        facts = intake_facts_for_front_desk(client=client_user)

    assert facts.contact == intake_contact_for_front_desk(client=client_user)
    assert (facts.priority, facts.payment, facts.estimate_owed) == ("routine", None, True)


def test_front_desk_facts_never_read_a_clinical_answer(client_user):
    sent_intake(client=client_user, hopes="PRIVATE-HOPES", services=["loss_counseling"])

    with CaptureQueriesContext(connection) as captured:
        intake_facts_for_front_desk(client=client_user)

    intake_sql = [q["sql"] for q in captured.captured_queries if 'FROM "intake_intake"' in q["sql"]]
    assert len(intake_sql) == 1
    assert '"hopes"' not in intake_sql[0]
    assert '"services"' not in intake_sql[0]
