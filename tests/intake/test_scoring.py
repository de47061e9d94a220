"""Scoring of the screening instruments against the published rules (CLINICAL.md).

Expected values here are written from the publishers' scoring rules, not read back from the
definitions, so a wrong option score or band in a definition fails a test.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from intake.instruments import (
    ASQ,
    EPDS,
    FREQUENCY_OPTIONS,
    GAD7,
    INSTRUMENTS,
    PCPTSD5,
    PHQ9,
    PREFER_NOT_TO_ANSWER,
    AnswerStatus,
    InvalidAnswersError,
    ScoringRule,
    describe_answers,
    instruments_for_step,
    score,
    visible_items,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

# EPDS items scored 3-0 from the top option down (published scoring); 1, 2 and 4 score 0-3.
EPDS_REVERSED = {"3", "5", "6", "7", "8", "9", "10"}


def spread(total: int, keys: list[str], per_item: int = 3) -> dict[str, int]:
    """Item scores over `keys` (each 0..per_item) adding up to `total`, front-loaded."""
    answers = {}
    remaining = total
    for key in keys:
        answers[key] = min(per_item, remaining)
        remaining -= answers[key]
    assert remaining == 0, "total too large for these items"
    return answers


def phq9_answers(total: int) -> dict[str, int]:
    # Item 9 stays at 0 up to 24 so band tests do not also raise the self-harm flag.
    return spread(total, ["1", "2", "3", "4", "5", "6", "7", "8", "9"])


def gad7_answers(total: int) -> dict[str, int]:
    return spread(total, [str(n) for n in range(1, 8)])


def epds_index(key: str, item_score: int) -> int:
    """The option position a client picks to get `item_score` on EPDS item `key`."""
    return 3 - item_score if key in EPDS_REVERSED else item_score


def epds_answers(scores: dict[str, int]) -> dict[str, int]:
    return {key: epds_index(key, s) for key, s in scores.items()}


def epds_total_answers(total: int) -> dict[str, int]:
    # Item 10 stays at 0 up to 27 so band tests do not also raise the self-harm flag.
    return epds_answers(spread(total, [str(n) for n in range(1, 11)]))


def pcptsd5_answers(yes_count: int) -> dict[str, bool]:
    answers = {"gate": True}
    answers.update({str(n): n <= yes_count for n in range(1, 6)})
    return answers


# --- PHQ-9 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_at_boundary(total: int, band: str) -> None:
    result = score("phq9", phq9_answers(total))
    assert (result.total, result.band) == (total, band)


def test_phq9_item9_above_zero_flags_self_harm_with_low_total() -> None:
    answers = {**phq9_answers(0), "9": 1}
    result = score("phq9", answers)
    assert (result.total, result.band) == (1, "minimal")
    assert "self_harm" in result.flags


def test_phq9_item9_zero_raises_no_flag() -> None:
    assert score("phq9", phq9_answers(14)).flags == frozenset()


def test_phq9_item9_flag_raised_on_incomplete_answers() -> None:
    result = score("phq9", {"9": 2})
    assert result.total is None
    assert "self_harm" in result.flags


def test_phq9_item9_declined_is_noted_but_not_a_self_harm_flag() -> None:
    result = score("phq9", {**phq9_answers(0), "9": None})
    assert result.flags == frozenset({"self_harm_item_declined"})


def test_phq9_self_harm_source_names_item_and_answer() -> None:
    result = score("phq9", {**phq9_answers(0), "9": 3})
    (source,) = result.flag_sources
    assert (source.flag, source.item_key, source.answer_label, source.score) == (
        "self_harm",
        "9",
        "Nearly every day",
        3,
    )


def test_phq9_difficulty_item_is_shown_always_and_never_scored() -> None:
    answers = {**phq9_answers(0), "difficulty": 3}
    result = score("phq9", answers)
    assert "difficulty" in visible_items("phq9", {})
    assert (result.total, result.expected, result.answered) == (0, 9, 9)
    difficulty = result.item_answers[-1]
    assert (difficulty.key, difficulty.answer_label, difficulty.score) == (
        "difficulty",
        "Extremely difficult",
        None,
    )


# --- GAD-7 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_band_at_boundary(total: int, band: str) -> None:
    result = score("gad7", gad7_answers(total))
    assert (result.total, result.band) == (total, band)


def test_gad7_has_no_flags() -> None:
    assert score("gad7", gad7_answers(21)).flags == frozenset()


# --- EPDS ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "unlikely"),
        (9, "unlikely"),
        (10, "possible_depression"),
        (12, "possible_depression"),
        (13, "probable_depression"),
        (30, "probable_depression"),
    ],
)
def test_epds_band_at_boundary(total: int, band: str) -> None:
    result = score("epds", epds_total_answers(total))
    assert (result.total, result.band) == (total, band)


def test_epds_all_first_options_score_21_from_reversed_items() -> None:
    # Items 1, 2, 4 score 0 on their first option; the seven reversed items score 3.
    result = score("epds", {str(n): 0 for n in range(1, 11)})
    assert result.total == 21


def test_epds_all_last_options_score_9_from_forward_items() -> None:
    result = score("epds", {str(n): 3 for n in range(1, 11)})
    assert result.total == 9


@pytest.mark.parametrize(
    ("key", "index", "item_score"),
    [
        ("1", 0, 0),
        ("1", 3, 3),
        ("2", 1, 1),
        ("4", 3, 3),
        ("3", 0, 3),
        ("3", 3, 0),
        ("5", 1, 2),
        ("6", 2, 1),
        ("10", 0, 3),
        ("10", 3, 0),
    ],
)
def test_epds_option_position_maps_to_published_item_score(key: str, index: int, item_score: int) -> None:
    (item,) = [a for a in describe_answers("epds", {key: index}) if a.key == key]
    assert item.score == item_score


@pytest.mark.parametrize(
    ("index", "flagged"),
    [(0, True), (1, True), (2, True), (3, False)],
)
def test_epds_item10_above_zero_flags_self_harm(index: int, flagged: bool) -> None:
    # "Never" (last option) scores 0; "Hardly ever" already scores 1.
    answers = {**epds_total_answers(0), "10": index}
    assert ("self_harm" in score("epds", answers).flags) is flagged


@pytest.mark.parametrize(
    ("items_3_4_5", "subscale", "flagged"),
    [((2, 2, 0), 4, False), ((2, 2, 1), 5, True), ((3, 3, 3), 9, True)],
)
def test_epds_3a_anxiety_flag_at_five(
    items_3_4_5: tuple[int, int, int], subscale: int, flagged: bool
) -> None:
    scores = {str(n): 0 for n in range(1, 11)}
    scores.update(dict(zip(("3", "4", "5"), items_3_4_5, strict=True)))
    result = score("epds", epds_answers(scores))
    assert result.subscales["epds3a"] == subscale
    assert ("epds_anxiety" in result.flags) is flagged


def test_epds_3a_is_none_when_one_of_its_items_is_missing() -> None:
    result = score("epds", epds_answers({"3": 3, "4": 3}))
    assert result.subscales["epds3a"] is None
    assert "epds_anxiety" in result.flags  # 6 already, whatever item 5 says


def test_epds_is_disabled_by_default_and_others_enabled() -> None:
    assert {code: i.enabled_by_default for code, i in INSTRUMENTS.items()} == {
        "epds": False,
        "phq9": True,
        "gad7": True,
        "pcptsd5": True,
        "asq": True,
        "perinatal": True,
        "auditc": True,
        "nida1": True,
        "hark": True,
    }


# --- PC-PTSD-5 -----------------------------------------------------------------------------


def test_pcptsd5_gate_no_scores_zero_negative_with_nothing_expected() -> None:
    result = score("pcptsd5", {"gate": False})
    assert (result.total, result.band, result.expected, result.answered) == (
        0,
        "negative",
        0,
        0,
    )


def test_pcptsd5_gate_no_ignores_stale_item_answers() -> None:
    answers = {"gate": False, **{str(n): True for n in range(1, 6)}}
    result = score("pcptsd5", answers)
    assert (result.total, result.band) == (0, "negative")
    assert [a.key for a in result.item_answers] == ["gate"]


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({}, ("gate",)),
        ({"gate": False}, ("gate",)),
        ({"gate": None}, ("gate",)),
        ({"gate": True}, ("gate", "1", "2", "3", "4", "5")),
    ],
)
def test_pcptsd5_items_shown_only_after_gate_yes(
    answers: dict[str, bool | None], shown: tuple[str, ...]
) -> None:
    assert visible_items("pcptsd5", answers) == shown


def test_pcptsd5_gate_declined_leaves_screen_incomplete() -> None:
    result = score("pcptsd5", {"gate": None})
    assert (result.total, result.band, result.expected) == (None, "incomplete", 5)


@pytest.mark.parametrize(
    ("yes_count", "band"), [(0, "negative"), (2, "negative"), (3, "positive"), (5, "positive")]
)
def test_pcptsd5_default_cutoff_is_three(yes_count: int, band: str) -> None:
    result = score("pcptsd5", pcptsd5_answers(yes_count))
    assert (result.total, result.band, result.cutoff) == (yes_count, band, 3)


@pytest.mark.parametrize(("yes_count", "band"), [(3, "negative"), (4, "positive")])
def test_pcptsd5_custom_cutoff_four(yes_count: int, band: str) -> None:
    result = score("pcptsd5", pcptsd5_answers(yes_count), pcptsd5_cutoff=4)
    assert (result.band, result.cutoff) == (band, 4)


@pytest.mark.parametrize("cutoff", [0, 6, -1, True, "3", 3.0])
def test_pcptsd5_rejects_invalid_cutoff(cutoff: object) -> None:
    with pytest.raises(ValueError, match="cut-off"):
        score("pcptsd5", pcptsd5_answers(3), pcptsd5_cutoff=cutoff)  # type: ignore[arg-type]


def test_cutoff_option_is_ignored_by_other_instruments() -> None:
    result = score("phq9", phq9_answers(10), pcptsd5_cutoff=4)
    assert (result.band, result.cutoff) == ("moderate", None)


# --- ASQ -----------------------------------------------------------------------------------

ALL_NO = {"1": False, "2": False, "3": False, "4": False}


def test_asq_all_no_is_negative_without_acuity_question() -> None:
    result = score("asq", ALL_NO)
    assert (result.band, result.flags, result.expected) == ("negative", frozenset(), 4)
    assert "5" not in visible_items("asq", ALL_NO)


def test_asq_one_yes_then_acuity_no_is_non_acute_positive() -> None:
    result = score("asq", {**ALL_NO, "3": True, "5": False})
    assert result.band == "positive"
    assert result.flags == frozenset({"self_harm"})


def test_asq_refusal_counts_as_positive() -> None:
    result = score("asq", {**ALL_NO, "2": None, "5": False})
    assert result.band == "positive"
    assert result.flags == frozenset({"self_harm", "self_harm_item_declined"})


def test_asq_acuity_yes_is_acute_positive() -> None:
    result = score("asq", {**ALL_NO, "1": True, "5": True})
    assert result.band == "acute_positive"
    assert result.flags == frozenset({"self_harm", "acute"})


def test_asq_acuity_refused_after_positive_is_read_as_acute() -> None:
    result = score("asq", {**ALL_NO, "4": True, "5": None})
    assert result.band == "acute_positive"
    assert "acute" in result.flags


def test_asq_acuity_unanswered_after_positive_is_its_own_result_never_non_acute() -> None:
    result = score("asq", {**ALL_NO, "1": True})
    assert (result.band, result.answered, result.expected) == ("positive_acuity_unanswered", 4, 5)
    assert result.flags == frozenset({"self_harm", "acuity_unanswered"})
    assert result.band_label == "Positive screen; the 'right now' question was not answered"


def test_asq_acuity_answered_no_after_positive_is_non_acute_positive() -> None:
    result = score("asq", {**ALL_NO, "1": True, "5": False})
    assert result.band == "positive"
    assert result.band_label == "Non-acute positive screen (potential risk)"


def test_asq_yes_decides_positive_before_other_items_are_answered() -> None:
    assert score("asq", {"1": True}).band == "positive_acuity_unanswered"


@pytest.mark.parametrize("key", ["1", "2", "3", "4"])
def test_a_declined_asq_question_is_marked_declined(key) -> None:
    result = score("asq", {**ALL_NO, key: None, "5": False})
    declined = [s for s in result.flag_sources if s.flag == "self_harm_item_declined"]
    assert [(s.item_key, s.answer_label) for s in declined] == [(key, PREFER_NOT_TO_ANSWER)]


def test_a_declined_asq_right_now_question_is_acute_and_declined() -> None:
    result = score("asq", {**ALL_NO, "1": True, "5": None})
    assert result.band == "acute_positive"
    assert {"acute", "self_harm_item_declined"} <= result.flags


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({}, ("1", "2", "3", "4")),
        ({"1": False, "2": False}, ("1", "2", "3", "4")),
        (ALL_NO, ("1", "2", "3", "4")),
        ({"2": True}, ("1", "2", "3", "4", "5")),
        ({"4": None}, ("1", "2", "3", "4", "5")),
    ],
)
def test_asq_acuity_question_shown_after_yes_or_refusal(
    answers: dict[str, bool | None], shown: tuple[str, ...]
) -> None:
    assert visible_items("asq", answers) == shown


def test_asq_partial_no_answers_are_incomplete() -> None:
    result = score("asq", {"1": False, "2": False})
    assert (result.band, result.flags) == ("incomplete", frozenset())


def test_asq_stale_acuity_answer_is_ignored_when_all_no() -> None:
    assert score("asq", {**ALL_NO, "5": True}).band == "negative"


def test_asq_has_no_total() -> None:
    result = score("asq", ALL_NO)
    assert (result.total, result.lower_bound, result.complete) == (None, None, True)


def test_asq_sources_name_every_triggering_item() -> None:
    result = score("asq", {**ALL_NO, "1": True, "3": None, "5": True})
    assert [(s.flag, s.item_key, s.answer_label) for s in result.flag_sources] == [
        ("self_harm", "1", "Yes"),
        ("self_harm", "3", PREFER_NOT_TO_ANSWER),
        ("acute", "5", "Yes"),
        ("self_harm_item_declined", "3", PREFER_NOT_TO_ANSWER),
    ]


# --- Incomplete answers --------------------------------------------------------------------


def test_incomplete_phq9_has_no_total_and_reports_lower_bound() -> None:
    answers = {**phq9_answers(0), "1": 3, "2": 3, "3": 3, "4": 3}
    del answers["9"]
    result = score("phq9", answers)
    assert (result.total, result.band) == (None, "incomplete")
    assert (result.lower_bound, result.answered, result.expected) == (12, 8, 9)


def test_declined_item_makes_total_incomplete_and_is_counted_apart() -> None:
    result = score("phq9", {**phq9_answers(6), "1": None})
    assert (result.total, result.band, result.lower_bound) == (None, "incomplete", 3)
    assert (result.answered, result.declined, result.missing) == (8, 1, 0)


def test_empty_answers_are_incomplete_with_zero_lower_bound() -> None:
    result = score("gad7", {})
    assert (result.total, result.lower_bound, result.answered, result.expected) == (
        None,
        0,
        0,
        7,
    )


def test_complete_lower_bound_equals_total() -> None:
    result = score("gad7", gad7_answers(11))
    assert result.lower_bound == result.total == 11


def test_incomplete_pcptsd5_reports_partial_yes_count() -> None:
    result = score("pcptsd5", {"gate": True, "1": True, "2": True, "3": None})
    assert (result.total, result.band, result.lower_bound) == (None, "incomplete", 2)
    assert (result.answered, result.declined, result.expected) == (2, 1, 5)


# --- Invalid input -------------------------------------------------------------------------


def test_unknown_instrument_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="Unknown instrument code 'bdi'"):
        score("bdi", {})


def test_unknown_item_key_is_rejected() -> None:
    with pytest.raises(InvalidAnswersError, match="unknown item key '10'") as error:
        score("phq9", {"10": 0})
    assert error.value.item_key == "10"


@pytest.mark.parametrize(
    ("code", "answers", "message"),
    [
        ("phq9", {"1": 4}, "out of range 0-3"),
        ("phq9", {"1": -1}, "out of range 0-3"),
        ("phq9", {"1": True}, "expected an option index"),
        ("phq9", {"1": "2"}, "expected an option index"),
        ("phq9", {"1": 1.0}, "expected an option index"),
        ("epds", {"10": False}, "expected an option index"),
        ("pcptsd5", {"gate": 1}, "expected True, False or None"),
        ("asq", {"1": "yes"}, "expected True, False or None"),
        ("asq", {"5": 0}, "expected True, False or None"),
    ],
)
def test_invalid_answer_value_is_rejected(code: str, answers: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        score(code, answers)


def test_non_mapping_answers_are_rejected() -> None:
    with pytest.raises(ValueError, match="must be a mapping"):
        score("gad7", [0, 1, 2])  # type: ignore[arg-type]


def test_visible_items_validates_answers() -> None:
    with pytest.raises(ValueError, match="unknown item key"):
        visible_items("asq", {"6": True})


# --- Descriptions for the therapist view and PDF -------------------------------------------


def test_describe_answers_gives_wording_label_and_score() -> None:
    item3 = describe_answers("epds", {"3": 0})[2]
    assert (item3.text, item3.answer_label, item3.score, item3.reverse) == (
        "I have blamed myself unnecessarily when things went wrong",
        "Yes, most of the time",
        3,
        True,
    )


def test_describe_answers_lists_unanswered_items_as_missing() -> None:
    described = describe_answers("gad7", {"1": 0})
    assert [a.status for a in described] == [AnswerStatus.ANSWERED] + [AnswerStatus.MISSING] * 6


def test_describe_answers_labels_declined_items() -> None:
    (item,) = [a for a in describe_answers("gad7", {"2": None}) if a.key == "2"]
    assert (item.status, item.answer_label, item.score) == (
        AnswerStatus.DECLINED,
        PREFER_NOT_TO_ANSWER,
        None,
    )


# --- Definitions ---------------------------------------------------------------------------


def test_instruments_for_step_puts_epds_first_when_enabled() -> None:
    assert [i.code for i in instruments_for_step(epds_enabled=True)] == [
        "epds",
        "phq9",
        "gad7",
        "pcptsd5",
        "asq",
        "perinatal",
        "auditc",
        "nida1",
    ]


def test_instruments_for_step_leaves_epds_out_when_disabled() -> None:
    assert [i.code for i in instruments_for_step(epds_enabled=False)] == [
        "phq9",
        "gad7",
        "pcptsd5",
        "asq",
        "perinatal",
        "auditc",
        "nida1",
    ]


def test_hark_is_never_asked_on_the_questionnaire_step() -> None:
    assert "hark" not in {i.code for i in instruments_for_step(epds_enabled=True)}


@pytest.mark.parametrize("instrument", [PHQ9, GAD7, EPDS], ids=lambda i: i.code)
def test_sum_bands_cover_every_possible_total_once(instrument) -> None:
    assert instrument.scoring is ScoringRule.SUM_BANDS
    for total in range(instrument.max_total + 1):
        assert sum(band.contains(total) for band in instrument.bands) == 1, total
    scored = [i for i in instrument.items if i.scored]
    assert sum(max(o.score for o in i.options) for i in scored) == instrument.max_total


def test_epds_reversed_items_are_exactly_the_published_ones() -> None:
    assert {item.key for item in EPDS.items if item.reverse} == EPDS_REVERSED


def test_frequency_options_carry_loinc_answer_codes_in_order() -> None:
    assert [(o.label, o.score, o.loinc_answer) for o in FREQUENCY_OPTIONS] == [
        ("Not at all", 0, "LA6568-5"),
        ("Several days", 1, "LA6569-3"),
        ("More than half the days", 2, "LA6570-1"),
        ("Nearly every day", 3, "LA6571-9"),
    ]


@pytest.mark.parametrize(
    ("instrument", "panel", "total"),
    [
        (PHQ9, "44249-1", "44261-6"),
        (GAD7, "69737-5", "70274-6"),
        (EPDS, "71354-5", "99046-5"),
        (PCPTSD5, None, "102017-1"),
        (ASQ, None, None),
    ],
    ids=lambda value: getattr(value, "code", value),
)
def test_loinc_codes_match_clinical_facts(instrument, panel: str | None, total: str | None) -> None:
    assert (instrument.loinc_panel, instrument.loinc_total) == (panel, total)


def test_phq9_item9_loinc_code() -> None:
    assert PHQ9.item("9").loinc == "44260-8"


def test_publisher_stems() -> None:
    assert PHQ9.stem == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert EPDS.stem == "In the past 7 days:"
    assert PCPTSD5.stem == "In the past month, have you..."


def test_asq_wording_matches_nimh_toolkit() -> None:
    assert [item.text for item in ASQ.items] == [
        "In the past few weeks, have you wished you were dead?",
        "In the past few weeks, have you felt that you or your family would be better off if you were dead?",
        "In the past week, have you been having thoughts about killing yourself?",
        "Have you ever tried to kill yourself?",
        "Are you having thoughts of killing yourself right now?",
    ]


def test_instruments_import_without_django() -> None:
    # The definitions must load where Django settings are not configured (and not imported).
    code = "import sys, intake.instruments, intake.risk_rules; sys.exit('django' in sys.modules)"
    completed = subprocess.run(  # noqa: S603 - fixed command, no user input
        [sys.executable, "-c", code], cwd=REPO_ROOT, check=False, capture_output=True
    )
    assert completed.returncode == 0, completed.stderr.decode()
