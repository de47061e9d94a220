"""The questionnaire step's form, built from the instrument definitions (intake.instruments).

One radio question per item, named "q-<code>-<key>" ("q-phq9-3"), whose posted value is an
option's index, "yes" or "no", or "decline" for "prefer not to answer". The form converts
what was posted into answers (item key -> option index, True/False, or None for a declined
item) per instrument; an unknown or malformed value is left out, as the page never sends
one. What may be saved, and what an answer calls for next, is the services' to decide.
"""

import json
from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext as _

from .display import NOT_ANSWERED
from .draft_services import ERROR_CHANGED_ELSEWHERE
from .forms import LOADED_FIELD
from .instruments import INSTRUMENT_ORDER, PREFER_NOT_TO_ANSWER, Instrument, Item, ItemKind, get_instrument
from .questionnaire_services import UNANSWERED

QUESTIONNAIRE_PREFIX = "q-"
DECLINE = "decline"


def question_name(code: str, key: str) -> str:
    return f"{QUESTIONNAIRE_PREFIX}{code}-{key}"


def question_parse(name: str) -> tuple[Instrument, Item] | None:
    """'q-phq9-3' -> (instrument, item), or None for a name that is not ours."""
    try:
        code, key = name.removeprefix(QUESTIONNAIRE_PREFIX).split("-", 1)
        instrument = get_instrument(code)
        return instrument, instrument.item(key)
    except (ValueError, KeyError):
        return None


def question_options(item: Item) -> list[tuple[str, str]]:
    """The posted value and label of each choice, "prefer not to answer" last."""
    if item.kind is ItemKind.YES_NO:
        options = [("yes", _("Yes")), ("no", _("No"))]
    else:
        options = [(str(i), option.label) for i, option in enumerate(item.options)]
    return [*options, (DECLINE, PREFER_NOT_TO_ANSWER)]


def answer_from_value(item: Item, raw: str):
    """(ok, answer): a posted value as an answer, None for "prefer not to answer"."""
    if raw == DECLINE:
        return True, None
    if item.kind is ItemKind.YES_NO:
        return (raw in ("yes", "no")), raw == "yes"
    if raw.isdigit() and int(raw) < len(item.options):
        return True, int(raw)
    return False, None


def answer_to_value(answer) -> str:
    """An answer as the page posts it."""
    if answer is None:
        return DECLINE
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    return str(answer)


def answer_label(item: Item, answer) -> str:
    """An answer as the client reads it back."""
    if answer == UNANSWERED:
        return str(NOT_ANSWERED)
    if answer is None:
        return str(PREFER_NOT_TO_ANSWER)
    if item.kind is ItemKind.YES_NO:
        return str(_("Yes") if answer is True else _("No"))
    return item.option_for(answer).label


def conflict_message(item: Item, current) -> str:
    """What the page says beside an answer another tab changed meanwhile."""
    return ERROR_CHANGED_ELSEWHERE % {"current": answer_label(item, current)}


class QuestionnairesForm(forms.Form):
    """Every item of every instrument of the page (step 5's unless `instruments` says
    otherwise), each optional (a draft may be incomplete)."""

    def __init__(self, *args, instruments: Sequence[Instrument] = INSTRUMENT_ORDER, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for instrument in instruments:
            for item in instrument.items:
                self.fields[question_name(instrument.code, item.key)] = forms.ChoiceField(
                    choices=question_options(item), required=False
                )

    def answers(self) -> dict[str, dict]:
        """Instrument code -> {item key: answer} for every question answered in the post."""
        by_code: dict[str, dict] = {}
        for name, raw in self.cleaned_data.items():
            instrument, item = question_parse(name)
            if raw:
                by_code.setdefault(instrument.code, {})[item.key] = answer_from_value(item, raw)[1]
        return by_code

    def loaded(self) -> dict[str, dict] | None:
        """What the page showed when it was loaded, per instrument code (item key -> answer,
        UNANSWERED for none). None when the page did not say (then every answer is written)."""
        try:
            data = json.loads(self.data.get(LOADED_FIELD) or "")
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        by_code: dict[str, dict] = {}
        for name, values in data.items():
            parsed = question_parse(name) if isinstance(name, str) else None
            if parsed is None or not isinstance(values, list):
                continue
            instrument, item = parsed
            if not values:
                by_code.setdefault(instrument.code, {})[item.key] = UNANSWERED
                continue
            ok, answer = answer_from_value(item, str(values[0]))
            if ok:
                by_code.setdefault(instrument.code, {})[item.key] = answer
        return by_code

    @staticmethod
    def conflict_messages(conflicts: dict[str, dict]) -> dict[str, str]:
        """Question name -> message for the answers another tab changed meanwhile."""
        return {
            question_name(code, key): conflict_message(get_instrument(code).item(key), current)
            for code, items in conflicts.items()
            for key, current in items.items()
        }
