"""AUDIT-C, the NIDA single-question drug screen and HARK, scored by their published rules
(CLINICAL.md), from tables of cases."""

from pathlib import Path

import pytest

from intake.instruments import ALL_INSTRUMENTS, FLAG_ALCOHOL_IN_PREGNANCY, score, visible_items


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        # "Never" to the first question: the WHO AUDIT skips the rest, which score 0.
        ({"1": 0}, 0, "negative"),
        ({"1": 1, "2": 0, "3": 0}, 1, "negative"),
        ({"1": 1, "2": 1, "3": 0}, 2, "negative"),
        # Positive for women at 3 or more (Bradley 2007).
        ({"1": 1, "2": 1, "3": 1}, 3, "positive"),
        ({"1": 2, "2": 0, "3": 1}, 3, "positive"),
        ({"1": 3, "2": 0, "3": 0}, 3, "positive"),
        ({"1": 4, "2": 4, "3": 4}, 12, "positive"),
    ],
)
def test_auditc_total_and_band_follow_the_published_rule(answers, total, band) -> None:
    result = score("auditc", answers)

    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize("index", range(5))
def test_auditc_first_question_scores_its_option_position(index) -> None:
    assert score("auditc", {"1": index, "2": 0, "3": 0}).total == index


@pytest.mark.parametrize("key", ["2", "3"])
@pytest.mark.parametrize("index", range(5))
def test_auditc_later_questions_score_their_option_position(key, index) -> None:
    # One point from "Monthly or less" to the first question.
    assert score("auditc", {"1": 1, "2": 0, "3": 0, key: index}).total == 1 + index


def test_auditc_asks_nothing_more_after_never_drinking() -> None:
    assert visible_items("auditc", {"1": 0}) == ("1",)


def test_auditc_ignores_the_practice_ptsd_cutoff() -> None:
    assert score("auditc", {"1": 1, "2": 1, "3": 1}, pcptsd5_cutoff=5).band == "positive"


def test_auditc_incomplete_until_every_shown_question_is_answered() -> None:
    result = score("auditc", {"1": 2})

    assert (result.total, result.band, result.lower_bound) == (None, "incomplete", 2)


def test_drinking_while_pregnant_is_flagged_whatever_the_total() -> None:
    result = score("auditc", {"1": 1, "2": 0, "3": 0, "pregnant": True})

    assert result.band == "negative"
    assert FLAG_ALCOHOL_IN_PREGNANCY in result.flags


def test_drinking_while_pregnant_is_never_summed() -> None:
    assert score("auditc", {"1": 1, "2": 0, "3": 0, "pregnant": True}).total == 1


def test_no_drinking_while_pregnant_raises_nothing() -> None:
    assert score("auditc", {"1": 1, "2": 0, "3": 0, "pregnant": False}).flags == frozenset()


@pytest.mark.parametrize(("index", "band"), [(0, "negative"), (1, "positive"), (2, "positive")])
def test_nida_single_question_positive_at_one_time_or_more(index, band) -> None:
    assert score("nida1", {"1": index}).band == band


def test_nida_declined_is_incomplete_not_negative() -> None:
    assert score("nida1", {"1": None}).band == "incomplete"


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ({"1": False, "2": False, "3": False, "4": False}, 0, "negative"),
        ({"1": True, "2": False, "3": False, "4": False}, 1, "positive"),
        ({"1": False, "2": True, "3": False, "4": False}, 1, "positive"),
        ({"1": False, "2": False, "3": True, "4": False}, 1, "positive"),
        ({"1": False, "2": False, "3": False, "4": True}, 1, "positive"),
        ({"1": True, "2": True, "3": True, "4": True}, 4, "positive"),
    ],
)
def test_hark_any_yes_is_positive(answers, total, band) -> None:
    result = score("hark", answers)

    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize("instrument", ALL_INSTRUMENTS, ids=lambda i: i.code)
def test_every_instrument_has_its_licence_in_the_readme(instrument) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    licences = readme[readme.index("## Screening questionnaires and their licences") :]

    assert f"| {instrument.short_name} |" in licences
    assert instrument.licence.strip()
