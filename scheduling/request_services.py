"""Writes about appointment requests: a client asks for a time (or to move one), withdraws
it; the front desk declines it or books it. Audited in the same transaction."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from intake.selectors import intake_is_accepted, intake_is_sent, intake_priority_for_client
from portal.audit import audit_record, audit_record_many
from portal.messages import message_enqueue
from portal.models import AuditEvent, User

from .appointment_services import (
    appointment_book,
    appointment_reschedule,
    booking_guard,
    open_request_lock,
    request_handled_save,
)
from .errors import (
    COLORADO_REQUIRED,
    COLORADO_REQUIRED_VIDEO,
    DECLINE_REASON_CLINICAL,
    DECLINE_REASON_REQUIRED,
    NEEDS_INTAKE,
    NOT_RESCHEDULABLE,
    NOT_YET_BOOKABLE,
    REQUEST_ALREADY_OPEN,
    RESCHEDULE_ALREADY_ASKED,
    NotYetBookableError,
    RequestAlreadyOpenError,
    SchedulingError,
    SchedulingFieldError,
)
from .message_content import forbidden_words_in
from .models import Appointment, AppointmentRequest, Modality, NotificationKind, SessionType
from .selectors import request_booking_gate
from .slots import windows_parse


def _priority_for(client: User) -> str:
    # The intake's triage, as a priority only: no clinical detail reaches scheduling.
    priority = intake_priority_for_client(client=client)
    return priority if priority in AppointmentRequest.Priority.values else AppointmentRequest.Priority.ROUTINE


def colorado_problem(*, modality: str, confirms_in_colorado: bool | None, moving: bool = False) -> str:
    """Why a request cannot be sent as it is for Colorado's rule (video only while she is in
    Colorado), or "": the one check, for the service and for the summary before it."""
    if modality == Modality.IN_PERSON or confirms_in_colorado is True:
        return ""
    # A move keeps the appointment's own way of meeting, so there is no other to choose.
    return str(COLORADO_REQUIRED_VIDEO if moving else COLORADO_REQUIRED)


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
    if modality not in AppointmentRequest.ModalityPreference.values:
        raise ValueError(f"{modality!r} is not a modality preference.")
    windows_parse(windows)
    problem = colorado_problem(
        modality=modality, confirms_in_colorado=confirms_in_colorado, moving=reschedule_of is not None
    )
    if problem:
        raise SchedulingFieldError(problem, "confirms_in_colorado")
    with transaction.atomic():
        if not intake_is_sent(client=client):
            raise SchedulingError(NEEDS_INTAKE)
        if reschedule_of is not None:
            moving = Appointment.objects.select_for_update().get(pk=reschedule_of.pk)
            if moving.client_id != client.pk:
                raise ValueError("reschedule_of is another client's appointment.")
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
        # Her receipt, recorded with the request so that it is sent once.
        message_enqueue(kind=NotificationKind.REQUEST_RECEIVED, client_id=client.pk, subject=created)
    return created


def appointment_request_withdraw(
    *, appointment_request: AppointmentRequest, actor: User, request: HttpRequest | None = None
) -> AppointmentRequest:
    """The client takes back an open request."""
    with transaction.atomic():
        locked = open_request_lock(pk=appointment_request.pk)
        request_handled_save(request_obj=locked, status=AppointmentRequest.Status.CANCELLED, actor=actor)
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
    reason = reason.strip()
    if not reason:
        raise SchedulingFieldError(DECLINE_REASON_REQUIRED, "reason")
    words = forbidden_words_in(reason)
    if words:
        raise SchedulingFieldError(DECLINE_REASON_CLINICAL % {"words": ", ".join(words)}, "reason")
    with transaction.atomic():
        locked = open_request_lock(pk=appointment_request.pk)
        request_handled_save(
            request_obj=locked, status=AppointmentRequest.Status.DECLINED, actor=actor, decline_reason=reason
        )
        message_enqueue(kind=NotificationKind.DECLINE, client_id=locked.client_id, subject=locked)
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
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Appointment:
    """Book a request: a new appointment, or for a request to move one, the same appointment
    at the new time. Refused while the practice's booking gate holds it (NotYetBookableError),
    for a time outside the usual rules without ``override_reason`` (NeedsOverrideError), and
    with SlotTakenError, RequestNotOpenError and the like."""
    gate = request_booking_gate(
        appointment_request=appointment_request,
        intake_accepted=intake_is_accepted(client=appointment_request.client),
    )
    if not gate.bookable:
        raise NotYetBookableError(NOT_YET_BOOKABLE)
    moving = appointment_request.reschedule_of
    if moving is None or moving.status != Appointment.Status.BOOKED:
        end = start + timedelta(minutes=appointment_request.session_type.duration_minutes)
        override_note = booking_guard(
            therapist=therapist, start=start, end=end, modality=modality, override_reason=override_reason
        )
        return appointment_book(
            therapist=therapist,
            session_type=appointment_request.session_type,
            start=start,
            modality=modality,
            actor=actor,
            request_obj=appointment_request,
            override_note=override_note,
            request=request,
        )
    with transaction.atomic():
        locked = open_request_lock(pk=appointment_request.pk)
        appointment = appointment_reschedule(
            appointment=moving,
            start=start,
            therapist=therapist,
            modality=modality,
            actor=actor,
            reason="asked by the client",
            override_reason=override_reason,
            request=request,
        )
        request_handled_save(request_obj=locked, status=AppointmentRequest.Status.BOOKED, actor=actor)
    return appointment


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


def appointment_request_viewed(
    *, actor: User, appointment_request: AppointmentRequest, request: HttpRequest | None = None
) -> None:
    """The audit row for the front desk opening a request (the client's name and contact
    details are on it)."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="appointment_request",
        object_id=appointment_request.pk,
        client=appointment_request.client,
        request=request,
    )
