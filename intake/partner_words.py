"""The partner path: the words for a client who comes about pregnancies she or he went
through with a partner.

Chosen by her or his answer to "whose pregnancies" on step 2 (Intake.pregnancy_role). On this
path nothing asks as if the person answering carried the pregnancy: the pregnancy step speaks
of the pregnancies "you and your partner went through", each pregnancy also asks how it was
for her or him, the questionnaires say to answer about oneself, and the health step asks for
the partner's OB/GYN. Pure: no database, only the intake's answer.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _

from .pregnancy_history import CURRENT
from .steps import PREGNANCIES, STEPS, Step

# Whose pregnancies (Intake.PregnancyRole values) that go the partner path: a partner, or a
# couple who have each been pregnant (then no pregnancy can be assumed to be hers or his).
SHARED_ROLES = frozenset({"partner", "both"})

PREGNANCY_STEP_TITLE = _("The pregnancies you and your partner went through")
PREGNANCY_STEP_INTRO = _(
    "Please add each pregnancy you and your partner went through that you would like us to know "
    "about, in any order: a pregnancy now, births, and any losses, however early. Each one also "
    "asks how it was for you. If it is easier, you can leave this part for your first session."
)
PREGNANCY_STEP_NOTE = _(
    "This part asks about the pregnancies you and your partner went through, including any losses, "
    "and about your own experience of them. Share only what feels right today: any question can "
    'be answered "I\'d rather not say", the details can be left empty, and you can come back '
    "to it later. Take a pause whenever you need one."
)
CURRENT_PREGNANCY = _("A pregnancy now")
QUESTIONNAIRE_NOTE = _(
    "Please answer each question about yourself: how you have been feeling, whatever part you "
    "had in the pregnancy."
)
# The questionnaires first written for the person who was pregnant or has just given birth.
WRITTEN_FOR_THE_PREGNANT_PERSON = frozenset({"epds"})
WRITTEN_FOR_THE_PREGNANT_PERSON_NOTE = _(
    "These questions were first written for the person who was pregnant. Please answer each one "
    "about yourself: how you have been feeling, whatever part you had in the pregnancy."
)
# Before the synopsis on the staff page and the PDF: whose pregnancies these are.
SYNOPSIS_LEADS = {
    "partner": _("Coming as a partner: %(synopsis)s"),
    "both": _("Pregnancies of both partners: %(synopsis)s"),
}
# Field name -> label on the partner path, for the steps whose questions assume who carried.
FIELD_LABELS = {
    "ob_provider": _("Your partner's OB/GYN or midwife, if you would like to tell us (optional)"),
}
# Field name -> {choice value: label} on the partner path, for the choices that assume who carried.
CHOICE_LABELS = {
    "symptoms": {"body_trust": _("Finding it hard to trust that a pregnancy will go well")},
    "onset": {"during_pregnancy": _("During a pregnancy you and your partner went through")},
}


def is_shared(role: str) -> bool:
    """Whether an answer to "whose pregnancies" takes the partner path."""
    return role in SHARED_ROLES


def outcome_choices(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pregnancy outcomes, with the one first-person choice ("I am pregnant now") worded
    for a couple."""
    return [(value, CURRENT_PREGNANCY if value == CURRENT else label) for value, label in choices]


def outcome_label(outcome: str, label: str, role: str) -> str:
    """What happened to one pregnancy, as the client's own pages say it on her or his path."""
    return str(CURRENT_PREGNANCY) if is_shared(role) and outcome == CURRENT else str(label)


def pregnancy_step(step: Step, role: str) -> Step:
    """The pregnancy step as the client sees it: its title and note on the partner path."""
    if not is_shared(role):
        return step
    return dataclasses.replace(step, title=PREGNANCY_STEP_TITLE, content_note=PREGNANCY_STEP_NOTE)


def steps_for(role: str) -> tuple[Step, ...]:
    """Every step as the progress list names it (the pregnancy step worded for the path)."""
    return tuple(pregnancy_step(step, role) if step.number == PREGNANCIES else step for step in STEPS)


def field_label(name: str, role: str, label: str) -> str:
    """A step question's label, on the partner path where it would assume who carried."""
    return FIELD_LABELS.get(name, label) if is_shared(role) else label


def field_choices(name: str, role: str, choices: list) -> list:
    """A step question's choices (grouped or not), on the partner path worded so that none
    assumes who carried."""
    words = CHOICE_LABELS.get(name) if is_shared(role) else None
    if not words:
        return choices

    def reworded(value, label):
        if isinstance(label, list | tuple):
            return (value, [reworded(v, sub) for v, sub in label])
        return (value, words.get(value, label))

    return [reworded(value, label) for value, label in choices]


def questionnaire_note(code: str, role: str) -> str:
    """The note above one questionnaire on the partner path ("" on her own): that it was first
    written for the person who was pregnant only where it was."""
    if not is_shared(role):
        return ""
    if code in WRITTEN_FOR_THE_PREGNANT_PERSON:
        return str(WRITTEN_FOR_THE_PREGNANT_PERSON_NOTE)
    return str(QUESTIONNAIRE_NOTE)


def synopsis_for(synopsis: str, role: str) -> str:
    """The one-line history as the practice reads it, saying when the pregnancies were a
    partner's (or each partner's); unchanged for her own, and "" stays ""."""
    lead = SYNOPSIS_LEADS.get(role)
    return str(lead % {"synopsis": synopsis}) if synopsis and lead else synopsis
