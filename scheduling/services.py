"""Writes for scheduling: booking and cancelling appointments."""

from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import is_staff_member
from portal.audit import audit_record
from portal.models import AuditEvent, User
from portal.selectors import practice_get

from .models import APPOINTMENT_NO_OVERLAP, Appointment, AppointmentRequest, Modality, Office, SessionType
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
            request_obj.save(update_fields=["status", "updated_at"])
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
        appointment.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
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
