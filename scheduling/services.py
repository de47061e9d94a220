"""Writes for scheduling: requests, booking, moving and cancelling appointments, and
the availability therapists keep. Each notifies the client through the ledger in
scheduling.notifications, inside the same transaction."""

from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import is_staff_member
from portal.audit import audit_record, audit_record_many
from portal.models import AuditEvent, User
from portal.selectors import practice_get

from .models import (
    APPOINTMENT_NO_OVERLAP,
    Appointment,
    AppointmentRequest,
    Modality,
    Notification,
    Office,
    SessionType,
    TimeOff,
    WeeklyAvailability,
)
from .notifications import forbidden_words_in, notification_enqueue
from .selectors import slot_is_offered

SLOT_TAKEN = _("That time was just taken. Here are other times that are free.")
SLOT_NOT_OFFERED = _("That time is not available. Please choose one of the times shown.")
REQUEST_NOT_OPEN = _("This request has already been dealt with.")
NOT_CANCELLABLE = _("This appointment can no longer be cancelled.")
CANCELLATION_TOO_LATE = _(
    "Appointments can be cancelled online up to %(hours)s hours before they start. Please call the practice."
)
NO_OFFICE = _("There is no office set up for in-person sessions.")

# Used only before the practice has been set up in admin.
DEFAULT_CANCELLATION_NOTICE_HOURS = 24
# PostgreSQL's SQLSTATE for exclusion_violation.
EXCLUSION_VIOLATION = "23P01"


class SchedulingError(Exception):
    """A booking or cancellation refused for a reason the person can be told."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class SlotTakenError(SchedulingError):
    pass


class SlotNotOfferedError(SchedulingError):
    pass


class RequestNotOpenError(SchedulingError):
    pass


class NotCancellableError(SchedulingError):
    pass


class CancellationTooLateError(SchedulingError):
    pass


class NoOfficeError(SchedulingError):
    pass


def appointment_book(
    *,
    therapist: User,
    session_type: SessionType,
    start: datetime,
    modality: str,
    actor: User,
    client: User | None = None,
    request_obj: AppointmentRequest | None = None,
    office: Office | None = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Appointment:
    """Book ``client`` (or the client of ``request_obj``) with ``therapist`` at ``start``.

    The session lasts session_type.duration_minutes. Staff may book any time that does not
    overlap another of the therapist's appointments; a client may book only for themselves and
    only a time the slot engine offers at ``now`` (the therapist's hours in a modality they
    offer, time off, the buffer, the minimum notice), else SlotNotOfferedError. Raises
    SlotTakenError if the therapist already has an overlapping booked or completed appointment,
    including one committed a moment ago by someone else. Marks ``request_obj`` booked and
    writes an audit record, all in one transaction.
    """
    if request_obj is not None:
        if client is not None and client.pk != request_obj.client_id:
            raise ValueError("client and request_obj.client differ.")
        client = request_obj.client
    if client is None:
        raise ValueError("Give client or request_obj.")
    if therapist.role != User.Role.THERAPIST:
        raise ValueError("Appointments are booked with a therapist.")
    if modality not in Modality.values:
        raise ValueError(f"{modality!r} is not a modality.")
    if timezone.is_naive(start):
        raise ValueError("start must be timezone-aware.")
    end = start + timedelta(minutes=session_type.duration_minutes)
    if actor.role == User.Role.CLIENT and actor.pk != client.pk:
        raise PermissionDenied
    if modality == Modality.IN_PERSON and office is None:
        # One office today; the earliest created is the practice's main office.
        office = Office.objects.order_by("pk").first()
        if office is None:
            raise NoOfficeError(NO_OFFICE)
    elif modality == Modality.TELEHEALTH:
        office = None

    with transaction.atomic():
        _serialise_bookings()
        if request_obj is not None:
            locked = AppointmentRequest.objects.select_for_update().get(pk=request_obj.pk)
            if locked.status != AppointmentRequest.Status.OPEN:
                raise RequestNotOpenError(REQUEST_NOT_OPEN)
        if _overlapping(therapist=therapist, start=start, end=end).exists():
            raise SlotTakenError(SLOT_TAKEN)
        if actor.role == User.Role.CLIENT and not slot_is_offered(
            therapist=therapist, duration=end - start, start=start, modality=modality, now=now
        ):
            raise SlotNotOfferedError(SLOT_NOT_OFFERED)
        try:
            # Django's rule for catching a database error inside atomic(): wrap the statement
            # in its own atomic block, so the error never leaves the transaction half-broken.
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    therapist=therapist,
                    client=client,
                    request=request_obj,
                    session_type=session_type,
                    start=start,
                    end=end,
                    modality=modality,
                    office=office,
                    booked_by=actor,
                )
        except IntegrityError as error:
            if _is_overlap_violation(error):
                raise SlotTakenError(SLOT_TAKEN) from error
            raise
        if request_obj is not None:
            request_obj.status = AppointmentRequest.Status.BOOKED
            request_obj.handled_by, request_obj.handled_at = actor, timezone.now()
            request_obj.save(update_fields=["status", "handled_by", "handled_at", "updated_at"])
        notification_enqueue(
            kind=Notification.Kind.CONFIRMATION, appointment=appointment, version=appointment.sequence
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="appointment",
            object_id=appointment.pk,
            client=client,
            detail=f"booked {session_type.slug} {modality} with therapist {therapist.pk} "
            f"at {start.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
            request=request,
        )
    return appointment


def appointment_cancel(
    *,
    appointment: Appointment,
    actor: User,
    reason: str = "",
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Appointment:
    """Cancel a booked appointment and free its time.

    A client may cancel only their own appointment, and only up to the practice's
    cancellation notice (Practice.cancellation_notice_hours) before it starts; staff may
    cancel at any time. Audited in the same transaction.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if actor.role == User.Role.CLIENT:
            if actor.pk != appointment.client_id:
                raise PermissionDenied
        elif not is_staff_member(actor):
            raise PermissionDenied
        if appointment.status != Appointment.Status.BOOKED:
            raise NotCancellableError(NOT_CANCELLABLE)
        if actor.role == User.Role.CLIENT:
            practice = practice_get()
            hours = (
                practice.cancellation_notice_hours
                if practice is not None
                else DEFAULT_CANCELLATION_NOTICE_HOURS
            )
            if appointment.start - now < timedelta(hours=hours):
                raise CancellationTooLateError(CANCELLATION_TOO_LATE % {"hours": hours})
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = now
        appointment.cancellation_reason = reason
        appointment.sequence += 1
        appointment.save(
            update_fields=["status", "cancelled_at", "cancellation_reason", "sequence", "updated_at"]
        )
        appointment.reschedule_requests.filter(status=AppointmentRequest.Status.OPEN).update(
            status=AppointmentRequest.Status.CANCELLED, handled_by=actor, handled_at=now
        )
        notification_enqueue(
            kind=Notification.Kind.CANCELLATION, appointment=appointment, version=appointment.sequence
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="appointment",
            object_id=appointment.pk,
            client=appointment.client,
            detail="cancelled by the client" if actor.role == User.Role.CLIENT else "cancelled by staff",
            request=request,
        )
    return appointment


def _overlapping(*, therapist: User, start: datetime, end: datetime):
    # The same rule as the PostgreSQL exclusion constraint: half-open ranges, so back-to-back
    # sessions are fine, and only appointments that hold time count.
    return Appointment.objects.filter(
        therapist=therapist, status__in=Appointment.HOLDS_TIME, start__lt=end, end__gt=start
    )


def _serialise_bookings() -> None:
    # SQLite has no row locks (select_for_update is a no-op there) and Django starts its
    # transactions with a deferred BEGIN, so two bookings could both read "free" and then both
    # insert. A write as the first statement takes SQLite's database-wide write lock at once;
    # a concurrent booking waits here (up to the connection's timeout) until this one commits,
    # then sees its row in the overlap check. PostgreSQL needs none of this: the exclusion
    # constraint decides there.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE scheduling_appointment SET id = id WHERE 0")


def _is_overlap_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    return (
        getattr(cause, "sqlstate", None) == EXCLUSION_VIOLATION
        and getattr(getattr(cause, "diag", None), "constraint_name", None) == APPOINTMENT_NO_OVERLAP
    )


# --- Appointment requests

NEEDS_INTAKE = _("Please send your intake first. Then you can ask for an appointment here.")
REQUEST_ALREADY_OPEN = _(
    "You already have a request with us. We will be in touch soon; you can change it by withdrawing it first."
)
RESCHEDULE_ALREADY_ASKED = _("You have already asked to move this appointment. We will be in touch soon.")
NOT_RESCHEDULABLE = _("This appointment can no longer be moved.")
COLORADO_REQUIRED = _(
    "Video sessions are only possible while you are in Colorado. Please confirm, or choose in person."
)
DECLINE_REASON_REQUIRED = _("Please give the client a reason. It is sent to them.")
DECLINE_REASON_CLINICAL = _(
    "This reason is emailed, so please leave out words about why the client is seeking care (%(words)s)."
)


class RequestAlreadyOpenError(SchedulingError):
    """The client already has the open request this one would duplicate (a second click of
    "Send", or a second tab): the view takes her to the request she has."""


class SchedulingFieldError(SchedulingError):
    """A refusal about one field of a form: the view shows it next to that field."""

    def __init__(self, message, field: str) -> None:
        super().__init__(message)
        self.field = field


def _priority_for(client: User) -> str:
    # The intake's triage, as a priority only: no clinical detail reaches scheduling.
    from intake.selectors import intake_priority_for_client

    priority = intake_priority_for_client(client=client)
    return priority if priority in AppointmentRequest.Priority.values else AppointmentRequest.Priority.ROUTINE


def appointment_request_create(
    *,
    client: User,
    session_type: SessionType,
    modality: str,
    earliest_date,
    windows: list,
    actor: User,
    preferred_therapist: User | None = None,
    note: str = "",
    confirms_in_colorado: bool | None = None,
    reschedule_of: Appointment | None = None,
    request: HttpRequest | None = None,
) -> AppointmentRequest:
    """A client asks for an appointment (or to move ``reschedule_of``) at times that suit.

    Needs a sent intake; one open request at a time; telehealth (or either) needs the client's
    confirmation that they will be in Colorado. Priority comes from the intake's triage.
    """
    from intake.selectors import intake_is_sent

    from .slots import windows_parse

    if actor.pk != client.pk and not is_staff_member(actor):
        raise PermissionDenied
    if modality not in AppointmentRequest.ModalityPreference.values:
        raise ValueError(f"{modality!r} is not a modality preference.")
    windows_parse(windows)
    if modality != Modality.IN_PERSON and confirms_in_colorado is not True:
        raise SchedulingFieldError(COLORADO_REQUIRED, "confirms_in_colorado")
    with transaction.atomic():
        if not intake_is_sent(client=client):
            raise SchedulingError(NEEDS_INTAKE)
        if reschedule_of is not None:
            moving = Appointment.objects.select_for_update().get(pk=reschedule_of.pk)
            if moving.client_id != client.pk:
                raise PermissionDenied
            if moving.status != Appointment.Status.BOOKED:
                raise SchedulingError(NOT_RESCHEDULABLE)
            if moving.reschedule_requests.filter(status=AppointmentRequest.Status.OPEN).exists():
                raise RequestAlreadyOpenError(RESCHEDULE_ALREADY_ASKED)
        elif AppointmentRequest.objects.filter(
            client=client, status=AppointmentRequest.Status.OPEN, reschedule_of__isnull=True
        ).exists():
            raise RequestAlreadyOpenError(REQUEST_ALREADY_OPEN)
        try:
            # The check above cannot see a request another click is inserting right now; the
            # database's unique constraints can, and the loser is told it already exists.
            with transaction.atomic():
                created = AppointmentRequest.objects.create(
                    client=client,
                    session_type=session_type,
                    modality=modality,
                    preferred_therapist=preferred_therapist,
                    windows=windows,
                    earliest_date=earliest_date,
                    note=note.strip(),
                    confirms_in_colorado=confirms_in_colorado if modality != Modality.IN_PERSON else None,
                    reschedule_of=reschedule_of,
                    priority=_priority_for(client),
                )
        except IntegrityError:
            raise RequestAlreadyOpenError(
                RESCHEDULE_ALREADY_ASKED if reschedule_of is not None else REQUEST_ALREADY_OPEN
            ) from None
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="appointment_request",
            object_id=created.pk,
            client=client,
            detail="asked to move an appointment" if reschedule_of else "asked for an appointment",
            request=request,
        )
    return created


def appointment_request_withdraw(
    *, appointment_request: AppointmentRequest, actor: User, request: HttpRequest | None = None
) -> AppointmentRequest:
    """The client takes back an open request."""
    with transaction.atomic():
        locked = AppointmentRequest.objects.select_for_update().get(pk=appointment_request.pk)
        if actor.pk != locked.client_id:
            raise PermissionDenied
        if locked.status != AppointmentRequest.Status.OPEN:
            raise RequestNotOpenError(REQUEST_NOT_OPEN)
        locked.status = AppointmentRequest.Status.CANCELLED
        locked.handled_by, locked.handled_at = actor, timezone.now()
        locked.save(update_fields=["status", "handled_by", "handled_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="appointment_request",
            object_id=locked.pk,
            client=locked.client,
            detail="withdrawn by the client",
            request=request,
        )
    return locked


def appointment_request_decline(
    *, appointment_request: AppointmentRequest, actor: User, reason: str, request: HttpRequest | None = None
) -> AppointmentRequest:
    """Staff decline an open request; the reason is always sent to the client, so it must not
    say anything clinical."""
    if not is_staff_member(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise SchedulingFieldError(DECLINE_REASON_REQUIRED, "reason")
    words = forbidden_words_in(reason)
    if words:
        raise SchedulingFieldError(DECLINE_REASON_CLINICAL % {"words": ", ".join(words)}, "reason")
    with transaction.atomic():
        locked = AppointmentRequest.objects.select_for_update().get(pk=appointment_request.pk)
        if locked.status != AppointmentRequest.Status.OPEN:
            raise RequestNotOpenError(REQUEST_NOT_OPEN)
        locked.status, locked.decline_reason = AppointmentRequest.Status.DECLINED, reason
        locked.handled_by, locked.handled_at = actor, timezone.now()
        locked.save(update_fields=["status", "decline_reason", "handled_by", "handled_at", "updated_at"])
        notification_enqueue(kind=Notification.Kind.DECLINE, appointment_request=locked)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="appointment_request",
            object_id=locked.pk,
            client=locked.client,
            detail="declined",
            request=request,
        )
    return locked


def appointment_request_book(
    *,
    appointment_request: AppointmentRequest,
    therapist: User,
    start: datetime,
    modality: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Appointment:
    """Book a request: a new appointment, or for a request to move one, the same appointment
    at the new time. Raises SlotTakenError, RequestNotOpenError and the like."""
    moving = appointment_request.reschedule_of
    if moving is None or moving.status != Appointment.Status.BOOKED:
        return appointment_book(
            therapist=therapist,
            session_type=appointment_request.session_type,
            start=start,
            modality=modality,
            actor=actor,
            request_obj=appointment_request,
            request=request,
        )
    with transaction.atomic():
        locked = AppointmentRequest.objects.select_for_update().get(pk=appointment_request.pk)
        if locked.status != AppointmentRequest.Status.OPEN:
            raise RequestNotOpenError(REQUEST_NOT_OPEN)
        appointment = appointment_reschedule(
            appointment=moving,
            start=start,
            therapist=therapist,
            modality=modality,
            actor=actor,
            reason="asked by the client",
            request=request,
        )
        locked.status = AppointmentRequest.Status.BOOKED
        locked.handled_by, locked.handled_at = actor, timezone.now()
        locked.save(update_fields=["status", "handled_by", "handled_at", "updated_at"])
    return appointment


def appointment_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    actor: User,
    therapist: User | None = None,
    modality: str | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Appointment:
    """Staff move a booked appointment to ``start`` (and optionally another therapist or
    modality). Same overlap rule as booking; raises SlotTakenError on a clash. The calendar
    revision goes up so the client's calendar replaces the event."""
    if not is_staff_member(actor):
        raise PermissionDenied
    if timezone.is_naive(start):
        raise ValueError("start must be timezone-aware.")
    with transaction.atomic():
        _serialise_bookings()
        locked = Appointment.objects.select_for_update().select_related("session_type").get(pk=appointment.pk)
        if locked.status != Appointment.Status.BOOKED:
            raise SchedulingError(NOT_RESCHEDULABLE)
        therapist = therapist or locked.therapist
        if therapist.role != User.Role.THERAPIST:
            raise ValueError("Appointments are booked with a therapist.")
        modality = modality or locked.modality
        if modality not in Modality.values:
            raise ValueError(f"{modality!r} is not a modality.")
        end = start + (locked.end - locked.start)
        if _overlapping(therapist=therapist, start=start, end=end).exclude(pk=locked.pk).exists():
            raise SlotTakenError(SLOT_TAKEN)
        office = locked.office
        if modality == Modality.TELEHEALTH:
            office = None
        elif office is None:
            office = Office.objects.order_by("pk").first()
            if office is None:
                raise NoOfficeError(NO_OFFICE)
        old_start = locked.start
        locked.therapist, locked.start, locked.end = therapist, start, end
        locked.modality, locked.office = modality, office
        locked.sequence += 1
        # A new time deserves its own reminder.
        locked.reminder_sent_at = None
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=[
                        "therapist",
                        "start",
                        "end",
                        "modality",
                        "office",
                        "sequence",
                        "reminder_sent_at",
                        "updated_at",
                    ]
                )
        except IntegrityError as error:
            if _is_overlap_violation(error):
                raise SlotTakenError(SLOT_TAKEN) from error
            raise
        # Moved: any open request from the client to move it has been answered.
        locked.reschedule_requests.filter(status=AppointmentRequest.Status.OPEN).update(
            status=AppointmentRequest.Status.BOOKED, handled_by=actor, handled_at=timezone.now()
        )
        notification_enqueue(kind=Notification.Kind.RESCHEDULE, appointment=locked, version=locked.sequence)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="appointment",
            object_id=locked.pk,
            client=locked.client,
            detail=f"moved from {old_start.astimezone(UTC):%Y-%m-%d %H:%M} to "
            f"{start.astimezone(UTC):%Y-%m-%d %H:%M} UTC with therapist {therapist.pk}"
            + (f"; {reason[:100]}" if reason else ""),
            request=request,
        )
    return locked


# --- Recording views: the desk's lists show clients' names and contact details


def desk_queue_viewed(
    *, actor: User, requests: list, ready_client_ids: list[int], request: HttpRequest | None = None
) -> None:
    """One audit row per client shown on the front desk's queue (name and contact details
    seen), in a single INSERT whatever the page's length."""
    records = [(item.pk, item.client) for item in requests]
    records += [(client_id, User(pk=client_id)) for client_id in ready_client_ids]
    audit_record_many(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="desk_queue_row",
        records=records,
        detail="name and contact details seen on the front desk's queue",
        request=request,
    )


def calendar_viewed(*, actor: User, appointments: list, request: HttpRequest | None = None) -> None:
    """One audit row per appointment shown on the calendar (the client's name was seen)."""
    audit_record_many(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="calendar_appointment",
        records=[(appointment.pk, appointment.client) for appointment in appointments],
        detail="name and appointment time seen on the calendar",
        request=request,
    )


def appointment_request_priorities_refresh(*, requests: list[AppointmentRequest]) -> list[AppointmentRequest]:
    """Bring each open request's priority up to date with the intake's triage (which may have
    changed since the request was made). Returns the same requests, updated in place."""
    from intake.selectors import intake_priorities_for_clients

    changed = []
    priorities = intake_priorities_for_clients(client_ids={item.client_id for item in requests})
    for item in requests:
        priority = priorities[item.client_id]
        if item.status == AppointmentRequest.Status.OPEN and priority != item.priority:
            item.priority = priority
            changed.append(item)
    if changed:
        AppointmentRequest.objects.bulk_update(changed, ["priority"])
    return requests


# --- Availability and time off (therapists for themselves, the practice admin for anyone)

AVAILABILITY_OVERLAPS = _("These hours overlap hours already set for that day.")


def _may_manage_hours(actor: User, therapist: User) -> bool:
    return actor.role == User.Role.PRACTICE_ADMIN or (
        actor.role == User.Role.THERAPIST and actor.pk == therapist.pk
    )


def weekly_availability_add(
    *,
    therapist: User,
    weekday: int,
    start_time,
    end_time,
    modality: str,
    valid_from,
    actor: User,
    valid_until=None,
    request: HttpRequest | None = None,
) -> WeeklyAvailability:
    """Add weekly hours for a therapist (Denver wall-clock time)."""
    if not _may_manage_hours(actor, therapist):
        raise PermissionDenied
    with transaction.atomic():
        clash = WeeklyAvailability.objects.filter(
            therapist=therapist, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time
        )
        if valid_until is not None:
            clash = clash.filter(valid_from__lte=valid_until)
        clash = clash.exclude(valid_until__lt=valid_from)
        if clash.exists():
            raise SchedulingFieldError(AVAILABILITY_OVERLAPS, "start_time")
        row = WeeklyAvailability.objects.create(
            therapist=therapist,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            modality=modality,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="weekly_availability",
            object_id=row.pk,
            detail=f"therapist {therapist.pk}",
            request=request,
        )
    return row


def weekly_availability_remove(
    *, availability: WeeklyAvailability, actor: User, request: HttpRequest | None = None
) -> None:
    """Remove weekly hours. Booked appointments stay booked."""
    if not _may_manage_hours(actor, availability.therapist):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="weekly_availability",
            object_id=availability.pk,
            detail=f"removed for therapist {availability.therapist_id}",
            request=request,
        )
        availability.delete()


def time_off_add(
    *, therapist: User, start: datetime, end: datetime, actor: User, reason: str = "", request=None
) -> TimeOff:
    """Block time off. Appointments already booked in it are left for the front desk to move."""
    if not _may_manage_hours(actor, therapist):
        raise PermissionDenied
    with transaction.atomic():
        row = TimeOff.objects.create(therapist=therapist, start=start, end=end, reason=reason.strip())
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="time_off",
            object_id=row.pk,
            detail=f"therapist {therapist.pk}",
            request=request,
        )
    return row


def time_off_remove(*, time_off: TimeOff, actor: User, request: HttpRequest | None = None) -> None:
    if not _may_manage_hours(actor, time_off.therapist):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="time_off",
            object_id=time_off.pk,
            detail=f"removed for therapist {time_off.therapist_id}",
            request=request,
        )
        time_off.delete()


# --- Demo data (manage.py seed_demo)


def scheduling_demo_seed(*, therapists: list[User], today=None) -> None:
    """An office at the practice's address, a profile and weekday hours for each therapist.
    Idempotent: leaves anything already set up alone."""
    from datetime import time

    from .models import TherapistProfile

    practice = practice_get()
    today = today or timezone.localdate()
    if not Office.objects.exists() and practice is not None:
        Office.objects.create(name="Denver office", address=practice.address_one_line)
    for number, therapist in enumerate(therapists, start=1):
        TherapistProfile.objects.get_or_create(
            user=therapist,
            defaults={
                "credentials": therapist.full_name.rpartition(", ")[2] if ", " in therapist.full_name else "",
                "video_link": f"https://video.example/room/demo-{number}",
            },
        )
        if WeeklyAvailability.objects.filter(therapist=therapist).exists():
            continue
        for weekday in range(5):
            in_person = (weekday + number) % 2 == 0
            WeeklyAvailability.objects.create(
                therapist=therapist,
                weekday=weekday,
                start_time=time(9) if in_person else time(12),
                end_time=time(13) if in_person else time(18),
                modality=Modality.IN_PERSON if in_person else Modality.TELEHEALTH,
                valid_from=today,
            )
