"""Facts derived from the pregnancy history, and the rules an entry must follow.

Pure Python, no ORM: every function takes plain objects with the attributes `outcome`,
`month`, `year`, `weeks` and `due_date` (a PregnancyEntry fits, and so does a dataclass in a
test). Dates are often known only to the month or the year; where a rule needs one date it
uses the latest date the client's answer allows, so "postpartum" and "recent" lean towards
offering support rather than away from it.
"""

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from django.utils.translation import gettext_lazy as _

LIVE_BIRTH = "live_birth"
CURRENT = "current"
# "I'd rather not say what happened": counted as neither a loss nor a birth, and never as
# the most recent ending. (Ready for an outcome choice of that value; see is_loss.)
UNKNOWN = "prefer_not_to_say"
NOT_A_LOSS = frozenset({LIVE_BIRTH, CURRENT, UNKNOWN})
NOT_AN_ENDING = frozenset({CURRENT, UNKNOWN})
POSTPARTUM_DAYS = 365
WEEKS_MIN, WEEKS_MAX = 0, 45
EARLIEST_YEAR = 1940
# A due date more than 42 weeks away cannot belong to a pregnancy happening now.
DUE_DATE_MAX_DAYS = 42 * 7

ERROR_FUTURE_DATE = _("This date is still to come. Please check the month and year, or leave them empty.")
ERROR_YEAR_RANGE = _("Please enter a year as four digits, for example 2024.")
ERROR_MONTH_RANGE = _("Please choose a month from the list.")
ERROR_WEEKS_RANGE = _("Weeks can be from 0 to 45. An approximate number is fine.")
ERROR_DUE_DATE_INVALID = _("Please check this date, or leave it empty.")
ERROR_DUE_DATE_PAST = _("The due date for a current pregnancy should be a date still to come.")
ERROR_DUE_DATE_TOO_FAR = _("That due date is further away than a pregnancy lasts. Please check the year.")
ERROR_ONE_CURRENT = _("You have already told us about a current pregnancy. Please edit that one instead.")


class PregnancyFacts(Protocol):
    outcome: str
    month: int | None
    year: int | None
    weeks: int | None
    due_date: dt.date | None


def is_loss(entry: PregnancyFacts) -> bool:
    return entry.outcome not in NOT_A_LOSS


def loss_count(entries: Iterable[PregnancyFacts]) -> int:
    """Every ending except a live birth, a pregnancy still going on, or one not described."""
    return sum(1 for e in entries if is_loss(e))


def live_birth_count(entries: Iterable[PregnancyFacts]) -> int:
    return sum(1 for e in entries if e.outcome == LIVE_BIRTH)


def is_currently_pregnant(entries: Iterable[PregnancyFacts]) -> bool:
    return any(e.outcome == CURRENT for e in entries)


def latest_possible_date(entry: PregnancyFacts, today: dt.date) -> dt.date | None:
    """The last day the client's month/year could mean, but never after today.

    None without a year, or when even the first day it could mean is still to come.
    """
    if entry.year is None:
        return None
    month = entry.month or 12
    earliest = dt.date(entry.year, entry.month or 1, 1)
    if earliest > today:
        return None
    latest = dt.date(entry.year, month, calendar.monthrange(entry.year, month)[1])
    return min(latest, today)


def days_since_most_recent_loss_or_birth(entries: Iterable[PregnancyFacts], today: dt.date) -> int | None:
    """Days since the most recent ending (a loss or a birth) with a known year, or None.

    Measured from the latest date the answer allows, so it is "at least this recent". An
    entry whose outcome the client chose not to give is not known to be an ending.
    """
    dates = [
        d
        for e in entries
        if e.outcome not in NOT_AN_ENDING and (d := latest_possible_date(e, today)) is not None
    ]
    if not dates:
        return None
    return (today - max(dates)).days


def entry_errors(entry: PregnancyFacts, today: dt.date) -> dict[str, str]:
    """Field name -> message for every rule one entry breaks; empty when all is well.

    Only what is given is checked: an empty field is never an error (a current pregnancy's
    due date included: the step promises every detail may be left out).
    """
    errors: dict[str, str] = {}
    if entry.month is not None and not 1 <= entry.month <= 12:
        errors["month"] = ERROR_MONTH_RANGE
    if entry.year is not None and not EARLIEST_YEAR <= entry.year <= today.year:
        errors["year"] = ERROR_FUTURE_DATE if entry.year > today.year else ERROR_YEAR_RANGE
    elif (
        entry.outcome != CURRENT
        and entry.year == today.year
        and entry.month is not None
        and "month" not in errors
        and entry.month > today.month
    ):
        errors["month"] = ERROR_FUTURE_DATE
    if entry.weeks is not None and not WEEKS_MIN <= entry.weeks <= WEEKS_MAX:
        errors["weeks"] = ERROR_WEEKS_RANGE
    if entry.outcome == CURRENT and entry.due_date is not None:
        if entry.due_date <= today:
            errors["due_date"] = ERROR_DUE_DATE_PAST
        elif (entry.due_date - today).days > DUE_DATE_MAX_DAYS:
            errors["due_date"] = ERROR_DUE_DATE_TOO_FAR
    return errors


def history_errors(
    entries: Iterable[PregnancyFacts], candidate: PregnancyFacts, today: dt.date
) -> dict[str, str]:
    """Rules for adding or changing `candidate` among the other `entries` (not including it)."""
    errors = entry_errors(candidate, today)
    if candidate.outcome == CURRENT and is_currently_pregnant(entries):
        errors["outcome"] = ERROR_ONE_CURRENT
    return errors


def age_on(date_of_birth: dt.date, today: dt.date) -> int:
    """Age in whole years on `today`."""
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - before_birthday
