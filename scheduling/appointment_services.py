"""Writes about appointments: booking, moving, cancelling and reminding, and recording that
staff saw one. Each tells the client through the portal's message ledger, and writes its
audit row, in the same transaction."""

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from portal.audit import audit_record, audit_record_many
from portal.message_ledger import message_deliver_quietly, message_record
from portal.messages import message_enqueue
from portal.models import AuditEvent, User
from portal.selectors import practice_get

from .errors import (
    ALREADY_CANCELLED,
    CANCELLATION_TOO_LATE,
    NEEDS_OVERRIDE,
    NO_OFFICE,
    NOT_CANCELLABLE,
    NOT_RESCHEDULABLE,
    REQUEST_NOT_OPEN,
    SLOT_TAKEN,
    START_IN_PAST,
    CancellationTooLateError,
    NeedsOverrideError,
    NoOfficeError,
    NotCancellableError,
    RequestNotOpenError,
    SchedulingError,
    SchedulingFieldError,
    SlotTakenError,
)
from .estimate_tasks import estimate_on_appointment_change, estimate_on_booking
from .models import (
    APPOINTMENT_NO_OVERLAP,
    Appointment,
    AppointmentRequest,
    Modality,
    NotificationKind,
    Office,
    SessionType,
)
from .selectors import booking_concerns, cancellation_notice_hours, client_may_cancel, request_may_reopen

# PostgreSQL's SQLSTATE for exclusion_violation.
EXCLUSION_VIOLATION = "23P01"


def refuse_past(start: datetime) -> None:
    """A session cannot be booked or moved to a time already gone (the client would be
    emailed a time she cannot come to)."""
    if start <= timezone.now():
        raise SchedulingFieldError(START_IN_PAST, field="day")


def booking_guard(
    *, therapist: User, start: datetime, end: datetime, modality: str, override_reason: str
) -> str:
    """The booking guardrails for a time chosen by staff: '' when the time is within the usual
    rules (selectors.booking_concerns); for one outside them, the note the audit row keeps
    (what was overridden and why); NeedsOverrideError when no reason was given."""
    concerns = booking_concerns(therapist=therapist, start=start, end=end, modality=modality)
    if not concerns:
        return ""
    reason = " ".join(override_reason.split())
    if not reason:
        raise NeedsOverrideError(NEEDS_OVERRIDE.format(concerns="; ".join(str(c.label) for c in concerns)))
    return f"; override ({', '.join(c.code for c in concerns)}): {reason[:150]}"


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
    override_note: str = "",
    request: HttpRequest | None = None,
) -> Appointment:
    """Book ``client`` (or the client of ``request_obj``) with ``therapist`` at ``start``, for
    the front desk: any time that does not overlap another of the therapist's appointments
    (the slot engine's suggestions are the desk's guide, not a rule here).

    The session lasts session_type.duration_minutes. Raises SlotTakenError if the therapist
    already has an overlapping booked or completed appointment, including one committed a
    moment ago by someone else. Marks ``request_obj`` booked and writes an audit record, all
    in one transaction; ``override_note`` (from booking_guard) goes into that record.
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
    refuse_past(start)
    end = start + timedelta(minutes=session_type.duration_minutes)
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
            locked = open_request_lock(pk=request_obj.pk)
        if _overlapping(therapist=therapist, start=start, end=end).exists():
            raise SlotTakenError(SLOT_TAKEN)
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
            request_handled_save(request_obj=locked, status=AppointmentRequest.Status.BOOKED, actor=actor)
        message_enqueue(
            kind=NotificationKind.CONFIRMATION,
            client_id=appointment.client_id,
            subject=appointment,
            version=appointment.sequence,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="appointment",
            object_id=appointment.pk,
            client=client,
            detail=f"booked {session_type.slug} {modality} with therapist {therapist.pk} "
            f"at {start.astimezone(UTC):%Y-%m-%d %H:%M} UTC" + override_note,
            request=request,
        )
    estimate_on_booking(appointment=appointment)
    return appointment


def open_request_lock(*, pk: int) -> AppointmentRequest:
    """The request, locked until the transaction ends, if it is still open: a request is
    dealt with once (booked, declined, withdrawn), else RequestNotOpenError."""
    locked = AppointmentRequest.objects.select_for_update().get(pk=pk)
    if locked.status != AppointmentRequest.Status.OPEN:
        raise RequestNotOpenError(REQUEST_NOT_OPEN)
    return locked


def request_handled_save(
    *, request_obj: AppointmentRequest, status: str, actor: User, decline_reason: str | None = None
) -> None:
    """Record on a request locked by open_request_lock how it was dealt with, by whom, when."""
    request_obj.status, request_obj.handled_by, request_obj.handled_at = status, actor, timezone.now()
    fields = ["status", "handled_by", "handled_at", "updated_at"]
    if decline_reason is not None:
        request_obj.decline_reason = decline_reason
        fields.append("decline_reason")
    request_obj.save(update_fields=fields)


def appointment_cancel(
    *,
    appointment: Appointment,
    actor: User,
    reason: str = "",
    reopen_request: bool = False,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Appointment:
    """Cancel a booked appointment and free its time.

    The client herself may cancel only up to the practice's cancellation notice
    (Practice.cancellation_notice_hours) before it starts; staff may cancel at any time (who
    may reach which appointment is scheduling.access's). The request it was booked from is
    never left saying "booked": it is opened again when ``reopen_request`` asks and
    request_may_reopen allows (the desk then finds another time), else closed. Audited in the
    same transaction.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        by_client = actor.pk == appointment.client_id
        if appointment.status == Appointment.Status.CANCELLED:
            # A second "Cancel" from a tab opened before the first: say what happened.
            raise NotCancellableError(ALREADY_CANCELLED)
        if appointment.status != Appointment.Status.BOOKED:
            raise NotCancellableError(NOT_CANCELLABLE)
        if by_client:
            hours = cancellation_notice_hours()
            if not client_may_cancel(appointment=appointment, now=now, hours=hours):
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
        _booked_request_settle(appointment=appointment, reopen=reopen_request, actor=actor, now=now)
        message_enqueue(
            kind=NotificationKind.CANCELLATION,
            client_id=appointment.client_id,
            subject=appointment,
            version=appointment.sequence,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="appointment",
            object_id=appointment.pk,
            client=appointment.client,
            detail="cancelled by the client" if by_client else "cancelled by staff",
            request=request,
        )
    return appointment


def _booked_request_settle(*, appointment: Appointment, reopen: bool, actor: User, now: datetime) -> None:
    """The request a cancelled appointment was booked from: open again or closed, never left
    "booked" beside nothing booked."""
    if appointment.request_id is None:
        return
    booked = AppointmentRequest.objects.select_for_update().get(pk=appointment.request_id)
    if booked.status != AppointmentRequest.Status.BOOKED:
        return
    if reopen and request_may_reopen(appointment_request=booked):
        booked.status, booked.handled_by, booked.handled_at = AppointmentRequest.Status.OPEN, None, None
    else:
        booked.status, booked.handled_by, booked.handled_at = AppointmentRequest.Status.CANCELLED, actor, now
    booked.save(update_fields=["status", "handled_by", "handled_at", "updated_at"])


def appointment_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    actor: User,
    therapist: User | None = None,
    modality: str | None = None,
    session_type: SessionType | None = None,
    reason: str = "",
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Appointment:
    """Staff move a booked appointment to ``start`` (and optionally another therapist,
    modality or session type, whose length it then takes). Same overlap rule as booking;
    raises SlotTakenError on a clash, and NeedsOverrideError for a time outside the usual
    rules without ``override_reason`` (see booking_guard). The calendar revision goes up so
    the client's calendar replaces the event."""
    if timezone.is_naive(start):
        raise ValueError("start must be timezone-aware.")
    refuse_past(start)
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
        session_type = session_type or locked.session_type
        length = (
            timedelta(minutes=session_type.duration_minutes)
            if session_type.pk != locked.session_type_id
            else locked.end - locked.start
        )
        end = start + length
        override_note = booking_guard(
            therapist=therapist, start=start, end=end, modality=modality, override_reason=override_reason
        )
        if _overlapping(therapist=therapist, start=start, end=end).exclude(pk=locked.pk).exists():
            raise SlotTakenError(SLOT_TAKEN)
        office = locked.office
        if modality == Modality.TELEHEALTH:
            office = None
        elif office is None:
            office = Office.objects.order_by("pk").first()
            if office is None:
                raise NoOfficeError(NO_OFFICE)
        old_start, old_type = locked.start, locked.session_type
        locked.therapist, locked.start, locked.end = therapist, start, end
        locked.session_type = session_type
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
                        "session_type",
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
        message_enqueue(
            kind=NotificationKind.RESCHEDULE,
            client_id=locked.client_id,
            subject=locked,
            version=locked.sequence,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="appointment",
            object_id=locked.pk,
            client=locked.client,
            detail=f"moved from {old_start.astimezone(UTC):%Y-%m-%d %H:%M} to "
            f"{start.astimezone(UTC):%Y-%m-%d %H:%M} UTC with therapist {therapist.pk}"
            + (f", now {session_type.slug} (was {old_type.slug})" if session_type != old_type else "")
            + (f"; {reason[:100]}" if reason else "")
            + override_note,
            request=request,
        )
        # Another therapist or session type changes what her estimate says.
        estimate_on_appointment_change(appointment=locked)
    return locked


def appointment_viewed(*, actor: User, appointment: Appointment, request: HttpRequest | None = None) -> None:
    """The audit row for staff opening an appointment's page (the client's name and contact
    details are on it)."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="appointment",
        object_id=appointment.pk,
        client=appointment.client,
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


# --- Reminders (beat, scheduling.tasks)


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Remind every booked appointment starting within the practice's reminder time that has
    no reminder yet. Returns how many reminders went out. Overlapping runs are safe: each
    reminder has one ledger row per channel (key without a revision), sent under its row
    lock; one that fails is left to the ledger's sweeper (portal.message_ledger).
    """
    now = now or timezone.now()
    hours = practice_get().reminder_hours_before
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED,
        reminder_sent_at__isnull=True,
        start__gt=now,
        start__lte=now + timedelta(hours=hours),
    ).only("pk", "client_id")
    sent = 0
    for appointment in due:
        with transaction.atomic():
            rows = message_record(
                kind=NotificationKind.REMINDER, client_id=appointment.client_id, subject=appointment
            )
        for row in rows:
            sent += message_deliver_quietly(message_id=row.pk, now=now)
    return sent
