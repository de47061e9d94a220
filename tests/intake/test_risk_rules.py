"""Risk triage rules (CLINICAL.md, Safety), each at its boundary."""

import pytest

from intake.instruments import Result, score
from intake.risk_rules import Assessment, ReasonRule, RiskLevel, assess_risk, max_level


def spread(total: int, keys: list[str]) -> dict[str, int]:
    answers = {}
    for key in keys:
        answers[key] = min(3, total)
        total -= answers[key]
    assert total == 0
    return answers


def phq9(total: int) -> Result:
    # Item 9 is last, so it stays 0 for every total used here.
    return score("phq9", spread(total, [str(n) for n in range(1, 10)]))


def gad7(total: int) -> Result:
    return score("gad7", spread(total, [str(n) for n in range(1, 8)]))


def epds(total: int) -> Result:
    # Items 1-9 take the points (item 10 stays 0); reversed items pick from the bottom up.
    reversed_items = {"3", "5", "6", "7", "8", "9", "10"}
    scores = spread(total, [str(n) for n in range(1, 11)])
    return score("epds", {k: 3 - s if k in reversed_items else s for k, s in scores.items()})


def pcptsd5(yes_count: int, **options: int) -> Result:
    answers = {"gate": True, **{str(n): n <= yes_count for n in range(1, 6)}}
    return score("pcptsd5", answers, **options)


ASQ_ALL_NO = {"1": False, "2": False, "3": False, "4": False}


def assess(*results: Result, checklist_self_harm: bool | None = None, sent: bool = False) -> Assessment:
    return assess_risk({r.code: r for r in results}, checklist_self_harm=checklist_self_harm, sent=sent)


# --- ELEVATED thresholds -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "level"),
    [
        (phq9(14), RiskLevel.ROUTINE),
        (phq9(15), RiskLevel.ELEVATED),
        (gad7(14), RiskLevel.ROUTINE),
        (gad7(15), RiskLevel.ELEVATED),
        (epds(12), RiskLevel.ROUTINE),
        (epds(13), RiskLevel.ELEVATED),
        (pcptsd5(2), RiskLevel.ROUTINE),
        (pcptsd5(3), RiskLevel.ELEVATED),
        (pcptsd5(3, pcptsd5_cutoff=4), RiskLevel.ROUTINE),
        (pcptsd5(4, pcptsd5_cutoff=4), RiskLevel.ELEVATED),
    ],
    ids=[
        "phq9-14",
        "phq9-15",
        "gad7-14",
        "gad7-15",
        "epds-12",
        "epds-13",
        "pcptsd5-2",
        "pcptsd5-3",
        "pcptsd5-3-cutoff4",
        "pcptsd5-4-cutoff4",
    ],
)
def test_total_threshold_sets_elevated(result: Result, level: RiskLevel) -> None:
    assert assess(result).level is level


def test_incomplete_phq9_with_lower_bound_15_is_elevated() -> None:
    result = score("phq9", {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3})
    assert result.total is None
    assessment = assess(result)
    assert assessment.level is RiskLevel.ELEVATED
    assert "incomplete" in assessment.reasons[0].why


def test_incomplete_phq9_with_lower_bound_14_is_routine() -> None:
    result = score("phq9", {"1": 3, "2": 3, "3": 3, "4": 3, "5": 2})
    assert assess(result).level is RiskLevel.ROUTINE


def test_incomplete_pcptsd5_already_at_cutoff_is_elevated() -> None:
    result = score("pcptsd5", {"gate": True, "1": True, "2": True, "3": True})
    assert result.band == "incomplete"
    assert assess(result).level is RiskLevel.ELEVATED


def test_pcptsd5_gate_no_is_routine() -> None:
    assert assess(score("pcptsd5", {"gate": False})).level is RiskLevel.ROUTINE


# --- HIGH: self-harm signals ---------------------------------------------------------------


def test_phq9_item9_above_zero_is_high_with_low_total() -> None:
    result = score("phq9", {**spread(0, [str(n) for n in range(1, 10)]), "9": 1})
    assessment = assess(result)
    assert assessment.level is RiskLevel.HIGH
    (reason,) = assessment.reasons
    assert (reason.rule, reason.source, reason.item_key, reason.answer) == (
        ReasonRule.SELF_HARM_ANSWER,
        "phq9",
        "9",
        "Several days",
    )


def test_epds_item10_above_zero_is_high() -> None:
    result = score("epds", {"10": 2})  # "Hardly ever" scores 1
    assert assess(result).level is RiskLevel.HIGH


def test_epds_item10_never_is_routine() -> None:
    assert assess(epds(0)).level is RiskLevel.ROUTINE


def test_asq_non_acute_positive_is_high() -> None:
    result = score("asq", {**ASQ_ALL_NO, "1": True, "5": False})
    assert assess(result).level is RiskLevel.HIGH


def test_asq_refusal_is_high() -> None:
    result = score("asq", {**ASQ_ALL_NO, "3": None, "5": False})
    assert assess(result).level is RiskLevel.HIGH


def test_asq_negative_is_routine() -> None:
    assert assess(score("asq", ASQ_ALL_NO)).level is RiskLevel.ROUTINE


def test_asq_incomplete_without_yes_is_routine() -> None:
    assert assess(score("asq", {"1": False})).level is RiskLevel.ROUTINE


def test_asq_positive_with_right_now_unanswered_is_high_in_a_draft() -> None:
    assessment = assess(score("asq", {**ASQ_ALL_NO, "1": True}))
    assert assessment.level is RiskLevel.HIGH
    assert ReasonRule.ACUITY_UNANSWERED in [r.rule for r in assessment.reasons]


def test_asq_positive_with_right_now_unanswered_is_urgent_once_sent() -> None:
    assessment = assess(score("asq", {**ASQ_ALL_NO, "1": True}), sent=True)
    assert assessment.level is RiskLevel.URGENT
    (first, *_rest) = assessment.reasons
    assert (first.rule, first.source, first.item_key) == (ReasonRule.ACUITY_UNANSWERED, "asq", "5")
    assert "not answered" in first.why


def test_asq_positive_with_right_now_answered_no_is_high_when_sent() -> None:
    assessment = assess(score("asq", {**ASQ_ALL_NO, "1": True, "5": False}), sent=True)
    assert assessment.level is RiskLevel.HIGH


# --- ELEVATED: a suicide-risk item declined --------------------------------------------------


@pytest.mark.parametrize(
    ("code", "key"), [("phq9", "9"), ("epds", "10"), ("asq", "1"), ("asq", "2"), ("asq", "3"), ("asq", "4")]
)
def test_a_declined_suicide_risk_item_gives_a_declined_reason_at_least_elevated(code, key) -> None:
    assessment = assess(score(code, {key: None}))
    assert assessment.level >= RiskLevel.ELEVATED
    declined = [r for r in assessment.reasons if r.rule is ReasonRule.ITEM_DECLINED]
    assert [(r.level, r.source, r.item_key) for r in declined] == [(RiskLevel.ELEVATED, code, key)]
    assert "declined" in declined[0].why


def test_a_declined_phq9_item_9_alone_is_elevated_not_high() -> None:
    assert assess(score("phq9", {"9": None})).level is RiskLevel.ELEVATED


def test_checklist_self_harm_ticked_is_high() -> None:
    assessment = assess(phq9(0), checklist_self_harm=True)
    assert assessment.level is RiskLevel.HIGH
    assert assessment.reasons[0].source == "checklist"


@pytest.mark.parametrize("ticked", [False, None])
def test_checklist_not_ticked_or_unanswered_is_routine(ticked: bool | None) -> None:
    assert assess(phq9(0), checklist_self_harm=ticked).level is RiskLevel.ROUTINE


def test_self_harm_outranks_elevated_total() -> None:
    result = score("phq9", {**spread(18, [str(n) for n in range(1, 9)]), "9": 1})
    assessment = assess(result)
    assert assessment.level is RiskLevel.HIGH
    assert [r.level for r in assessment.reasons] == [RiskLevel.HIGH, RiskLevel.ELEVATED]


# --- URGENT --------------------------------------------------------------------------------


def test_asq_acute_positive_is_urgent() -> None:
    result = score("asq", {**ASQ_ALL_NO, "2": True, "5": True})
    assessment = assess(result)
    assert assessment.level is RiskLevel.URGENT
    assert assessment.reasons[0].rule is ReasonRule.ACUTE_POSITIVE


def test_asq_acuity_refused_after_positive_is_urgent() -> None:
    result = score("asq", {**ASQ_ALL_NO, "2": True, "5": None})
    assert assess(result).level is RiskLevel.URGENT


def test_reasons_are_ordered_most_severe_first() -> None:
    assessment = assess(
        gad7(15),
        score("asq", {**ASQ_ALL_NO, "1": True, "5": True}),
        checklist_self_harm=True,
    )
    assert [r.level for r in assessment.reasons] == [
        RiskLevel.URGENT,
        RiskLevel.HIGH,
        RiskLevel.HIGH,
        RiskLevel.ELEVATED,
    ]


# --- Combining and ordering ----------------------------------------------------------------


def test_no_results_is_routine() -> None:
    assert assess_risk({}, checklist_self_harm=None) == Assessment(RiskLevel.ROUTINE, ())


def test_result_filed_under_wrong_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="filed under 'gad7'"):
        assess_risk({"gad7": phq9(3)}, checklist_self_harm=None)


def test_levels_compare_by_severity_not_alphabet() -> None:
    assert RiskLevel.ROUTINE < RiskLevel.ELEVATED < RiskLevel.HIGH < RiskLevel.URGENT


def test_level_compares_by_severity_with_plain_string() -> None:
    assert RiskLevel.HIGH > "routine"


@pytest.mark.parametrize(
    ("stored", "new", "expected"),
    [
        (RiskLevel.HIGH, RiskLevel.ROUTINE, RiskLevel.HIGH),
        (RiskLevel.ELEVATED, RiskLevel.URGENT, RiskLevel.URGENT),
        ("urgent", "high", RiskLevel.URGENT),
        (RiskLevel.ROUTINE, RiskLevel.ROUTINE, RiskLevel.ROUTINE),
    ],
)
def test_max_level_never_lowers(stored: str, new: str, expected: RiskLevel) -> None:
    assert max_level(stored, new) is expected


def test_max_level_rejects_unknown_level() -> None:
    with pytest.raises(ValueError, match="'severe'"):
        max_level("severe", RiskLevel.HIGH)


# --- One order for every queue ---------------------------------------------------------------


def test_one_order_puts_urgent_high_elevated_routine() -> None:
    from intake.risk_rules import MOST_SEVERE_FIRST, queue_position

    assert [level.value for level in MOST_SEVERE_FIRST] == ["urgent", "high", "elevated", "routine"]
    assert [queue_position(level) for level in ("urgent", "high", "elevated", "routine")] == [0, 1, 2, 3]
    assert queue_position(None) == queue_position("routine")


def test_flags_are_raised_at_every_level_above_routine_least_severe_first() -> None:
    from intake.risk_rules import FLAG_LEVELS, SAME_DAY_LEVELS

    assert [level.value for level in FLAG_LEVELS] == ["elevated", "high", "urgent"]
    assert set(SAME_DAY_LEVELS) < set(FLAG_LEVELS)


def test_the_stored_levels_are_the_levels_of_the_rules() -> None:
    from intake.models import RiskLevelChoices

    assert RiskLevelChoices.values == [level.value for level in RiskLevel]
