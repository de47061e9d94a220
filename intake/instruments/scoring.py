"""Validation, skip logic and scoring, driven entirely by the instrument definitions.

Answers map item keys to the client's choice:
- a CHOICE item: the 0-based index of the option in publisher order (an int, never a bool);
- a YES_NO item: True or False;
- any item: None for "prefer not to answer".
A key that is absent has simply not been answered yet.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .base import (
    BAND_ACUITY_UNANSWERED,
    BAND_INCOMPLETE,
    FLAG_ACUITY_UNANSWERED,
    Instrument,
    Item,
    ItemKind,
    ScoringRule,
)
from .registry import get_instrument

type Answer = int | bool | None
type Answers = Mapping[str, Answer]

# Shown for an item the client chose not to answer. Practice wording, not publisher wording.
PREFER_NOT_TO_ANSWER = "Prefer not to answer"


class InvalidAnswersError(ValueError):
    """Answers that do not fit the instrument. `item_key` names the offending item, if any."""

    def __init__(self, message: str, *, item_key: str | None = None) -> None:
        super().__init__(message)
        self.item_key = item_key


class AnswerStatus(StrEnum):
    """What the client did with a question that is (or may yet be) shown."""

    ANSWERED = "answered"
    DECLINED = "declined"  # chose "prefer not to answer"
    MISSING = "missing"  # not answered yet


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    """One shown question with the client's answer, for the therapist view and the PDF."""

    key: str
    text: str
    status: AnswerStatus
    answer: Answer
    answer_label: str | None  # the option's label, PREFER_NOT_TO_ANSWER, or None if missing
    score: int | None  # None if unscored, declined or missing
    scored: bool
    reverse: bool


@dataclass(frozen=True, slots=True)
class FlagSource:
    """What raised a flag: an item and its answer, or a subscale and its (partial) sum."""

    flag: str
    item_key: str | None
    answer_label: str | None
    score: int | None
    subscale: str | None = None


@dataclass(frozen=True)
class Result:
    """The scored result of one instrument."""

    code: str
    # None until every expected scored item has an answer (always None for the ASQ, which
    # has no total).
    total: int | None
    # The sum of the scored answers given so far: equal to `total` when complete, a floor on
    # it when not. None for the ASQ.
    lower_bound: int | None
    answered: int  # expected scored items with a real answer
    declined: int  # expected scored items answered "prefer not to answer"
    # Scored items that are shown, or may still be shown, given the answers so far; items a
    # settled skip rule has ruled out (PC-PTSD-5 after "no" to the gate) do not count.
    expected: int
    band: str
    flags: frozenset[str]
    subscales: Mapping[str, int | None]
    # The positivity cut-off in force (PC-PTSD-5), else None.
    cutoff: int | None
    # Triage threshold for ELEVATED, compared with `lower_bound` (see intake.risk_rules).
    elevated_at: int | None
    flag_sources: tuple[FlagSource, ...]
    item_answers: tuple[ItemAnswer, ...]

    @property
    def complete(self) -> bool:
        """Whether the result is final (a total, or a decided ASQ screen)."""
        return self.band != BAND_INCOMPLETE

    @property
    def missing(self) -> int:
        """Expected scored items not yet answered at all."""
        return self.expected - self.answered - self.declined

    @property
    def instrument(self) -> Instrument:
        """The definition this result was scored against."""
        return get_instrument(self.code)

    @property
    def band_label(self) -> str:
        """Human label for the band."""
        return self.instrument.band_label(self.band)


def _validate(instrument: Instrument, answers: object) -> Answers:
    if not isinstance(answers, Mapping):
        raise InvalidAnswersError(
            f"{instrument.short_name}: answers must be a mapping of item key to answer, "
            f"not {type(answers).__name__}."
        )
    for key, value in answers.items():
        if not isinstance(key, str) or not instrument.has_item(key):
            known = ", ".join(instrument.item_keys)
            raise InvalidAnswersError(
                f"{instrument.short_name}: unknown item key {key!r}; expected one of {known}.",
                item_key=key if isinstance(key, str) else None,
            )
        if value is None:
            continue
        item = instrument.item(key)
        if item.kind is ItemKind.CHOICE:
            # bool is a subclass of int: without this check True would quietly mean option 1.
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidAnswersError(
                    f"{instrument.short_name} item {key}: expected an option index (int) or "
                    f"None, got {value!r}.",
                    item_key=key,
                )
            if not 0 <= value < len(item.options):
                raise InvalidAnswersError(
                    f"{instrument.short_name} item {key}: option index {value} is out of "
                    f"range 0-{len(item.options) - 1}.",
                    item_key=key,
                )
        elif not isinstance(value, bool):
            raise InvalidAnswersError(
                f"{instrument.short_name} item {key}: expected True, False or None, got {value!r}.",
                item_key=key,
            )
    return answers


def _shown(item: Item, answers: Answers) -> bool:
    return item.shown_when is None or item.shown_when.matches(answers)


def _still_possible(item: Item, answers: Answers) -> bool:
    """Shown, or hidden only because an answer it depends on is still missing or declined."""
    if item.shown_when is None:
        return True
    return item.shown_when.matches(answers) or not item.shown_when.is_settled(answers)


def _describe(instrument: Instrument, answers: Answers) -> tuple[ItemAnswer, ...]:
    return tuple(_item_answer(item, answers) for item in instrument.items if _shown(item, answers))


def _item_answer(item: Item, answers: Answers) -> ItemAnswer:
    if item.key not in answers:
        status, answer, label, item_score = AnswerStatus.MISSING, None, None, None
    elif answers[item.key] is None:
        status, answer, label, item_score = (
            AnswerStatus.DECLINED,
            None,
            PREFER_NOT_TO_ANSWER,
            None,
        )
    else:
        answer = answers[item.key]
        option = item.option_for(answer)  # type: ignore[arg-type]
        status, label, item_score = AnswerStatus.ANSWERED, option.label, option.score
    return ItemAnswer(
        key=item.key,
        text=item.text,
        status=status,
        answer=answer,
        answer_label=label,
        score=item_score if item.scored else None,
        scored=item.scored,
        reverse=item.reverse,
    )


def visible_items(code: str, answers: Answers) -> tuple[str, ...]:
    """Keys of the items to show now, in order, given the answers so far.

    PC-PTSD-5 items 1-5 appear only after "yes" to the gate; ASQ item 5 only after a yes to,
    or a refusal of, any of items 1-4. Raises ValueError for an unknown code or bad answers.
    """
    instrument = get_instrument(code)
    answers = _validate(instrument, answers)
    return tuple(item.key for item in instrument.items if _shown(item, answers))


def describe_answers(code: str, answers: Answers) -> tuple[ItemAnswer, ...]:
    """Each shown item with its wording, answer label and score, in order.

    Answers to items a skip rule hides (a stale ASQ item 5, PC-PTSD-5 items after "no") are
    left out, exactly as scoring ignores them.
    """
    instrument = get_instrument(code)
    return _describe(instrument, _validate(instrument, answers))


def _resolve_cutoff(instrument: Instrument, requested: int | None) -> int | None:
    if instrument.cutoff is None:
        # Accepted for every code so callers can pass the practice setting uniformly.
        return None
    if requested is None or not instrument.cutoff.practice_setting:
        return instrument.cutoff.default
    bounds = instrument.cutoff
    if (
        isinstance(requested, bool)
        or not isinstance(requested, int)
        or not bounds.minimum <= requested <= bounds.maximum
    ):
        raise ValueError(
            f"{instrument.short_name} cut-off must be an int from {bounds.minimum} to "
            f"{bounds.maximum}, got {requested!r}."
        )
    return requested


def score(code: str, answers: Answers, *, pcptsd5_cutoff: int | None = None) -> Result:
    """Score one instrument.

    `pcptsd5_cutoff` (1-5, default 3) is the PC-PTSD-5 positivity cut-off; it is accepted
    for every code and ignored by the others. Safety flags are evaluated on whatever has been
    answered, complete or not. Raises ValueError for an unknown code or invalid answers.
    """
    instrument = get_instrument(code)
    answers = _validate(instrument, answers)
    cutoff = _resolve_cutoff(instrument, pcptsd5_cutoff)

    expected_items = [item for item in instrument.items if item.scored and _still_possible(item, answers)]
    scored = [_item_answer(item, answers) for item in expected_items]
    answered = sum(1 for a in scored if a.status is AnswerStatus.ANSWERED)
    declined = sum(1 for a in scored if a.status is AnswerStatus.DECLINED)
    partial = sum(a.score for a in scored if a.score is not None)
    complete = answered == len(scored)

    flags, sources = _item_flags(instrument, answers)
    if instrument.scoring is ScoringRule.ANY_YES_WITH_ACUITY:
        band, screen_flags, screen_sources = _any_yes_with_acuity(instrument, answers)
        flags, sources = screen_flags | flags, screen_sources + sources
        total = lower_bound = None
    elif instrument.scoring is ScoringRule.WARNING_SIGNS:
        band = _warning_signs(instrument, answers, sources, missing=len(scored) - answered - declined)
        total = lower_bound = None
    else:
        total = partial if complete else None
        lower_bound = partial
        band = _band(instrument, total, cutoff)

    subscales, sub_flags, sub_sources = _subscales(instrument, answers)
    elevated_at = cutoff if instrument.elevated_at_cutoff else instrument.elevated_at
    return Result(
        code=instrument.code,
        total=total,
        lower_bound=lower_bound,
        answered=answered,
        declined=declined,
        expected=len(scored),
        band=band,
        flags=frozenset(flags | sub_flags),
        subscales=subscales,
        cutoff=cutoff,
        elevated_at=elevated_at,
        flag_sources=sources + sub_sources,
        item_answers=_describe(instrument, answers),
    )


def _band(instrument: Instrument, total: int | None, cutoff: int | None) -> str:
    if total is None:
        return BAND_INCOMPLETE
    if instrument.scoring is ScoringRule.SUM_CUTOFF:
        assert cutoff is not None  # noqa: S101 - guaranteed by _resolve_cutoff
        return "positive" if total >= cutoff else "negative"
    for band in instrument.bands:
        if band.contains(total):
            return band.slug
    raise AssertionError(f"{instrument.code}: no band for total {total}")  # definition bug


def _item_flags(instrument: Instrument, answers: Answers) -> tuple[set[str], tuple[FlagSource, ...]]:
    flags: set[str] = set()
    sources: list[FlagSource] = []
    for rule in instrument.flag_rules:
        item = instrument.item(rule.item_key)
        if not _shown(item, answers) or rule.item_key not in answers:
            continue
        described = _item_answer(item, answers)
        # The option's own score, so an unscored item (never summed) can still raise a flag.
        option_score = None if described.answer is None else item.option_for(described.answer).score
        if described.status is AnswerStatus.DECLINED:
            raised = rule.declined_flag
        elif rule.flag is not None and option_score is not None and option_score >= rule.min_score:
            raised = rule.flag
        else:
            raised = None
        if raised is not None:
            flags.add(raised)
            sources.append(FlagSource(raised, item.key, described.answer_label, described.score))
    return flags, tuple(sources)


# The bands of a WARNING_SIGNS instrument, by slug.
BAND_WARNING_SIGNS = "positive"
BAND_NOTICE = "notice"
BAND_NONE = "negative"


def _warning_signs(
    instrument: Instrument, answers: Answers, sources: tuple[FlagSource, ...], *, missing: int
) -> str:
    """Positive on any sign its flag rules raise (a refusal is not a sign: it has its own
    flag); else, once every question shown has an answer, the notice item's "yes" or none."""
    signs = {rule.flag for rule in instrument.flag_rules if rule.flag is not None}
    if any(source.flag in signs for source in sources):
        return BAND_WARNING_SIGNS
    if missing:
        return BAND_INCOMPLETE
    if instrument.notice_item is not None and answers.get(instrument.notice_item) is True:
        return BAND_NOTICE
    return BAND_NONE


def _any_yes_with_acuity(
    instrument: Instrument, answers: Answers
) -> tuple[str, set[str], tuple[FlagSource, ...]]:
    """ASQ: any yes, or any refusal, on the screening items is a positive screen; then the
    acuity item decides acute (imminent risk) or non-acute."""
    assert instrument.acuity_item is not None  # noqa: S101 - definition invariant
    assert instrument.positive_flag is not None  # noqa: S101
    assert instrument.acute_flag is not None  # noqa: S101
    screening = [i for i in instrument.items if i.key != instrument.acuity_item]
    triggers = [
        _item_answer(item, answers)
        for item in screening
        if item.key in answers and answers[item.key] is not False
    ]
    if not triggers:
        if all(answers.get(item.key) is False for item in screening):
            return "negative", set(), ()
        return BAND_INCOMPLETE, set(), ()

    flags = {instrument.positive_flag}
    sources = [FlagSource(instrument.positive_flag, t.key, t.answer_label, None) for t in triggers]
    acuity = _item_answer(instrument.item(instrument.acuity_item), answers)
    # A refusal of the acuity question after a positive screen is read as acute: we cannot
    # rule out imminent risk, and the cost of a needless same-day call is far lower than
    # the cost of missing one.
    if acuity.status is AnswerStatus.DECLINED or acuity.answer is True:
        flags.add(instrument.acute_flag)
        sources.append(FlagSource(instrument.acute_flag, acuity.key, acuity.answer_label, None))
        return "acute_positive", flags, tuple(sources)
    # Never answered is not "no": it is its own result, which triage reads by whether the
    # intake has been sent (CLINICAL.md).
    if acuity.status is AnswerStatus.MISSING:
        flags.add(FLAG_ACUITY_UNANSWERED)
        sources.append(FlagSource(FLAG_ACUITY_UNANSWERED, acuity.key, None, None))
        return BAND_ACUITY_UNANSWERED, flags, tuple(sources)
    return "positive", flags, tuple(sources)


def _subscales(
    instrument: Instrument, answers: Answers
) -> tuple[Mapping[str, int | None], set[str], tuple[FlagSource, ...]]:
    values: dict[str, int | None] = {}
    flags: set[str] = set()
    sources: list[FlagSource] = []
    for subscale in instrument.subscales:
        described = [_item_answer(instrument.item(k), answers) for k in subscale.item_keys]
        partial = sum(a.score for a in described if a.score is not None)
        complete = all(a.status is AnswerStatus.ANSWERED for a in described)
        values[subscale.key] = partial if complete else None
        # Like the safety flags, judged on what was answered: a partial sum already at the
        # threshold can only grow.
        if subscale.flag and subscale.flag_at is not None and partial >= subscale.flag_at:
            flags.add(subscale.flag)
            sources.append(FlagSource(subscale.flag, None, None, partial, subscale.key))
    return MappingProxyType(values), flags, tuple(sources)
