"""The slot engine, from tables of cases. Pure Python: no database."""

import datetime as dt

import pytest

from scheduling import slots
from scheduling.slots import (
    EITHER,
    IN_PERSON,
    PRACTICE_ZONE,
    TELEHEALTH,
    WINDOWS_INVALID,
    Interval,
    InvalidWindowsError,
    Rule,
    Window,
    candidate_slots,
    windows_parse,
)

UTC = dt.UTC
MONDAY = dt.date(2026, 12, 7)
SUNDAY = 6


def denver(day: dt.date, hh_mm: str) -> dt.datetime:
    hours, minutes = map(int, hh_mm.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=PRACTICE_ZONE)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def rule(
    start="9:00", end="12:00", weekday=0, modality=IN_PERSON, valid_from=dt.date(2026, 1, 1), valid_until=None
):
    return Rule(
        weekday=weekday,
        start=dt.time(*map(int, start.split(":"))),
        end=dt.time(*map(int, end.split(":"))),
        modality=modality,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def on_monday(start: str, end: str) -> Interval:
    return Interval(denver(MONDAY, start), denver(MONDAY, end))


BASE = {
    "rules": [rule()],
    "time_off": [],
    "busy": [],
    "duration": dt.timedelta(minutes=50),
    "buffer": dt.timedelta(minutes=10),
    "windows": (),
    "earliest_date": MONDAY,
    "now": denver(dt.date(2026, 11, 30), "12:00"),
    "modality": EITHER,
    "horizon_days": 1,
}


def local_starts(found) -> list[str]:
    """Slots as Denver wall-clock 'HH:MM' starts (on MONDAY unless the case says otherwise)."""
    return [slot.start.astimezone(PRACTICE_ZONE).strftime("%H:%M") for slot in found]


CASES = [
    ("hours_on_the_half_hour_grid", {}, ["09:00", "09:30", "10:00", "10:30", "11:00"]),
    (
        "rule_starting_off_the_grid_starts_at_next_half_hour",
        {"rules": [rule("9:15")]},
        ["09:30", "10:00", "10:30", "11:00"],
    ),
    (
        "session_must_end_by_end_of_hours",
        {"duration": dt.timedelta(minutes=90)},
        ["09:00", "09:30", "10:00", "10:30"],
    ),
    ("no_hours_that_weekday", {"rules": [rule(weekday=1)]}, []),
    (
        "two_overlapping_rules_give_each_slot_once",
        {"rules": [rule("9:00", "11:00"), rule("10:00", "12:00")]},
        ["09:00", "09:30", "10:00", "10:30", "11:00"],
    ),
    ("time_off_removes_overlapping_slots", {"time_off": [on_monday("10:00", "11:00")]}, ["09:00", "11:00"]),
    (
        "time_off_is_not_padded_by_the_buffer",
        {"time_off": [on_monday("9:00", "9:30")]},
        ["09:30", "10:00", "10:30", "11:00"],
    ),
    (
        "booking_blocks_overlapping_slots",
        {"busy": [on_monday("10:00", "10:50")], "buffer": dt.timedelta(0)},
        ["09:00", "11:00"],
    ),
    (
        "no_buffer_allows_back_to_back",
        {"busy": [on_monday("9:00", "9:30")], "buffer": dt.timedelta(0)},
        ["09:30", "10:00", "10:30", "11:00"],
    ),
    ("buffer_pads_a_booking_after_it", {"busy": [on_monday("9:00", "9:30")]}, ["10:00", "10:30", "11:00"]),
    (
        "buffer_pads_a_booking_before_it",
        {"busy": [on_monday("11:00", "11:30")], "buffer": dt.timedelta(minutes=15)},
        ["09:00", "09:30"],
    ),
    (
        "slot_ending_exactly_where_buffer_begins_is_free",
        {"busy": [on_monday("10:00", "10:50")]},
        ["09:00", "11:00"],
    ),
    (
        "booking_on_another_day_blocks_nothing",
        {
            "busy": [
                Interval(
                    denver(MONDAY, "10:00") + dt.timedelta(days=1),
                    denver(MONDAY, "11:00") + dt.timedelta(days=1),
                )
            ]
        },
        ["09:00", "09:30", "10:00", "10:30", "11:00"],
    ),
    ("not_valid_yet", {"rules": [rule(valid_from=MONDAY + dt.timedelta(days=1))]}, []),
    ("no_longer_valid", {"rules": [rule(valid_until=MONDAY - dt.timedelta(days=1))]}, []),
    (
        "valid_from_is_inclusive",
        {"rules": [rule(valid_from=MONDAY)]},
        ["09:00", "09:30", "10:00", "10:30", "11:00"],
    ),
    (
        "valid_until_is_inclusive",
        {"rules": [rule(valid_until=MONDAY)]},
        ["09:00", "09:30", "10:00", "10:30", "11:00"],
    ),
    ("in_person_hours_do_not_serve_telehealth", {"modality": TELEHEALTH}, []),
    (
        "in_person_hours_serve_in_person",
        {"modality": IN_PERSON},
        ["09:00", "09:30", "10:00", "10:30", "11:00"],
    ),
    (
        "either_takes_both_modalities",
        {"rules": [rule("9:00", "10:00"), rule("11:00", "12:00", modality=TELEHEALTH)]},
        ["09:00", "11:00"],
    ),
    (
        "minimum_notice_from_now",
        {"now": denver(MONDAY - dt.timedelta(days=1), "10:00")},
        ["10:00", "10:30", "11:00"],
    ),
    (
        "zero_notice_still_never_offers_the_past",
        {"now": denver(MONDAY, "10:10"), "min_notice": dt.timedelta(0)},
        ["10:30", "11:00"],
    ),
    (
        "window_by_weekday_and_part",
        {
            "rules": [rule("9:00", "19:00")],
            "windows": [Window(weekdays=frozenset({0}), parts=frozenset({"evening"}))],
        },
        ["17:00", "17:30", "18:00"],
    ),
    (
        "window_part_holds_the_whole_session",
        {"rules": [rule("11:00", "13:00")], "windows": [Window(parts=frozenset({"morning"}))]},
        ["11:00"],
    ),
    (
        "window_afternoon_starts_at_noon",
        {"rules": [rule("11:00", "13:00")], "windows": [Window(parts=frozenset({"afternoon"}))]},
        ["12:00"],
    ),
    ("window_on_another_weekday_excludes_all", {"windows": [Window(weekdays=frozenset({2}))]}, []),
    (
        "any_matching_window_is_enough",
        {
            "windows": [
                Window(weekdays=frozenset({2})),
                Window(weekdays=frozenset({0}), parts=frozenset({"morning"})),
            ]
        },
        ["09:00", "09:30", "10:00", "10:30", "11:00"],
    ),
    (
        "window_by_date",
        {"windows": [Window(day=MONDAY, parts=frozenset({"morning"}))]},
        ["09:00", "09:30", "10:00", "10:30", "11:00"],
    ),
    ("window_on_another_date_excludes_all", {"windows": [Window(day=MONDAY + dt.timedelta(days=7))]}, []),
    ("earliest_date_after_the_only_hours_in_horizon", {"earliest_date": MONDAY + dt.timedelta(days=1)}, []),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_candidate_slots(overrides, expected):
    found = candidate_slots(**{**BASE, **overrides})

    assert local_starts(found) == expected
    assert all(slot.start.astimezone(PRACTICE_ZONE).date() == MONDAY for slot in found)


def test_slots_are_in_utc_and_last_the_session_length():
    found = candidate_slots(**{**BASE, "rules": [rule("9:00", "10:00")]})

    assert [(s.start, s.end, s.modality) for s in found] == [
        (utc("2026-12-07 16:00"), utc("2026-12-07 16:50"), IN_PERSON)
    ]
    assert found[0].start.tzinfo is UTC


def test_slots_come_earliest_first_across_days():
    found = candidate_slots(
        **{**BASE, "rules": [rule("9:00", "10:00", weekday=d) for d in (2, 0, 1)], "horizon_days": 7}
    )

    assert [s.start.astimezone(PRACTICE_ZONE).strftime("%a %H:%M") for s in found] == [
        "Mon 09:00",
        "Tue 09:00",
        "Wed 09:00",
    ]


def test_earliest_date_moves_the_search_to_later_weeks():
    found = candidate_slots(**{**BASE, "earliest_date": MONDAY + dt.timedelta(days=1), "horizon_days": 14})

    assert found[0].start == denver(MONDAY + dt.timedelta(days=7), "9:00")
    assert len(found) == 10  # two Mondays inside two weeks from Tuesday


def test_search_starts_today_when_earliest_date_has_passed():
    found = candidate_slots(
        **{
            **BASE,
            "earliest_date": dt.date(2026, 1, 5),
            "now": denver(MONDAY - dt.timedelta(days=3), "8:00"),
            "horizon_days": 4,
        }
    )

    assert local_starts(found) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_horizon_is_four_weeks_by_default():
    found = candidate_slots(**{k: v for k, v in BASE.items() if k != "horizon_days"})

    assert sorted({s.start.astimezone(PRACTICE_ZONE).date() for s in found}) == [
        MONDAY + dt.timedelta(days=7 * week) for week in range(4)
    ]


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        candidate_slots(**{**BASE, "now": dt.datetime(2026, 12, 1, 12)})  # noqa: DTZ001


# Daylight saving time. A 9:00 Denver rule is 16:00 UTC on MST and 15:00 UTC on MDT.
DST_CASES = [
    # id, weekday, earliest (a week before the change), Denver dates -> expected 9:00 in UTC
    ("spring_forward_2027", SUNDAY, dt.date(2027, 3, 7), ["2027-03-07 16:00", "2027-03-14 15:00"]),
    ("spring_forward_week_after", 0, dt.date(2027, 3, 8), ["2027-03-08 16:00", "2027-03-15 15:00"]),
    ("fall_back_2026", SUNDAY, dt.date(2026, 10, 25), ["2026-10-25 15:00", "2026-11-01 16:00"]),
    ("fall_back_2026_week_after", 0, dt.date(2026, 10, 26), ["2026-10-26 15:00", "2026-11-02 16:00"]),
    ("fall_back_2027", SUNDAY, dt.date(2027, 10, 31), ["2027-10-31 15:00", "2027-11-07 16:00"]),
]


@pytest.mark.parametrize(
    ("weekday", "earliest", "expected"), [c[1:] for c in DST_CASES], ids=[c[0] for c in DST_CASES]
)
def test_nine_oclock_rule_follows_denver_across_dst(weekday, earliest, expected):
    found = candidate_slots(
        **{
            **BASE,
            "rules": [rule("9:00", "10:00", weekday=weekday)],
            "earliest_date": earliest,
            "now": dt.datetime(2026, 10, 1, tzinfo=UTC),
            "horizon_days": 14,
        }
    )

    assert [s.start for s in found] == [utc(e) for e in expected]
    assert all(s.start.astimezone(PRACTICE_ZONE).strftime("%H:%M") == "09:00" for s in found)


def _change_day(day: dt.date, start: str, end: str, minutes: int = 60) -> list[dt.datetime]:
    found = candidate_slots(
        **{
            **BASE,
            "rules": [rule(start, end, weekday=day.weekday())],
            "earliest_date": day,
            "now": dt.datetime(2026, 10, 1, tzinfo=UTC),
            "duration": dt.timedelta(minutes=minutes),
        }
    )
    return [s.start for s in found]


def test_spring_forward_skipped_hour_is_never_offered():
    # 2027-03-14: 1:00 MST (08:00Z), 1:30 MST (08:30Z), then 2:00-2:59 do not exist, then
    # 3:00 MDT (09:00Z). The hours end at 4:00 MDT (10:00Z).
    assert _change_day(dt.date(2027, 3, 14), "1:00", "4:00") == [
        utc("2027-03-14 08:00"),
        utc("2027-03-14 08:30"),
        utc("2027-03-14 09:00"),
    ]


def test_spring_forward_session_length_is_real_time():
    # A 60-minute session from 1:30 MST ends at 3:30 MDT: it fits hours ending at 3:30.
    assert _change_day(dt.date(2027, 3, 14), "1:00", "3:30") == [
        utc("2027-03-14 08:00"),
        utc("2027-03-14 08:30"),
    ]


def test_fall_back_repeated_hour_is_offered_once():
    # 2026-11-01: 1:00 and 1:30 happen twice; only the first (MDT) is offered. 2:00 is MST.
    assert _change_day(dt.date(2026, 11, 1), "0:30", "3:00") == [
        utc("2026-11-01 06:30"),
        utc("2026-11-01 07:00"),
        utc("2026-11-01 07:30"),
        utc("2026-11-01 09:00"),
    ]


def test_fall_back_2027_daytime_hours_are_unaffected():
    assert _change_day(dt.date(2027, 11, 7), "9:00", "11:00") == [
        utc("2027-11-07 16:00"),
        utc("2027-11-07 16:30"),
        utc("2027-11-07 17:00"),
    ]


WINDOW_CASES = [
    ("empty_means_any_time", [], ()),
    (
        "weekdays_and_parts",
        [{"weekdays": [0, 2], "parts": ["morning"]}],
        (Window(frozenset({0, 2}), frozenset({"morning"})),),
    ),
    ("parts_only", [{"parts": ["evening"]}], (Window(parts=frozenset({"evening"})),)),
    ("weekdays_only", [{"weekdays": [6]}], (Window(weekdays=frozenset({6})),)),
    ("a_date", [{"date": "2027-03-14"}], (Window(day=dt.date(2027, 3, 14)),)),
    (
        "a_date_with_parts",
        [{"date": "2027-03-14", "parts": ["afternoon"]}],
        (Window(parts=frozenset({"afternoon"}), day=dt.date(2027, 3, 14)),),
    ),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in WINDOW_CASES], ids=[c[0] for c in WINDOW_CASES])
def test_windows_parse(raw, expected):
    assert windows_parse(raw) == expected


BAD_WINDOWS = [
    ("not_a_list", {"weekdays": [0]}),
    ("item_not_a_dict", ["monday"]),
    ("empty_item", [{}]),
    ("empty_lists", [{"weekdays": [], "parts": []}]),
    ("unknown_key", [{"weekdays": [0], "hours": [9]}]),
    ("weekday_out_of_range", [{"weekdays": [7]}]),
    ("weekday_negative", [{"weekdays": [-1]}]),
    ("weekday_as_text", [{"weekdays": ["0"]}]),
    ("weekday_as_bool", [{"weekdays": [True]}]),
    ("unknown_part", [{"parts": ["night"]}]),
    ("parts_not_a_list", [{"parts": "morning"}]),
    ("bad_date", [{"date": "2027-02-30"}]),
    ("date_not_text", [{"date": 20270314}]),
    ("date_and_weekdays", [{"date": "2027-03-14", "weekdays": [6]}]),
]


@pytest.mark.parametrize("raw", [c[1] for c in BAD_WINDOWS], ids=[c[0] for c in BAD_WINDOWS])
def test_windows_parse_refuses(raw):
    with pytest.raises(InvalidWindowsError) as caught:
        windows_parse(raw)

    assert str(caught.value) == str(WINDOWS_INVALID)


def test_day_parts_are_the_documented_hours():
    documented = {
        "morning": (dt.time(8), dt.time(12)),
        "afternoon": (dt.time(12), dt.time(17)),
        "evening": (dt.time(17), dt.time(20)),
    }

    assert documented == slots.DAY_PARTS
