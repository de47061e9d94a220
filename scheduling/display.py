"""How scheduling's numbers read to a client: pure, no ORM."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def session_length_words(minutes: int) -> str:
    """A session's length as people say it: "about 50 minutes" for a 53-minute session
    (down to a multiple of five, as a "50-minute hour" is said), "about an hour", "about an
    hour and a half"."""
    rounded = max(5, minutes - minutes % 5)
    if rounded == 60:
        return _("about an hour")
    if rounded == 90:
        return _("about an hour and a half")
    if rounded % 60 == 0:
        hours = rounded // 60
        return ngettext("about %(n)s hour", "about %(n)s hours", hours) % {"n": hours}
    return ngettext("about %(n)s minute", "about %(n)s minutes", rounded) % {"n": rounded}
