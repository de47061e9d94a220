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

from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

PRACTICE_ZONE = ZoneInfo("America/Denver")

# Slots start on the hour and the half hour.
SLOT_STEP_MINUTES = 30
# How far ahead to look, from the first day that may be offered.
HORIZON_DAYS = 28
# Nothing sooner than this from now, unless told otherwise: the portal always passes the
# practice's own setting (Practice.min_notice_hours, through scheduling.selectors).
MIN_NOTICE = timedelta(hours=24)

# Modalities, as stored by scheduling.models (kept as plain strings so this module needs no ORM).
IN_PERSON = "in_person"
TELEHEALTH = "telehealth"
EITHER = "either"
MODALITIES = (IN_PERSON, TELEHEALTH)

# Parts of the day a client may choose, in Denver wall-clock time. A session fits a part when
# it starts and ends inside it: a 53-minute session at 11:30 would run into the afternoon, so
# it is not offered to someone who asked for mornings.
MORNING = "morning"
AFTERNOON = "afternoon"
EVENING = "evening"
DAY_PARTS: dict[str, tuple[time, time]] = {
    MORNING: (time(8), time(12)),
    AFTERNOON: (time(12), time(17)),
    EVENING: (time(17), time(20)),
}

_PART_MINUTES = {part: (a.hour * 60 + a.minute, b.hour * 60 + b.minute) for part, (a, b) in DAY_PARTS.items()}

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

    def matches(self, local_start: datetime, duration: timedelta) -> bool:
        """Whether a session starting at ``local_start`` (Denver) and lasting ``duration`` suits."""
        return self.matches_wall(
            local_start.date(), local_start.weekday(), local_start.time(), _minutes(duration)
        )

    def matches_wall(self, day: date, weekday: int, wall: time, minutes: int) -> bool:
        """Whether a session of ``minutes`` from Denver wall-clock ``wall`` on ``day`` (its
        ``weekday``) suits: on the day or weekday, and inside one of the parts of the day."""
        if self.day is not None and day != self.day:
            return False
        if self.weekdays and weekday not in self.weekdays:
            return False
        if not self.parts:
            return True
        start = wall.hour * 60 + wall.minute
        return any(
            _PART_MINUTES[part][0] <= start and start + minutes <= _PART_MINUTES[part][1]
            for part in self.parts
        )


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


def practice_time_label(instant: datetime) -> str:
    """An instant as the desk reads it: "Tue Dec 8, 9:00 AM MST" (Denver)."""
    return to_practice_time(instant).strftime("%a %b %-d, %-I:%M %p %Z")


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


def within_hours(rules: Iterable[Rule], *, start: datetime, end: datetime, modality: str) -> bool:
    """Whether a session [start, end) lies inside one of the weekly hours for ``modality`` on
    its Denver day (the booking guardrail's reading of the same rules the suggestions use)."""
    _require_aware(start)
    day = to_practice_time(start).date()
    return any(
        rule.modality == modality
        and rule.applies_on(day)
        and local_to_utc(day, rule.start) <= start
        and end <= local_to_utc(day, rule.end)
        for rule in rules
    )


# The office's opening hours by weekday (Monday 0), Denver wall-clock; empty: none set, so
# in-person sessions follow the therapists' hours alone. A weekday missing from a non-empty
# map is a day the office is closed.
OfficeHoursMap = Mapping[int, tuple[time, time]]


def within_office_hours(office: OfficeHoursMap, *, start: datetime, end: datetime) -> bool:
    """Whether an in-person session [start, end) lies inside the office's hours on its Denver
    day (always, when the practice has set none)."""
    _require_aware(start)
    if not office:
        return True
    day = to_practice_time(start).date()
    opening = office.get(day.weekday())
    if opening is None:
        return False
    return local_to_utc(day, opening[0]) <= start and end <= local_to_utc(day, opening[1])


def rules_in_office_hours(rules: Iterable[Rule], office: OfficeHoursMap) -> list[Rule]:
    """The rules with each in-person one cut to the office's hours on its weekday (dropped
    when they do not meet), so suggestions never offer the office when it is shut."""
    if not office:
        return list(rules)
    kept = []
    for rule in rules:
        if rule.modality != IN_PERSON:
            kept.append(rule)
            continue
        opening = office.get(rule.weekday)
        if opening is None:
            continue
        start, end = max(rule.start, opening[0]), min(rule.end, opening[1])
        if start < end:
            kept.append(replace(rule, start=start, end=end))
    return kept


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
    _require_positive(duration)
    first, last = search_days(earliest_date=earliest_date, now=now, horizon_days=horizon_days)
    blocked = blocked_intervals(time_off=time_off, busy=busy, buffer=buffer)
    rules = rules_for_modality(rules, modality)
    found: list[Slot] = []
    day = first
    while day < last:
        found += day_slots(
            rules=rules,
            blocked=blocked,
            day=day,
            duration=duration,
            not_before=now + min_notice,
            windows=windows,
            step_minutes=step_minutes,
        )
        day += timedelta(days=1)
    return found


def rules_for_modality(rules: Iterable[Rule], modality: str) -> list[Rule]:
    """The rules that can hold a session of ``modality`` (``EITHER``: all of them)."""
    wanted = set(MODALITIES) if modality == EITHER else {modality}
    return [rule for rule in rules if rule.modality in wanted]


def blocked_intervals(
    *, time_off: Iterable[Interval], busy: Iterable[Interval], buffer: timedelta
) -> list[Interval]:
    """Time off, and bookings widened by ``buffer`` on both sides, in order of start."""
    blocked = [*time_off, *(Interval(b.start - buffer, b.end + buffer) for b in busy)]
    return sorted(blocked, key=lambda b: b.start)


def day_slots(
    *,
    rules: Sequence[Rule],
    blocked: Sequence[Interval],
    day: date,
    duration: timedelta,
    not_before: datetime,
    windows: Sequence[Window],
    step_minutes: int = SLOT_STEP_MINUTES,
    closures: Container[date] = frozenset(),
) -> list[Slot]:
    """One therapist's free slots on one Denver day, earliest first (the rules already for the
    wanted modalities; ``blocked`` may hold intervals of other days too). On a day in
    ``closures`` the office is shut: no in-person slots."""
    day_rules = _rules_on(rules, day, closures)
    allowed = _allowed_minutes(windows, day)
    if not day_rules or allowed == []:
        return []
    frame = _DayFrame.of(day)
    return frame.slots(
        day_rules,
        spans=frame.spans_touching(_spans(blocked)),
        duration=duration,
        not_before=_micros(not_before),
        allowed=allowed,
        step_minutes=step_minutes,
    )


def _rules_on(rules: Sequence[Rule], day: date, closures: Container[date]) -> list[Rule]:
    """The rules in force on ``day``, without the in-person ones when the office is shut."""
    office_shut = day in closures
    return [
        rule for rule in rules if rule.applies_on(day) and not (office_shut and rule.modality == IN_PERSON)
    ]


# The engine compares instants as whole microseconds since the epoch: exact (unlike float
# timestamps) and far cheaper to compare and add than aware datetimes, in the inner loop.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MINUTE_US = 60_000_000


def _micros(instant: datetime) -> int:
    return (instant - _EPOCH) // _MICROSECOND


def _instant(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _spans(blocked: Iterable[Interval]) -> list[tuple[int, int]]:
    """Blocked intervals as (start, end) microseconds, in order of start."""
    return sorted((_micros(b.start), _micros(b.end)) for b in blocked)


@dataclass(frozen=True, slots=True)
class _DayFrame:
    """One Denver day, its bounds in microseconds since the epoch, and whether its UTC offset
    is the same all day (not on the days the clocks change): worked out once per day, so on
    most days the grid times become instants by one addition."""

    day: date
    start: int
    end: int
    offset_all_day: bool

    @classmethod
    def of(cls, day: date) -> "_DayFrame":
        day_start, day_end = day_bounds_utc(day, day + timedelta(days=1))
        return cls(
            day, _micros(day_start), _micros(day_end), _offset_all_day(day, day_start, day_end) is not None
        )

    def spans_touching(self, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(start, end) for start, end in spans if start < self.end and self.start < end]

    def slots(
        self,
        rules: Sequence[Rule],
        *,
        spans: Sequence[tuple[int, int]],
        duration: timedelta,
        not_before: int,
        allowed: list[tuple[int, int]] | None,
        step_minutes: int,
    ) -> list[Slot]:
        """The free slots of ``rules`` on this day (see day_slots), earliest first."""
        length, minutes = duration // _MICROSECOND, _minutes(duration)
        found: set[tuple[int, str]] = set()
        for rule in rules:
            rule_end = _micros(local_to_utc(self.day, rule.end))
            grid = _grid(rule.start, rule.end, step_minutes)
            if self.offset_all_day:
                # Each bound (her times, the notice, the rule's end) is a run of grid times on
                # such a day: only the times inside all of them are tried, for bookings alone.
                earliest = -(-(not_before - self.start) // _MINUTE_US)
                latest = (rule_end - length - self.start) // _MINUTE_US
                for lo, hi in _ANY_TIME if allowed is None else allowed:
                    for minute in _between(grid, max(lo, earliest), min(hi - minutes, latest)):
                        start = self.start + minute * _MINUTE_US
                        end = start + length
                        if not any(b_start < end and start < b_end for b_start, b_end in spans):
                            found.add((start, rule.modality))
                continue
            for minute in grid:
                # The client's times are wall-clock times: checked before any arithmetic.
                if allowed is not None and not any(
                    lo <= minute and minute + minutes <= hi for lo, hi in allowed
                ):
                    continue
                start = self._dst_start(minute)
                if start is None:
                    continue  # skipped by spring forward (2:30 on the March change day)
                end = start + length
                if end > rule_end or start < not_before:
                    continue
                if any(b_start < end and start < b_end for b_start, b_end in spans):
                    continue
                found.add((start, rule.modality))
        # All slots of a day have the same length, so (start, modality) is the order of Slot.
        return [
            Slot(start=_instant(start), end=_instant(start + length), modality=modality)
            for start, modality in sorted(found)
        ]

    def _dst_start(self, minute: int) -> int | None:
        """The instant of a grid time on a day the clocks change, by the zone's rules (None:
        the wall-clock time does not exist)."""
        wall = datetime.combine(self.day, time(0)) + timedelta(minutes=minute)
        start = wall.replace(tzinfo=PRACTICE_ZONE).astimezone(UTC)
        if start.astimezone(PRACTICE_ZONE).replace(tzinfo=None) != wall:
            return None
        return _micros(start)


def _allowed_minutes(windows: Sequence[Window], day: date) -> list[tuple[int, int]] | None:
    """The spans of the day (minutes from Denver midnight) in which a session must fit to suit
    the client on ``day``: None for any time, [] for none (Window.matches_wall, for a day)."""
    if not windows:
        return None
    weekday, spans = day.weekday(), []
    for window in windows:
        if (window.day is not None and window.day != day) or (
            window.weekdays and weekday not in window.weekdays
        ):
            continue
        if not window.parts:
            return None
        spans += [_PART_MINUTES[part] for part in window.parts]
    return spans


def _offset_all_day(day: date, day_start: datetime, day_end: datetime) -> timedelta | None:
    """Denver's UTC offset on ``day`` if it is the same all day, else None."""
    naive_start = datetime.combine(day, time(0))
    offset = naive_start - day_start.replace(tzinfo=None)
    if day_end.replace(tzinfo=None) + offset == naive_start + timedelta(days=1):
        return offset
    return None


@dataclass(frozen=True, slots=True)
class TherapistHours:
    """One therapist's weekly hours for the search, already narrowed to the modalities she
    offers and the client wants; ``key`` says whose they are (a user id)."""

    key: int
    rules: tuple[Rule, ...]


# How many Denver days of time off and bookings earliest_slots asks for at once: a few, since
# the search usually stops within days, and every booking loaded costs time to read.
LOAD_DAYS = 4


def earliest_slots(
    *,
    therapists: Sequence[TherapistHours],
    blocked_for: Callable[[date, date], Mapping[int, Sequence[Interval]]],
    duration: timedelta,
    windows: Sequence[Window],
    earliest_date: date,
    now: datetime,
    limit: int,
    per_day: int | None = None,
    horizon_days: int = HORIZON_DAYS,
    min_notice: timedelta = MIN_NOTICE,
    load_days: int = LOAD_DAYS,
    step_minutes: int = SLOT_STEP_MINUTES,
    closures: Container[date] = frozenset(),
) -> list[tuple[int, Slot]]:
    """The earliest free slots across ``therapists`` as (key, slot), earliest first, ties in
    the order the therapists are given.

    Works a Denver day at a time across all therapists and stops at the end of the first day
    on which ``limit`` slots are found: every slot of a later day starts later, so the
    earliest ``limit`` are certain by then. ``blocked_for(first, last)`` gives each key's
    blocked intervals (time off, and bookings widened by the buffer) touching the Denver days
    [first, last); it is asked as the search gets there, ``load_days`` days at a time, or
    more when ``per_day`` says more days are sure to be needed (12 at 2 a day: 6 days).

    ``per_day`` keeps at most that many slots a day, chosen to spread over therapists: first
    those not yet chosen that day, then those chosen least often so far, then the earliest.
    ``closures`` are Denver days on which no in-person slot is offered (the office is shut).
    """
    _require_positive(duration)
    first, last = search_days(earliest_date=earliest_date, now=now, horizon_days=horizon_days)
    not_before = _micros(now + min_notice)
    order = {hours.key: position for position, hours in enumerate(therapists)}
    chosen: list[tuple[int, Slot]] = []
    times_chosen: Counter[int] = Counter()
    spans: dict[int, list[tuple[int, int]]] = {}
    loaded_until = day = first
    while day < last and len(chosen) < limit:
        if day >= loaded_until:
            days = load_days if per_day is None else max(load_days, -(-(limit - len(chosen)) // per_day))
            loaded_until = min(day + timedelta(days=days), last)
            # Read once per load, not once per day and therapist.
            spans = {key: _spans(intervals) for key, intervals in blocked_for(day, loaded_until).items()}
        found = _day_across(
            therapists,
            day=day,
            spans=spans,
            duration=duration,
            not_before=not_before,
            allowed=_allowed_minutes(windows, day),
            step_minutes=step_minutes,
            closures=closures,
        )
        if per_day is not None:
            found = _spread(found, per_day=per_day, times_chosen=times_chosen)
        chosen += sorted(found, key=lambda item: (item[1].start, order[item[0]], item[1].modality))
        day += timedelta(days=1)
    return chosen[:limit]


def _day_across(
    therapists: Sequence[TherapistHours],
    *,
    day: date,
    spans: Mapping[int, Sequence[tuple[int, int]]],
    duration: timedelta,
    not_before: int,
    allowed: list[tuple[int, int]] | None,
    step_minutes: int,
    closures: Container[date],
) -> list[tuple[int, Slot]]:
    """Every therapist's free slots on one Denver day as (key, slot), therapists in the order
    given, each's earliest first (day_slots for each, with the day worked out once)."""
    if allowed == []:
        return []
    frame: _DayFrame | None = None
    found = []
    for hours in therapists:
        day_rules = _rules_on(hours.rules, day, closures)
        if not day_rules:
            continue
        frame = frame or _DayFrame.of(day)
        for slot in frame.slots(
            day_rules,
            spans=frame.spans_touching(spans.get(hours.key, ())),
            duration=duration,
            not_before=not_before,
            allowed=allowed,
            step_minutes=step_minutes,
        ):
            found.append((hours.key, slot))
    return found


def _spread(
    found: list[tuple[int, Slot]], *, per_day: int, times_chosen: Counter[int]
) -> list[tuple[int, Slot]]:
    """At most ``per_day`` of one day's slots, spread over therapists (see earliest_slots)."""
    left = list(found)
    picked: list[tuple[int, Slot]] = []
    while left and len(picked) < per_day:
        today = {key for key, _slot in picked}
        best = min(left, key=lambda item: (item[0] in today, times_chosen[item[0]], item[1].start))
        picked.append(best)
        times_chosen[best[0]] += 1
        left = [item for item in left if item[1].start != best[1].start or item[0] != best[0]]
    return picked


# Her times when she has none: one span holding the whole day, in minutes.
_ANY_TIME = ((-(10**6), 10**6),)


def _between(grid: range, lo: int, hi: int) -> range:
    """The times of ``grid`` in [lo, hi]."""
    return grid[max(0, -(-(lo - grid.start) // grid.step)) : max(0, (hi - grid.start) // grid.step + 1)]


def _grid(start: time, end: time, step_minutes: int) -> range:
    """Wall-clock times on the grid in [start, end), as minutes from midnight."""
    first = -(-(start.hour * 60 + start.minute + (start.second > 0)) // step_minutes) * step_minutes
    return range(first, end.hour * 60 + end.minute + (end.second > 0), step_minutes)


def _minutes(duration: timedelta) -> int:
    return -(-int(duration.total_seconds()) // 60)


def _require_positive(duration: timedelta) -> None:
    if duration <= timedelta(0):
        raise ValueError("A session needs a positive length.")


def _require_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(NAIVE_DATETIME)
