"""The perinatal safety questions (CLINICAL.md, "Safety", perinatal additions): an urge or plan
to act on thoughts of harm to the baby, and warning signs of postpartum psychosis in the
perinatal window, are URGENT; the thoughts alone carry no level."""

import pytest

from intake.instruments import FLAG_HARM_URGE, FLAG_PSYCHOSIS_SIGN, score, visible_items
from intake.risk_rules import ReasonRule, RiskLevel, assess_risk

SIGNS = ("perceptions", "beliefs", "confusion", "sleepless")
NONE = {"thoughts": False, **dict.fromkeys(SIGNS, False)}


def level(answers: dict, *, perinatal: bool = True) -> RiskLevel:
    result = score("perinatal", answers)
    return assess_risk({result.code: result}, checklist_self_harm=None, perinatal=perinatal).level


def test_thoughts_alone_raise_no_level() -> None:
    assert level({**NONE, "thoughts": True, "urge": False}) is RiskLevel.ROUTINE


def test_thoughts_alone_are_shown_to_the_therapist_in_their_own_band() -> None:
    result = score("perinatal", {**NONE, "thoughts": True, "urge": False})

    assert (result.band, result.flags) == ("notice", frozenset())


def test_an_urge_or_plan_to_act_is_urgent() -> None:
    assert level({**NONE, "thoughts": True, "urge": True}) is RiskLevel.URGENT


def test_an_urge_is_urgent_outside_the_perinatal_window_too() -> None:
    assert level({"thoughts": True, "urge": True}, perinatal=False) is RiskLevel.URGENT


def test_the_urge_question_follows_a_yes_or_a_refusal_of_the_thoughts_question() -> None:
    assert "urge" in visible_items("perinatal", {"thoughts": True})
    assert "urge" in visible_items("perinatal", {"thoughts": None})
    assert "urge" not in visible_items("perinatal", {"thoughts": False})


@pytest.mark.parametrize("sign", SIGNS)
def test_each_warning_sign_of_psychosis_is_urgent_in_the_perinatal_window(sign) -> None:
    assert level({**NONE, sign: True}) is RiskLevel.URGENT


@pytest.mark.parametrize("sign", SIGNS)
def test_a_warning_sign_outside_the_window_still_calls_for_same_day_review(sign) -> None:
    assert level({**NONE, sign: True}, perinatal=False) is RiskLevel.HIGH


@pytest.mark.parametrize("key", ["urge", *SIGNS])
def test_a_declined_safety_question_is_elevated(key) -> None:
    answers = {**NONE, "thoughts": True, "urge": False, key: None}

    assert level(answers) is RiskLevel.ELEVATED


def test_a_declined_thoughts_question_alone_raises_no_level() -> None:
    assert level({**NONE, "thoughts": None, "urge": False}) is RiskLevel.ROUTINE


def test_all_no_is_a_negative_screen() -> None:
    assert score("perinatal", NONE).band == "negative"


def test_a_sign_is_flagged_before_the_rest_is_answered() -> None:
    result = score("perinatal", {"confusion": True})

    assert (result.band, FLAG_PSYCHOSIS_SIGN in result.flags) == ("positive", True)


@pytest.mark.parametrize(
    ("answers", "rule"),
    [
        ({"thoughts": True, "urge": True}, ReasonRule.HARM_URGE),
        ({"beliefs": True}, ReasonRule.PSYCHOSIS_SIGN),
    ],
)
def test_each_urgent_reason_names_its_rule(answers, rule) -> None:
    result = score("perinatal", answers)
    reasons = assess_risk({result.code: result}, checklist_self_harm=None).reasons

    assert [r.rule for r in reasons] == [rule]


def test_the_urge_flag_names_the_urge_question() -> None:
    result = score("perinatal", {"thoughts": True, "urge": True})

    assert [(s.flag, s.item_key) for s in result.flag_sources] == [(FLAG_HARM_URGE, "urge")]
