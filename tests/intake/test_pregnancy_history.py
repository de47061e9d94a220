"""Facts and rules from the pregnancy history: pure functions, tested from tables."""

import datetime as dt
from dataclasses import dataclass

import pytest

from intake import pregnancy_history

TODAY = dt.date(2026, 11, 28)


@dataclass
class Entry:
    outcome: str
    month: int | None = None
    year: int | None = None
    weeks: int | None = None
    due_date: dt.date | None = None
    when_declined: bool = False


MIXED = [
    Entry("miscarriage", 3, 2023),
    Entry("chemical", None, 2024),
    Entry("ectopic", 6, 2024),
    Entry("molar"),
    Entry("stillbirth", 1, 2022),
    Entry("tfmr", 2, 2025),
    Entry("live_birth", 8, 2020),
    Entry("current", due_date=dt.date(2027, 3, 1)),
]


@pytest.mark.parametrize(
    ("entries", "losses"),
    [
        ([], 0),
        (MIXED, 6),
        ([Entry("live_birth"), Entry("current", due_date=dt.date(2027, 1, 1))], 0),
        ([Entry("miscarriage"), Entry("miscarriage"), Entry("miscarriage")], 3),
    ],
)
def test_loss_count_counts_everything_but_births_and_a_current_pregnancy(entries, losses):
    assert pregnancy_history.loss_count(entries) == losses


@pytest.mark.parametrize(("entries", "births"), [([], 0), (MIXED, 1), ([Entry("live_birth")] * 2, 2)])
def test_live_birth_count(entries, births):
    assert pregnancy_history.live_birth_count(entries) == births


@pytest.mark.parametrize(("entries", "pregnant"), [([], False), (MIXED, True), (MIXED[:-1], False)])
def test_is_currently_pregnant(entries, pregnant):
    assert pregnancy_history.is_currently_pregnant(entries) is pregnant


@pytest.mark.parametrize(
    ("entries", "days"),
    [
        ([], None),
        ([Entry("molar")], None),
        ([Entry("miscarriage", 10, 2026)], 28),  # latest possible day: Oct 31
        ([Entry("miscarriage", None, 2025)], 332),  # year only: Dec 31, 2025
        (
            [Entry("live_birth", 11, 2026), Entry("miscarriage", 1, 2020)],
            0,
        ),  # this month: as recent as can be
        ([Entry("live_birth", 9, 2026), Entry("miscarriage", 1, 2020)], 59),
        ([Entry("miscarriage", 12, 2026)], None),  # still to come: not counted
        ([Entry("current", due_date=dt.date(2027, 1, 1))], None),
    ],
)
def test_days_since_most_recent_loss_or_birth_uses_latest_possible_date(entries, days):
    assert pregnancy_history.days_since_most_recent_loss_or_birth(entries, TODAY) == days


@pytest.mark.parametrize(
    ("entry", "errors"),
    [
        (Entry("miscarriage", 3, 2024, 9), {}),
        (Entry("miscarriage"), {}),
        (Entry("miscarriage", 12, 2026), {"month": pregnancy_history.ERROR_FUTURE_DATE}),
        (Entry("miscarriage", 11, 2026), {}),
        (Entry("live_birth", None, 2027), {"year": pregnancy_history.ERROR_FUTURE_DATE}),
        (Entry("stillbirth", None, 1850), {"year": pregnancy_history.ERROR_YEAR_RANGE}),
        (Entry("stillbirth", 13, 2020), {"month": pregnancy_history.ERROR_MONTH_RANGE}),
        (Entry("miscarriage", weeks=46), {"weeks": pregnancy_history.ERROR_WEEKS_RANGE}),
        (Entry("miscarriage", weeks=45), {}),
        (Entry("miscarriage", weeks=0), {}),
        (Entry("current", due_date=dt.date(2027, 2, 1)), {}),
        # The due date may be left out, like every other detail.
        (Entry("current"), {}),
        (Entry("current", when_declined=True), {}),
        (Entry("current", due_date=TODAY), {"due_date": pregnancy_history.ERROR_DUE_DATE_PAST}),
        (Entry("current", due_date=dt.date(2026, 1, 1)), {"due_date": pregnancy_history.ERROR_DUE_DATE_PAST}),
        (
            Entry("current", due_date=dt.date(2028, 1, 1)),
            {"due_date": pregnancy_history.ERROR_DUE_DATE_TOO_FAR},
        ),
        # A past loss's original due date may still lie ahead: that is no error.
        (Entry("miscarriage", 10, 2026, due_date=dt.date(2027, 5, 1)), {}),
    ],
)
def test_entry_errors(entry, errors):
    assert pregnancy_history.entry_errors(entry, TODAY) == errors


UNKNOWN_OUTCOME = [Entry(pregnancy_history.UNKNOWN, 10, 2026), Entry(pregnancy_history.UNKNOWN)]


def test_an_outcome_not_given_is_neither_a_loss_nor_a_birth():
    assert pregnancy_history.loss_count(UNKNOWN_OUTCOME) == 0
    assert pregnancy_history.live_birth_count(UNKNOWN_OUTCOME) == 0
    assert pregnancy_history.is_currently_pregnant(UNKNOWN_OUTCOME) is False
    assert not any(pregnancy_history.is_loss(e) for e in UNKNOWN_OUTCOME)


def test_an_outcome_not_given_is_not_counted_as_the_most_recent_ending():
    entries = [*UNKNOWN_OUTCOME, Entry("miscarriage", 9, 2026)]
    assert pregnancy_history.days_since_most_recent_loss_or_birth(UNKNOWN_OUTCOME, TODAY) is None
    assert pregnancy_history.days_since_most_recent_loss_or_birth(entries, TODAY) == 59


def test_history_errors_allow_only_one_current_pregnancy():
    existing = [Entry("current", due_date=dt.date(2027, 3, 1))]
    candidate = Entry("current", due_date=dt.date(2027, 4, 1))
    assert pregnancy_history.history_errors(existing, candidate, TODAY) == {
        "outcome": pregnancy_history.ERROR_ONE_CURRENT
    }


def test_history_errors_allow_a_current_pregnancy_after_losses():
    existing = [Entry("miscarriage", 1, 2025)]
    candidate = Entry("current", due_date=dt.date(2027, 4, 1))
    assert pregnancy_history.history_errors(existing, candidate, TODAY) == {}


@pytest.mark.parametrize(
    ("born", "age"),
    [
        (dt.date(2008, 11, 28), 18),
        (dt.date(2008, 11, 29), 17),
        (dt.date(1990, 1, 1), 36),
        (dt.date(2008, 2, 29), 18),
    ],
)
def test_age_on_counts_whole_years(born, age):
    assert pregnancy_history.age_on(born, TODAY) == age
