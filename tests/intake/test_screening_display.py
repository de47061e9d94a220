"""What each questionnaire's row says (intake.screening_display), from tables of answers."""

import pytest

from intake.instruments import EPDS, instruments_for_step, score
from intake.screening_display import ScreenerState, screener_row, screener_rows

ALL_NO_ASQ = {"1": False, "2": False, "3": False, "4": False}


@pytest.mark.parametrize(
    ("code", "answers", "state", "status"),
    [
        ("phq9", {}, ScreenerState.NOT_ANSWERED, "Not answered"),
        ("phq9", {str(n): 0 for n in range(1, 10)}, ScreenerState.SCORED, "Minimal"),
        (
            "phq9",
            {**{str(n): 1 for n in range(1, 9)}, "9": None},
            ScreenerState.INCOMPLETE,
            "Incomplete: 8 of 9 answered, at least 8",
        ),
        (
            "phq9",
            {str(n): 2 for n in range(1, 5)},
            ScreenerState.INCOMPLETE,
            "Incomplete: 4 of 9 answered, at least 8",
        ),
        ("phq9", {str(n): None for n in range(1, 10)}, ScreenerState.DECLINED, "Declined"),
        # The difficulty question is not scored: answering only it still declines the screen.
        (
            "phq9",
            {**{str(n): None for n in range(1, 10)}, "difficulty": 1},
            ScreenerState.DECLINED,
            "Declined",
        ),
        ("pcptsd5", {}, ScreenerState.NOT_ANSWERED, "Not answered"),
        ("pcptsd5", {"gate": None}, ScreenerState.DECLINED, "Declined"),
        (
            "pcptsd5",
            {"gate": True, **{str(n): None for n in range(1, 6)}},
            ScreenerState.DECLINED,
            "Declined",
        ),
        ("pcptsd5", {"gate": False}, ScreenerState.NOT_SCREENED, "Trauma question: no; not screened"),
        (
            "pcptsd5",
            {"gate": True, "1": True, "2": True, "3": True, "4": False, "5": False},
            ScreenerState.SCORED,
            "Positive",
        ),
        ("pcptsd5", {"gate": True}, ScreenerState.INCOMPLETE, "Incomplete: 0 of 5 answered, at least 0"),
        ("asq", {}, ScreenerState.NOT_ANSWERED, "Not answered"),
        ("asq", ALL_NO_ASQ, ScreenerState.SCORED, "Negative screen"),
        (
            "asq",
            {**ALL_NO_ASQ, "1": True},
            ScreenerState.SCORED,
            "Positive screen; the 'right now' question was not answered",
        ),
        (
            "asq",
            {**ALL_NO_ASQ, "1": True, "5": False},
            ScreenerState.SCORED,
            "Non-acute positive screen (potential risk)",
        ),
        (
            "asq",
            {**ALL_NO_ASQ, "1": True, "5": True},
            ScreenerState.SCORED,
            "Acute positive screen (imminent risk)",
        ),
        ("asq", {"1": False}, ScreenerState.INCOMPLETE, "Incomplete: 1 of 5 answered"),
        # A refusal decides the ASQ (CLINICAL.md): the reading is said beside it.
        (
            "asq",
            {str(n): None for n in range(1, 6)},
            ScreenerState.DECLINED,
            "Declined; read as: Acute positive screen (imminent risk)",
        ),
    ],
)
def test_a_row_says_what_became_of_the_questionnaire(code, answers, state, status):
    row = screener_row(score(code, answers))

    assert (row.state, row.status) == (state, status)
    assert row.opened is (state is not ScreenerState.NOT_ANSWERED)


def test_a_complete_total_is_shown_out_of_its_maximum():
    row = screener_row(score("phq9", {str(n): 2 for n in range(1, 10)}))

    assert (row.total, row.score, row.status) == (18, "18 / 27", "Moderately severe")


def test_an_incomplete_total_is_not_shown_as_a_score():
    row = screener_row(score("gad7", {"1": 3}))

    assert (row.total, row.score) == (None, "")


def test_a_declined_safety_item_is_flagged_as_declined_in_the_row():
    row = screener_row(score("phq9", {"9": None}))

    assert row.flags == ("Self-harm item declined: item 9 (Declined)",)
    assert [item.key for item in row.items if item.flagged] == ["9"]


def test_the_subscale_is_shown_out_of_its_maximum_and_as_a_floor_when_incomplete():
    complete = screener_row(score("epds", {"3": 0, "4": 3, "5": 0}))
    partial = screener_row(score("epds", {"4": 3}))

    assert complete.subscales == ("EPDS-3A anxiety subscale: 9 / 9",)
    assert partial.subscales == ("EPDS-3A anxiety subscale: incomplete, at least 3 of 9",)


def test_rows_follow_the_step_order_with_one_per_offered_questionnaire():
    rows = screener_rows(results={"asq": score("asq", ALL_NO_ASQ)}, offered=instruments_for_step(False))

    assert [row.code for row in rows] == ["phq9", "gad7", "pcptsd5", "asq"]
    assert [row.opened for row in rows] == [False, False, False, True]


def test_a_questionnaire_answered_before_it_was_turned_off_keeps_its_row():
    results = {"epds": score("epds", {"1": 0})}

    rows = screener_rows(results=results, offered=instruments_for_step(False))

    assert rows[0].code == EPDS.code


def test_a_questionnaire_no_longer_offered_and_never_opened_has_no_row():
    results = {"epds": score("epds", {})}

    rows = screener_rows(results=results, offered=instruments_for_step(False))

    assert EPDS.code not in [row.code for row in rows]
