"""Free appointment times from weekly hours, time off and bookings. Pure Python, no ORM.

Weekly hours and the client's preferred times of day are wall-clock times in the practice's
zone; every instant passed in must be timezone-aware, and slots come back in UTC. Days and
wall-clock times are worked out in America/Denver with zoneinfo, so a 9:00 rule is 16:00 UTC
in winter (MST) and 15:00 UTC in summer (MDT), whichever side of a change the day falls.

Daylight-saving changes, deliberately:
- Spring forward (second Sunday of March, 2:00 -> 3:00): wall-clock times in the skipped hour
  do not exist and are never offered. A rule boundary inside that hour is read with the offset
  in force before the change (zoneinfo's fold=0), so it ends up an hour later in wall time.
- Fall back (first Sunday of November, 2:00 -> 1:00): 1:00-1:59 happens twice. Only the first
  occurrence (fold=0, still MDT) is used, for slots and rule boundaries alike, so a client is
  never shown the same wall-clock time twice; the repeated hour is simply not offered.
- A slot's length is real elapsed time (start + duration in UTC), and it must end by the
  rule's end instant, so a session never runs past the therapist's hours across a change.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

PRACTICE_ZONE = ZoneInfo("America/Denver")

# Slots start on the hour and the half hour.
SLOT_STEP_MINUTES = 30
# How far ahead to look, from the first day that may be offered.
HORIZON_DAYS = 28
# Nothing sooner than this from now: the therapist needs time to read the intake.
MIN_NOTICE = timedelta(hours=24)

# Modalities, as stored by scheduling.models (kept as plain strings so this module needs no ORM).
IN_PERSON = "in_person"
TELEHEALTH = "telehealth"
EITHER = "either"
MODALITIES = (IN_PERSON, TELEHEALTH)

# Parts of the day a client may choose, in Denver wall-clock time. A slot belongs to the part
# in which it starts: a 53-minute session at 11:30 is a morning session.
MORNING = "morning"
AFTERNOON = "afternoon"
EVENING = "evening"
DAY_PARTS: dict[str, tuple[time, time]] = {
    MORNING: (time(8), time(12)),
    AFTERNOON: (time(12), time(17)),
    EVENING: (time(17), time(20)),
}

WINDOWS_INVALID = _("Choose the days and times of day that suit you from the list.")
NAIVE_DATETIME = "Slot arithmetic needs timezone-aware datetimes."


class InvalidWindowsError(ValueError):
    """The stored or submitted preferred times could not be read."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A therapist's weekly hours: weekday (Monday 0) and wall-clock times in Denver."""

    weekday: int
    start: time
    end: time
    modality: str
    valid_from: date
    valid_until: date | None = None  # inclusive; None: open-ended

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span of time [start, end) between two aware instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start)
        _require_aware(self.end)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class Window:
    """A time that suits the client. Empty weekdays or parts mean any; ``day`` pins a date."""

    weekdays: frozenset[int] = frozenset()
    parts: frozenset[str] = frozenset()
    day: date | None = None

    def matches(self, local_start: datetime) -> bool:
        if self.day is not None and local_start.date() != self.day:
            return False
        if self.weekdays and local_start.weekday() not in self.weekdays:
            return False
        if not self.parts:
            return True
        wall = local_start.time()
        return any(DAY_PARTS[part][0] <= wall < DAY_PARTS[part][1] for part in self.parts)


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    start: datetime  # UTC
    end: datetime  # UTC
    modality: str


def windows_parse(raw: object) -> tuple[Window, ...]:
    """Read AppointmentRequest.windows: [{"weekdays": [0-6], "parts": [...]}, {"date": "YYYY-MM-DD"}].

    Raises InvalidWindowsError (message WINDOWS_INVALID) for anything else, including an
    item that says nothing ({}), unknown keys, or a date together with weekdays.
    """
    if not isinstance(raw, list):
        raise InvalidWindowsError(WINDOWS_INVALID)
    return tuple(_window_parse(item) for item in raw)


def _window_parse(item: object) -> Window:
    if not isinstance(item, dict) or not item or set(item) - {"weekdays", "parts", "date"}:
        raise InvalidWindowsError(WINDOWS_INVALID)
    if "date" in item and "weekdays" in item:
        raise InvalidWindowsError(WINDOWS_INVALID)
    weekdays = item.get("weekdays", [])
    parts = item.get("parts", [])
    if not isinstance(weekdays, list) or not isinstance(parts, list):
        raise InvalidWindowsError(WINDOWS_INVALID)
    # bool is an int subclass: True is not Tuesday.
    if any(type(d) is not int or not 0 <= d <= 6 for d in weekdays):
        raise InvalidWindowsError(WINDOWS_INVALID)
    if any(part not in DAY_PARTS for part in parts):
        raise InvalidWindowsError(WINDOWS_INVALID)
    day = None
    if "date" in item:
        try:
            day = date.fromisoformat(item["date"])
        except (TypeError, ValueError):
            raise InvalidWindowsError(WINDOWS_INVALID) from None
    elif not weekdays and not parts:
        raise InvalidWindowsError(WINDOWS_INVALID)
    return Window(weekdays=frozenset(weekdays), parts=frozenset(parts), day=day)


def search_days(*, earliest_date: date, now: datetime, horizon_days: int = HORIZON_DAYS) -> tuple[date, date]:
    """The Denver dates to search: [first, last), from today or earliest_date, whichever is later."""
    _require_aware(now)
    first = max(earliest_date, now.astimezone(PRACTICE_ZONE).date())
    return first, first + timedelta(days=horizon_days)


def to_practice_time(instant: datetime) -> datetime:
    """An instant on the practice's wall clock (Denver), for pages and messages."""
    return instant.astimezone(PRACTICE_ZONE)


def windows_describe(raw: object) -> list[str]:
    """The client's times that suit, one line per window ("Mon, Wed: mornings"), for the
    front desk; nothing when they cannot be read."""
    days = dict(enumerate([_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]))
    parts = {MORNING: _("mornings"), AFTERNOON: _("afternoons"), EVENING: _("evenings")}
    try:
        parsed = windows_parse(raw)
    except InvalidWindowsError:
        return []
    lines = []
    for window in parsed:
        when = (
            window.day.strftime("%a %b %-d")
            if window.day
            else ", ".join(str(days[d]) for d in sorted(window.weekdays))
        )
        part = ", ".join(str(parts[p]) for p in sorted(window.parts)) or _("any time")
        lines.append(f"{when or _('Any day')}: {part}")
    return lines


def local_to_utc(day: date, wall: time) -> datetime:
    """The UTC instant of a Denver wall-clock time (fold=0: the first of a repeated time)."""
    return datetime.combine(day, wall, tzinfo=PRACTICE_ZONE).astimezone(UTC)


def day_bounds_utc(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants at which Denver's ``first`` day starts and ``last`` day starts."""
    return local_to_utc(first, time(0)), local_to_utc(last, time(0))


def candidate_slots(
    *,
    rules: Iterable[Rule],
    time_off: Iterable[Interval],
    busy: Iterable[Interval],
    duration: timedelta,
    buffer: timedelta,
    windows: Sequence[Window],
    earliest_date: date,
    now: datetime,
    modality: str,
    horizon_days: int = HORIZON_DAYS,
    min_notice: timedelta = MIN_NOTICE,
    step_minutes: int = SLOT_STEP_MINUTES,
) -> list[Slot]:
    """Free slots for one therapist, earliest first, as UTC datetimes.

    A slot starts on the ``step_minutes`` grid of Denver wall-clock time inside a rule for the
    wanted modality (``EITHER`` takes both), ends (start + duration) by the rule's end, starts
    no sooner than now + min_notice, matches one of ``windows`` (none: any time), overlaps no
    time off, and keeps ``buffer`` clear on both sides of every busy interval.
    """
    if duration <= timedelta(0):
        raise ValueError("A session needs a positive length.")
    wanted = set(MODALITIES) if modality == EITHER else {modality}
    first, last = search_days(earliest_date=earliest_date, now=now, horizon_days=horizon_days)
    not_before = now + min_notice
    blocked = [*time_off, *(Interval(b.start - buffer, b.end + buffer) for b in busy)]
    rules = [rule for rule in rules if rule.modality in wanted]

    found: set[Slot] = set()
    day = first
    while day < last:
        day_rules = [rule for rule in rules if rule.applies_on(day)]
        if day_rules:
            day_start, day_end = day_bounds_utc(day, day + timedelta(days=1))
            day_blocked = [b for b in blocked if b.overlaps(day_start, day_end)]
            for rule in day_rules:
                found.update(_rule_slots(rule, day, duration, not_before, windows, day_blocked, step_minutes))
        day += timedelta(days=1)
    return sorted(found)


def _rule_slots(
    rule: Rule,
    day: date,
    duration: timedelta,
    not_before: datetime,
    windows: Sequence[Window],
    blocked: list[Interval],
    step_minutes: int,
) -> Iterable[Slot]:
    rule_end = local_to_utc(day, rule.end)
    for wall in _grid(rule.start, rule.end, step_minutes):
        local = datetime.combine(day, wall, tzinfo=PRACTICE_ZONE)
        if not _exists(local):
            continue
        start = local.astimezone(UTC)
        end = start + duration
        if end > rule_end or start < not_before:
            continue
        if windows and not any(window.matches(local) for window in windows):
            continue
        if any(b.overlaps(start, end) for b in blocked):
            continue
        yield Slot(start=start, end=end, modality=rule.modality)


def _grid(start: time, end: time, step_minutes: int) -> Iterable[time]:
    """Wall-clock times on the grid in [start, end)."""
    first = -(-(start.hour * 60 + start.minute + (start.second > 0)) // step_minutes) * step_minutes
    stop = end.hour * 60 + end.minute + (end.second > 0)
    for minute in range(first, stop, step_minutes):
        yield time(minute // 60, minute % 60)


def _exists(local: datetime) -> bool:
    """False for a wall-clock time skipped by spring forward (2:30 on the March change day)."""
    round_trip = local.astimezone(UTC).astimezone(PRACTICE_ZONE)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def _require_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(NAIVE_DATETIME)
