"""Rules for single contact answers, shared by the step forms and the write services.

The page post, the autosave endpoint and a direct service call must refuse the same values,
so the checks live here once. Pure Python: each takes the answer as typed (already stripped
by the form) and returns the message to show next to the field, or None when it is fine.
An empty answer is never refused here; what the practice needs before an intake can be sent
is checked by intake_submit.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

ERROR_PHONE = _("Please enter a phone number with its area code, for example (303) 555-0142.")
ERROR_POSTAL_CODE = _("Please enter a 5-digit ZIP code.")
ERROR_STATE = _("Please use the two-letter state code, for example CO.")
ERROR_SLEEP_HOURS = _("Please give a number of hours from 0 to 24, or leave it empty.")

# Far more than anyone writes in one answer, and small enough that the PDF stays readable
# and quick to make (a megabyte of text made a 280-page PDF in 88 seconds).
LONG_TEXT_MAX = 5000
ERROR_TOO_LONG = _(
    "Please keep this answer to %(limit)s characters or fewer; it is %(length)s now. "
    "Everything you typed is still here, so you can shorten it."
)
COUNT_LABEL = _("%(count)s of %(limit)s characters")
# How many pregnancies one intake may list (nobody needs more; it bounds the PDF too).
PREGNANCY_ENTRIES_MAX = 50
ERROR_TOO_MANY_PREGNANCIES = _(
    "You have added %(limit)s pregnancies, which is as many as this form can hold. If there is "
    "more you would like us to know, please tell your therapist when you meet."
)
HARD_DATES_MAX = 30
ERROR_TOO_MANY_HARD_DATES = _(
    "You have added %(limit)s dates, as many as this page keeps. Please tell us about any others "
    "when we meet."
)


@deconstructible
class LongTextLimit:
    """At most LONG_TEXT_MAX characters, a line break counting as one whether the browser
    sent it as CR LF or LF (the page counts it as one), said with the numbers as she reads
    them ("5,000")."""

    def __call__(self, value) -> None:
        length = len(str(value).replace("\r\n", "\n"))
        if length > LONG_TEXT_MAX:
            raise ValidationError(
                ERROR_TOO_LONG,
                code="max_length",
                params={"limit": f"{LONG_TEXT_MAX:,}", "length": f"{length:,}"},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, LongTextLimit)

    def __hash__(self) -> int:
        return hash(LongTextLimit)


def long_text_validators() -> list:
    """The length limit of a long written answer, for the model field and the form field."""
    return [LongTextLimit()]


PHONE_DIGITS_MIN, PHONE_DIGITS_MAX = 10, 15
# ASCII digits only: \d would also accept digits of other scripts that no phone system dials.
_PHONE_CHARACTERS = re.compile(r"[0-9 +().\-]+")
_POSTAL_CODE = re.compile(r"[0-9]{5}(?:-[0-9]{4})?")

# The 50 states, DC, the territories and the military "states" the US Postal Service uses.
US_STATE_CODES = frozenset(
    (
        *("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA"),
        *("KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ"),
        *("NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT"),
        *("VA", "WA", "WV", "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI", "UM", "AA", "AE", "AP"),
    )
)


def phone_error(value: str) -> str | None:
    """10 to 15 digits, with only spaces and + ( ) - . between them."""
    if not value:
        return None
    digits = sum(ch in "0123456789" for ch in value)
    if not _PHONE_CHARACTERS.fullmatch(value) or not PHONE_DIGITS_MIN <= digits <= PHONE_DIGITS_MAX:
        return ERROR_PHONE
    return None


def postal_code_error(value: str) -> str | None:
    """Five digits, or ZIP+4 (80218-1234)."""
    if not value or _POSTAL_CODE.fullmatch(value):
        return None
    return ERROR_POSTAL_CODE


def state_normalise(value: str) -> str:
    return value.strip().upper()


def state_error(value: str) -> str | None:
    """A two-letter code as stored (upper-case); the form upper-cases what was typed."""
    if not value or value in US_STATE_CODES:
        return None
    return ERROR_STATE


# Intake field -> its check.
CHECKS = {
    "phone": phone_error,
    "emergency_contact_phone": phone_error,
    "postal_code": postal_code_error,
    "state": state_error,
}
