"""Building blocks for the declarative screening-instrument definitions.

Everything here is plain, frozen data. The definitions built from it drive the form, the
validation, the scoring, the therapist view, the PDF and the export, so no other module needs
to know anything about a particular instrument. Pure Python on purpose: no Django import, so
the definitions load (and are tested) without settings.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# Flag slugs raised by scoring. Triage (intake.risk_rules) reads these rather than item keys, so the
# knowledge of which item means what stays in the definitions.
FLAG_SELF_HARM = "self_harm"
FLAG_ACUTE = "acute"
FLAG_EPDS_ANXIETY = "epds_anxiety"
# The client chose "prefer not to answer" on a suicide-risk item (PHQ-9 item 9, EPDS item 10,
# any ASQ question). Triage reads it as at least ELEVATED (CLINICAL.md).
FLAG_SELF_HARM_ITEM_DECLINED = "self_harm_item_declined"
# ASQ: a positive screen whose acuity question ("right now") has no answer at all (missing,
# not declined). Triage: HIGH while the intake is a draft, URGENT once it is sent.
FLAG_ACUITY_UNANSWERED = "acuity_unanswered"
# Perinatal safety questions (the practice's own, CLINICAL.md "Safety", perinatal additions).
# An urge or plan to act on thoughts of harm to the baby: URGENT in triage.
FLAG_HARM_URGE = "harm_urge"
# A warning sign of postpartum psychosis: URGENT in pregnancy or within a year of a birth.
FLAG_PSYCHOSIS_SIGN = "psychosis_sign"
# One of those two kinds of question answered "prefer not to answer": ELEVATED, as a declined
# suicide-risk item is.
FLAG_SAFETY_ITEM_DECLINED = "safety_item_declined"
# Points something out to the therapist; triage reads no level from it.
FLAG_ALCOHOL_IN_PREGNANCY = "alcohol_in_pregnancy"

# The band of any result whose total cannot be known yet.
BAND_INCOMPLETE = "incomplete"
# The ASQ's band for a positive screen whose "right now" question has no answer yet.
BAND_ACUITY_UNANSWERED = "positive_acuity_unanswered"


class ItemKind(StrEnum):
    """How an item is answered."""

    CHOICE = "choice"  # answer is the 0-based index of an option, in publisher order
    YES_NO = "yes_no"  # answer is True (yes) or False (no)


class ScoringRule(StrEnum):
    """How an instrument turns item scores into a result."""

    SUM_BANDS = "sum_bands"  # total = sum of item scores, band from score ranges
    SUM_CUTOFF = "sum_cutoff"  # total = sum, positive at or above a configurable cut-off
    ANY_YES_WITH_ACUITY = "any_yes_with_acuity"  # ASQ: any yes/refusal positive, then acuity
    # No total: positive when any flag rule raised its flag; else the notice item's "yes"
    # gives its own band; else negative once everything shown is answered.
    WARNING_SIGNS = "warning_signs"


@dataclass(frozen=True, slots=True)
class Option:
    """One answer option, in the publisher's order."""

    label: str
    score: int | None = None  # None for an unscored item's options
    loinc_answer: str | None = None


# Publisher order on both PC-PTSD-5 and ASQ forms is Yes then No. An answer of True maps to
# the first option, False to the second (see Item.option_for).
YES_NO_OPTIONS: tuple[Option, Option] = (Option("Yes", 1), Option("No", 0))
# For yes/no items that are never summed (the ASQ decides on the pattern of answers).
YES_NO_UNSCORED_OPTIONS: tuple[Option, Option] = (Option("Yes"), Option("No"))


def _same(answer: object, value: object) -> bool:
    # The type too: 1 == True in Python, and a yes must never match option 1.
    return type(answer) is type(value) and answer == value


@dataclass(frozen=True, slots=True)
class ShowWhen:
    """Skip rule: show the item only when any of `keys` holds one of `values`.

    `None` in `values` means an explicit "prefer not to answer" (the key is present with the
    value None); a key that is simply absent never matches, because the client has not reached
    that question yet. Values are True/False for yes/no items and option indexes for choices.
    """

    keys: tuple[str, ...]
    values: tuple[bool | int | None, ...]

    def matches(self, answers: Mapping[str, object]) -> bool:
        """Whether the condition holds for the answers given so far."""
        return any(
            key in answers and any(_same(answers[key], value) for value in self.values) for key in self.keys
        )

    def is_settled(self, answers: Mapping[str, object]) -> bool:
        """Whether every controlling answer is known, so a False result is final."""
        return all(answers.get(key) is not None for key in self.keys)


@dataclass(frozen=True, slots=True)
class Item:
    """One question, worded exactly as its publisher gives it."""

    key: str
    text: str
    kind: ItemKind
    options: tuple[Option, ...]
    # Scored items count towards answered/expected and completeness, and are summed where
    # their options carry scores (ASQ options carry none: the ASQ has no total). Unscored
    # items (PC-PTSD-5 gate, PHQ-9 difficulty) are asked but never summed or counted.
    scored: bool = True
    # Informational (the PDF marks reversed items); the score always comes from the options.
    reverse: bool = False
    shown_when: ShowWhen | None = None
    # Text shown before the question itself (the PC-PTSD-5 trauma introduction) and its list.
    preamble: str = ""
    examples: tuple[str, ...] = ()
    # Free-text prompts the publisher prints after a "yes" (ASQ). Not part of the answers.
    follow_up: tuple[str, ...] = ()
    loinc: str | None = None

    def __post_init__(self) -> None:
        if self.kind is ItemKind.YES_NO and [o.label for o in self.options] != ["Yes", "No"]:
            raise ValueError(f"item {self.key!r}: yes/no options must be (Yes, No)")

    def option_for(self, answer: int | bool) -> Option:
        """The option an already-validated, non-None answer refers to."""
        if self.kind is ItemKind.YES_NO:
            return self.options[0 if answer else 1]
        return self.options[answer]


@dataclass(frozen=True, slots=True)
class Band:
    """A result category. Sum instruments give it a score range; others leave it open."""

    slug: str
    label: str
    minimum: int | None = None
    maximum: int | None = None

    def contains(self, total: int) -> bool:
        """Whether a total falls in this band's range."""
        return self.minimum is not None and self.maximum is not None and self.minimum <= total <= self.maximum


@dataclass(frozen=True, slots=True)
class FlagRule:
    """Raise `flag` when the item's score is at least `min_score`, whatever the total.

    With `flag` None only a refusal raises anything (`declined_flag`): the ASQ's questions
    carry no score, and what a yes means is decided by its own rule.
    """

    flag: str | None
    item_key: str
    min_score: int
    # Raised instead when the item was explicitly declined (None).
    declined_flag: str | None = None


@dataclass(frozen=True, slots=True)
class Subscale:
    """A sum over some items, reported alongside the total, with an optional flag."""

    key: str
    label: str
    item_keys: tuple[str, ...]
    flag: str | None = None
    flag_at: int | None = None


@dataclass(frozen=True, slots=True)
class Cutoff:
    """A positivity cut-off the practice may change within the published range."""

    default: int
    minimum: int
    maximum: int
    note: str = ""
    # Whether the practice's setting moves it (the PC-PTSD-5's); other cut-offs are fixed
    # by their publisher and ignore the setting.
    practice_setting: bool = False


@dataclass(frozen=True)
class Instrument:
    """The complete definition of one screening instrument."""

    code: str
    name: str
    short_name: str
    items: tuple[Item, ...]
    scoring: ScoringRule
    bands: tuple[Band, ...]
    licence: str
    citation: str
    # The plain heading a client sees above the questions: kind words, never the instrument's
    # name or abbreviation (those are for staff, the PDF and the export). Not the publisher's
    # text, so it may change freely; the instructions, stem and items may not.
    client_title: str = ""
    # Publisher instructions shown before the questions (may be empty).
    instructions: str = ""
    # The recall stem shown right before the first scored item.
    stem: str = ""
    recall_period: str = ""
    enabled_by_default: bool = True
    max_total: int | None = None
    flag_rules: tuple[FlagRule, ...] = ()
    subscales: tuple[Subscale, ...] = ()
    cutoff: Cutoff | None = None
    # ANY_YES_WITH_ACUITY only: the acuity item and the flags for a positive / acute screen.
    acuity_item: str | None = None
    positive_flag: str | None = None
    acute_flag: str | None = None
    # WARNING_SIGNS only: the item whose "yes" is pointed out to the therapist without making
    # the screen positive.
    notice_item: str | None = None
    # Triage (CLINICAL.md): the total at which the level rises to ELEVATED, or, with
    # elevated_at_cutoff, the positivity cut-off in force.
    elevated_at: int | None = None
    elevated_at_cutoff: bool = False
    loinc_panel: str | None = None
    loinc_total: str | None = None
    _by_key: Mapping[str, Item] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key = {item.key: item for item in self.items}
        if len(by_key) != len(self.items):
            raise ValueError(f"{self.code}: duplicate item keys")
        referenced = [k for i in self.items if i.shown_when for k in i.shown_when.keys]
        referenced += [rule.item_key for rule in self.flag_rules]
        referenced += [k for s in self.subscales for k in s.item_keys]
        referenced += [k for k in (self.acuity_item, self.notice_item) if k is not None]
        unknown = sorted(set(referenced) - by_key.keys())
        if unknown:
            raise ValueError(f"{self.code}: rules refer to unknown items {unknown}")
        object.__setattr__(self, "_by_key", by_key)

    @property
    def item_keys(self) -> tuple[str, ...]:
        """All item keys in display order."""
        return tuple(item.key for item in self.items)

    def item(self, key: str) -> Item:
        """The item with this key (KeyError if there is none)."""
        return self._by_key[key]

    def has_item(self, key: str) -> bool:
        """Whether the instrument has an item with this key."""
        return key in self._by_key

    def band_label(self, slug: str) -> str:
        """Human label for a band slug ("Incomplete" for the incomplete band)."""
        for band in self.bands:
            if band.slug == slug:
                return band.label
        if slug == BAND_INCOMPLETE:
            return "Incomplete"
        raise KeyError(slug)
