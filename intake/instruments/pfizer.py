"""What the PHQ-9 and GAD-7 share: Pfizer's frequency scale, stem and licence."""

from .base import Option

# LOINC answer codes per CLINICAL.md, on the 0-3 frequency options in publisher order. The
# lowest option reads "Not at all" on both forms (not "Not at all sure").
FREQUENCY_OPTIONS: tuple[Option, ...] = (
    Option("Not at all", 0, "LA6568-5"),
    Option("Several days", 1, "LA6569-3"),
    Option("More than half the days", 2, "LA6570-1"),
    Option("Nearly every day", 3, "LA6571-9"),
)

PFIZER_LICENCE = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)
