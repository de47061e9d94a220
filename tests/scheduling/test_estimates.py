"""The Good Faith Estimate (45 CFR 149.610): issued after a booking for a client without
insurance on file, and on request; what its PDF says; versions kept; the discreet email; the
client's acknowledgement; who may read it."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake
from portal.models import AuditEvent, TherapistCredentials
from portal.selectors import practice_forget
from scheduling.appointment_services import appointment_book
from scheduling.estimate_services import (
    ERROR_PRACTICE_NPI,
    ERROR_SERVICE_CODE,
    EstimateNotReadyError,
    estimate_issue,
)
from scheduling.estimate_tasks import estimates_missing_sweep_task
from scheduling.message_content import forbidden_words_in
from scheduling.models import Appointment, GoodFaithEstimate, Modality, NotificationKind, SessionType
from tests.intake.factories import IntakeFactory
from tests.scheduling.factories import AppointmentRequestFactory, TherapistProfileFactory

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is needed"
)

PRACTICE_NPI = "1568493021"
PRACTICE_TIN = "84-3927165"
THERAPIST_NPI = "1847520933"


def _text(estimate: GoodFaithEstimate) -> str:
    with estimate.file.open("rb") as handle:
        pdf = handle.read()
    out = subprocess.run(["/usr/bin/pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


@pytest.fixture
def billing_ready(practice, therapist):
    practice.npi, practice.tax_id = PRACTICE_NPI, PRACTICE_TIN
    practice.estimate_ongoing_sessions, practice.estimate_months = 11, 3
    practice.save(update_fields=["npi", "tax_id", "estimate_ongoing_sessions", "estimate_months"])
    practice_forget()
    TherapistProfileFactory(user=therapist)
    TherapistCredentials.objects.create(
        user=therapist,
        licence="Licensed Clinical Social Worker (LCSW)",
        licence_number="CSW.09924517",
        degrees="Master of Social Work, 2011.",
        licence_requires="A master's degree in social work and supervised practice.",
        npi=THERAPIST_NPI,
    )
    return practice


def _intake(client_user, **payment):
    return IntakeFactory(
        client=client_user, legal_name="Hope Rivera", date_of_birth=dt.date(1991, 3, 14), **payment
    )


def _book(therapist, client_user, front_desk, capture):
    with capture(execute=True):
        return appointment_book(
            therapist=therapist,
            session_type=SessionType.objects.get(slug="initial-consultation"),
            start=timezone.now() + dt.timedelta(days=5),
            modality=Modality.TELEHEALTH,
            client=client_user,
            actor=front_desk,
        )


def test_self_pay_booking_issues_an_estimate_with_every_required_element(
    billing_ready, therapist, client_user, front_desk, django_capture_on_commit_callbacks
):
    _intake(client_user, payment_method=Intake.PaymentMethod.SELF_PAY)
    appointment = _book(therapist, client_user, front_desk, django_capture_on_commit_callbacks)
    estimate = GoodFaithEstimate.objects.get(client=client_user)
    assert (estimate.appointment, estimate.version, estimate.reason) == (appointment, 1, "booking")
    text = _text(estimate)
    for required in (
        "Good Faith Estimate",
        "Hope Rivera",  # the client's name
        "March 14, 1991",  # and date of birth
        "90791 Initial consultation (first session)",
        "$175.00",
        "90837 Individual therapy, ongoing sessions expected over 3 months",
        "11 $160.00 $1,760.00",
        "Total expected charges $1,935.00",
        "Sitting in Sisterhood",
        PRACTICE_NPI,
        PRACTICE_TIN,
        "1600 Ogden Street, Suite 200",
        "Stephanie Poole",
        THERAPIST_NPI,
        "This is an estimate, not a contract.",
        "$400 or more above this estimate",
        "patient-provider dispute resolution process",
        "www.cms.gov/nosurprises",
        "keep a copy",
    ):
        assert required in text, required
    assert estimate.total == 1935
    assert [line["service_code"] for line in estimate.lines] == ["90791", "90837"]


def test_insured_booking_issues_no_estimate(
    billing_ready, therapist, client_user, front_desk, django_capture_on_commit_callbacks
):
    _intake(client_user, payment_method=Intake.PaymentMethod.INSURANCE, insurance_plan="Cigna Open Access")
    _book(therapist, client_user, front_desk, django_capture_on_commit_callbacks)
    assert not GoodFaithEstimate.objects.filter(client=client_user).exists()


def test_insured_client_gets_one_when_the_desk_asks(
    client, billing_ready, therapist, client_user, front_desk, django_capture_on_commit_callbacks
):
    _intake(client_user, payment_method=Intake.PaymentMethod.INSURANCE, insurance_plan="Cigna Open Access")
    request = AppointmentRequestFactory(
        client=client_user, session_type=SessionType.objects.get(slug="individual")
    )
    client.force_login(front_desk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scheduling:estimate_issue", kwargs={"pk": request.pk}), {"therapist": therapist.pk}
        )
    assert response.status_code == 302
    estimate = GoodFaithEstimate.objects.get(client=client_user)
    assert estimate.reason == GoodFaithEstimate.Reason.REQUEST
    assert estimate.requested_by == front_desk
    assert "Good Faith Estimate" in _text(estimate)


def test_each_issued_version_is_kept(billing_ready, therapist, client_user, front_desk):
    _intake(client_user)
    first = estimate_issue(client=client_user, therapist=therapist, reason="request", actor=front_desk)
    second = estimate_issue(client=client_user, therapist=therapist, reason="request", actor=front_desk)
    assert [e.version for e in GoodFaithEstimate.objects.filter(client=client_user).order_by("version")] == [
        1,
        2,
    ]
    assert first.file.name != second.file.name
    assert first.file.storage.exists(first.file.name)
    assert second.file.storage.exists(second.file.name)


def test_no_estimate_without_the_practice_npi(practice, therapist, client_user):
    _intake(client_user)
    with pytest.raises(EstimateNotReadyError) as raised:
        estimate_issue(client=client_user, therapist=therapist, reason="request")
    assert str(ERROR_PRACTICE_NPI) in raised.value.problems
    assert not GoodFaithEstimate.objects.exists()


def test_the_client_is_told_discreetly_that_an_estimate_is_ready(
    billing_ready, therapist, client_user, front_desk, django_capture_on_commit_callbacks
):
    _intake(client_user, payment_method=Intake.PaymentMethod.SELF_PAY, may_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        estimate_issue(client=client_user, therapist=therapist, reason="request", actor=front_desk)
    (message,) = [m for m in mail.outbox if "estimate" in m.subject.lower()]
    text = "\n".join([message.subject, message.body, *(c for c, _ in message.alternatives)])
    assert forbidden_words_in(text) == []
    assert "$" not in text  # no amount, no service: only that it is ready, and where
    assert reverse("scheduling:estimates") in message.body


def test_client_acknowledges_her_estimate_once(client, billing_ready, therapist, client_user):
    _intake(client_user)
    estimate = estimate_issue(client=client_user, therapist=therapist, reason="request")
    client.force_login(client_user)
    url = reverse("scheduling:estimate_acknowledge", kwargs={"pk": estimate.pk})
    assert client.post(url).status_code == 302
    client.post(url)
    estimate.refresh_from_db()
    assert estimate.acknowledged_at is not None
    assert (
        AuditEvent.objects.filter(object_type="good_faith_estimate", action=AuditEvent.Action.SIGN).count()
        == 1
    )


@pytest.mark.parametrize(
    ("persona", "status"), [("client_user", 200), ("front_desk", 200), ("practice_admin", 200)]
)
def test_estimate_pdf_is_read_by_its_client_and_billing_staff(
    client, request, billing_ready, therapist, client_user, persona, status
):
    _intake(client_user)
    estimate = estimate_issue(client=client_user, therapist=therapist, reason="request")
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("scheduling:estimate_pdf", kwargs={"pk": estimate.pk}))
    assert response.status_code == status
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        actor=user, object_type="good_faith_estimate", action=AuditEvent.Action.DOWNLOAD
    ).exists()


def test_another_client_gets_404_for_an_estimate(
    client, billing_ready, therapist, client_user, second_client_user
):
    _intake(client_user)
    estimate = estimate_issue(client=client_user, therapist=therapist, reason="request")
    client.force_login(second_client_user)
    assert client.get(reverse("scheduling:estimate_pdf", kwargs={"pk": estimate.pk})).status_code == 404
    assert (
        client.post(reverse("scheduling:estimate_acknowledge", kwargs={"pk": estimate.pk})).status_code == 404
    )


def test_client_asking_for_one_gets_it_for_her_booked_therapist(
    client, billing_ready, therapist, client_user, front_desk, django_capture_on_commit_callbacks
):
    _intake(client_user, payment_method=Intake.PaymentMethod.INSURANCE, insurance_plan="Aetna")
    _book(therapist, client_user, front_desk, django_capture_on_commit_callbacks)
    client.force_login(client_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scheduling:estimate_ask"))
    assert response.status_code == 302
    estimate = GoodFaithEstimate.objects.get(client=client_user)
    assert estimate.therapist == therapist
    assert estimate.requested_by == client_user


def test_estimate_kind_is_a_notification_kind():
    assert NotificationKind.ESTIMATE in NotificationKind.values


def test_sweeper_issues_the_estimate_a_lost_task_left_missing(
    billing_ready, therapist, client_user, front_desk
):
    _intake(client_user, payment_method=Intake.PaymentMethod.SELF_PAY)
    # Booked, but the task queued after commit never ran (the callbacks are not executed here).
    appointment = appointment_book(
        therapist=therapist,
        session_type=SessionType.objects.get(slug="initial-consultation"),
        start=timezone.now() + dt.timedelta(days=5),
        modality=Modality.TELEHEALTH,
        client=client_user,
        actor=front_desk,
    )
    assert estimates_missing_sweep_task() == 0  # too recent: its own task may still be on its way
    Appointment.objects.filter(pk=appointment.pk).update(created_at=timezone.now() - dt.timedelta(minutes=20))
    assert estimates_missing_sweep_task() == 1
    assert GoodFaithEstimate.objects.get(client=client_user).appointment == appointment
    assert estimates_missing_sweep_task() == 0


def test_an_estimate_lost_from_storage_answers_404_not_an_error(
    client, billing_ready, therapist, client_user
):
    _intake(client_user)
    estimate = estimate_issue(client=client_user, therapist=therapist, reason="request")
    estimate.file.storage.delete(estimate.file.name)
    client.force_login(client_user)
    assert client.get(reverse("scheduling:estimate_pdf", kwargs={"pk": estimate.pk})).status_code == 404


def test_couples_booking_lists_the_family_therapy_code_on_each_line(
    billing_ready, therapist, client_user, front_desk, django_capture_on_commit_callbacks
):
    _intake(client_user, payment_method=Intake.PaymentMethod.SELF_PAY)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_book(
            therapist=therapist,
            session_type=SessionType.objects.get(slug="couples"),
            start=timezone.now() + dt.timedelta(days=5),
            modality=Modality.TELEHEALTH,
            client=client_user,
            actor=front_desk,
        )

    text = _text(GoodFaithEstimate.objects.get(client=client_user))
    assert "90847 Couples therapy (first session)" in text
    assert "90847 Couples therapy, ongoing sessions expected over 3 months" in text


def test_no_estimate_while_a_session_type_has_no_service_code(billing_ready, therapist, client_user):
    SessionType.objects.filter(slug="individual").update(service_code="")

    with pytest.raises(EstimateNotReadyError) as raised:
        estimate_issue(client=client_user, therapist=therapist, reason="request")

    assert raised.value.problems == [str(ERROR_SERVICE_CODE % {"name": "Individual therapy"})]
    assert not GoodFaithEstimate.objects.exists()
