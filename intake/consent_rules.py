"""What makes an agreement's text complete enough for a client to sign. Pure: no ORM.

An agreement may name the practice's details as {practice_name} and the like, filled in when
it is shown and hashed. A text that still holds a bracketed placeholder ("[to be completed]"),
a detail the portal cannot fill, or a detail that is empty would have her sign something
unfinished, so it cannot be made the version clients sign.
"""

import re

from django.utils.translation import gettext_lazy as _

# The details an agreement may name, and how the practice admin is told one is missing.
FILLABLE = {
    "practice_name": _("the practice's name"),
    "practice_address": _("the practice's address"),
    "practice_phone": _("the practice's phone number"),
    "practice_email": _("the practice's email address"),
    "regulator_contact": _("the regulator's contact"),
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


def consent_text_fill(body: str, values: dict[str, str]) -> str:
    """The text as the client reads and signs it: each {detail} replaced by its value."""
    return _DETAIL.sub(lambda m: values.get(m.group(1), m.group(0)), body)


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
    for placeholder in dict.fromkeys(_BRACKETED.findall(consent_text_fill(body, values))):
        problems.append(str(ERROR_PLACEHOLDER % {"placeholder": placeholder}))
    return problems
