"""What makes an agreement's text complete enough for a client to sign. Pure: no ORM.

An agreement may name the practice's details as {practice_name} and the like, filled in when
it is shown and hashed. A text that still holds a bracketed placeholder ("[to be completed]"),
a detail the portal cannot fill, or a detail that is empty would have her sign something
unfinished, so it cannot be made the version clients sign.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

# The details an agreement may name, and how the practice admin is told one is missing.
FILLABLE = {
    "practice_name": _("the practice's name"),
    "practice_address": _("the practice's address"),
    "practice_phone": _("the practice's phone number"),
    "practice_email": _("the practice's email address"),
    "regulator_contact": _("the regulator's contact"),
    "cancellation_notice_hours": _("the cancellation notice (hours)"),
    "late_cancellation_fee": _("the late cancellation fee"),
}

ERROR_EMPTY_TEXT = _("The text is empty.")
ERROR_PLACEHOLDER = _(
    "The text still has a placeholder, “%(placeholder)s”: write the real details in its place."
)
ERROR_UNKNOWN_DETAIL = _("“{%(name)s}” is not a detail the portal can fill in. It can fill in: %(known)s.")
ERROR_EMPTY_DETAIL = _("The text uses %(what)s, which is empty: fill it in under Practice first.")

# Square brackets around a few words on one line: how an unfinished part is marked.
_BRACKETED = re.compile(r"\[[^\[\]\n]{1,200}\]")
_DETAIL = re.compile(r"\{([A-Za-z0-9_]*)\}")


def text_placeholders(text: str) -> list[str]:
    """The bracketed placeholders ("[to be completed]") left in a text, each once, in order."""
    return list(dict.fromkeys(_BRACKETED.findall(text)))


def consent_text_fill(body: str, values: dict[str, str]) -> str:
    """The text as the client reads and signs it: each {detail} replaced by its value."""
    return _DETAIL.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def consent_details_used(body: str, values: dict[str, str]) -> dict[str, str]:
    """The values of the details this text names: what a version keeps as it is published."""
    return {name: values.get(name, "") for name in dict.fromkeys(_DETAIL.findall(body)) if name in FILLABLE}


def consent_text_problems(body: str, values: dict[str, str]) -> list[str]:
    """Why this text, filled in with these values, is not ready to be signed (empty: it is).

    Each reason names what is missing, for the practice admin to put right."""
    if not body.strip():
        return [str(ERROR_EMPTY_TEXT)]
    problems = []
    for name in dict.fromkeys(_DETAIL.findall(body)):
        if name not in FILLABLE:
            known = ", ".join(f"{{{key}}}" for key in FILLABLE)
            problems.append(str(ERROR_UNKNOWN_DETAIL % {"name": name, "known": known}))
        elif not values.get(name, "").strip():
            problems.append(str(ERROR_EMPTY_DETAIL % {"what": FILLABLE[name]}))
    for placeholder in text_placeholders(consent_text_fill(body, values)):
        problems.append(str(ERROR_PLACEHOLDER % {"placeholder": placeholder}))
    return problems


# Letters that carry their mark in the letter itself, so NFKD leaves them whole.
_UNMARKED = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
# Between the parts of a name: spaces, and hyphens of every kind.
_BETWEEN = re.compile(r"[\s\-\u2010-\u2015]+")


def _name_parts(name: str) -> list[str]:
    """A name's parts, each reduced to its letters and digits: accents and other marks
    (NFKD, combining marks dropped), case and punctuation (apostrophes, periods, commas) do
    not count."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_UNMARKED)
    parts = ("".join(ch for ch in part if ch.isalnum()) for part in _BETWEEN.split(bare))
    return [part for part in parts if part]


def name_has_letters(name: str) -> bool:
    return bool(_name_parts(name))


def name_signs_for(typed: str, *, legal_name: str, preferred_name: str = "") -> bool:
    """Whether a typed signature is what this person would reasonably type for herself.

    Case, accents, punctuation and spacing do not count ("ana maria nunez obrien" for
    "Ana María Núñez-O'Brien"), nor how the parts are run together ("Maryann" for
    "Mary Ann"). Beyond that, her first name (or the name she asked to be called) and her
    surname must come first and last. Middle names given may be left out; one may be added
    where none was given. A different first name, middle name or surname is refused.
    """
    legal, signed = _name_parts(legal_name), _name_parts(typed)
    if not legal or not signed:
        return False
    if "".join(signed) == "".join(legal):
        return True
    if len(legal) < 2 or len(signed) < 2 or signed[-1] != legal[-1]:
        return False
    preferred = _name_parts(preferred_name)
    if signed[0] == legal[0]:
        middle = signed[1:-1]
    elif preferred and signed[: len(preferred)] == preferred:
        middle = signed[len(preferred) : -1]
    else:
        return False
    if len(legal) == 2:
        return True
    given = iter(legal[1:-1])
    return all(part in given for part in middle)  # in order, each one of hers
