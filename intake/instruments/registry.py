"""The instruments the portal offers, and the order the intake step asks them in."""

from collections.abc import Mapping
from types import MappingProxyType

from .asq import ASQ
from .base import Instrument
from .epds import EPDS
from .gad7 import GAD7
from .pcptsd5 import PCPTSD5
from .phq9 import PHQ9

# EPDS first when enabled (it is the perinatal-specific measure), then the rest.
INSTRUMENT_ORDER: tuple[Instrument, ...] = (EPDS, PHQ9, GAD7, PCPTSD5, ASQ)

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {instrument.code: instrument for instrument in INSTRUMENT_ORDER}
)


def get_instrument(code: str) -> Instrument:
    """Return the definition for `code`, or raise ValueError for an unknown code."""
    try:
        return INSTRUMENTS[code]
    except (KeyError, TypeError):
        known = ", ".join(INSTRUMENTS)
        raise ValueError(f"Unknown instrument code {code!r}; expected one of {known}.") from None


def instruments_for_step(epds_enabled: bool) -> list[Instrument]:
    """The instruments to ask, in order: EPDS first when enabled, then PHQ-9, GAD-7,
    PC-PTSD-5 and ASQ."""
    return [i for i in INSTRUMENT_ORDER if i is not EPDS or epds_enabled]
