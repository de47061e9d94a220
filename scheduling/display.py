"""How scheduling's numbers read to a client: pure, no ORM."""

import datetime as dt

from django.utils.dateformat import format as date_format
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


def time_range_words(start: dt.datetime | dt.time, end: dt.datetime | dt.time) -> str:
    """Two times of one day as a range: "9:00–9:50 AM" when both are in the morning (or both
    after noon), "8:00 AM–6:00 PM" when they are not, so neither end is read in the wrong half."""
    if (start.hour < 12) == (end.hour < 12):
        return f"{date_format(start, 'g:i')}–{date_format(end, 'g:i A')}"
    return f"{date_format(start, 'g:i A')}–{date_format(end, 'g:i A')}"
