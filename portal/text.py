"""Text people type: what is taken out before it is kept."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Embedding, override and isolate controls (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). A name or
# an answer never needs them (right-to-left scripts display correctly without), and pasted
# into a name they turn the words after it around on every page, export and email.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def typed_text_clean(value: str) -> str:
    """What a text field keeps of what was typed."""
    return _BIDI_CONTROLS.sub("", value)


class TypedTextField(forms.CharField):
    """A CharField for anything a person types: names, answers, notes."""

    def to_python(self, value):
        return typed_text_clean(super().to_python(value))


MSG_EMAIL_HIDDEN_CHARACTER = _(
    "This address has a hidden character in it, which often comes with copying and pasting. "
    "Please type the address again."
)
MSG_EMAIL_DOMAIN = _("The part after the @ cannot be an email address. Please check it for a typing slip.")

# Control and format characters (category C*, and line and paragraph separators): invisible,
# they can make an address read as another (a right-to-left override reverses the domain
# on screen), and mail cannot be sent to them.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def email_hidden_characters_refuse(value: str) -> None:
    """A validator for every email address a person types: no hidden characters, and a
    domain that mail can be sent to (international domains are fine)."""
    if any(unicodedata.category(character) in _HIDDEN_CATEGORIES for character in value):
        raise ValidationError(MSG_EMAIL_HIDDEN_CHARACTER, code="hidden_character")
    domain = value.rpartition("@")[2]
    try:
        domain.encode("idna")
    except UnicodeError:
        raise ValidationError(MSG_EMAIL_DOMAIN, code="domain") from None


class TypedEmailField(forms.EmailField):
    """An EmailField that refuses hidden characters and domains mail cannot reach."""

    default_validators = [*forms.EmailField.default_validators, email_hidden_characters_refuse]
