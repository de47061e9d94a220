"""Facts and rules from the pregnancy history: pure functions, tested from tables."""

import datetime as dt
from dataclasses import dataclass, field

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
    weeks_declined: bool = False
    baby_outcomes: list[str] = field(default_factory=list)
    nicu_days: int | None = None


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
        (Entry("stillbirth", None, 1850), {"year": "Please enter a year from 1940 to 2026."}),
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


# --- Twins or more, new outcomes, and what the staff page derives (issue 16)

TWINS_ONE_LOST = Entry("multiples_loss", 5, 2026, baby_outcomes=["stillbirth", "live_birth"])
TWINS_BOTH_LOST = Entry("multiples_loss", 2, 2024, baby_outcomes=["miscarriage", "miscarriage"])
TWINS_UNDESCRIBED = Entry("multiples_loss", None, 2023)


@pytest.mark.parametrize(
    ("entries", "losses", "births"),
    [
        ([Entry("neonatal_death", 1, 2025)], 1, 0),
        ([Entry("ended_other", 1, 2025)], 0, 0),  # not called a loss by the client
        ([Entry("chemical", 1, 2025)], 1, 0),
        ([TWINS_ONE_LOST], 1, 1),
        ([TWINS_BOTH_LOST], 2, 0),
        ([TWINS_UNDESCRIBED], 1, 0),
        ([TWINS_ONE_LOST, TWINS_BOTH_LOST, Entry("live_birth", 1, 2020)], 3, 2),
    ],
)
def test_losses_and_births_are_counted_per_baby(entries, losses, births):
    assert pregnancy_history.loss_count(entries) == losses
    assert pregnancy_history.live_birth_count(entries) == births


@pytest.mark.parametrize(
    ("entry", "postpartum"),
    [
        (Entry("neonatal_death", 9, 2026), "yes"),
        (TWINS_ONE_LOST, "yes"),
        (Entry("multiples_loss", 9, 2026, baby_outcomes=["miscarriage", "miscarriage"]), "no"),
        (Entry("ended_other", 9, 2026), "no"),
        (Entry("neonatal_death"), "unknown"),
    ],
)
def test_a_baby_born_whether_or_not_the_baby_lived_makes_her_postpartum(entry, postpartum):
    assert pregnancy_history.postpartum_state([entry], TODAY) == postpartum


@pytest.mark.parametrize(
    ("due_date", "weeks"),
    [
        (dt.date(2027, 4, 17), 20),  # 140 days to go: 140 days along
        (dt.date(2026, 12, 5), 39),
        (dt.date(2027, 9, 4), 0),  # 280 days to go
        (None, None),
        (dt.date(2028, 1, 1), None),  # further away than a pregnancy lasts
    ],
)
def test_weeks_pregnant_is_worked_out_from_the_due_date(due_date, weeks):
    assert pregnancy_history.weeks_pregnant(Entry("current", due_date=due_date), TODAY) == weeks


@pytest.mark.parametrize(
    ("entry", "months"),
    [
        (Entry("miscarriage", 2, 2026), 9),
        (Entry("miscarriage", 11, 2026), 0),
        (Entry("live_birth", 11, 2024), 24),
        (Entry("miscarriage", None, 2024), None),  # a year alone says no month count
        (Entry("current", due_date=dt.date(2027, 4, 10)), None),
        (Entry("prefer_not_to_say", 2, 2026), None),
    ],
)
def test_months_since_an_ending(entry, months):
    assert pregnancy_history.months_since(entry, TODAY) == months


@pytest.mark.parametrize(
    ("entries", "weeks"),
    [
        ([Entry("live_birth", 10, 2026)], 4),  # from Oct 31
        ([Entry("stillbirth", 6, 2026), Entry("live_birth", 1, 2020)], 21),
        ([Entry("live_birth", 6, 2025)], None),  # more than a year ago
        ([Entry("miscarriage", 10, 2026)], None),
    ],
)
def test_weeks_postpartum_counts_from_the_most_recent_birth_within_a_year(entries, weeks):
    assert pregnancy_history.weeks_postpartum(entries, TODAY) == weeks


@pytest.mark.parametrize(
    ("entry", "text"),
    [
        (Entry("current", due_date=dt.date(2027, 4, 17)), "about 20 weeks pregnant"),
        (Entry("miscarriage", 2, 2026), "about 9 months ago"),
        (Entry("miscarriage", 10, 2026), "about 1 month ago"),
        (Entry("miscarriage", 11, 2026), "this month"),
        (Entry("miscarriage", None, 2026), ""),
    ],
)
def test_since_text(entry, text):
    assert pregnancy_history.since_text(entry, TODAY) == text


@pytest.mark.parametrize(
    ("entries", "line"),
    [
        ([], ""),
        (
            [
                Entry("current", due_date=dt.date(2027, 4, 17)),
                Entry("miscarriage", 5, 2024),
                Entry("miscarriage", 2, 2026),
            ],
            "Pregnant now, about 20 weeks, due April 2027 · 2 miscarriages, 2026 and 2024 · "
            "last loss about 9 months ago",
        ),
        (
            [TWINS_ONE_LOST],
            "1 stillbirth, 2026 · 1 live birth, 2026 · 1 pregnancy with twins or more · "
            "last loss about 6 months ago · about 25 weeks after a birth",
        ),
        (
            [TWINS_BOTH_LOST, Entry("neonatal_death", None, 2025)],
            "1 baby who died after birth, 2025 · 2 miscarriages, 2024 · "
            "1 pregnancy with twins or more · last loss in 2025 · about 47 weeks after a birth",
        ),
        (
            [TWINS_UNDESCRIBED],
            "1 baby lost of twins or more, 2023 · 1 pregnancy with twins or more · last loss in 2023",
        ),
        (
            [Entry("chemical", 3, 2022), Entry("ended_other", 1, 2021), Entry("current")],
            "Pregnant now · 1 very early loss, 2022 · 1 pregnancy ended for other reasons, 2021 · "
            "last loss about 56 months ago",
        ),
        (
            [Entry("ended_other", 6, 2025), Entry("miscarriage", 2, 2019), Entry("stillbirth", 3, 2023)],
            "1 pregnancy ended for other reasons, 2025 · 1 stillbirth, 2023 · 1 miscarriage, 2019 · "
            "last loss about 44 months ago",
        ),
        ([Entry("prefer_not_to_say", 1, 2020)], ""),
    ],
)
def test_synopsis_says_the_history_in_one_line_with_twins_counted_per_baby(entries, line):
    assert pregnancy_history.synopsis(entries, TODAY) == line


@pytest.mark.parametrize(
    ("entry", "errors"),
    [
        (
            Entry("miscarriage", weeks=8, weeks_declined=True),
            {"weeks": pregnancy_history.ERROR_WEEKS_AND_DECLINED},
        ),
        (Entry("miscarriage", weeks_declined=True), {}),
        (
            Entry("multiples_loss", baby_outcomes=["stillbirth"]),
            {"baby_outcomes": pregnancy_history.ERROR_BABY_OUTCOMES},
        ),
        (Entry("multiples_loss", baby_outcomes=["stillbirth", "live_birth"]), {}),
        (Entry("live_birth", nicu_days=366), {"nicu_days": pregnancy_history.ERROR_NICU_DAYS}),
        (Entry("live_birth", nicu_days=12), {}),
        (
            Entry("stillbirth", baby_outcomes=["stillbirth", "live_birth"]),
            {"baby_outcomes": pregnancy_history.ERROR_BABY_OUTCOMES_ONLY_MULTIPLES},
        ),
    ],
)
def test_entry_errors_for_weeks_declined_and_each_baby(entry, errors):
    assert pregnancy_history.entry_errors(entry, TODAY) == errors
