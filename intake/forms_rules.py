"""Rules for single contact answers, shared by the step forms and the write services.

The page post, the autosave endpoint and a direct service call must refuse the same values,
so the checks live here once. Pure Python: each takes the answer as typed (already stripped
by the form) and returns the message to show next to the field, or None when it is fine.
An empty answer is never refused here; what the practice needs before an intake can be sent
is checked by intake_submit.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

ERROR_PHONE = _("Please enter your phone number with its area code, for example (303) 555-0142.")
ERROR_EMERGENCY_PHONE = _(
    "Please enter your emergency contact's phone number with its area code, for example (303) 555-0142."
)
ERROR_POSTAL_CODE = _("Please enter a 5-digit ZIP code.")
ERROR_STATE = _("Please enter a US state, for example Colorado or CO.")
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
# A number typed without a country code is read as a US one.
PHONE_REGION = "US"
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


def _phone_parsed(value: str) -> phonenumbers.PhoneNumber | None:
    """The number a person typed, in any common way of writing one (303.555.0142,
    +1 303 555 0142, (303) 555-0142), or None when it is not a whole, dialable number.
    Only digits and + ( ) - . and spaces: "ext 5" or a slash is refused, not half-read."""
    digits = sum(ch in "0123456789" for ch in value)
    if not _PHONE_CHARACTERS.fullmatch(value) or not PHONE_DIGITS_MIN <= digits <= PHONE_DIGITS_MAX:
        return None
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def phone_error(value: str, message=ERROR_PHONE) -> str | None:
    """None for a number with its area code (or country code); else the message."""
    if not value or _phone_parsed(value) is not None:
        return None
    return message


def emergency_phone_error(value: str) -> str | None:
    return phone_error(value, ERROR_EMERGENCY_PHONE)


def phone_normalise(value: str) -> str:
    """One way of writing each number, however it was typed: (303) 555-0142 for a US
    number, +44 20 7946 0958 for another country's. What cannot be read is kept as typed,
    for the check to refuse and the page to show back."""
    number = _phone_parsed(value.strip())
    if number is None:
        return value
    if phonenumbers.region_code_for_number(number) == PHONE_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def postal_code_error(value: str) -> str | None:
    """Five digits, or ZIP+4 (80218-1234)."""
    if not value or _POSTAL_CODE.fullmatch(value):
        return None
    return ERROR_POSTAL_CODE


# Names as people write them -> the code; a code typed in any case is accepted too.
US_STATE_NAMES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA",
    "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS",
    "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV", "new hampshire": "NH",
    "new jersey": "NJ", "new mexico": "NM", "new york": "NY", "north carolina": "NC",
    "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD", "tennessee": "TN",
    "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "district of columbia": "DC",
    "washington dc": "DC", "washington d.c.": "DC", "american samoa": "AS", "guam": "GU",
    "northern mariana islands": "MP", "puerto rico": "PR", "us virgin islands": "VI",
    "u.s. virgin islands": "VI", "virgin islands": "VI",
}  # fmt: skip


def state_normalise(value: str) -> str:
    """The two-letter code for a state typed by name ("Colorado", "new  york") or code
    ("co", "CO."); anything else as typed, for the check to refuse."""
    typed = " ".join(value.split())
    key = typed.casefold().replace(",", "")
    if key in US_STATE_NAMES:
        return US_STATE_NAMES[key]
    code = key.replace(".", "").upper()
    return code if code in US_STATE_CODES else typed


def state_error(value: str) -> str | None:
    """A two-letter code as stored (upper-case); the form upper-cases what was typed."""
    if not value or value in US_STATE_CODES:
        return None
    return ERROR_STATE


# Intake field -> its check.
CHECKS = {
    "phone": phone_error,
    "emergency_contact_phone": emergency_phone_error,
    "postal_code": postal_code_error,
    "state": state_error,
}
