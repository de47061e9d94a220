import datetime as dt
import itertools
from decimal import Decimal

import factory

from portal.models import User
from scheduling.models import (
    Appointment,
    AppointmentRequest,
    Modality,
    Office,
    SessionType,
    TherapistProfile,
    TimeOff,
    WeeklyAvailability,
)
from tests.portal.factories import StaffFactory, UserFactory


class TherapistProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TherapistProfile

    user = factory.SubFactory(StaffFactory, role=User.Role.THERAPIST, mfa=False)
    credentials = "LPC"
    bio = "Works with anxiety, grief and life transitions."
    video_link = "https://video.practice.example/room/1"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    name = "Denver office"
    address = "1600 Ogden Street, Suite 200, Denver, CO 80218"


class SessionTypeFactory(factory.django.DjangoModelFactory):
    """A session type of its own; the seeded ones are fetched with SessionType.objects.get(slug=...)."""

    class Meta:
        model = SessionType

    name = factory.Sequence(lambda n: f"Session {n}")
    slug = factory.Sequence(lambda n: f"session-{n}")
    duration_minutes = 50
    self_pay_fee = Decimal("150.00")
    service_code = "90834"


class WeeklyAvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyAvailability

    therapist = factory.SubFactory(StaffFactory, role=User.Role.THERAPIST, mfa=False)
    weekday = 0
    start_time = dt.time(9)
    end_time = dt.time(17)
    modality = Modality.IN_PERSON
    valid_from = dt.date(2026, 1, 1)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    therapist = factory.SubFactory(StaffFactory, role=User.Role.THERAPIST, mfa=False)
    start = dt.datetime(2026, 12, 24, 7, tzinfo=dt.UTC)
    end = dt.datetime(2026, 12, 27, 7, tzinfo=dt.UTC)
    reason = "Holiday"


class AppointmentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentRequest

    client = factory.SubFactory(UserFactory)
    session_type = factory.SubFactory(SessionTypeFactory)
    modality = AppointmentRequest.ModalityPreference.EITHER
    windows = factory.LazyFunction(list)
    earliest_date = dt.date(2026, 12, 1)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    therapist = factory.SubFactory(StaffFactory, role=User.Role.THERAPIST, mfa=False)
    client = factory.SubFactory(UserFactory)
    session_type = factory.SubFactory(SessionTypeFactory)
    start = dt.datetime(2026, 12, 7, 16, tzinfo=dt.UTC)
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=o.session_type.duration_minutes))
    modality = Modality.TELEHEALTH
    booked_by = factory.SelfAttribute("client")


def hours_all_week(therapist) -> None:
    """Hours every day from midnight to 23:59, in person and by video: for tests about how
    booking works, where the booking guardrails (hours, notice) are not the point."""
    for weekday, modality in itertools.product(range(7), Modality.values):
        WeeklyAvailabilityFactory(
            therapist=therapist,
            weekday=weekday,
            start_time=dt.time(0),
            end_time=dt.time(23, 59),
            modality=modality,
        )


def practice_books_on_request() -> None:
    """The practice's booking gate open at once (it triages by phone): for tests about booking
    itself, not the gate."""
    from portal.models import Practice
    from portal.selectors import practice_forget

    Practice.objects.update(booking_gate=Practice.BookingGate.ON_REQUEST)
    practice_forget()
