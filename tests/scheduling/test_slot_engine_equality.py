"""The day-by-day slot engine finds exactly what the plain reference (every therapist, every
day, every grid time) finds, over random calendars including both daylight-saving days."""

import datetime as dt
import random

import pytest

from scheduling.slots import (
    EITHER,
    IN_PERSON,
    LOAD_DAYS,
    MIN_NOTICE,
    PRACTICE_ZONE,
    TELEHEALTH,
    Interval,
    Rule,
    TherapistHours,
    Window,
    blocked_intervals,
    day_bounds_utc,
    day_slots,
    earliest_slots,
    rules_for_modality,
)
from tests.scheduling.slot_reference import reference_day, reference_earliest

SPRING_FORWARD = dt.date(2026, 3, 8)
FALL_BACK = dt.date(2026, 11, 1)
# The next year's changes: second Sunday of March, first Sunday of November (not 364 days on).
SPRING_FORWARD_2027 = dt.date(2027, 3, 14)
FALL_BACK_2027 = dt.date(2027, 11, 7)
DST_DAYS = (SPRING_FORWARD, FALL_BACK, SPRING_FORWARD_2027, FALL_BACK_2027)
THERAPIST_DAYS = 1500


def _wall(rng, low, high) -> dt.time:
    minute = rng.randrange(low * 60, high * 60, 15)
    return dt.time(minute // 60, minute % 60)


def _rules(rng, around: dt.date) -> list[Rule]:
    rules = []
    for _ in range(rng.randint(1, 6)):
        start = _wall(rng, 0, 20)
        end_minute = min(start.hour * 60 + start.minute + rng.choice([60, 120, 240, 480]), 23 * 60 + 45)
        rules.append(
            Rule(
                weekday=rng.randrange(7) if rng.random() < 0.6 else around.weekday(),
                start=start,
                end=dt.time(end_minute // 60, end_minute % 60),
                modality=rng.choice([IN_PERSON, TELEHEALTH]),
                valid_from=around - dt.timedelta(days=rng.randint(0, 30)),
                valid_until=None if rng.random() < 0.7 else around + dt.timedelta(days=rng.randint(0, 30)),
            )
        )
    return rules


def _local(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=PRACTICE_ZONE).astimezone(
        dt.UTC
    )


def _intervals(rng, day: dt.date, count: int, length: int) -> list[Interval]:
    intervals = []
    for _ in range(count):
        start = _local(day, rng.randrange(0, 23 * 60, 10))
        intervals.append(Interval(start, start + dt.timedelta(minutes=rng.choice([length, 50, 90]))))
    return intervals


def _windows(rng) -> list[Window]:
    if rng.random() < 0.4:
        return []
    parts = frozenset(rng.sample(["morning", "afternoon", "evening"], rng.randint(0, 2)))
    weekdays = frozenset(rng.sample(range(7), rng.randint(0, 3)))
    return [Window(weekdays=weekdays, parts=parts or frozenset({"morning"}))]


def _days(rng) -> list[dt.date]:
    days = [*DST_DAYS, SPRING_FORWARD + dt.timedelta(days=364), FALL_BACK + dt.timedelta(days=364)]
    while len(days) < THERAPIST_DAYS:
        days.append(dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(730)))
    return days


def test_the_random_days_include_every_daylight_saving_change_of_2026_and_2027():
    assert set(DST_DAYS) <= set(_days(random.Random("therapist-days")))  # noqa: S311 - repeatable cases


def test_every_random_therapist_day_matches_the_reference():
    days = _days(random.Random("therapist-days"))  # noqa: S311 - repeatable cases
    mismatched = [day for day in days if not _day_matches(day)]
    assert mismatched == []
    assert len(days) == THERAPIST_DAYS


def _day_matches(day: dt.date) -> bool:
    rng = random.Random(day.toordinal())  # noqa: S311 - repeatable cases
    rules, windows = _rules(rng, day), _windows(rng)
    time_off = _intervals(rng, day, rng.randint(0, 1), 120)
    busy = _intervals(rng, day, rng.randint(0, 5), 50)
    buffer = dt.timedelta(minutes=rng.choice([0, 10, 15]))
    duration = dt.timedelta(minutes=rng.choice([30, 50, 53, 90]))
    modality = rng.choice([IN_PERSON, TELEHEALTH, EITHER])
    not_before = _local(day, rng.randrange(0, 24 * 60, 30)) if rng.random() < 0.2 else _local(day, 0)
    # Now plus the notice is rarely on the minute: sometimes a few seconds past one.
    not_before += dt.timedelta(seconds=rng.choice([0, 0, 1, 59]), microseconds=rng.choice([0, 1]))

    found = day_slots(
        rules=rules_for_modality(rules, modality),
        blocked=blocked_intervals(time_off=time_off, busy=busy, buffer=buffer),
        day=day,
        duration=duration,
        not_before=not_before,
        windows=windows,
    )

    return found == reference_day(
        rules=rules,
        time_off=time_off,
        busy=busy,
        buffer=buffer,
        day=day,
        duration=duration,
        not_before=not_before,
        windows=windows,
        modality=modality,
    )


STARTS = [day - dt.timedelta(days=3) for day in DST_DAYS]


def _calendar(rng, start: dt.date) -> list[tuple[int, list[Rule], list[Interval], list[Interval]]]:
    therapists = []
    for key in range(rng.randint(1, 6)):
        days = [start + dt.timedelta(days=n) for n in range(28)]
        busy = [i for day in rng.sample(days, 10) for i in _intervals(rng, day, 3, 50)]
        time_off = _intervals(rng, rng.choice(days), 1, 600)
        therapists.append((100 + key, _rules(rng, start), time_off, busy))
    return therapists


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("start", STARTS)
def test_the_earliest_across_therapists_match_the_reference(seed, start):
    rng = random.Random(f"{seed}-{start}")  # noqa: S311 - repeatable cases
    now = _local(start, 12 * 60) - MIN_NOTICE + dt.timedelta(seconds=rng.choice([0, 1, 1799]))
    therapists = _calendar(rng, start)
    buffer, duration = dt.timedelta(minutes=10), dt.timedelta(minutes=rng.choice([50, 90]))
    modality, windows, limit = rng.choice([IN_PERSON, EITHER]), _windows(rng), rng.choice([1, 5, 12, 40])
    loads = []

    def blocked_for(first, last):
        loads.append((first, last))
        return {
            key: blocked_intervals(time_off=time_off, busy=busy, buffer=buffer)
            for key, _rules, time_off, busy in therapists
        }

    found = earliest_slots(
        therapists=[TherapistHours(key, tuple(rules_for_modality(r, modality))) for key, r, *_ in therapists],
        blocked_for=blocked_for,
        duration=duration,
        windows=windows,
        earliest_date=start,
        now=now,
        limit=limit,
    )

    assert found == reference_earliest(
        therapists=therapists,
        buffer=buffer,
        duration=duration,
        windows=windows,
        earliest_date=start,
        now=now,
        modality=modality,
        limit=limit,
    )
    assert all(last - first <= dt.timedelta(days=LOAD_DAYS) for first, last in loads)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("start", STARTS)
def test_a_few_a_day_are_the_same_however_the_days_are_loaded(seed, start):
    # The desk's suggestions (at most a few a day) load as many days as they are sure to need,
    # and only what touches those days: that finds exactly what loading the whole horizon at
    # once finds.
    rng = random.Random(f"per-day-{seed}-{start}")  # noqa: S311 - repeatable cases
    therapists = _calendar(rng, start)
    buffer = dt.timedelta(minutes=10)
    blocked = {
        key: blocked_intervals(time_off=time_off, busy=busy, buffer=buffer)
        for key, _rules, time_off, busy in therapists
    }

    def blocked_for(first, last):
        since, until = day_bounds_utc(first, last)
        return {
            key: [b for b in spans if b.start < until and since < b.end] for key, spans in blocked.items()
        }

    def search(load_days):
        return earliest_slots(
            therapists=[
                TherapistHours(key, tuple(rules_for_modality(r, EITHER))) for key, r, *_ in therapists
            ],
            blocked_for=blocked_for,
            duration=dt.timedelta(minutes=rng.choice([50, 90])),
            windows=_windows(rng),
            earliest_date=start,
            now=_local(start, 12 * 60) - MIN_NOTICE,
            limit=12,
            per_day=2,
            load_days=load_days,
        )

    state = rng.getstate()
    day_by_day = search(1)
    rng.setstate(state)
    assert search(28) == day_by_day
