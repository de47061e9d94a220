"""The slot engine as it was before it learned to stop early: every therapist, every day of
the horizon, every grid time, then sorted. Slow and obviously right; kept only as the
reference the fast engine (scheduling.slots.earliest_slots) must agree with."""

from datetime import UTC, date, datetime, time, timedelta

from scheduling.slots import (
    EITHER,
    MIN_NOTICE,
    MODALITIES,
    PRACTICE_ZONE,
    SLOT_STEP_MINUTES,
    Interval,
    Rule,
    Slot,
    Window,
    search_days,
)


def reference_day(
    *,
    rules: list[Rule],
    time_off: list[Interval],
    busy: list[Interval],
    buffer: timedelta,
    day: date,
    duration: timedelta,
    not_before: datetime,
    windows: list[Window],
    modality: str,
) -> list[Slot]:
    """One therapist's free slots on one Denver day, earliest first."""
    wanted = set(MODALITIES) if modality == EITHER else {modality}
    blocked = [*time_off, *(Interval(b.start - buffer, b.end + buffer) for b in busy)]
    found = set()
    for rule in rules:
        if rule.modality not in wanted or not rule.applies_on(day):
            continue
        rule_end = datetime.combine(day, rule.end, tzinfo=PRACTICE_ZONE).astimezone(UTC)
        minute = rule.start.hour * 60 + rule.start.minute
        minute += -minute % SLOT_STEP_MINUTES
        while minute < rule.end.hour * 60 + rule.end.minute:
            local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=PRACTICE_ZONE)
            minute += SLOT_STEP_MINUTES
            start = local.astimezone(UTC)
            if start.astimezone(PRACTICE_ZONE).replace(tzinfo=None) != local.replace(tzinfo=None):
                continue  # does not exist (spring forward)
            end = start + duration
            if end > rule_end or start < not_before:
                continue
            if windows and not any(window.matches(local, duration) for window in windows):
                continue
            if any(b.overlaps(start, end) for b in blocked):
                continue
            found.add(Slot(start=start, end=end, modality=rule.modality))
    return sorted(found)


def reference_earliest(
    *,
    therapists: list[tuple[int, list[Rule], list[Interval], list[Interval]]],
    buffer: timedelta,
    duration: timedelta,
    windows: list[Window],
    earliest_date: date,
    now: datetime,
    modality: str,
    limit: int,
) -> list[tuple[int, Slot]]:
    """Every therapist's every slot in the horizon, earliest first (ties in the given order)."""
    first, last = search_days(earliest_date=earliest_date, now=now)
    found = []
    for position, (key, rules, time_off, busy) in enumerate(therapists):
        day = first
        while day < last:
            for slot in reference_day(
                rules=rules,
                time_off=time_off,
                busy=busy,
                buffer=buffer,
                day=day,
                duration=duration,
                not_before=now + MIN_NOTICE,
                windows=windows,
                modality=modality,
            ):
                found.append((slot.start, position, slot.modality, key, slot))
            day += timedelta(days=1)
    found.sort(key=lambda item: item[:3])
    return [(key, slot) for *_, key, slot in found[:limit]]
