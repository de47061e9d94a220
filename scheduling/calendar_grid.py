"""The calendar's time grid: appointments and time off placed on rows of a quarter hour of
Denver wall-clock time, in columns (the days of a week, or the therapists on one day), with
side-by-side lanes where events overlap in a column. Pure Python: the selector gives it rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .slots import to_practice_time

ROW_MINUTES = 15
# The grid shows at least these hours (Denver); an event outside them widens it.
DAY_FROM, DAY_UNTIL = 7, 20
# Lanes beyond this share the last one (the CSS has classes for this many).
MAX_LANES = 4
# Therapists' colours cycle through this many (the CSS's .cal-c0 ...).
COLOURS = 8


@dataclass
class GridEvent:
    """One block on the grid: an appointment (``appointment`` set) or time off."""

    column: int
    start: datetime  # Denver
    end: datetime  # Denver
    colour: int
    appointment: object | None = None
    client_name: str = ""
    therapist_name: str = ""
    row_start: int = 0
    row_end: int = 0
    lane: int = 1
    lanes: int = 1


@dataclass
class GridColumn:
    title: str
    day: date
    key: str
    events: list[GridEvent] = field(default_factory=list)
    # The office is closed this day for in-person sessions: what for ("" unsaid); None: open.
    closure: str | None = None


@dataclass
class Grid:
    columns: list[GridColumn]
    hours: list[tuple[int, str]]  # (row at which the hour starts, label)
    rows: int


def grid_build(*, columns: Sequence[GridColumn], events: Sequence[GridEvent]) -> Grid:
    """Place ``events`` (column set) on rows and lanes, the grid's hours widened to hold them.
    An event is drawn on the Denver day it starts, and cut at that day's end."""
    earliest = min([DAY_FROM * 60, *(_minute(e.start) for e in events)])
    latest = max([DAY_UNTIL * 60, *(_end_minute(e) for e in events)])
    first_minute = earliest // 60 * 60
    last_minute = -(-latest // 60) * 60
    for event in events:
        event.row_start = (_minute(event.start) - first_minute) // ROW_MINUTES + 1
        event.row_end = max(event.row_start + 1, -(-(_end_minute(event) - first_minute) // ROW_MINUTES) + 1)
    columns = list(columns)
    for event in sorted(events, key=lambda e: (e.start, e.appointment is None)):
        columns[event.column].events.append(event)
    for column in columns:
        _lanes(column.events)
    hours = [
        ((minute - first_minute) // ROW_MINUTES + 1, time(minute // 60).strftime("%-I %p"))
        for minute in range(first_minute, last_minute, 60)
    ]
    return Grid(columns=columns, hours=hours, rows=(last_minute - first_minute) // ROW_MINUTES)


def grid_event_times(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    local_start, local_end = to_practice_time(start), to_practice_time(end)
    day_end = datetime.combine(local_start.date() + timedelta(days=1), time(0), tzinfo=local_start.tzinfo)
    return local_start, min(local_end, day_end)


def _minute(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def _end_minute(event: GridEvent) -> int:
    if event.end.date() > event.start.date():
        return 24 * 60
    return max(_minute(event.end), _minute(event.start) + ROW_MINUTES)


def _lanes(events: list[GridEvent]) -> None:
    """Side by side where they overlap: each cluster of overlapping events gets as many lanes
    as it needs at once (at most MAX_LANES), each event the first free one."""
    cluster: list[GridEvent] = []
    cluster_end = 0
    for event in events:
        if cluster and event.row_start >= cluster_end:
            _close(cluster)
            cluster = []
        lane_ends = {}
        for other in cluster:
            lane_ends[other.lane] = max(lane_ends.get(other.lane, 0), other.row_end)
        event.lane = next(
            (lane for lane in range(1, MAX_LANES + 1) if lane_ends.get(lane, 0) <= event.row_start), MAX_LANES
        )
        cluster.append(event)
        cluster_end = max(cluster_end, event.row_end)
    if cluster:
        _close(cluster)


def _close(cluster: list[GridEvent]) -> None:
    lanes = max(event.lane for event in cluster)
    for event in cluster:
        event.lanes = lanes
