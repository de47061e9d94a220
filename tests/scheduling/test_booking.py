import datetime as dt
import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.http import Http404

from portal.models import AuditEvent
from scheduling.access import appointment_for_client
from scheduling.appointment_services import appointment_book, appointment_cancel
from scheduling.errors import (
    ALREADY_CANCELLED,
    CANCELLATION_TOO_LATE,
    NO_OFFICE,
    REQUEST_NOT_OPEN,
    SLOT_TAKEN,
    CancellationTooLateError,
    NoOfficeError,
    NotCancellableError,
    RequestNotOpenError,
    SlotTakenError,
)
from scheduling.models import Appointment, AppointmentRequest, Modality
from tests.portal.factories import UserFactory
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentRequestFactory,
    OfficeFactory,
    SessionTypeFactory,
    TherapistProfileFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_mechanics")]

START = dt.datetime(2026, 12, 7, 16, tzinfo=dt.UTC)  # Monday 9:00 in Denver
NOW = dt.datetime(2026, 11, 30, 19, tzinfo=dt.UTC)
MINUTES = dt.timedelta(minutes=1)


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def session_type(db):
    return SessionTypeFactory(slug="individual-test", duration_minutes=53)


def book(*, therapist, session_type, actor, start=START, modality=Modality.TELEHEALTH, **kwargs):
    return appointment_book(
        therapist=therapist,
        session_type=session_type,
        start=start,
        modality=modality,
        actor=actor,
        **kwargs,
    )


@pytest.fixture
def booked(therapist, client_user, front_desk, session_type):
    return book(therapist=therapist, session_type=session_type, actor=front_desk, client=client_user)


def test_booking_creates_a_booked_appointment_lasting_the_session_length(
    booked, therapist, client_user, front_desk
):
    stored = Appointment.objects.get()
    assert stored == booked
    assert (stored.therapist, stored.client, stored.booked_by) == (therapist, client_user, front_desk)
    assert (stored.start, stored.end) == (START, START + 53 * MINUTES)
    assert (stored.status, stored.modality, stored.office) == (Appointment.Status.BOOKED, "telehealth", None)


def test_booking_is_audited_with_the_client(booked, client_user, front_desk):
    event = AuditEvent.objects.get(object_type="appointment")
    assert (event.actor, event.client, event.action) == (front_desk, client_user, AuditEvent.Action.CREATE)
    assert event.object_id == str(booked.pk)


def test_booking_from_a_request_links_it_and_marks_it_booked(therapist, front_desk, session_type):
    request_obj = AppointmentRequestFactory(session_type=session_type)

    appointment = book(
        therapist=therapist, session_type=session_type, actor=front_desk, request_obj=request_obj
    )

    request_obj.refresh_from_db()
    assert request_obj.status == AppointmentRequest.Status.BOOKED
    assert (appointment.request, appointment.client) == (request_obj, request_obj.client)


def test_booking_a_request_that_is_no_longer_open_is_refused(therapist, front_desk, session_type):
    request_obj = AppointmentRequestFactory(
        session_type=session_type, status=AppointmentRequest.Status.DECLINED
    )

    with pytest.raises(RequestNotOpenError) as caught:
        book(therapist=therapist, session_type=session_type, actor=front_desk, request_obj=request_obj)

    assert caught.value.message == REQUEST_NOT_OPEN
    assert not Appointment.objects.exists()


def test_overlapping_booking_is_refused_with_slot_taken(booked, therapist, second_client_user, front_desk):
    with pytest.raises(SlotTakenError) as caught:
        book(
            therapist=therapist,
            session_type=booked.session_type,
            actor=front_desk,
            client=second_client_user,
            start=START + 30 * MINUTES,
        )

    assert (
        str(caught.value)
        == str(SLOT_TAKEN)
        == "That time is no longer free: the therapist has another appointment then. "
        "Please choose another time."
    )
    assert Appointment.objects.get() == booked
    assert AuditEvent.objects.filter(object_type="appointment").count() == 1


@pytest.mark.parametrize(
    "offset_minutes",
    [-52, -30, 0, 20, 52],
    ids=["ends_one_minute_in", "ends_inside", "same_start", "starts_inside", "starts_one_minute_before_end"],
)
def test_any_overlap_with_a_booking_is_refused(
    booked, therapist, second_client_user, front_desk, offset_minutes
):
    with pytest.raises(SlotTakenError):
        book(
            therapist=therapist,
            session_type=booked.session_type,
            actor=front_desk,
            client=second_client_user,
            start=START + offset_minutes * MINUTES,
        )


@pytest.mark.parametrize("offset_minutes", [-53, 53], ids=["ending_as_it_starts", "starting_as_it_ends"])
def test_back_to_back_bookings_are_allowed(booked, therapist, second_client_user, front_desk, offset_minutes):
    book(
        therapist=therapist,
        session_type=booked.session_type,
        actor=front_desk,
        client=second_client_user,
        start=START + offset_minutes * MINUTES,
    )

    assert Appointment.objects.count() == 2


def test_another_therapists_booking_at_the_same_time_is_allowed(booked, second_client_user, front_desk):
    other = TherapistProfileFactory().user

    book(therapist=other, session_type=booked.session_type, actor=front_desk, client=second_client_user)

    assert Appointment.objects.filter(start=START).count() == 2


@pytest.mark.parametrize("status", [Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW])
def test_time_of_a_cancelled_or_no_show_appointment_can_be_booked(
    therapist, second_client_user, front_desk, session_type, status
):
    AppointmentFactory(
        therapist=therapist, session_type=session_type, start=START, status=status, cancelled_at=NOW
    )

    book(therapist=therapist, session_type=session_type, actor=front_desk, client=second_client_user)

    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 1


def test_completed_appointment_still_holds_its_time(therapist, second_client_user, front_desk, session_type):
    AppointmentFactory(therapist=therapist, session_type=session_type, status=Appointment.Status.COMPLETED)

    with pytest.raises(SlotTakenError):
        book(therapist=therapist, session_type=session_type, actor=front_desk, client=second_client_user)


def test_in_person_booking_is_at_the_office(therapist, client_user, front_desk, session_type):
    office = OfficeFactory()

    appointment = book(
        therapist=therapist,
        session_type=session_type,
        actor=front_desk,
        client=client_user,
        modality=Modality.IN_PERSON,
    )

    assert appointment.office == office


def test_in_person_booking_without_an_office_is_refused(therapist, client_user, front_desk, session_type):
    with pytest.raises(NoOfficeError) as caught:
        book(
            therapist=therapist,
            session_type=session_type,
            actor=front_desk,
            client=client_user,
            modality=Modality.IN_PERSON,
        )

    assert caught.value.message == NO_OFFICE
    assert not Appointment.objects.exists()


def test_booking_with_someone_who_is_not_a_therapist_is_refused(front_desk, client_user, session_type):
    with pytest.raises(ValueError, match="therapist"):
        book(therapist=front_desk, session_type=session_type, actor=front_desk, client=client_user)


def test_booking_a_naive_start_is_refused(therapist, front_desk, client_user, session_type):
    with pytest.raises(ValueError, match="timezone-aware"):
        book(
            therapist=therapist,
            session_type=session_type,
            actor=front_desk,
            client=client_user,
            start=START.replace(tzinfo=None),
        )


# --- Cancelling


def test_client_can_cancel_with_enough_notice(booked, client_user):
    appointment_cancel(
        appointment=booked, actor=client_user, reason="Moving away", now=START - dt.timedelta(hours=24)
    )

    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED
    assert (booked.cancelled_at, booked.cancellation_reason) == (
        START - dt.timedelta(hours=24),
        "Moving away",
    )


def test_client_cannot_cancel_inside_the_notice_window(booked, client_user):
    with pytest.raises(CancellationTooLateError) as caught:
        appointment_cancel(
            appointment=booked, actor=client_user, reason="", now=START - dt.timedelta(hours=23)
        )

    assert caught.value.message == CANCELLATION_TOO_LATE % {"hours": 24}
    booked.refresh_from_db()
    assert (booked.status, booked.cancelled_at) == (Appointment.Status.BOOKED, None)


def test_notice_window_follows_the_practice_setting(booked, client_user, practice):
    practice.cancellation_notice_hours = 48
    practice.save(update_fields=["cancellation_notice_hours"])

    with pytest.raises(CancellationTooLateError):
        appointment_cancel(
            appointment=booked, actor=client_user, reason="", now=START - dt.timedelta(hours=30)
        )


@pytest.mark.parametrize("persona", ["front_desk", "therapist", "admin"])
def test_staff_can_cancel_inside_the_notice_window(booked, personas, persona):
    appointment_cancel(appointment=booked, actor=personas[persona], reason="Therapist ill", now=START)

    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED


def test_client_cannot_cancel_someone_elses_appointment(booked, second_client_user):
    # Who may is scheduling.access's: another client's appointment is not found for her.
    with pytest.raises(Http404):
        appointment_for_client(user=second_client_user, pk=booked.pk)

    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED


def test_a_second_cancel_says_it_was_already_cancelled(booked, front_desk):
    appointment_cancel(appointment=booked, actor=front_desk, reason="", now=NOW)

    with pytest.raises(NotCancellableError) as caught:
        appointment_cancel(appointment=booked, actor=front_desk, reason="", now=NOW)

    assert caught.value.message == ALREADY_CANCELLED


def test_cancelling_is_audited_with_the_client(booked, client_user):
    appointment_cancel(appointment=booked, actor=client_user, reason="", now=NOW)

    event = AuditEvent.objects.get(object_type="appointment", action=AuditEvent.Action.UPDATE)
    assert (event.actor, event.client, event.object_id) == (client_user, client_user, str(booked.pk))


def test_cancelling_frees_the_time_for_another_booking(booked, front_desk, second_client_user, therapist):
    appointment_cancel(appointment=booked, actor=front_desk, reason="", now=NOW)

    book(therapist=therapist, session_type=booked.session_type, actor=front_desk, client=second_client_user)

    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).get().client == second_client_user


# --- PostgreSQL: the exclusion constraint and real concurrency


def test_database_refuses_overlapping_appointments_on_postgresql(booked):
    if not _is_postgresql():
        pytest.skip("The exclusion constraint exists on PostgreSQL only.")

    with pytest.raises(IntegrityError, match="scheduling_appointment_no_overlap"), transaction.atomic():
        AppointmentFactory(
            therapist=booked.therapist, session_type=booked.session_type, start=START + 10 * MINUTES
        )


def test_database_allows_back_to_back_and_cancelled_overlaps_on_postgresql(booked):
    if not _is_postgresql():
        pytest.skip("The exclusion constraint exists on PostgreSQL only.")

    AppointmentFactory(therapist=booked.therapist, session_type=booked.session_type, start=booked.end)
    AppointmentFactory(
        therapist=booked.therapist,
        session_type=booked.session_type,
        start=START,
        status=Appointment.Status.CANCELLED,
        cancelled_at=NOW,
    )

    assert Appointment.objects.count() == 3


def _in_thread(target, outcomes: list):
    def run():
        try:
            outcomes.append(target())
        except Exception as error:  # the test asserts on whatever happened, errors included
            outcomes.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_booking_that_loses_the_race_at_the_constraint_gets_slot_taken(therapist, client_user, front_desk):
    # Another booking's row is inserted but not yet committed, so the service's own overlap
    # check sees nothing; its insert then waits on the constraint and fails when the other commits.
    if not _is_postgresql():
        pytest.skip("The exclusion constraint exists on PostgreSQL only.")
    session_type = SessionTypeFactory(duration_minutes=53)
    other_client = UserFactory()
    inserted, release = threading.Event(), threading.Event()

    def hold_uncommitted_booking():
        with transaction.atomic():
            AppointmentFactory(therapist=therapist, client=other_client, session_type=session_type)
            inserted.set()
            release.wait(timeout=10)

    outcomes: list = []
    holder = _in_thread(hold_uncommitted_booking, [])
    assert inserted.wait(timeout=10)
    booker = _in_thread(
        lambda: book(therapist=therapist, session_type=session_type, actor=front_desk, client=client_user),
        outcomes,
    )
    _wait_for_a_blocked_lock()
    release.set()
    holder.join(timeout=10)
    booker.join(timeout=10)

    [outcome] = outcomes
    assert isinstance(outcome, SlotTakenError)
    assert isinstance(outcome.__cause__, IntegrityError)
    assert list(Appointment.objects.values_list("client", flat=True)) == [other_client.pk]


def _wait_for_a_blocked_lock(timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("The second booking never waited on the first.")


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot_exactly_one_wins(therapist, front_desk):
    if not _is_postgresql():
        pytest.skip("Real concurrency needs PostgreSQL (the SQLite test database is in memory).")
    session_type = SessionTypeFactory(duration_minutes=53)
    clients = UserFactory.create_batch(6)
    barrier = threading.Barrier(len(clients))
    outcomes: list = []

    def booking_for(client):
        def attempt():
            barrier.wait(timeout=10)
            return book(therapist=therapist, session_type=session_type, actor=front_desk, client=client)

        return attempt

    threads = [_in_thread(booking_for(client), outcomes) for client in clients]
    for thread in threads:
        thread.join(timeout=30)

    booked = [o for o in outcomes if isinstance(o, Appointment)]
    taken = [o for o in outcomes if isinstance(o, SlotTakenError)]
    assert (len(booked), len(taken)) == (1, len(clients) - 1), outcomes
    assert list(Appointment.objects.all()) == booked
    assert AuditEvent.objects.filter(object_type="appointment").count() == 1
