"""Crisis resources shown in every page footer and, prominently, after a self-harm answer.

The numbers come from shared/CLINICAL.md and must stay exact. Each entry carries the
href a phone can act on, so a person in distress can tap once.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CrisisLine:
    name: str
    how: str
    href: str
    note: str = ""
    is_crisis_line: bool = True


CRISIS_LINES: tuple[CrisisLine, ...] = (
    CrisisLine(
        name=_("Emergency services"),
        how=_("Call 911 if you or someone else is in immediate danger."),
        href="tel:911",
    ),
    CrisisLine(
        name=_("988 Suicide & Crisis Lifeline"),
        how=_("Call or text 988, or chat at 988lifeline.org. For Spanish, press 2 or text AYUDA."),
        href="tel:988",
    ),
    CrisisLine(
        name=_("Colorado Crisis Services"),
        how=_("Call 1-844-493-8255, or text TALK to 38255. Open 24 hours a day, every day."),
        href="tel:18444938255",
        note=_("Best if your phone number is from outside Colorado, since 988 routes by area code."),
    ),
    CrisisLine(
        name=_("National Maternal Mental Health Hotline"),
        how=_("Call or text 1-833-852-6262 (1-833-TLC-MAMA), 24 hours a day, in English and Spanish."),
        href="tel:18338526262",
        note=_("Support and a listening ear; not a crisis line."),
        is_crisis_line=False,
    ),
    CrisisLine(
        name=_("Postpartum Support International HelpLine"),
        how=_("Call 1-800-944-4773."),
        href="tel:18009444773",
        note=_("Support and a listening ear; not a crisis line."),
        is_crisis_line=False,
    ),
)
