"""Writes about therapists' hours: weekly availability and time off (therapists for
themselves, the practice admin for anyone: scheduling.access decides whose). Audited in the
same transaction."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest

from portal.audit import audit_record
from portal.models import AuditEvent, User

from .errors import AVAILABILITY_OVERLAPS, SchedulingFieldError
from .models import Appointment, TimeOff, WeeklyAvailability


@dataclass(frozen=True)
class TimeOffAdded:
    """The time off as saved, and how many appointments already hold time inside it."""

    time_off: TimeOff
    clashing_appointments: int


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
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="weekly_availability",
            object_id=availability.pk,
            detail=f"removed for therapist {availability.therapist_id}",
            request=request,
        )
        WeeklyAvailability.objects.filter(pk=availability.pk).delete()


def time_off_add(
    *,
    therapist: User,
    start: datetime,
    end: datetime,
    actor: User,
    reason: str = "",
    request: HttpRequest | None = None,
) -> TimeOffAdded:
    """Block time off. Appointments already booked in it are left for the front desk to move:
    the result says how many there are."""
    with transaction.atomic():
        row = TimeOff.objects.create(therapist=therapist, start=start, end=end, reason=reason.strip())
        clashing = Appointment.objects.filter(
            therapist=therapist, status__in=Appointment.HOLDS_TIME, start__lt=end, end__gt=start
        ).count()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="time_off",
            object_id=row.pk,
            detail=f"therapist {therapist.pk}",
            request=request,
        )
    return TimeOffAdded(time_off=row, clashing_appointments=clashing)


def time_off_remove(*, time_off: TimeOff, actor: User, request: HttpRequest | None = None) -> None:
    """Remove time off; the hours it blocked are offered again."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="time_off",
            object_id=time_off.pk,
            detail=f"removed for therapist {time_off.therapist_id}",
            request=request,
        )
        TimeOff.objects.filter(pk=time_off.pk).delete()
