"""The triage rules: risk levels from scored screening results, their one order, and what
each level means for the crisis panel and the front desk. Pure Python, no Django.

Levels (CLINICAL.md), highest first:
- URGENT: ASQ acute positive; an ASQ positive screen whose "right now" question is still
  unanswered once the intake is sent; an urge or plan to act on thoughts of harm to the baby;
  a warning sign of postpartum psychosis in pregnancy or within a year of a birth (or when the
  history cannot rule that out). Outside that window the same sign is HIGH.
- HIGH: any other self-harm signal (PHQ-9 item 9 > 0, EPDS item 10 > 0, ASQ non-acute
  positive, ASQ positive with the "right now" question unanswered in a draft, self-harm ticked
  in the symptom checklist).
- ELEVATED: PHQ-9 >= 15, GAD-7 >= 15, EPDS >= 13, PC-PTSD-5 positive, or a suicide-risk item
  declined (PHQ-9 item 9, EPDS item 10, any ASQ question answered "prefer not to answer"), or
  one of the perinatal safety questions (urge to act, warning signs) declined.
Unwanted thoughts of harm to the baby without any urge to act carry no level at all.
- ROUTINE otherwise.
Which item or total means what lives in the instrument definitions (flags, elevated_at); this
module only combines them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from intake.instruments import (
    FLAG_ACUITY_UNANSWERED,
    FLAG_ACUTE,
    FLAG_HARM_URGE,
    FLAG_PSYCHOSIS_SIGN,
    FLAG_SAFETY_ITEM_DECLINED,
    FLAG_SELF_HARM,
    FLAG_SELF_HARM_ITEM_DECLINED,
    Result,
    get_instrument,
)

CHECKLIST = "checklist"


class RiskLevel(StrEnum):
    """Triage level. Compares by severity, not alphabetically."""

    ROUTINE = "routine"
    ELEVATED = "elevated"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """0 for ROUTINE up to 3 for URGENT."""
        return _RANK[self]

    # StrEnum would otherwise compare as strings ("high" < "routine"). Coercing `other` also
    # stops a plain str on the other side from falling back to string comparison.
    def __lt__(self, other: object) -> bool:
        return self.rank < RiskLevel(other).rank

    def __le__(self, other: object) -> bool:
        return self.rank <= RiskLevel(other).rank

    def __gt__(self, other: object) -> bool:
        return self.rank > RiskLevel(other).rank

    def __ge__(self, other: object) -> bool:
        return self.rank >= RiskLevel(other).rank


_RANK = {level: rank for rank, level in enumerate(RiskLevel)}
# The one order every list of intakes, flags and priorities follows: most severe first.
MOST_SEVERE_FIRST: tuple[RiskLevel, ...] = tuple(sorted(RiskLevel, key=_RANK.__getitem__, reverse=True))


def queue_position(level: "RiskLevel | str | None") -> int:
    """0 for URGENT, then HIGH, ELEVATED and ROUTINE: where a level sorts in a queue (an
    unknown or missing level sorts as ROUTINE)."""
    try:
        return MOST_SEVERE_FIRST.index(RiskLevel(level))
    except ValueError:
        return MOST_SEVERE_FIRST.index(RiskLevel.ROUTINE)


# What a level means beyond the therapists' queue.
# Levels a risk flag is raised at, least severe first (the order flags are raised in).
FLAG_LEVELS: tuple[RiskLevel, ...] = tuple(level for level in reversed(MOST_SEVERE_FIRST) if level.rank > 0)
# Levels that call for the same-day review, the on-call alert and the client's crisis panel.
SAME_DAY_LEVELS: tuple[RiskLevel, ...] = (RiskLevel.HIGH, RiskLevel.URGENT)


def needs_crisis_resources(level: "RiskLevel | str") -> bool:
    return RiskLevel(level) in SAME_DAY_LEVELS


# Levels the front desk may see, as a priority with no clinical meaning attached.
PRIORITY_URGENT = "urgent"
PRIORITY_HIGH = "high"
PRIORITY_ROUTINE = "routine"
_PRIORITY_FOR_LEVEL = {
    RiskLevel.URGENT: PRIORITY_URGENT,
    RiskLevel.HIGH: PRIORITY_HIGH,
    # Severe scores without a safety signal still deserve an earlier first appointment.
    RiskLevel.ELEVATED: PRIORITY_HIGH,
    RiskLevel.ROUTINE: PRIORITY_ROUTINE,
}


def priority_for_level(level: str | None) -> str:
    """The front desk's priority for a stored risk level."""
    return _PRIORITY_FOR_LEVEL[RiskLevel(level or RiskLevel.ROUTINE)]


def priority_position(priority: str) -> int:
    """Where a front-desk priority sorts in a queue: at the most severe level it stands for,
    so requests follow the same order as the therapists' queue."""
    positions = [queue_position(level) for level, mapped in _PRIORITY_FOR_LEVEL.items() if mapped == priority]
    return min(positions, default=len(RiskLevel))


class ReasonRule(StrEnum):
    """Which triage rule a reason comes from (a stable slug for display and translation)."""

    ACUTE_POSITIVE = "acute_positive"
    ACUITY_UNANSWERED = "acuity_unanswered"
    SELF_HARM_ANSWER = "self_harm_answer"
    ITEM_DECLINED = "item_declined"
    CHECKLIST_SELF_HARM = "checklist_self_harm"
    TOTAL_AT_THRESHOLD = "total_at_threshold"
    HARM_URGE = "harm_urge"
    PSYCHOSIS_SIGN = "psychosis_sign"


# The rules whose answers can be a medical emergency: the crisis panel then says so, with 911
# and 988 first (CLINICAL.md).
MEDICAL_EMERGENCY_RULES = frozenset({ReasonRule.HARM_URGE, ReasonRule.PSYCHOSIS_SIGN})

# Declined items read as "a safety item declined" (ELEVATED).
_DECLINED_FLAGS = frozenset({FLAG_SELF_HARM_ITEM_DECLINED, FLAG_SAFETY_ITEM_DECLINED})


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing that raised the level."""

    level: RiskLevel
    rule: ReasonRule
    source: str  # instrument code, or "checklist"
    item_key: str | None
    answer: str | None  # the answer label as shown to the client, if an item raised it
    why: str  # short English explanation for staff


@dataclass(frozen=True, slots=True)
class Assessment:
    """The triage level and every reason for it, most severe first."""

    level: RiskLevel
    reasons: tuple[Reason, ...]


def max_level(a: RiskLevel | str, b: RiskLevel | str) -> RiskLevel:
    """The more severe of two levels. Use it when updating a stored level, so an edited
    answer never lowers a raised flag (only a therapist's acknowledgement does)."""
    a, b = RiskLevel(a), RiskLevel(b)
    return a if a >= b else b


def assess_risk(
    results: Mapping[str, Result],
    *,
    checklist_self_harm: bool | None,
    sent: bool = False,
    perinatal: bool = True,
) -> Assessment:
    """Triage the scored results (keyed by instrument code) and the symptom checklist.

    `checklist_self_harm` is None when the checklist was not answered. `sent` is whether the
    client has sent the intake: an unanswered ASQ "right now" question can still be answered
    in a draft, but not once it is sent. `perinatal` is whether she is pregnant or within a
    year of a birth, or her history cannot rule it out (the safer reading, the default).
    Raises ValueError if a key does not match its result's code.
    """
    reasons: list[Reason] = []
    for code, result in results.items():
        if code != result.code:
            raise ValueError(f"Result for {result.code!r} filed under {code!r}.")
        reasons.extend(_reasons_for(result, sent=sent, perinatal=perinatal))
    if checklist_self_harm:
        reasons.append(
            Reason(
                level=RiskLevel.HIGH,
                rule=ReasonRule.CHECKLIST_SELF_HARM,
                source=CHECKLIST,
                item_key="self_harm",
                answer=None,
                why="Self-harm ticked in the symptom checklist.",
            )
        )
    # sorted() is stable, so reasons keep instrument order within a level.
    reasons.sort(key=lambda reason: reason.level.rank, reverse=True)
    level = reasons[0].level if reasons else RiskLevel.ROUTINE
    return Assessment(level=level, reasons=tuple(reasons))


def _reasons_for(result: Result, *, sent: bool, perinatal: bool) -> list[Reason]:
    name = get_instrument(result.code).short_name
    reasons: list[Reason] = []
    for source in result.flag_sources:
        if source.flag == FLAG_ACUITY_UNANSWERED:
            reasons.append(
                Reason(
                    level=RiskLevel.URGENT if sent else RiskLevel.HIGH,
                    rule=ReasonRule.ACUITY_UNANSWERED,
                    source=result.code,
                    item_key=source.item_key,
                    answer=None,
                    why=(
                        f"{name} positive screen; item {source.item_key} (thoughts of killing "
                        "yourself right now) was not answered"
                        + (" before the intake was sent." if sent else " yet.")
                    ),
                )
            )
        elif source.flag in _DECLINED_FLAGS:
            reasons.append(
                Reason(
                    level=RiskLevel.ELEVATED,
                    rule=ReasonRule.ITEM_DECLINED,
                    source=result.code,
                    item_key=source.item_key,
                    answer=source.answer_label,
                    why=f"{name} item {source.item_key} declined (prefer not to answer).",
                )
            )
        elif source.flag == FLAG_ACUTE:
            reasons.append(
                Reason(
                    level=RiskLevel.URGENT,
                    rule=ReasonRule.ACUTE_POSITIVE,
                    source=result.code,
                    item_key=source.item_key,
                    answer=source.answer_label,
                    why=f"{name} acute positive screen (item {source.item_key}: {source.answer_label}).",
                )
            )
        elif source.flag == FLAG_SELF_HARM:
            reasons.append(
                Reason(
                    level=RiskLevel.HIGH,
                    rule=ReasonRule.SELF_HARM_ANSWER,
                    source=result.code,
                    item_key=source.item_key,
                    answer=source.answer_label,
                    why=f"{name} item {source.item_key} answered {source.answer_label!r}.",
                )
            )
        elif source.flag == FLAG_HARM_URGE:
            reasons.append(
                Reason(
                    level=RiskLevel.URGENT,
                    rule=ReasonRule.HARM_URGE,
                    source=result.code,
                    item_key=source.item_key,
                    answer=source.answer_label,
                    why="An urge or plan to act on thoughts of harm to the baby.",
                )
            )
        elif source.flag == FLAG_PSYCHOSIS_SIGN:
            reasons.append(
                Reason(
                    level=RiskLevel.URGENT if perinatal else RiskLevel.HIGH,
                    rule=ReasonRule.PSYCHOSIS_SIGN,
                    source=result.code,
                    item_key=source.item_key,
                    answer=source.answer_label,
                    why=(
                        "A warning sign of postpartum psychosis "
                        + (
                            "in pregnancy or within a year of a birth (or the history cannot rule that out)."
                            if perinatal
                            else "outside pregnancy and the year after a birth."
                        )
                    ),
                )
            )
    # The lower bound, not the total: with answers missing, a partial sum already at the
    # threshold proves the full total is too (a PHQ-9 with 15 points from eight items is
    # >= 15 whatever the ninth says). Waiting for completeness would under-triage exactly the
    # clients who stop part-way.
    threshold = result.elevated_at
    if threshold is not None and result.lower_bound is not None and result.lower_bound >= threshold:
        if result.total is not None:
            why = f"{name} total {result.total} is at or above {threshold}."
        else:
            why = (
                f"{name} is incomplete but already scores at least {result.lower_bound}, "
                f"at or above {threshold}."
            )
        reasons.append(
            Reason(
                level=RiskLevel.ELEVATED,
                rule=ReasonRule.TOTAL_AT_THRESHOLD,
                source=result.code,
                item_key=None,
                answer=None,
                why=why,
            )
        )
    return reasons
