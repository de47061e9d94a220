"""Reads for scheduling: what the slot engine needs (in a constant number of queries) and
what the pages show. The intake is read only through intake's selectors."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from intake.selectors import (
    intake_priorities_for_clients,
    intake_priority_position,
    intakes_ready_to_schedule_rows,
    ready_to_schedule_contacts,
)
from portal.models import Practice, User
from portal.paging import WindowPage, window_page
from portal.selectors import practice_get

from . import slots
from .models import (
    Appointment,
    AppointmentRequest,
    Modality,
    SessionType,
    TherapistProfile,
    TimeOff,
    WeeklyAvailability,
)

# How many suggestions to show a client or the front desk at once.
SUGGESTION_LIMIT = 12
# Clients accepted and waiting to be contacted, shown a page at a time.
READY_PAGE_SIZE = 20
# The session type a first request is for unless the client picks another.
FIRST_VISIT_SLUG = "initial-consultation"


@dataclass(frozen=True)
class Suggestion:
    therapist: User
    start: datetime  # UTC
    end: datetime  # UTC
    modality: str


def therapist_profiles_for_request(*, appointment_request: AppointmentRequest) -> QuerySet[TherapistProfile]:
    """Therapists who could see this client: active, taking new clients, offering the modality,
    and only the preferred therapist if the client named one."""
    profiles = TherapistProfile.objects.select_related("user").filter(
        taking_new_clients=True, user__is_active=True, user__role=User.Role.THERAPIST
    )
    wanted = appointment_request.modality
    if wanted == slots.EITHER:
        profiles = profiles.filter(Q(offers_in_person=True) | Q(offers_telehealth=True))
    else:
        profiles = profiles.filter(**{_OFFERS[wanted]: True})
    if appointment_request.preferred_therapist_id is not None:
        profiles = profiles.filter(user_id=appointment_request.preferred_therapist_id)
    return profiles.order_by("user__full_name", "user_id")


def slots_for_request(
    appointment_request: AppointmentRequest,
    *,
    now: datetime | None = None,
    limit: int = SUGGESTION_LIMIT,
    any_time: bool = False,
) -> list[Suggestion]:
    """Free times for an appointment request across every matching therapist, earliest first
    (same time: therapists by name); ``any_time`` leaves out the client's times that suit.

    Six queries whatever the number of therapists: the therapists, the practice, the session
    type (unless already loaded), then everyone's hours, time off and bookings.
    Raises slots.InvalidWindowsError if the request's stored windows cannot be read.
    """
    now = now or timezone.now()
    windows = () if any_time else slots.windows_parse(appointment_request.windows)
    profiles = list(therapist_profiles_for_request(appointment_request=appointment_request))
    if not profiles:
        return []
    buffer = _buffer()
    duration = timedelta(minutes=appointment_request.session_type.duration_minutes)
    first_day, last_day = slots.search_days(earliest_date=appointment_request.earliest_date, now=now)
    ids = [profile.user_id for profile in profiles]
    rules, time_off, busy = _therapist_calendars(
        ids=ids, first_day=first_day, last_day=last_day, buffer=buffer
    )

    found = []
    for order, profile in enumerate(profiles):
        offered = {modality for modality, flag in _OFFERS.items() if getattr(profile, flag)}
        for slot in slots.candidate_slots(
            rules=[rule for rule in rules[profile.user_id] if rule.modality in offered],
            time_off=time_off[profile.user_id],
            busy=busy[profile.user_id],
            duration=duration,
            buffer=buffer,
            windows=windows,
            earliest_date=appointment_request.earliest_date,
            now=now,
            modality=appointment_request.modality,
        ):
            found.append((slot.start, order, slot.modality, profile.user, slot.end))
    found.sort(key=lambda item: item[:3])
    return [
        Suggestion(therapist=therapist, start=start, end=end, modality=modality)
        for start, _, modality, therapist, end in found[:limit]
    ]


# The profile flag that says a therapist offers each modality.
_OFFERS = {slots.IN_PERSON: "offers_in_person", slots.TELEHEALTH: "offers_telehealth"}


def _buffer() -> timedelta:
    return timedelta(minutes=practice_get().booking_buffer_minutes)


def _therapist_calendars(
    *, ids: Iterable[int], first_day: date, last_day: date, buffer: timedelta
) -> tuple[dict[int, list[slots.Rule]], dict[int, list[slots.Interval]], dict[int, list[slots.Interval]]]:
    """Hours, time off and time-holding bookings touching Denver days [first_day, last_day),
    per therapist id: three queries."""
    range_start, range_end = slots.day_bounds_utc(first_day, last_day)
    rules = defaultdict(list)
    for row in WeeklyAvailability.objects.filter(therapist_id__in=ids, valid_from__lt=last_day).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=first_day)
    ):
        rules[row.therapist_id].append(
            slots.Rule(
                weekday=row.weekday,
                start=row.start_time,
                end=row.end_time,
                modality=row.modality,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
            )
        )
    time_off = defaultdict(list)
    for therapist_id, start, end in TimeOff.objects.filter(
        therapist_id__in=ids, start__lt=range_end, end__gt=range_start
    ).values_list("therapist_id", "start", "end"):
        time_off[therapist_id].append(slots.Interval(start, end))
    busy = defaultdict(list)
    for therapist_id, start, end in Appointment.objects.filter(
        therapist_id__in=ids,
        status__in=Appointment.HOLDS_TIME,
        start__lt=range_end + buffer,
        end__gt=range_start - buffer,
    ).values_list("therapist_id", "start", "end"):
        busy[therapist_id].append(slots.Interval(start, end))
    return rules, time_off, busy


# --- Lists for the pages


def slots_for_desk(appointment_request: AppointmentRequest) -> tuple[list[Suggestion], bool]:
    """Free times for the front desk's request page, and whether the client's times that
    suit could be read (when they cannot, any free time is suggested)."""
    try:
        return slots_for_request(appointment_request), True
    except slots.InvalidWindowsError:
        return slots_for_request(appointment_request, any_time=True), False


def request_queue() -> list[AppointmentRequest]:
    """Open requests for the front desk: urgent, then high, then routine; oldest first within.

    Each shows the priority the intake's triage gives now (it may have changed since she
    asked): set on the rows loaded here for the page, never saved, so a GET writes nothing.
    """
    rows = list(
        AppointmentRequest.objects.filter(status=AppointmentRequest.Status.OPEN).select_related(
            "client", "session_type", "preferred_therapist", "reschedule_of"
        )
    )
    priorities = intake_priorities_for_clients(client_ids={row.client_id for row in rows})
    for row in rows:
        row.priority = priorities[row.client_id]
    return sorted(rows, key=request_queue_order)


def request_priority(*, appointment_request: AppointmentRequest) -> AppointmentRequest.Priority:
    """The priority the front desk sees for a request: the intake's triage now for an open
    one (as on the queue), the priority it had for one already dealt with."""
    if appointment_request.status != AppointmentRequest.Status.OPEN:
        return AppointmentRequest.Priority(appointment_request.priority)
    priorities = intake_priorities_for_clients(client_ids={appointment_request.client_id})
    return AppointmentRequest.Priority(priorities[appointment_request.client_id])


def ready_to_schedule_page(*, page_number) -> tuple[WindowPage, list[dict]]:
    """One page of clients a therapist accepted who have neither asked for a time nor have
    one booked, most urgent first: the page and what the front desk sees of each (no exact
    count: the list grows with the practice)."""
    rows = intakes_ready_to_schedule_rows(exclude_clients=clients_asking_or_booked())
    page = window_page(rows, number=page_number, size=READY_PAGE_SIZE)
    return page, [
        {**row, "priority_label": AppointmentRequest.Priority(row["priority"]).label}
        for row in ready_to_schedule_contacts(page.object_list)
    ]


def request_queue_order(appointment_request: AppointmentRequest) -> tuple:
    return (
        intake_priority_position(appointment_request.priority),
        appointment_request.created_at,
        appointment_request.pk,
    )


def requests_for_client(*, client: User) -> QuerySet[AppointmentRequest]:
    """The client's requests, newest first."""
    return (
        AppointmentRequest.objects.filter(client=client)
        .select_related("session_type", "preferred_therapist", "reschedule_of")
        .order_by("-created_at", "-id")
    )


def open_request_for_client(*, client: User) -> AppointmentRequest | None:
    """The client's open request for a new appointment (not one to move a booked one), if any."""
    return (
        AppointmentRequest.objects.filter(
            client=client, status=AppointmentRequest.Status.OPEN, reschedule_of__isnull=True
        )
        .order_by("-created_at")
        .first()
    )


def first_visit_session_type() -> SessionType | None:
    """What a first request is for unless the client picks another."""
    return SessionType.objects.filter(slug=FIRST_VISIT_SLUG, active=True).first()


def therapists_bookable() -> QuerySet[User]:
    """Therapists a client may name in a request: active and taking new clients."""
    return User.objects.filter(
        role=User.Role.THERAPIST,
        is_active=True,
        therapist_profile__taking_new_clients=True,
    ).order_by("full_name", "pk")


def therapist_has_profile(*, therapist: User) -> bool:
    return TherapistProfile.objects.filter(user=therapist).exists()


@dataclass(frozen=True)
class Place:
    """Where an appointment happens: the office address in person, the therapist's video
    link by video ("" when there is none yet)."""

    in_person: bool
    address: str = ""
    video_link: str = ""


def appointment_place(*, appointment: Appointment, practice: Practice) -> Place:
    """The one rule for an appointment's place, for the pages, the emails and the .ics: the
    office's address (on one line) in person, or the practice's when no office is set; the
    therapist's video link for telehealth."""
    if appointment.modality == Modality.TELEHEALTH:
        profile = getattr(appointment.therapist, "therapist_profile", None)
        return Place(in_person=False, video_link=profile.video_link if profile else "")
    if appointment.office is not None:
        return Place(in_person=True, address=" ".join(appointment.office.address.split()))
    return Place(in_person=True, address=practice.address_one_line)


@dataclass(frozen=True)
class ClientAppointment:
    appointment: Appointment
    may_cancel: bool
    move_asked: bool
    place: Place


def client_appointments_upcoming(*, client: User, now: datetime | None = None) -> list[ClientAppointment]:
    """The client's upcoming appointments, each with whether she may still cancel online and
    whether she has asked to move it."""
    now = now or timezone.now()
    hours = cancellation_notice_hours()
    practice = practice_get()
    return [
        ClientAppointment(
            appointment=appointment,
            may_cancel=client_may_cancel(appointment=appointment, now=now, hours=hours),
            move_asked=any(
                r.status == AppointmentRequest.Status.OPEN for r in appointment.reschedule_requests.all()
            ),
            place=appointment_place(appointment=appointment, practice=practice),
        )
        for appointment in upcoming_appointments_for_client(client=client, now=now)
    ]


def upcoming_appointments_for_client(*, client: User, now: datetime | None = None) -> QuerySet[Appointment]:
    now = now or timezone.now()
    return (
        Appointment.objects.filter(client=client, status=Appointment.Status.BOOKED, end__gt=now)
        .select_related("therapist", "session_type", "office", "therapist__therapist_profile")
        .prefetch_related("reschedule_requests")
        .order_by("start", "id")
    )


def cancellation_notice_hours() -> int:
    """How many hours before it starts a client may still cancel online (the practice's
    setting)."""
    return practice_get().cancellation_notice_hours


def client_may_cancel(
    *, appointment: Appointment, now: datetime | None = None, hours: int | None = None
) -> bool:
    """Whether the client may still cancel online: the one cancellation-notice rule, for the
    pages and for appointment_cancel."""
    now = now or timezone.now()
    hours = cancellation_notice_hours() if hours is None else hours
    return appointment.status == Appointment.Status.BOOKED and appointment.start - now >= timedelta(
        hours=hours
    )


def therapists_active() -> QuerySet[User]:
    return User.objects.filter(role=User.Role.THERAPIST, is_active=True).order_by("full_name", "pk")


def calendar_appointments(
    *, start: datetime, end: datetime, therapist_id: int | None = None
) -> QuerySet[Appointment]:
    """Booked, completed and no-show appointments touching [start, end), earliest first."""
    rows = Appointment.objects.filter(start__lt=end, end__gt=start).exclude(
        status=Appointment.Status.CANCELLED
    )
    if therapist_id is not None:
        rows = rows.filter(therapist_id=therapist_id)
    return rows.select_related("client", "therapist", "session_type").order_by(
        "start", "therapist__full_name"
    )


def availability_for_therapist(*, therapist: User) -> QuerySet[WeeklyAvailability]:
    return WeeklyAvailability.objects.filter(therapist=therapist).order_by("weekday", "start_time")


def time_off_for_therapist(*, therapist: User, now: datetime | None = None) -> QuerySet[TimeOff]:
    now = now or timezone.now()
    return TimeOff.objects.filter(therapist=therapist, end__gt=now).order_by("start")


def clients_asking_or_booked(*, now: datetime | None = None) -> tuple[QuerySet, QuerySet]:
    """Client ids (as subqueries) of those who already asked for a time, and of those who
    have one booked ahead: the front desk need not reach out to them."""
    now = now or timezone.now()
    asked = AppointmentRequest.objects.filter(status=AppointmentRequest.Status.OPEN).values("client_id")
    booked = Appointment.objects.filter(status=Appointment.Status.BOOKED, start__gte=now).values("client_id")
    return asked, booked


@dataclass(frozen=True)
class CalendarSpan:
    """A day or a week of the calendar: each Denver day with its appointments (and their
    Denver start and end), the appointments shown, and the first day and step for paging."""

    days: list[tuple[date, list[tuple[Appointment, datetime, datetime]]]]
    appointments: list[Appointment]
    first: date
    step: timedelta


def calendar_span(*, day: date, view: str, therapist_id: int | None = None) -> CalendarSpan:
    """The week (Monday first) or the day around ``day``, for one therapist or everyone."""
    first = day - timedelta(days=day.weekday()) if view == "week" else day
    count = 7 if view == "week" else 1
    days = [first + timedelta(days=n) for n in range(count)]
    start, end = slots.day_bounds_utc(first, first + timedelta(days=count))
    rows = list(calendar_appointments(start=start, end=end, therapist_id=therapist_id))
    by_day: dict[date, list] = {d: [] for d in days}
    for appointment in rows:
        local_start = slots.to_practice_time(appointment.start)
        by_day.setdefault(local_start.date(), []).append(
            (appointment, local_start, slots.to_practice_time(appointment.end))
        )
    return CalendarSpan(
        days=[(d, by_day.get(d, [])) for d in days],
        appointments=rows,
        first=first,
        step=timedelta(days=count),
    )
