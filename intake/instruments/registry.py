"""The instruments the portal offers, and the order the intake step asks them in."""

from collections.abc import Mapping
from types import MappingProxyType

from .asq import ASQ
from .auditc import AUDITC
from .base import Instrument
from .epds import EPDS
from .gad7 import GAD7
from .hark import HARK
from .nida import NIDA_SINGLE
from .pcptsd5 import PCPTSD5
from .perinatal_safety import PERINATAL_SAFETY
from .phq9 import PHQ9

# The questionnaire step's instruments, in the order it asks them: EPDS first when enabled (it
# is the perinatal-specific measure), then the rest, the safety questions beside the ASQ.
INSTRUMENT_ORDER: tuple[Instrument, ...] = (
    EPDS,
    PHQ9,
    GAD7,
    PCPTSD5,
    ASQ,
    PERINATAL_SAFETY,
    AUDITC,
    NIDA_SINGLE,
)

# Asked only behind a privacy question of their own (the Support step), never in step 5's
# page and never in the client's copy of her answers.
PRIVATE_INSTRUMENTS: tuple[Instrument, ...] = (HARK,)

# Every instrument, in the order staff read them.
ALL_INSTRUMENTS: tuple[Instrument, ...] = (*INSTRUMENT_ORDER, *PRIVATE_INSTRUMENTS)

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {instrument.code: instrument for instrument in ALL_INSTRUMENTS}
)


def get_instrument(code: str) -> Instrument:
    """Return the definition for `code`, or raise ValueError for an unknown code."""
    try:
        return INSTRUMENTS[code]
    except (KeyError, TypeError):
        known = ", ".join(INSTRUMENTS)
        raise ValueError(f"Unknown instrument code {code!r}; expected one of {known}.") from None


def instruments_for_step(epds_enabled: bool) -> list[Instrument]:
    """The instruments step 5 asks, in order: EPDS first when enabled, then PHQ-9, GAD-7,
    PC-PTSD-5, ASQ, the perinatal safety questions, AUDIT-C and the drug question."""
    return [i for i in INSTRUMENT_ORDER if i is not EPDS or epds_enabled]


def is_private(code: str) -> bool:
    """Whether an instrument is asked only behind its own privacy question (HARK)."""
    return any(instrument.code == code for instrument in PRIVATE_INSTRUMENTS)
