"""The practice admin's writes to the office's in-person hours and the days it is closed."""

from datetime import date, time

from django.db import transaction
from django.http import HttpRequest

from portal.audit import audit_record
from portal.models import AuditEvent, User

from .models import OfficeClosure, OfficeHours


@transaction.atomic
def office_hours_set(
    *, hours: dict[int, tuple[time, time]], actor: User | None, request: HttpRequest | None = None
) -> list[int]:
    """Make the office's weekly hours exactly ``hours`` (weekday, Monday 0: opens, closes; a
    weekday left out is closed), audited with the weekdays that changed. Returns those
    weekdays; saving the hours it already has changes nothing and writes no audit row."""
    current = {row.weekday: row for row in OfficeHours.objects.select_for_update().order_by("weekday")}
    changed = sorted(
        weekday for weekday in set(current) | set(hours) if _span(current.get(weekday)) != hours.get(weekday)
    )
    if not changed:
        return []
    for weekday in changed:
        row, span = current.get(weekday), hours.get(weekday)
        if span is None:
            row.delete()
        elif row is None:
            OfficeHours.objects.create(weekday=weekday, start_time=span[0], end_time=span[1])
        else:
            row.start_time, row.end_time = span
            row.save(update_fields=["start_time", "end_time", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="office_hours",
        detail="changed weekdays " + ", ".join(str(weekday) for weekday in changed),
        request=request,
    )
    return changed


def _span(row: OfficeHours | None) -> tuple[time, time] | None:
    return None if row is None else (row.start_time, row.end_time)


@transaction.atomic
def office_closure_add(
    *, day: date, name: str, actor: User | None, request: HttpRequest | None = None
) -> OfficeClosure:
    """Close the office for in-person sessions on ``day``, audited. A day already closed
    keeps its row, with the new name."""
    closure, _created = OfficeClosure.objects.update_or_create(day=day, defaults={"name": name})
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="office_closure",
        object_id=closure.pk,
        detail=f"closed {day.isoformat()}",
        request=request,
    )
    return closure


@transaction.atomic
def office_closure_remove(
    *, closure: OfficeClosure, actor: User | None, request: HttpRequest | None = None
) -> None:
    """Open the office again on a day it was closed, audited."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="office_closure",
        object_id=closure.pk,
        detail=f"opened {closure.day.isoformat()} again",
        request=request,
    )
    closure.delete()
