"""The crisis footer every page ends with, rendered once per process for each practice
contact and language rather than on every request.

It is the same for everyone (the crisis lines and the practice's public contact details,
nothing about the person reading), yet was about a third of the time of an empty staff page.
The key is the text it is made from, so a change to the practice's details is shown at once
(no expiry to wait for, nothing to forget).
"""

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from portal.crisis import CRISIS_LINES

register = template.Library()

FOOTER_TEMPLATE = "portal/_crisis_footer.html"
# Languages times practice edits seen by one process: a handful; cleared rather than grown.
_MAX_KEPT = 32
_rendered: dict[tuple, SafeString] = {}


def _key(practice) -> tuple:
    if practice is None:
        return (get_language(), None)
    contact = (practice.name, practice.address_line1, practice.phone, practice.email)
    return (get_language(), *contact, practice.address_one_line if practice.address_line1 else "")


@register.simple_tag(takes_context=True)
def crisis_footer(context) -> SafeString:
    """The footer (templates/portal/_crisis_footer.html) for the practice in the context."""
    practice = context.get("practice")
    key = _key(practice)
    footer = _rendered.get(key)
    if footer is None:
        footer = get_template(FOOTER_TEMPLATE).render({"practice": practice, "crisis_lines": CRISIS_LINES})
        if len(_rendered) >= _MAX_KEPT:
            _rendered.clear()
        _rendered[key] = footer
    return footer
