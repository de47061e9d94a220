"""The client's answers as label/value rows, for the review page and the read-only view."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as format_as
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .catalogue import SYMPTOM_LABELS
from .forms import FIELDS, IMPACT_FIELDS, MONTH_CHOICES
from .models import Intake, PregnancyEntry
from .steps import STEPS, Step

NOT_ANSWERED = _("Not answered")
YES, NO = _("Yes"), _("No")

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


def pregnancy_rows(entry: PregnancyEntry) -> list[Row]:
    """One pregnancy's details as the client gave them."""
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
    rows = [Row(_("When"), when), Row(_("Weeks"), weeks)]
    if entry.due_date:
        rows.append(Row(_("Due date"), date_format(entry.due_date)))
    rows.append(Row(_("Medical care"), care))
    if entry.note:
        rows.append(Row(_("Note"), entry.note))
    return rows
