"""The desk's booking guardrails (a time outside the therapist's hours, on time off or at short
notice needs a reason, kept in the audit log; a summary comes before anything is sent) and the
practice's booking gate (bookable once a therapist accepts the intake, or at once)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake
from portal.models import AuditEvent, Practice
from portal.selectors import practice_forget
from scheduling.errors import NEEDS_OVERRIDE, NOT_YET_BOOKABLE, NeedsOverrideError, NotYetBookableError
from scheduling.models import Appointment, Modality
from scheduling.request_services import appointment_request_book
from scheduling.slots import PRACTICE_ZONE
from tests.intake.factories import IntakeFactory
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    OfficeFactory,
    TherapistProfileFactory,
    TimeOffFactory,
    WeeklyAvailabilityFactory,
)

pytestmark = pytest.mark.django_db

OVERRIDE = "Agreed by phone: she works nights and asked for this time."


def _next_weekday_in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _denver(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PRACTICE_ZONE)


@pytest.fixture
def working(therapist):
    """The therapist works 9-17 in person every day."""
    TherapistProfileFactory(user=therapist)
    OfficeFactory()
    for weekday in range(7):
        WeeklyAvailabilityFactory(
            therapist=therapist,
            weekday=weekday,
            start_time=dt.time(9),
            end_time=dt.time(17),
            modality=Modality.IN_PERSON,
            valid_from=timezone.localdate(),
        )
    return therapist


@pytest.fixture
def accepted_request(client_user):
    IntakeFactory(client=client_user, status=Intake.Status.ACCEPTED, submitted_at=timezone.now())
    return AppointmentRequestFactory(
        client=client_user, modality="in_person", earliest_date=timezone.localdate()
    )


def _post(client, request_obj, therapist, when, **extra):
    return client.post(
        reverse("scheduling:request_book", args=[request_obj.pk]),
        {
            "therapist": therapist.pk,
            "day": when.date().isoformat(),
            "start_time": when.strftime("%H:%M"),
            "modality": "in_person",
            **extra,
        },
    )


def test_booking_at_three_in_the_morning_is_refused_without_a_reason(
    client, front_desk, working, accepted_request
):
    client.force_login(front_desk)
    three_am = _denver(_next_weekday_in(5), 3)

    response = _post(client, accepted_request, working, three_am, confirmed="True")

    assert response.status_code == 200
    assert "outside the therapist" in response.content.decode()
    assert response.context["form"].errors["override_reason"]
    assert (Appointment.objects.count(), len(mail.outbox)) == (0, 0)
    accepted_request.refresh_from_db()
    assert accepted_request.status == "open"


def test_the_summary_names_the_concern_before_anything_is_booked(
    client, front_desk, working, accepted_request
):
    client.force_login(front_desk)

    response = _post(client, accepted_request, working, _denver(_next_weekday_in(5), 3))

    assert response.status_code == 200
    assert [c.code for c in response.context["concerns"]] == ["outside hours"]
    assert Appointment.objects.count() == 0


def test_booking_at_three_in_the_morning_with_a_reason_is_booked_and_audited(
    client, front_desk, working, accepted_request, django_capture_on_commit_callbacks
):
    client.force_login(front_desk)
    three_am = _denver(_next_weekday_in(5), 3)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client, accepted_request, working, three_am, confirmed="True", override_reason=OVERRIDE
        )

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.start == three_am
    event = AuditEvent.objects.get(object_type="appointment", action=AuditEvent.Action.CREATE)
    assert (event.actor, event.client) == (front_desk, accepted_request.client)
    assert "override (outside hours): Agreed by phone" in event.detail


def test_a_time_within_hours_needs_no_reason(front_desk, working, accepted_request):
    appointment = appointment_request_book(
        appointment_request=accepted_request,
        therapist=working,
        start=_denver(_next_weekday_in(5), 10),
        modality=Modality.IN_PERSON,
        actor=front_desk,
    )

    assert "override" not in AuditEvent.objects.get(object_id=str(appointment.pk), action="create").detail


def test_a_time_during_time_off_needs_a_reason(front_desk, working, accepted_request):
    day = _next_weekday_in(1)
    TimeOffFactory(therapist=working, start=_denver(day, 0), end=_denver(day, 23))

    with pytest.raises(NeedsOverrideError) as caught:
        appointment_request_book(
            appointment_request=accepted_request,
            therapist=working,
            start=timezone.now().astimezone(PRACTICE_ZONE).replace(hour=10, minute=0, second=0, microsecond=0)
            + dt.timedelta(days=1),
            modality=Modality.IN_PERSON,
            actor=front_desk,
        )

    assert "time off" in caught.value.message
    assert str(NEEDS_OVERRIDE).split("{")[0] in caught.value.message


def test_moving_an_appointment_outside_hours_needs_a_reason(client, front_desk, working, client_user):
    appointment = Appointment.objects.create(
        therapist=working,
        client=client_user,
        session_type=_session_type(),
        start=_denver(_next_weekday_in(5), 10),
        end=_denver(_next_weekday_in(5), 11),
        modality=Modality.IN_PERSON,
        booked_by=front_desk,
    )
    client.force_login(front_desk)
    late = _denver(_next_weekday_in(5), 22)

    response = client.post(
        reverse("scheduling:appointment_reschedule", args=[appointment.pk]),
        {
            "therapist": working.pk,
            "day": late.date().isoformat(),
            "start_time": "22:00",
            "modality": "in_person",
            "confirmed": "True",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["override_reason"]
    appointment.refresh_from_db()
    assert appointment.start == _denver(_next_weekday_in(5), 10)


def _session_type():
    from tests.scheduling.factories import SessionTypeFactory

    return SessionTypeFactory(duration_minutes=50)


# --- The booking gate


def _gate(value: str) -> None:
    Practice.objects.update(booking_gate=value)
    practice_forget()


@pytest.fixture
def sent_request(client_user):
    IntakeFactory(client=client_user, status=Intake.Status.SUBMITTED, submitted_at=timezone.now())
    return AppointmentRequestFactory(
        client=client_user, modality="in_person", earliest_date=timezone.localdate()
    )


def test_by_default_a_request_waits_until_a_therapist_accepts_the_intake(front_desk, working, sent_request):
    assert Practice.objects.get().booking_gate == Practice.BookingGate.ACCEPTED

    with pytest.raises(NotYetBookableError) as caught:
        appointment_request_book(
            appointment_request=sent_request,
            therapist=working,
            start=_denver(_next_weekday_in(5), 10),
            modality=Modality.IN_PERSON,
            actor=front_desk,
        )

    assert caught.value.message == NOT_YET_BOOKABLE
    assert Appointment.objects.count() == 0


def test_the_desk_sees_that_a_request_waits_and_why(client, front_desk, working, sent_request):
    client.force_login(front_desk)

    page = client.get(reverse("scheduling:request_detail", args=[sent_request.pk]))
    queue = client.get(reverse("scheduling:queue"))

    assert page.context["gate"].bookable is False
    assert page.context["suggestions"] == []
    assert "Waiting for a therapist to accept her intake" in page.content.decode()
    assert "Not bookable yet" in queue.content.decode()


def test_a_practice_that_books_on_request_books_before_acceptance(client, front_desk, working, sent_request):
    _gate(Practice.BookingGate.ON_REQUEST)
    client.force_login(front_desk)

    page = client.get(reverse("scheduling:request_detail", args=[sent_request.pk]))
    appointment = appointment_request_book(
        appointment_request=sent_request,
        therapist=working,
        start=_denver(_next_weekday_in(5), 10),
        modality=Modality.IN_PERSON,
        actor=front_desk,
    )

    assert page.context["gate"].bookable is True
    assert "as soon as a client asks" in page.context["gate"].why
    assert appointment.client == sent_request.client


def test_an_accepted_intake_is_bookable_under_the_default_gate(client, front_desk, working, accepted_request):
    client.force_login(front_desk)

    page = client.get(reverse("scheduling:request_detail", args=[accepted_request.pk]))

    assert page.context["gate"].bookable is True
    assert page.context["suggestions"]


def test_the_booking_summary_shows_the_desk_nothing_clinical(client, front_desk, working, client_user):
    IntakeFactory(
        client=client_user,
        status=Intake.Status.ACCEPTED,
        submitted_at=timezone.now(),
        hopes="MARKER-HOPES",
        medications="MARKER-MEDS",
        services=["loss_counseling", "postpartum_depression"],
    )
    request_obj = AppointmentRequestFactory(
        client=client_user, modality="in_person", earliest_date=timezone.localdate()
    )
    client.force_login(front_desk)

    for when in (_denver(_next_weekday_in(5), 10), _denver(_next_weekday_in(5), 3)):
        html = _post(client, request_obj, working, when).content.decode()

        assert "Check before booking" in html
        assert [
            m
            for m in ("MARKER-HOPES", "MARKER-MEDS", "loss_counseling", "iscarriage", "ostpartum depression")
            if m in html
        ] == []
