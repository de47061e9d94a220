"""Writes about therapists' hours: weekly availability and time off (therapists for
themselves, the practice admin for anyone). Audited in the same transaction."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from portal.audit import audit_record
from portal.models import AuditEvent, User

from .errors import AVAILABILITY_OVERLAPS, SchedulingFieldError
from .models import TimeOff, WeeklyAvailability


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
