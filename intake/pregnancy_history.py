"""Facts derived from the pregnancy history, and the rules an entry must follow.

Pure Python, no ORM: every function takes plain objects with the attributes `outcome`,
`month`, `year`, `weeks`, `weeks_declined`, `due_date` and `baby_outcomes` (a PregnancyEntry
fits, and so does a dataclass in a test). Everything the staff page and the PDF derive (weeks
pregnant, months since, weeks after a birth, the counts with twins counted per baby, the
one-line synopsis) is worked out here and nowhere else. Dates are often known only to the
month or the year; where a rule needs one date it uses the latest date the client's answer
allows, so "postpartum" and "recent" lean towards offering support rather than away from it.
"""

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

LIVE_BIRTH = "live_birth"
CURRENT = "current"
MISCARRIAGE = "miscarriage"
STILLBIRTH = "stillbirth"
NEONATAL_DEATH = "neonatal_death"
# Twins or more, with one or more of the babies lost: counted per baby (baby_outcomes).
MULTIPLES = "multiples_loss"
# Outcomes a single baby may have within a pregnancy of twins or more.
BABY_OUTCOMES = frozenset({LIVE_BIRTH, MISCARRIAGE, STILLBIRTH, NEONATAL_DEATH, "tfmr", "prefer_not_to_say"})
# A baby was born, living or not: the body is postpartum afterwards.
BORN = frozenset({LIVE_BIRTH, STILLBIRTH, NEONATAL_DEATH})
FULL_TERM_DAYS = 280
# "I'd rather not say what happened": counted as neither a loss nor a birth, and never as
# the most recent ending. (Ready for an outcome choice of that value; see is_loss.)
UNKNOWN = "prefer_not_to_say"
# "Ending a pregnancy for other reasons" is counted on its own and never called a loss: the
# client did not call it one.
ENDED_OTHER = "ended_other"
NOT_A_LOSS = frozenset({LIVE_BIRTH, CURRENT, UNKNOWN, ENDED_OTHER})
NOT_AN_ENDING = frozenset({CURRENT, UNKNOWN})
POSTPARTUM_DAYS = 365
WEEKS_MIN, WEEKS_MAX = 0, 45
EARLIEST_YEAR = 1940
# A due date more than 42 weeks away cannot belong to a pregnancy happening now.
DUE_DATE_MAX_DAYS = 42 * 7

ERROR_FUTURE_DATE = _("This date is still to come. Please check the month and year, or leave them empty.")
ERROR_YEAR_DIGITS = _("Please enter a year as four digits, for example 2024.")
ERROR_YEAR_RANGE = _("Please enter a year from %(first)s to %(last)s.")
ERROR_MONTH_RANGE = _("Please choose a month from the list.")
ERROR_WEEKS_RANGE = _("Weeks can be from 0 to 45. An approximate number is fine.")
ERROR_DUE_DATE_INVALID = _("Please check this date, or leave it empty.")
ERROR_DUE_DATE_PAST = _("The due date for a current pregnancy should be a date still to come.")
ERROR_DUE_DATE_TOO_FAR = _("That due date is further away than a pregnancy lasts. Please check the year.")
ERROR_ONE_CURRENT = _("You have already told us about a current pregnancy. Please edit that one instead.")
ERROR_WEEKS_AND_DECLINED = _(
    'You gave a number of weeks and also chose "I\'d rather not say". Please keep one of them: '
    "clear the number, or untick the box."
)
ERROR_NICU_DAYS = _("Please give a number of days from 0 to 365, or leave it empty.")
NICU_DAYS_MAX = 365
ERROR_BABY_OUTCOMES = _(
    "For twins or more, please tell us about at least two babies, or leave them all empty."
)
ERROR_BABY_OUTCOMES_ONLY_MULTIPLES = _(
    'These answers are for twins or more. Please choose that under "What happened", or leave them empty.'
)


ERROR_HARD_DATE_REQUIRED = _("Please choose the date, or leave this part empty.")
ERROR_HARD_DATE_RANGE = _("Please check the year of this date.")
# A hard date may be one still to come this year or next (a due date, an anniversary).
HARD_DATE_YEARS_AHEAD = 2


def year_range_error(today: dt.date) -> str:
    """The message for a year of four digits outside the years a pregnancy can be given."""
    return str(ERROR_YEAR_RANGE) % {"first": EARLIEST_YEAR, "last": today.year}


def hard_date_errors(date: dt.date | None, today: dt.date) -> dict[str, str]:
    """Field name -> message for a hard date she adds; empty when all is well."""
    if date is None:
        return {"date": ERROR_HARD_DATE_REQUIRED}
    if not EARLIEST_YEAR <= date.year <= today.year + HARD_DATE_YEARS_AHEAD:
        return {"date": ERROR_HARD_DATE_RANGE}
    return {}


class PregnancyFacts(Protocol):
    outcome: str
    month: int | None
    year: int | None
    when_declined: bool
    weeks: int | None
    weeks_declined: bool
    due_date: dt.date | None
    baby_outcomes: Sequence[str]
    nicu_days: int | None


def newest_first(entries: Iterable[PregnancyFacts]) -> list:
    """The pregnancies in the order every page lists and says them: a pregnancy now, then
    the dated ones from the most recent, then those without a date in the client's order."""

    def key(entry: PregnancyFacts) -> tuple[int, int, int]:
        if entry.outcome == CURRENT:
            return (0, 0, 0)
        if entry.year is not None and not entry.when_declined:
            return (1, -entry.year, -(entry.month or 0))
        return (2, 0, 0)

    return sorted(entries, key=key)


def babies(entry: PregnancyFacts) -> list[str]:
    """What happened to each baby of this pregnancy: its one outcome, or for twins or more
    each baby's as she gave them (one unnamed loss when she gave none)."""
    if entry.outcome != MULTIPLES:
        return [entry.outcome]
    return list(entry.baby_outcomes or []) or [MULTIPLES]


def is_loss(entry: PregnancyFacts) -> bool:
    """Whether any baby of this pregnancy was lost."""
    return any(outcome not in NOT_A_LOSS for outcome in babies(entry))


def is_birth(entry: PregnancyFacts) -> bool:
    """Whether a baby was born, living or not (twins or more described without each baby's
    outcome count as a birth: the reading that offers postpartum support)."""
    return any(outcome in BORN or outcome == MULTIPLES for outcome in babies(entry))


def loss_count(entries: Iterable[PregnancyFacts]) -> int:
    """Babies lost: every ending except a live birth, a pregnancy ended for other reasons, a
    pregnancy still going on, or one not described; twins or more count once per baby lost."""
    return sum(1 for e in entries for outcome in babies(e) if outcome not in NOT_A_LOSS)


def live_birth_count(entries: Iterable[PregnancyFacts]) -> int:
    """Babies born alive, twins counted per baby."""
    return sum(1 for e in entries for outcome in babies(e) if outcome == LIVE_BIRTH)


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
        errors["year"] = ERROR_FUTURE_DATE if entry.year > today.year else year_range_error(today)
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
    elif entry.weeks is not None and entry.weeks_declined:
        errors["weeks"] = ERROR_WEEKS_AND_DECLINED
    if entry.nicu_days is not None and not 0 <= entry.nicu_days <= NICU_DAYS_MAX:
        errors["nicu_days"] = ERROR_NICU_DAYS
    given = [b for b in entry.baby_outcomes or [] if b]
    if given and entry.outcome != MULTIPLES:
        errors["baby_outcomes"] = ERROR_BABY_OUTCOMES_ONLY_MULTIPLES
    elif len(given) == 1:
        errors["baby_outcomes"] = ERROR_BABY_OUTCOMES
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


def postpartum_state(entries: Iterable[PregnancyFacts], today: dt.date) -> str:
    """ "yes" after a birth (a stillbirth or a baby who died after birth included) within
    the last year, "unknown" when a birth's date was not given and nothing else settles it,
    else "no"."""
    dates = [latest_possible_date(e, today) for e in entries if is_birth(e)]
    if any(d is not None and (today - d).days <= POSTPARTUM_DAYS for d in dates):
        return "yes"
    return "unknown" if None in dates else "no"


def weeks_pregnant(entry: PregnancyFacts, today: dt.date) -> int | None:
    """About how many weeks along a current pregnancy is, from its due date (40 weeks)."""
    if entry.outcome != CURRENT or entry.due_date is None:
        return None
    days_to_go = (entry.due_date - today).days
    if days_to_go < 0 or days_to_go > DUE_DATE_MAX_DAYS:
        return None
    return max(0, (FULL_TERM_DAYS - days_to_go) // 7)


def months_since(entry: PregnancyFacts, today: dt.date) -> int | None:
    """Whole calendar months from an ending's month to today; None without a month and a
    year, for a pregnancy going on or not described, or for a month still to come."""
    if entry.outcome in NOT_AN_ENDING or entry.year is None or entry.month is None:
        return None
    months = (today.year - entry.year) * 12 + today.month - entry.month
    return months if months >= 0 else None


def weeks_postpartum(entries: Iterable[PregnancyFacts], today: dt.date) -> int | None:
    """Weeks since the most recent birth, when it was within the last year (from the latest
    date her answer allows, so "about" leans recent)."""
    dates = [d for e in entries if is_birth(e) and (d := latest_possible_date(e, today)) is not None]
    recent = [d for d in dates if (today - d).days <= POSTPARTUM_DAYS]
    return (today - max(recent)).days // 7 if recent else None


def since_text(entry: PregnancyFacts, today: dt.date) -> str:
    """ "about N weeks pregnant" or "about N months ago", or "" when it cannot be said."""
    weeks = weeks_pregnant(entry, today)
    if weeks is not None:
        return str(
            ngettext_lazy("about %(n)s week pregnant", "about %(n)s weeks pregnant", "n") % {"n": weeks}
        )
    months = months_since(entry, today)
    if months is None:
        return ""
    if months == 0:
        return _now("this month")
    return str(ngettext_lazy("about %(n)s month ago", "about %(n)s months ago", "n") % {"n": months})


# Each outcome counted in the synopsis, as "N <noun>" (babies, so twins count per baby).
COUNT_NOUNS = {
    MISCARRIAGE: ngettext_lazy("%(n)s miscarriage", "%(n)s miscarriages", "n"),
    "chemical": ngettext_lazy("%(n)s very early loss", "%(n)s very early losses", "n"),
    "ectopic": ngettext_lazy("%(n)s ectopic pregnancy", "%(n)s ectopic pregnancies", "n"),
    "molar": ngettext_lazy("%(n)s molar pregnancy", "%(n)s molar pregnancies", "n"),
    STILLBIRTH: ngettext_lazy("%(n)s stillbirth", "%(n)s stillbirths", "n"),
    NEONATAL_DEATH: ngettext_lazy(
        "%(n)s baby who died after birth", "%(n)s babies who died after birth", "n"
    ),
    MULTIPLES: ngettext_lazy("%(n)s baby lost of twins or more", "%(n)s babies lost of twins or more", "n"),
    "tfmr": ngettext_lazy(
        "%(n)s pregnancy ended for medical reasons", "%(n)s pregnancies ended for medical reasons", "n"
    ),
    ENDED_OTHER: ngettext_lazy(
        "%(n)s pregnancy ended for other reasons", "%(n)s pregnancies ended for other reasons", "n"
    ),
    LIVE_BIRTH: ngettext_lazy("%(n)s live birth", "%(n)s live births", "n"),
}


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    words = [str(y) for y in years]
    if len(words) == 1:
        return words[0]
    return _now("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def _month_year(date: dt.date) -> str:
    return f"{MONTHS[date.month]} {date.year}"


def synopsis(entries: Sequence[PregnancyFacts], today: dt.date) -> str:
    """The history in one line, for the top of the staff page and of the PDF: a pregnancy
    now, each kind of ending counted per baby with its years, twins or more, how long since
    the last loss, and weeks after a recent birth. "" when nothing was added."""
    parts: list[str] = []
    current = next((e for e in entries if e.outcome == CURRENT), None)
    if current is not None:
        words = [_now("Pregnant now")]
        weeks = weeks_pregnant(current, today)
        if weeks is not None:
            words.append(str(ngettext_lazy("about %(n)s week", "about %(n)s weeks", "n") % {"n": weeks}))
        if current.due_date is not None:
            words.append(_now("due %(when)s") % {"when": _month_year(current.due_date)})
        parts.append(", ".join(words))
    counts: dict[str, int] = {}
    years: dict[str, set[int]] = {}
    latest: dict[str, tuple[int, int]] = {}
    for entry in entries:
        for outcome in babies(entry):
            if outcome in COUNT_NOUNS:
                counts[outcome] = counts.get(outcome, 0) + 1
                if entry.year is not None:
                    years.setdefault(outcome, set()).add(entry.year)
                    when = (entry.year, entry.month or 0)
                    latest[outcome] = max(latest.get(outcome, when), when)

    # Newest first, like the timeline's words: each kind of ending by its most recent one;
    # kinds with no year at all last, in the order of COUNT_NOUNS.
    def newest_first(outcome: str) -> tuple[bool, int, int]:
        year, month = latest.get(outcome, (0, 0))
        return (outcome not in latest, -year, -month)

    order = sorted((o for o in COUNT_NOUNS if o in counts), key=newest_first)
    for outcome in order:
        counted = str(COUNT_NOUNS[outcome] % {"n": counts[outcome]})
        when = _years_text(sorted(years.get(outcome, ()), reverse=True))
        parts.append(f"{counted}, {when}" if when else counted)
    multiples = sum(1 for e in entries if e.outcome == MULTIPLES)
    if multiples:
        parts.append(
            str(
                ngettext_lazy(
                    "%(n)s pregnancy with twins or more", "%(n)s pregnancies with twins or more", "n"
                )
                % {"n": multiples}
            )
        )
    losses = [e for e in entries if is_loss(e) and e.year is not None]
    if losses:
        last = max(losses, key=lambda e: (e.year, e.month or 0))
        ago = months_since(last, today)
        if ago is None:
            parts.append(_now("last loss in %(year)s") % {"year": last.year})
        elif ago == 0:
            parts.append(_now("last loss this month"))
        else:
            parts.append(
                str(
                    ngettext_lazy("last loss about %(n)s month ago", "last loss about %(n)s months ago", "n")
                    % {"n": ago}
                )
            )
    weeks_after = weeks_postpartum(entries, today)
    if weeks_after is not None:
        parts.append(
            str(
                ngettext_lazy("about %(n)s week after a birth", "about %(n)s weeks after a birth", "n")
                % {"n": weeks_after}
            )
        )
    return " · ".join(parts)
