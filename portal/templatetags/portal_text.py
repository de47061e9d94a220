"""Template filters for text people typed themselves (loaded as a builtin: see settings)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def bdi(value) -> str:
    """A name (or anything a person typed) isolated from the text around it.

    <bdi> keeps a right-to-left name from reordering the words beside it, and keeps a
    pasted direction-override character from turning the rest of the line around.
    """
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)
