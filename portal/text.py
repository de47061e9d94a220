"""Text people type: what is taken out before it is kept."""

import re

from django import forms

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
