"""What each questionnaire's row says (intake.screening_display), from tables of answers."""

import datetime as dt

import pytest

from intake.catalogue import SELF_HARM
from intake.instruments import EPDS, instruments_for_step, score
from intake.models import RiskFlag
from intake.questionnaire_services import questionnaire_answers_save
from intake.risk_services import risk_evaluate
from intake.screening_display import ScreenerState, flag_evidence, screener_row, screener_rows
from intake.selectors import intake_scores
from tests.intake.factories_review import intake_with_answers

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


def test_the_recall_stem_is_shown_only_with_the_questions_it_leads_into():
    assert screener_row(score("pcptsd5", {"gate": False})).stem == ""
    assert screener_row(score("pcptsd5", {"gate": True})).stem == "In the past month, have you..."


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


def test_the_anxiety_subscale_flag_says_its_score_and_threshold_once():
    row = screener_row(score("epds", {"3": 0, "4": 3, "5": 0}))

    assert row.flags == ("EPDS-3A anxiety: 9, at or above 5",)


def test_the_subscale_is_shown_out_of_its_maximum_and_as_a_floor_when_incomplete():
    complete = screener_row(score("epds", {"3": 0, "4": 3, "5": 0}))
    partial = screener_row(score("epds", {"4": 3}))

    assert complete.subscales == ("EPDS-3A anxiety subscale: 9 / 9",)
    assert partial.subscales == ("EPDS-3A anxiety subscale: incomplete, at least 3 of 9",)


def test_rows_follow_the_step_order_with_one_per_offered_questionnaire():
    rows = screener_rows(results={"asq": score("asq", ALL_NO_ASQ)}, offered=instruments_for_step(False))

    assert [row.code for row in rows] == [
        "phq9",
        "gad7",
        "pcptsd5",
        "asq",
        "perinatal",
        "auditc",
        "nida1",
    ]
    assert [row.opened for row in rows] == [False, False, False, True, False, False, False]


def test_a_questionnaire_answered_before_it_was_turned_off_keeps_its_row():
    results = {"epds": score("epds", {"1": 0})}

    rows = screener_rows(results=results, offered=instruments_for_step(False))

    assert rows[0].code == EPDS.code


def test_a_questionnaire_no_longer_offered_and_never_opened_has_no_row():
    results = {"epds": score("epds", {})}

    rows = screener_rows(results=results, offered=instruments_for_step(False))

    assert EPDS.code not in [row.code for row in rows]


# --- Safety flag evidence


def _evidence(flag, intake):
    return flag_evidence(flag=flag, results=intake_scores(intake=intake), symptoms=intake.symptoms or [])


def _save(intake, code, answers):
    questionnaire_answers_save(intake=intake, code=code, answers=answers, actor=intake.client)


@pytest.mark.django_db
def test_an_answer_changed_while_flagged_is_one_line_saying_what_it_is_now():
    intake = intake_with_answers(answers={"phq9": {"9": 1}}, sent=False)
    _save(intake, "phq9", {"9": 3})
    _save(intake, "phq9", {"9": 0})
    flag = intake.risk_flags.get(level="high")

    (group,) = _evidence(flag, intake)

    (line,) = group.lines
    assert (group.title, line.label, line.answer) == ("PHQ-9", "Item 9", "Nearly every day")
    assert (line.now, line.since) == ("Not at all", "since changed to: Not at all")


@pytest.mark.django_db
def test_an_answer_unchanged_since_it_raised_the_flag_says_nothing_more():
    intake = intake_with_answers(answers={"phq9": {"9": 2}})

    (group,) = _evidence(intake.risk_flags.get(level="high"), intake)

    assert [(line.answer, line.since) for line in group.lines] == [("More than half the days", "")]


@pytest.mark.django_db
def test_a_declined_item_reads_declined():
    intake = intake_with_answers(answers={"phq9": {"9": None}})

    (group,) = _evidence(intake.risk_flags.get(level="elevated"), intake)

    assert [(line.label, line.answer) for line in group.lines] == [("Item 9", "Declined")]


@pytest.mark.django_db
def test_a_right_now_question_left_unanswered_reads_plainly():
    intake = intake_with_answers(answers={"asq": {**ALL_NO_ASQ, "1": True}})

    (group,) = _evidence(intake.risk_flags.get(level="urgent"), intake)

    assert [line.statement for line in group.lines] == ["ASQ question 5 ('right now') was not answered"]


@pytest.mark.django_db
def test_a_right_now_question_answered_later_says_what_it_became():
    intake = intake_with_answers(answers={"asq": {**ALL_NO_ASQ, "1": True}}, sent=False)
    _save(intake, "asq", {"5": False})

    (group,) = _evidence(intake.risk_flags.get(level="high"), intake)

    acuity = next(line for line in group.lines if line.item_key == "5")
    assert acuity.since == "since changed to: No"


@pytest.mark.django_db
def test_reasons_are_grouped_once_per_source_checklist_first_then_in_step_order():
    intake = intake_with_answers(
        answers={"asq": {**ALL_NO_ASQ, "2": True, "1": True, "5": False}, "phq9": {"9": 1}}
    )
    intake.symptoms = [SELF_HARM]
    intake.save(update_fields=["symptoms"])
    risk_evaluate(intake=intake, actor=None)

    groups = _evidence(intake.risk_flags.get(level="high"), intake)

    assert [group.title for group in groups] == ["Symptom checklist", "PHQ-9", "ASQ"]
    assert [line.item_key for line in groups[2].lines] == ["1", "2"]
    assert [(line.item_text, line.answer) for line in groups[0].lines] == [
        ("Hurting yourself, or thoughts of hurting yourself", "Ticked")
    ]


@pytest.mark.django_db
def test_an_old_flag_with_several_lines_for_one_item_shows_the_latest_only():
    intake = intake_with_answers(answers={"phq9": {"9": 3}})
    flag = RiskFlag(intake=intake, level="high", raised_at=dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC))
    flag.reasons = [
        {
            "source": "phq9",
            "item_key": "9",
            "answer": "Several days",
            "why": "PHQ-9 item 9 answered 'Several days'.",
        },
        {
            "source": "phq9",
            "item_key": "9",
            "answer": "Nearly every day",
            "why": "PHQ-9 item 9 answered 'Nearly every day'.",
            "added_at": "2026-03-02T18:00:00+00:00",
        },
        {
            "source": "phq9",
            "item_key": "9",
            "answer": "More than half the days",
            "why": "PHQ-9 item 9 answered 'More than half the days'.",
            "added_at": "2026-03-01T19:00:00+00:00",
        },
    ]

    (group,) = _evidence(flag, intake)

    (line,) = group.lines
    assert (line.answer, line.changed_at) == ("Nearly every day", "Mar 2, 2026, 11:00 AM MST")


@pytest.mark.django_db
def test_a_record_without_a_time_shows_when_the_flag_was_raised_in_denver():
    intake = intake_with_answers(answers={"phq9": {"9": 1}})
    flag = RiskFlag(intake=intake, level="high", raised_at=dt.datetime(2026, 7, 4, 16, 30, tzinfo=dt.UTC))
    flag.reasons = [{"source": "phq9", "item_key": "9", "answer": "Several days", "why": "..."}]

    (group,) = _evidence(flag, intake)

    assert group.lines[0].changed_at == "Jul 4, 2026, 10:30 AM MDT"
