"""A booked self-pay client's Good Faith Estimate is issued again, as a new version with the
earlier ones kept, when what it says changes: the practice's fee or service code for a session
type the booking expects, or the therapist it names."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake
from portal.models import TherapistCredentials, User
from scheduling.appointment_services import appointment_cancel, appointment_reschedule
from scheduling.estimate_services import estimate_reissue_if_changed
from scheduling.models import GoodFaithEstimate, SessionType
from tests.portal.factories import StaffFactory
from tests.scheduling.factories import TherapistProfileFactory
from tests.scheduling.test_estimates import _book, _intake, _text, billing_ready  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(billing_ready, therapist, client_user, front_desk, django_capture_on_commit_callbacks):  # noqa: F811
    """A self-pay client's first session, booked, with its estimate (version 1)."""
    _intake(client_user, payment_method=Intake.PaymentMethod.SELF_PAY)
    appointment = _book(therapist, client_user, front_desk, django_capture_on_commit_callbacks)
    assert GoodFaithEstimate.objects.get(appointment=appointment).version == 1
    return appointment


def _versions(client_user):
    return list(
        GoodFaithEstimate.objects.filter(client=client_user)
        .order_by("version")
        .values_list("version", "reason")
    )


def _post_fee(client, session_type, capture, **changes):
    values = {
        "name": session_type.name,
        "duration_minutes": session_type.duration_minutes,
        "self_pay_fee": session_type.self_pay_fee,
        "service_code": session_type.service_code,
        "active": "on",
        **changes,
    }
    with capture(execute=True):
        return client.post(reverse("scheduling:settings_session_type", args=[session_type.pk]), values)


def test_a_new_fee_for_the_booked_session_issues_a_new_version_and_keeps_the_first(
    client, booked, client_user, practice_admin, django_capture_on_commit_callbacks
):
    client.force_login(practice_admin)
    first = GoodFaithEstimate.objects.get(client=client_user)

    response = _post_fee(
        client,
        SessionType.objects.get(slug="initial-consultation"),
        django_capture_on_commit_callbacks,
        self_pay_fee="185.00",
    )

    assert response.status_code == 302
    assert _versions(client_user) == [(1, "booking"), (2, "changed")]
    latest = GoodFaithEstimate.objects.get(client=client_user, version=2)
    assert latest.appointment == booked
    assert latest.total == Decimal("1945.00")
    assert "90791 Initial consultation (first session) 1 $185.00 $185.00" in _text(latest)
    assert first.file.storage.exists(first.file.name)
    assert "$175.00" in _text(first)


def test_a_new_fee_for_the_ongoing_sessions_issues_a_new_version(
    client, booked, client_user, practice_admin, django_capture_on_commit_callbacks
):
    client.force_login(practice_admin)

    _post_fee(
        client,
        SessionType.objects.get(slug="individual"),
        django_capture_on_commit_callbacks,
        self_pay_fee="165.00",
    )

    assert _versions(client_user) == [(1, "booking"), (2, "changed")]
    assert "11 $165.00 $1,815.00" in _text(GoodFaithEstimate.objects.get(client=client_user, version=2))


def test_a_new_service_code_issues_a_new_version_with_it(
    client, booked, client_user, practice_admin, django_capture_on_commit_callbacks
):
    client.force_login(practice_admin)

    _post_fee(
        client,
        SessionType.objects.get(slug="individual"),
        django_capture_on_commit_callbacks,
        service_code="90834",
    )

    assert "90834 Individual therapy" in _text(GoodFaithEstimate.objects.get(client=client_user, version=2))


def test_a_fee_the_booking_does_not_expect_issues_nothing(
    client, booked, client_user, practice_admin, django_capture_on_commit_callbacks
):
    client.force_login(practice_admin)

    _post_fee(
        client,
        SessionType.objects.get(slug="couples"),
        django_capture_on_commit_callbacks,
        self_pay_fee="205.00",
    )

    assert _versions(client_user) == [(1, "booking")]


def test_a_new_name_alone_issues_nothing(
    client, booked, client_user, practice_admin, django_capture_on_commit_callbacks
):
    client.force_login(practice_admin)

    _post_fee(
        client,
        SessionType.objects.get(slug="initial-consultation"),
        django_capture_on_commit_callbacks,
        name="First conversation",
    )

    assert _versions(client_user) == [(1, "booking")]


def test_a_cancelled_booking_is_not_estimated_again(booked, client_user, front_desk):
    appointment_cancel(appointment=booked, actor=front_desk, reason="She asked to.")
    SessionType.objects.filter(slug="initial-consultation").update(self_pay_fee=Decimal("185.00"))

    assert estimate_reissue_if_changed(appointment_id=booked.pk) is None
    assert _versions(client_user) == [(1, "booking")]


def test_moving_to_another_therapist_issues_a_version_naming_her(
    booked, client_user, front_desk, django_capture_on_commit_callbacks
):
    other = StaffFactory(email="rosa@practice.example", full_name="Rosa Delgado", role=User.Role.THERAPIST)
    TherapistProfileFactory(user=other)
    TherapistCredentials.objects.create(
        user=other,
        licence="Licensed Professional Counselor (LPC)",
        licence_number="LPC.0019284",
        degrees="Master of Arts in Counseling, 2014.",
        licence_requires="A master's degree in counseling and supervised practice.",
        npi="1295837460",
    )

    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(
            appointment=booked,
            start=booked.start + dt.timedelta(days=1),
            therapist=other,
            actor=front_desk,
            override_reason="Rosa covers this week.",
        )

    assert _versions(client_user) == [(1, "booking"), (2, "changed")]
    text = _text(GoodFaithEstimate.objects.get(client=client_user, version=2))
    assert "Rosa Delgado" in text
    assert "1295837460" in text


def test_moving_the_time_with_the_same_therapist_issues_nothing(
    booked, client_user, front_desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(
            appointment=booked,
            start=booked.start + dt.timedelta(days=1),
            actor=front_desk,
            override_reason="She asked for the next day.",
        )

    assert _versions(client_user) == [(1, "booking")]


def test_a_past_booking_is_not_estimated_again(booked, client_user):
    start = timezone.now() - dt.timedelta(days=2)
    type(booked).objects.filter(pk=booked.pk).update(start=start, end=start + dt.timedelta(minutes=50))
    SessionType.objects.filter(slug="initial-consultation").update(self_pay_fee=Decimal("185.00"))

    assert estimate_reissue_if_changed(appointment_id=booked.pk) is None
    assert _versions(client_user) == [(1, "booking")]


def test_a_new_session_type_on_reschedule_takes_its_length_and_issues_a_new_version(
    booked, client_user, front_desk, django_capture_on_commit_callbacks
):
    couples = SessionType.objects.get(slug="couples")

    with django_capture_on_commit_callbacks(execute=True):
        moved = appointment_reschedule(
            appointment=booked,
            start=booked.start,
            session_type=couples,
            actor=front_desk,
            override_reason="Her partner joins.",
        )

    moved.refresh_from_db()
    assert moved.session_type == couples
    assert moved.end - moved.start == dt.timedelta(minutes=couples.duration_minutes)
    assert _versions(client_user) == [(1, "booking"), (2, "changed")]
    text = _text(GoodFaithEstimate.objects.get(client=client_user, version=2))
    assert "90847 Couples therapy (first session) 1 $190.00 $190.00" in text
    assert "Initial consultation" not in text


def test_the_desk_changes_the_session_type_when_moving_a_booking(
    client, booked, client_user, front_desk, django_capture_on_commit_callbacks
):
    client.force_login(front_desk)
    individual = SessionType.objects.get(slug="individual")
    local = timezone.localtime(booked.start)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scheduling:appointment_reschedule", args=[booked.pk]),
            {
                "therapist": booked.therapist_id,
                "day": local.date().isoformat(),
                "start_time": local.strftime("%H:%M"),
                "modality": booked.modality,
                "session_type": individual.pk,
                "override_reason": "Consultation done by phone.",
                "confirmed": "True",
            },
        )

    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.session_type == individual
    assert _versions(client_user) == [(1, "booking"), (2, "changed")]
    assert "90837 Individual therapy (first session) 1 $160.00" in _text(
        GoodFaithEstimate.objects.get(client=client_user, version=2)
    )


def test_the_desk_leaving_the_kind_alone_keeps_it_and_its_length(
    client, booked, client_user, front_desk, django_capture_on_commit_callbacks
):
    client.force_login(front_desk)
    local = timezone.localtime(booked.start + dt.timedelta(days=1))
    length = booked.end - booked.start

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scheduling:appointment_reschedule", args=[booked.pk]),
            {
                "therapist": booked.therapist_id,
                "day": local.date().isoformat(),
                "start_time": local.strftime("%H:%M"),
                "modality": booked.modality,
                "session_type": "",
                "override_reason": "She asked for the next day.",
                "confirmed": "True",
            },
        )

    assert response.status_code == 302
    booked.refresh_from_db()
    assert (booked.session_type.slug, booked.end - booked.start) == ("initial-consultation", length)
    assert _versions(client_user) == [(1, "booking")]
