"""The client's answers as label/value rows, for the review page and the read-only view."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as format_as
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import pregnancy_history
from .catalogue import SYMPTOM_LABELS
from .forms import BABY_LABELS, FIELDS, IMPACT_FIELDS, MONTH_CHOICES
from .models import Intake, PregnancyEntry
from .steps import STEPS, Step

NOT_ANSWERED = _("Not answered")
YES, NO = _("Yes"), _("No")

# A step's state in the progress list, shown in words to everyone (not only screen readers).
STEP_DONE, STEP_IN_PROGRESS, STEP_NOT_STARTED = "done", "in_progress", "not_started"
STEP_STATE_LABELS = {
    STEP_DONE: _("Done"),
    STEP_IN_PROGRESS: _("In progress"),
    STEP_NOT_STARTED: _("Not started"),
}


def step_state(*, started: bool, needs_more: bool) -> str:
    """Done once answered with nothing the practice still needs from it; in progress when
    answered but something needed is missing; else not started."""
    if not started:
        return STEP_NOT_STARTED
    return STEP_IN_PROGRESS if needs_more else STEP_DONE


# A moment as the PDF and the safety evidence show it: the practice's zone, named.
DATETIME = "M j, Y, g:i A T"


def practice_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def format_datetime(value: dt.datetime | None) -> str:
    """A moment in the practice's zone (America/Denver), with the zone named."""
    if value is None:
        return ""
    return format_as(timezone.localtime(value, practice_zone()), DATETIME)


@dataclass
class Row:
    label: str
    value: str


@dataclass
class Section:
    step: Step
    rows: list[Row] = field(default_factory=list)


def _field_value(intake: Intake, name: str) -> str:
    return field_value_display(name, getattr(intake, name))


def field_value_display(name: str, value) -> str:
    """One Intake field's value as the client reads it back ("Not answered", "Yes", labels)."""
    if value is None or value == "" or value == []:
        return str(NOT_ANSWERED)
    if isinstance(value, bool):
        return str(YES if value else NO)
    if name == "symptoms":
        return ", ".join(str(SYMPTOM_LABELS.get(slug, slug)) for slug in value)
    if name == "services":
        labels = dict(Intake.Service.choices)
        return ", ".join(str(labels.get(slug, slug)) for slug in value)
    if name in IMPACT_FIELDS:
        return _("%(n)s out of 10") % {"n": value}
    if name == "sleep_hours":
        return _("About %(n)s hours") % {"n": value}
    if name in ("date_of_birth", "subscriber_date_of_birth"):
        return date_format(value)
    model_field = Intake._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def field_rows(intake: Intake, names) -> list[Row]:
    """Rows for the named Intake fields, in the order given (the therapist review)."""
    return [Row(str(FIELDS[name]().label), _field_value(intake, name)) for name in names]


def intake_sections(intake: Intake) -> list[Section]:
    """One section per step that asks Intake fields, every field with its answer."""
    return [
        Section(step, [Row(str(FIELDS[name]().label), _field_value(intake, name)) for name in step.fields])
        for step in STEPS
        if step.fields
    ]


def pregnancy_rows(entry: PregnancyEntry, since: str = "") -> list[Row]:
    """One pregnancy's details as the client gave them; `since` (pregnancy_history.since_text,
    as of the day the staff page or the PDF reckons from) adds how long ago, for staff."""
    if entry.when_declined:
        when = str(_("Prefer not to say"))
    elif entry.year:
        months = {n: label for n, label in MONTH_CHOICES if n}
        when = f"{months.get(entry.month, '')} {entry.year}".strip()
    else:
        when = str(NOT_ANSWERED)
    if entry.weeks_declined:
        weeks = str(_("Prefer not to say"))
    else:
        weeks = str(entry.weeks) if entry.weeks is not None else str(NOT_ANSWERED)
    complication_labels = dict(PregnancyEntry.Complication.choices)
    if entry.complications_declined:
        care = str(_("Prefer not to say"))
    else:
        given = [str(complication_labels.get(c, c)) for c in entry.complications]
        # Nothing ticked is an unanswered detail: "None given" read as "no care was given".
        care = ", ".join(given) or str(NOT_ANSWERED)
    # Pregnant now with a due date: "when" and "weeks" are worked out, not left unanswered.
    due_now = entry.outcome == PregnancyEntry.Outcome.CURRENT and entry.due_date is not None
    if due_now and not since:
        since = pregnancy_history.since_text(entry, timezone.localdate())
    rows = [
        Row(label, value)
        for label, value in ((_("When"), when), (_("Weeks"), weeks))
        if not (due_now and value == str(NOT_ANSWERED))
    ]
    if since:
        rows.append(Row(_("How long ago") if entry.outcome != "current" else _("Now"), since))
    if entry.baby_outcomes:
        baby_labels = dict(PregnancyEntry.BabyOutcome.choices)
        each = [
            f"{label}: {baby_labels.get(outcome, outcome)}"
            for label, outcome in zip(BABY_LABELS, entry.baby_outcomes, strict=False)
        ]
        rows.append(Row(_("Each baby"), "; ".join(each)))
    if entry.due_date:
        rows.append(Row(_("Due date"), date_format(entry.due_date)))
    if entry.fertility_treatment:
        rows.append(Row(_("Fertility treatment"), str(entry.get_fertility_treatment_display())))
    rows.append(Row(_("Medical care"), care))
    if entry.nicu_days is not None:
        rows.append(Row(_("Days in the NICU"), str(entry.nicu_days)))
    if entry.birth_words:
        rows.append(Row(_("How the birth was"), entry.birth_words))
    if entry.baby_name:
        rows.append(Row(_("Baby's name"), entry.baby_name))
    if entry.own_experience:
        rows.append(Row(_("Own experience"), entry.own_experience))
    if entry.note:
        rows.append(Row(_("Note"), entry.note))
    return rows
