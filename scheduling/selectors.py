"""Reads for scheduling: what the slot engine needs (in a constant number of queries) and
what the pages show. The intake is read only through intake's selectors."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q, QuerySet, Value
from django.utils import timezone
from django.utils.dateformat import DateFormat
from django.utils.translation import gettext_lazy as _

from intake.selectors import (
    intake_accepted_client_ids,
    intake_contacts_for_front_desk,
    intake_priorities_for_clients,
    intake_priority_annotations,
    intakes_ready_to_schedule_rows,
    ready_to_schedule_contacts,
)
from portal.models import Practice, User
from portal.paging import WindowPage, window_page
from portal.selectors import has_joined, practice_get, therapists_taking_new_clients

from . import calendar_grid, errors, slots
from .models import (
    Appointment,
    AppointmentRequest,
    GoodFaithEstimate,
    Modality,
    OfficeClosure,
    OfficeHours,
    SessionType,
    TherapistProfile,
    TimeOff,
    WeeklyAvailability,
)

# How many suggestions to show a client or the front desk at once.
SUGGESTION_LIMIT = 12
# At most this many suggestions on one day, so the desk can offer a choice of days.
SUGGESTIONS_PER_DAY = 2
# Clients accepted and waiting to be contacted, shown a page at a time.
READY_PAGE_SIZE = 20
# Open requests shown on a page of the front desk's queue.
REQUEST_PAGE_SIZE = 25
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
        user__in=therapists_taking_new_clients()
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
    per_day: int | None = None,
) -> list[Suggestion]:
    """Free times for an appointment request across every matching therapist, earliest first
    (same time: therapists by name); ``any_time`` leaves out the client's times that suit;
    ``per_day`` keeps at most that many a day, spread over therapists (slots.earliest_slots).

    In-person times keep to the office's hours and skip its closures; none is sooner than the
    practice's minimum notice. Worked out a day at a time, stopping once the earliest ``limit``
    are certain. Queries: the therapists, the practice, the session type (unless already
    loaded), everyone's hours, the office's hours and closures, then time off and bookings
    together a few days at a time, whatever the number of therapists.
    Raises slots.InvalidWindowsError if the request's stored windows cannot be read.
    """
    windows = () if any_time else slots.windows_parse(appointment_request.windows)
    search = _RequestSearch(appointment_request, now=now or timezone.now())
    return search.suggestions(windows=windows, limit=limit, per_day=per_day)


class _RequestSearch:
    """What the suggestions for one request read before searching (therapists, their hours,
    the practice's settings, the office's hours and closures), read once; and the time off and
    bookings of the days searched, kept, so a second search of the same request (any time,
    after nothing fit her times) asks the database again only for days not yet read."""

    def __init__(self, appointment_request: AppointmentRequest, *, now: datetime) -> None:
        self.request, self.now = appointment_request, now
        self.profiles = list(therapist_profiles_for_request(appointment_request=appointment_request))
        self.users = {profile.user_id: profile.user for profile in self.profiles}
        self.hours: list[slots.TherapistHours] = []
        self.closures: dict[date, str] = {}
        self.buffer = self.min_notice = timedelta(0)
        self.loaded_from: date | None = None
        self.loaded_until: date | None = None
        self.loaded: dict[int, set[slots.Interval]] = {key: set() for key in self.users}
        if self.profiles:
            self._read_hours()

    def _read_hours(self) -> None:
        practice = practice_get()
        self.buffer = timedelta(minutes=practice.booking_buffer_minutes)
        self.min_notice = booking_min_notice(practice)
        first_day, last_day = slots.search_days(earliest_date=self.request.earliest_date, now=self.now)
        rules = _weekly_rules(ids=list(self.users), first_day=first_day, last_day=last_day)
        office = office_hours_map()
        for profile in self.profiles:
            offered = {modality for modality, flag in _OFFERS.items() if getattr(profile, flag)}
            wanted = slots.rules_in_office_hours(
                slots.rules_for_modality(rules[profile.user_id], self.request.modality), office
            )
            self.hours.append(
                slots.TherapistHours(
                    key=profile.user_id, rules=tuple(r for r in wanted if r.modality in offered)
                )
            )
        self.closures = office_closures_between(first_day=first_day, last_day=last_day)

    def suggestions(
        self, *, windows: tuple[slots.Window, ...], limit: int, per_day: int | None
    ) -> list[Suggestion]:
        if not self.profiles:
            return []
        found = slots.earliest_slots(
            therapists=self.hours,
            blocked_for=self._blocked_for,
            duration=timedelta(minutes=self.request.session_type.duration_minutes),
            windows=windows,
            earliest_date=self.request.earliest_date,
            now=self.now,
            limit=limit,
            per_day=per_day,
            min_notice=self.min_notice,
            closures=self.closures,
        )
        return [
            Suggestion(therapist=self.users[key], start=slot.start, end=slot.end, modality=slot.modality)
            for key, slot in found
        ]

    def _blocked_for(self, first: date, last: date) -> dict[int, list[slots.Interval]]:
        if self.loaded_from is not None and self.loaded_from <= first and last <= self.loaded_until:
            # Already read: what touches these days, as _blocked would answer for them.
            since, until = slots.day_bounds_utc(first, last)
            return {
                key: [b for b in loaded if b.start < until and since < b.end]
                for key, loaded in self.loaded.items()
            }
        blocked = _blocked(ids=list(self.users), first_day=first, last_day=last, buffer=self.buffer)
        # Every search reads days in order from the same first day: keep one run of them.
        if self.loaded_from is None or first == self.loaded_until:
            self.loaded_from, self.loaded_until = self.loaded_from or first, last
            for key, intervals in blocked.items():
                self.loaded[key].update(intervals)
        return blocked


# The profile flag that says a therapist offers each modality.
_OFFERS = {slots.IN_PERSON: "offers_in_person", slots.TELEHEALTH: "offers_telehealth"}


def booking_min_notice(practice: Practice | None = None) -> timedelta:
    """How soon a session may start from now without a reason (Practice.min_notice_hours):
    the one reading of it, for the suggestions and the booking guardrail."""
    return timedelta(hours=(practice or practice_get()).min_notice_hours)


def office_hours_map() -> dict[int, tuple[time, time]]:
    """The office's hours by weekday (slots.OfficeHoursMap; empty: none set). One query."""
    return {
        weekday: (start, end)
        for weekday, start, end in OfficeHours.objects.values_list("weekday", "start_time", "end_time")
    }


def office_closures_between(*, first_day: date, last_day: date) -> dict[date, str]:
    """The office's closed Denver days in [first_day, last_day), with what for. One query."""
    return dict(OfficeClosure.objects.filter(day__gte=first_day, day__lt=last_day).values_list("day", "name"))


def _weekly_rules(*, ids: Iterable[int], first_day: date, last_day: date) -> dict[int, list[slots.Rule]]:
    """Each therapist's weekly hours in force on some Denver day in [first_day, last_day)."""
    rules = defaultdict(list)
    rows = (
        WeeklyAvailability.objects.filter(therapist_id__in=ids, valid_from__lt=last_day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first_day))
        .values_list(
            "therapist_id", "weekday", "start_time", "end_time", "modality", "valid_from", "valid_until"
        )
    )
    for therapist_id, *rule in rows:
        rules[therapist_id].append(slots.Rule(*rule))
    return rules


def _blocked(
    *, ids: Iterable[int], first_day: date, last_day: date, buffer: timedelta
) -> dict[int, list[slots.Interval]]:
    """Time off and time-holding bookings (the bookings widened by the buffer) touching Denver
    days [first_day, last_day), per therapist id: one query (the two tables' rows together,
    each marked with how much it is widened)."""
    range_start, range_end = slots.day_bounds_utc(first_day, last_day)
    time_off = (
        TimeOff.objects.filter(therapist_id__in=ids, start__lt=range_end, end__gt=range_start)
        .order_by()
        .annotate(widened=Value(False))
        .values_list("therapist_id", "start", "end", "widened")
    )
    busy = (
        Appointment.objects.filter(
            therapist_id__in=ids,
            status__in=Appointment.HOLDS_TIME,
            start__lt=range_end + buffer,
            end__gt=range_start - buffer,
        )
        .order_by()
        .annotate(widened=Value(True))
        .values_list("therapist_id", "start", "end", "widened")
    )
    blocked: dict[int, list[slots.Interval]] = {therapist_id: [] for therapist_id in ids}
    for therapist_id, start, end, widened in time_off.union(busy, all=True):
        blocked[therapist_id].append(
            slots.Interval(start - buffer, end + buffer) if widened else slots.Interval(start, end)
        )
    return blocked


# --- Lists for the pages


NO_THERAPIST_OFFERS = _("No therapist taking new clients offers this kind of session.")
NOTHING_IN_HER_TIMES = _(
    "Nothing is free on the days and at the times she chose in the next four weeks. These are the "
    "earliest free times otherwise: please check one with her before booking."
)


@dataclass(frozen=True)
class DeskSuggestions:
    """What the request page offers: the times, whether they fit the client's own times (when
    none do, or hers cannot be read, they are the earliest at any time), and why nothing fits
    when that is so ("" otherwise)."""

    suggestions: list[Suggestion]
    within_her_times: bool
    windows_readable: bool
    why_none_fit: str


@dataclass(frozen=True)
class SuggestionRow:
    """One suggestion as the request page shows it and its form posts it: the hidden fields'
    values and the words for the desk, on the practice's clock (Denver)."""

    start: datetime  # UTC, the instant the form's day and time stand for
    therapist_id: int
    therapist_name: str
    modality: str
    modality_label: str
    day: str  # 2026-12-08, the form's value
    start_time: str  # 09:00, the form's value
    day_label: str  # Tue Dec 8
    start_label: str  # 9:00 AM
    end_label: str  # 9:50 AM MST


def desk_suggestion_rows(suggestions: Iterable[Suggestion]) -> list[SuggestionRow]:
    """The request page's suggestions formatted in one pass (the formats of Django's date
    filter, in the language of the request), so the template only places them: formatting
    each with template filters was most of the page's rendering time."""
    video, in_person = _("Video"), _("In person")
    rows = []
    for suggestion in suggestions:
        start = DateFormat(slots.to_practice_time(suggestion.start))
        rows.append(
            SuggestionRow(
                start=suggestion.start,
                therapist_id=suggestion.therapist.pk,
                therapist_name=suggestion.therapist.get_full_name(),
                modality=suggestion.modality,
                modality_label=str(video if suggestion.modality == Modality.TELEHEALTH else in_person),
                day=start.format("Y-m-d"),
                start_time=start.format("H:i"),
                day_label=start.format("D M j"),
                start_label=start.format("g:i A"),
                end_label=DateFormat(slots.to_practice_time(suggestion.end)).format("g:i A T"),
            )
        )
    return rows


def slots_for_desk(
    appointment_request: AppointmentRequest, *, now: datetime | None = None
) -> DeskSuggestions:
    """Free times for the front desk's request page, at most SUGGESTIONS_PER_DAY a day and
    spread over therapists. When nothing fits the client's days and times, the earliest free
    times at any time are offered instead, with the reason, so the desk can call her."""
    search = _RequestSearch(appointment_request, now=now or timezone.now())
    found, readable = [], True
    try:
        windows = slots.windows_parse(appointment_request.windows)
    except slots.InvalidWindowsError:
        readable = False
    else:
        found = search.suggestions(windows=windows, limit=SUGGESTION_LIMIT, per_day=SUGGESTIONS_PER_DAY)
    if found:
        return DeskSuggestions(found, within_her_times=True, windows_readable=True, why_none_fit="")
    if not search.profiles:
        why = (
            _("The therapist she asked for is not taking new clients for this kind of session.")
            if appointment_request.preferred_therapist_id
            else NO_THERAPIST_OFFERS
        )
        return DeskSuggestions([], within_her_times=False, windows_readable=readable, why_none_fit=str(why))
    any_time = search.suggestions(windows=(), limit=SUGGESTION_LIMIT, per_day=SUGGESTIONS_PER_DAY)
    if not readable:
        why = _("Her times could not be read, so the earliest free times are shown.")
    elif any_time:
        why = NOTHING_IN_HER_TIMES
    else:
        why = _(
            "Nothing is free in the next four weeks with any therapist who could see her (their hours, "
            "time off and bookings, and for in-person sessions the office's hours and closures, leave no "
            "room). Offer a later date by phone, or decline with a reason."
        )
    return DeskSuggestions(any_time, within_her_times=False, windows_readable=readable, why_none_fit=str(why))


def request_queue_rows() -> QuerySet[AppointmentRequest]:
    """Open requests for the front desk in the queue's order, worked out by the database:
    the priority the intake's triage gives now (urgent, then high, then routine), then oldest
    first, then the first made. Each row carries that priority as `priority_now`; the stored
    `priority` (what it was when she asked) is left alone, so a GET writes nothing."""
    return (
        AppointmentRequest.objects.filter(status=AppointmentRequest.Status.OPEN)
        .annotate(**intake_priority_annotations(client="client"))
        .order_by("priority_rank", "created_at", "pk")
    )


# What a row of the desk's queue shows (and its audit records): the rest of each request (her
# note, her times) and of each user is read on the request's own page. Fewer and narrower
# rows to sort and build made the page's main query cheaper by about a third.
QUEUE_ROW_FIELDS = (
    "created_at",
    "client_id",
    "session_type_id",
    "modality",
    "preferred_therapist_id",
    "earliest_date",
    "reschedule_of_id",
    "client__full_name",
    "client__email",
    "session_type__name",
    "preferred_therapist__full_name",
    "preferred_therapist__email",
)


def request_queue_page(*, page_number) -> WindowPage:
    """One page of request_queue_rows (no exact count: the queue grows with the practice),
    read in one query. Each row shows the priority now: `priority` and `priority_label` are
    set on the rows loaded for the page (never saved), with `modality_label`, from one
    dictionary of labels per page rather than a lookup per row."""
    rows = (
        request_queue_rows()
        .select_related("client", "session_type", "preferred_therapist")
        .only(*QUEUE_ROW_FIELDS)
    )
    page = window_page(rows, number=page_number, size=REQUEST_PAGE_SIZE)
    priorities = {value: str(label) for value, label in AppointmentRequest.Priority.choices}
    modalities = {value: str(label) for value, label in AppointmentRequest.ModalityPreference.choices}
    for row in page:
        row.priority = row.priority_now
        row.priority_label = priorities[row.priority]
        row.modality_label = modalities.get(row.modality, row.modality)
    return page


@dataclass(frozen=True)
class BookingGate:
    """Whether the desk may book a request now, and why, in words for the desk."""

    bookable: bool
    why: str


def request_booking_gate(
    *, appointment_request: AppointmentRequest, intake_accepted: bool, practice: Practice | None = None
) -> BookingGate:
    """The practice's booking gate (Practice.booking_gate) applied to one request: the one
    rule for the queue, the request page and appointment_request_book. A request to move an
    appointment is always bookable: she is already a client."""
    practice = practice or practice_get()
    if appointment_request.reschedule_of_id is not None:
        return BookingGate(True, _("She asks to move an appointment already booked."))
    if intake_accepted:
        return BookingGate(True, _("A therapist has accepted her intake."))
    if practice.booking_gate == Practice.BookingGate.ON_REQUEST:
        return BookingGate(
            True, _("The practice books as soon as a client asks; no therapist has accepted her intake yet.")
        )
    return BookingGate(
        False,
        _(
            "Waiting for a therapist to accept her intake: the practice books new clients after that "
            "(a practice setting)."
        ),
    )


@dataclass(frozen=True)
class Concern:
    """A booking guardrail a time breaks: a short code for the audit, words for the desk."""

    code: str
    label: str


def booking_concerns(
    *, therapist: User, start: datetime, end: datetime, modality: str, now: datetime | None = None
) -> list[Concern]:
    """Why a time the desk typed in is outside the usual rules (none: it is within them):
    outside the therapist's weekly hours for the modality, during her time off, in person
    outside the office's hours or on a day it is closed, or sooner than the practice's
    minimum notice (booking_min_notice, as the suggestions keep). Five queries."""
    now = now or timezone.now()
    day = slots.to_practice_time(start).date()
    concerns = []
    if not slots.within_hours(
        _weekly_rules(ids=[therapist.pk], first_day=day, last_day=day + timedelta(days=1))[therapist.pk],
        start=start,
        end=end,
        modality=modality,
    ):
        concerns.append(Concern("outside hours", errors.CONCERN_OUTSIDE_HOURS))
    if TimeOff.objects.filter(therapist=therapist, start__lt=end, end__gt=start).exists():
        concerns.append(Concern("time off", errors.CONCERN_TIME_OFF))
    if modality == slots.IN_PERSON:
        if not slots.within_office_hours(office_hours_map(), start=start, end=end):
            concerns.append(Concern("outside office hours", errors.CONCERN_OUTSIDE_OFFICE_HOURS))
        if office_closures_between(first_day=day, last_day=day + timedelta(days=1)):
            concerns.append(Concern("office closed", errors.CONCERN_OFFICE_CLOSED))
    notice = booking_min_notice()
    if start < now + notice:
        hours = int(notice.total_seconds() // 3600)
        concerns.append(Concern("short notice", errors.CONCERN_SHORT_NOTICE % {"hours": hours}))
    return concerns


def request_priority(
    *, appointment_request: AppointmentRequest, priority_now: str | None = None
) -> AppointmentRequest.Priority:
    """The priority the front desk sees for a request: the intake's triage now for an open
    one (as on the queue; `priority_now` when the caller already read it from the intake),
    the priority it had for one already dealt with."""
    if appointment_request.status != AppointmentRequest.Status.OPEN:
        return AppointmentRequest.Priority(appointment_request.priority)
    if priority_now is None:
        priority_now = intake_priorities_for_clients(client_ids={appointment_request.client_id})[
            appointment_request.client_id
        ]
    return AppointmentRequest.Priority(priority_now)


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


def request_may_reopen(*, appointment_request: AppointmentRequest) -> bool:
    """Whether a request whose appointment is cancelled can be opened again for the desk to
    find another time: a request for a new appointment (not one to move a booked one), and
    only while its client has no other open request (one open request at a time)."""
    if appointment_request.reschedule_of_id is not None:
        return False
    others = AppointmentRequest.objects.filter(
        client_id=appointment_request.client_id,
        status=AppointmentRequest.Status.OPEN,
        reschedule_of__isnull=True,
    ).exclude(pk=appointment_request.pk)
    return not others.exists()


def first_visit_session_type() -> SessionType | None:
    """What a first request is for unless the client picks another."""
    return SessionType.objects.filter(slug=FIRST_VISIT_SLUG, active=True).first()


def therapists_bookable() -> QuerySet[User]:
    """Therapists a client may name in a request: active and taking new clients."""
    return therapists_taking_new_clients().filter(therapist_profile__isnull=False)


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
    """Therapists the desk may book or show: active, and joined (portal.selectors.has_joined)."""
    return User.objects.filter(has_joined(), role=User.Role.THERAPIST, is_active=True).order_by(
        "full_name", "pk"
    )


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
    """A day or a week of the calendar as a time grid (scheduling.calendar_grid), the
    appointments shown (for the audit), each therapist's colour, and the first day and step
    for paging."""

    grid: calendar_grid.Grid
    appointments: list[Appointment]
    colours: list[tuple[User, int]]
    first: date
    step: timedelta
    # The days shown on which the office is closed, in order: (day, what for).
    closures: list[tuple[date, str]]


def calendar_span(*, day: date, view: str, therapist: User | None = None) -> CalendarSpan:
    """The week (Monday first) or the day around ``day``, for one therapist or everyone: in
    the week, a column a day; in the day, a column a therapist. Appointments (not cancelled)
    are labelled with the client's name as the front desk may see it (never her email), and
    time off and the office's closures are shown. Five queries."""
    count = 7 if view == "week" else 1
    first = day - timedelta(days=day.weekday()) if view == "week" else day
    start, end = slots.day_bounds_utc(first, first + timedelta(days=count))
    therapists = [therapist] if therapist else list(therapists_active())
    rows = list(calendar_appointments(start=start, end=end, therapist_id=therapist.pk if therapist else None))
    for appointment in rows:
        if appointment.therapist not in therapists:
            therapists.append(appointment.therapist)
    colour = {t.pk: n % calendar_grid.COLOURS for n, t in enumerate(therapists)}
    names = intake_contacts_for_front_desk(clients=list({a.client for a in rows}))
    off = TimeOff.objects.filter(therapist_id__in=list(colour), start__lt=end, end__gt=start).select_related(
        "therapist"
    )
    closures = office_closures_between(first_day=first, last_day=first + timedelta(days=count))
    if view == "week":
        columns = [
            calendar_grid.GridColumn(title="", day=day_n, key=f"d{n}", closure=closures.get(day_n))
            for n, day_n in enumerate(first + timedelta(days=n) for n in range(count))
        ]

        def column_of(therapist_id: int, local_start: datetime) -> int | None:
            offset = (local_start.date() - first).days
            return offset if 0 <= offset < count else None
    else:
        columns = [
            calendar_grid.GridColumn(
                title=t.get_full_name(), day=first, key=f"t{t.pk}", closure=closures.get(first)
            )
            for t in therapists
        ]
        position = {t.pk: n for n, t in enumerate(therapists)}

        def column_of(therapist_id: int, local_start: datetime) -> int | None:
            return position.get(therapist_id) if local_start.date() == first else None

    events = []
    for appointment in rows:
        local_start, local_end = calendar_grid.grid_event_times(appointment.start, appointment.end)
        column = column_of(appointment.therapist_id, local_start)
        if column is not None:
            events.append(
                calendar_grid.GridEvent(
                    column=column,
                    start=local_start,
                    end=local_end,
                    colour=colour[appointment.therapist_id],
                    appointment=appointment,
                    client_name=names[appointment.client_id]["name"],
                    therapist_name=appointment.therapist.get_full_name(),
                )
            )
    for block in off:
        # Time off may span days: a block on each day it touches.
        day_cursor = max(slots.to_practice_time(block.start).date(), first)
        while day_cursor < first + timedelta(days=count):
            day_start, day_end = slots.day_bounds_utc(day_cursor, day_cursor + timedelta(days=1))
            if block.start >= day_end or block.end <= day_start:
                break
            local_start, local_end = calendar_grid.grid_event_times(
                max(block.start, day_start), min(block.end, day_end)
            )
            column = column_of(block.therapist_id, local_start)
            if column is not None:
                events.append(
                    calendar_grid.GridEvent(
                        column=column,
                        start=local_start,
                        end=local_end,
                        colour=colour[block.therapist_id],
                        therapist_name=block.therapist.get_full_name(),
                    )
                )
            day_cursor += timedelta(days=1)
    return CalendarSpan(
        grid=calendar_grid.grid_build(columns=columns, events=events),
        appointments=rows,
        colours=[(t, colour[t.pk]) for t in therapists],
        first=first,
        step=timedelta(days=count),
        closures=sorted(closures.items()),
    )


def estimate_therapist_for_client(*, client: User) -> User | None:
    """Whom an estimate the client asks for names: the therapist of her next booked
    appointment, else the one she asked for in her latest request; None if neither."""
    upcoming = (
        Appointment.objects.filter(client=client, status=Appointment.Status.BOOKED, start__gt=timezone.now())
        .select_related("therapist")
        .order_by("start")
        .first()
    )
    if upcoming is not None:
        return upcoming.therapist
    latest = (
        AppointmentRequest.objects.filter(client=client)
        .exclude(preferred_therapist=None)
        .order_by("-created_at")
        .first()
    )
    return latest.preferred_therapist if latest else None


def client_estimates(*, client: User) -> list[GoodFaithEstimate]:
    """Every Good Faith Estimate issued to the client, newest first."""
    return list(GoodFaithEstimate.objects.filter(client=client).select_related("therapist"))


@dataclass(frozen=True)
class DeskHome:
    """The staff home's scheduling counts: open requests (and how many of them the booking
    gate still holds), clients accepted and waiting to be contacted, and today's appointments
    (the therapist's own for a therapist)."""

    requests_open: int
    requests_waiting_for_acceptance: int
    ready_to_contact: int
    today: int
    oldest_request: datetime | None


def desk_home(*, user: User, today: date | None = None) -> DeskHome:
    """Counts for the staff home, a few queries whatever the practice's size."""
    today = today or timezone.localdate()
    start, end = slots.day_bounds_utc(today, today + timedelta(days=1))
    appointments = calendar_appointments(start=start, end=end).filter(status=Appointment.Status.BOOKED)
    if user.role == User.Role.THERAPIST:
        appointments = appointments.filter(therapist=user)
    if user.role not in (User.Role.FRONT_DESK, User.Role.PRACTICE_ADMIN):
        return DeskHome(0, 0, 0, appointments.count(), None)
    open_requests = AppointmentRequest.objects.filter(status=AppointmentRequest.Status.OPEN)
    totals = open_requests.aggregate(count=Count("pk"), oldest=Min("created_at"))
    held = 0
    if practice_get().booking_gate == Practice.BookingGate.ACCEPTED:
        held = (
            open_requests.filter(reschedule_of__isnull=True)
            .exclude(client_id__in=intake_accepted_client_ids())
            .count()
        )
    ready = intakes_ready_to_schedule_rows(exclude_clients=clients_asking_or_booked()).count()
    return DeskHome(totals["count"], held, ready, appointments.count(), totals["oldest"])
