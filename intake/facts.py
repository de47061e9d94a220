"""The one presenter of an intake's facts, read by the therapist's detail page
(review_selectors.review_detail) and the PDF summary (summary.intake_summary_context).

Each of them lays the facts out its own way; what the facts are (the scores, the flags and
their evidence, the pregnancy history and what follows from it, her age, the agreements
signed, the staff notes) is worked out here once, so a fix lands in both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.utils.text import capfirst

from . import partner_words
from .display import Row, field_value_display
from .instruments import HARK, Result
from .models import ConsentSignature, HardDate, Intake, InternalNote, PregnancyEntry
from .pregnancy_history import age_on, since_text
from .screening_display import FlagView, ScreenerRow, intake_flag_views, intake_screener_rows, screener_row
from .selectors import (
    PAYMENT_CHOICE_FIELDS,
    REFERRAL_FIELDS,
    consent_signatures,
    intake_hard_dates,
    intake_history_summary,
    intake_pregnancies,
    intake_scores,
)
from .timeline import Drawing, band_scale, timeline_drawing


@dataclass(frozen=True)
class ScaleView:
    """One questionnaire's band scale, with her total marked."""

    code: str
    short_name: str
    drawing: Drawing


# Her perinatal mental-health history (the Health step), in the order the therapist reads it
# before any medication for mood is discussed after a birth.
PERINATAL_HISTORY_FIELDS = (
    "perinatal_episodes",
    "perinatal_episodes_detail",
    "hospital_stay",
    "mania_history",
    "bipolar_diagnosis",
    "family_bipolar_psychosis",
    "medications",
    "medications_pregnancy",
    "infant_feeding",
    "sleep_hours",
    "sleep_when_baby_sleeps",
)


class IntakeFacts:
    """An intake's facts as of the date `on` (age and "postpartum" are reckoned on it: the
    detail page takes today, the PDF the day the intake was sent). Each is read from the
    database the first time it is asked for."""

    def __init__(self, intake: Intake, on: dt.date) -> None:
        self.intake = intake
        self.on = on

    @cached_property
    def results(self) -> dict[str, Result]:
        """Each answered questionnaire, scored, in step order."""
        return intake_scores(intake=self.intake)

    @cached_property
    def screeners(self) -> list[ScreenerRow]:
        """Every questionnaire offered to the client, opened or not."""
        return intake_screener_rows(intake=self.intake, results=self.results)

    @cached_property
    def partner_safety(self) -> ScreenerRow | None:
        """The HARK screen (safety with a partner or ex-partner), None if she never opened it.
        The therapist's alone: never in the client's copy, never the front desk's."""
        result = self.results.get(HARK.code)
        return screener_row(result) if result is not None else None

    @cached_property
    def flags(self) -> list[FlagView]:
        """Still-open flags first, the most severe at the top, each with its evidence."""
        return intake_flag_views(intake=self.intake, results=self.results)

    @cached_property
    def pregnancies(self) -> list[PregnancyEntry]:
        """The pregnancy history in the order the client gave it."""
        return intake_pregnancies(intake=self.intake)

    @cached_property
    def history(self) -> dict:
        """What follows from the pregnancy history (losses, births, postpartum, how recent)."""
        return intake_history_summary(intake=self.intake, today=self.on, entries=self.pregnancies)

    @cached_property
    def hard_dates(self) -> list[HardDate]:
        """Dates that are hard for her, in date order (never in any message)."""
        return intake_hard_dates(intake=self.intake)

    @cached_property
    def synopsis(self) -> str:
        """The history in one line ("Pregnant now, about 20 weeks, due April 2027 · ...")."""
        return partner_words.synopsis_for(self.history["synopsis"], self.intake.pregnancy_role)

    @cached_property
    def since(self) -> dict[int, str]:
        """Entry id -> "about N months ago" / "about N weeks pregnant" (or "")."""
        return {entry.pk: since_text(entry, self.on) for entry in self.pregnancies}

    @cached_property
    def timeline(self) -> Drawing | None:
        """Every pregnancy and hard date on a line of years, with its text alternative."""
        return timeline_drawing(self.pregnancies, self.hard_dates, self.on)

    @cached_property
    def scales(self) -> list[ScaleView]:
        """A band scale for each questionnaire with a total, in the order they are asked."""
        views = []
        for row in self.screeners:
            result = self.results.get(row.code)
            if result is None or row.total is None:
                continue
            instrument = result.instrument
            drawing = band_scale(instrument, row.total, result.cutoff, row.status)
            if drawing is not None:
                views.append(ScaleView(code=row.code, short_name=row.short_name, drawing=drawing))
        return views

    def _short_rows(self, names, *, answered_only: bool = False) -> list[Row]:
        """Each named answer under the field's short name (only those she gave, if asked)."""
        return [
            Row(
                str(capfirst(Intake._meta.get_field(name).verbose_name)),
                field_value_display(name, getattr(self.intake, name)),
            )
            for name in names
            if not answered_only or getattr(self.intake, name) not in (None, "")
        ]

    @cached_property
    def perinatal_history(self) -> list[Row]:
        """Her perinatal mental-health history, each answer under the field's short name."""
        return self._short_rows(PERINATAL_HISTORY_FIELDS)

    @cached_property
    def referral(self) -> list[Row]:
        """Where she heard of the practice, and whether the referrer may know she made contact
        (the answers she gave)."""
        return self._short_rows(REFERRAL_FIELDS, answered_only=True)

    @cached_property
    def payment_choice(self) -> list[Row]:
        """How she means to pay and her plans' names (the answers she gave); no member or
        group number, no card image."""
        return self._short_rows(PAYMENT_CHOICE_FIELDS, answered_only=True)

    @cached_property
    def age(self) -> int | None:
        return age_on(self.intake.date_of_birth, self.on) if self.intake.date_of_birth else None

    @cached_property
    def signatures(self) -> list[ConsentSignature]:
        return list(consent_signatures(intake=self.intake).values())

    @cached_property
    def notes(self) -> list[InternalNote]:
        """Staff notes, oldest first (never in the client's copy)."""
        return list(self.intake.notes.select_related("author").order_by("created_at", "pk"))


def intake_facts(*, intake: Intake, on: dt.date) -> IntakeFacts:
    return IntakeFacts(intake, on)
