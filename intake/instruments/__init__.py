"""Screening instruments: declarative definitions, skip logic and scoring.

The single source of instrument knowledge for the form, validation, scoring, therapist view,
PDF and export. Pure Python: importable without Django settings.
"""

from .asq import ASQ
from .auditc import AUDITC
from .base import (
    BAND_ACUITY_UNANSWERED,
    BAND_INCOMPLETE,
    FLAG_ACUITY_UNANSWERED,
    FLAG_ACUTE,
    FLAG_ALCOHOL_IN_PREGNANCY,
    FLAG_EPDS_ANXIETY,
    FLAG_HARM_URGE,
    FLAG_PSYCHOSIS_SIGN,
    FLAG_SAFETY_ITEM_DECLINED,
    FLAG_SELF_HARM,
    FLAG_SELF_HARM_ITEM_DECLINED,
    YES_NO_OPTIONS,
    YES_NO_UNSCORED_OPTIONS,
    Band,
    Cutoff,
    FlagRule,
    Instrument,
    Item,
    ItemKind,
    Option,
    ScoringRule,
    ShowWhen,
    Subscale,
)
from .epds import EPDS
from .gad7 import GAD7
from .hark import HARK
from .nida import NIDA_SINGLE
from .pcptsd5 import PCPTSD5
from .perinatal_safety import PERINATAL_SAFETY
from .pfizer import FREQUENCY_OPTIONS
from .phq9 import PHQ9
from .registry import (
    ALL_INSTRUMENTS,
    INSTRUMENT_ORDER,
    INSTRUMENTS,
    PRIVATE_INSTRUMENTS,
    get_instrument,
    instruments_for_step,
    is_private,
)
from .scoring import (
    PREFER_NOT_TO_ANSWER,
    Answer,
    Answers,
    AnswerStatus,
    FlagSource,
    InvalidAnswersError,
    ItemAnswer,
    Result,
    describe_answers,
    score,
    visible_items,
)

__all__ = [
    "ALL_INSTRUMENTS",
    "ASQ",
    "AUDITC",
    "BAND_ACUITY_UNANSWERED",
    "BAND_INCOMPLETE",
    "EPDS",
    "FLAG_ACUITY_UNANSWERED",
    "FLAG_ACUTE",
    "FLAG_ALCOHOL_IN_PREGNANCY",
    "FLAG_EPDS_ANXIETY",
    "FLAG_HARM_URGE",
    "FLAG_PSYCHOSIS_SIGN",
    "FLAG_SAFETY_ITEM_DECLINED",
    "FLAG_SELF_HARM",
    "FLAG_SELF_HARM_ITEM_DECLINED",
    "FREQUENCY_OPTIONS",
    "GAD7",
    "HARK",
    "INSTRUMENTS",
    "INSTRUMENT_ORDER",
    "NIDA_SINGLE",
    "PCPTSD5",
    "PERINATAL_SAFETY",
    "PHQ9",
    "PREFER_NOT_TO_ANSWER",
    "PRIVATE_INSTRUMENTS",
    "YES_NO_OPTIONS",
    "YES_NO_UNSCORED_OPTIONS",
    "Answer",
    "AnswerStatus",
    "Answers",
    "Band",
    "Cutoff",
    "FlagRule",
    "FlagSource",
    "Instrument",
    "InvalidAnswersError",
    "Item",
    "ItemAnswer",
    "ItemKind",
    "Option",
    "Result",
    "ScoringRule",
    "ShowWhen",
    "Subscale",
    "describe_answers",
    "get_instrument",
    "instruments_for_step",
    "is_private",
    "score",
    "visible_items",
]
