"""Crisis and support lines: the one list behind the page footer, the intake's safety
panels, the error pages and the client's PDF.

The numbers come from shared/CLINICAL.md and must stay exact. Each entry carries the links
a phone can act on (a call, and a text where the line takes texts), so a person in distress
can tap once. Templates render them with portal/_crisis_line.html; none writes a number.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Link:
    label: str
    href: str


@dataclass(frozen=True)
class CrisisLine:
    name: str
    how: str
    # tel: for a call.
    href: str
    # sms: when the line takes texts, and what the link says.
    text_href: str = ""
    text_label: str = ""
    # Further ways in (a text in Spanish), shown after the call and text links.
    more: tuple[Link, ...] = ()
    note: str = ""
    is_crisis_line: bool = True
    # Answered at any hour: the panels promise "the lines above answer at any hour".
    always_open: bool = True
    # The number as people say it, for the urgent panel's big buttons ("Call 988").
    short: str = ""


EMERGENCY = CrisisLine(
    name=_("Emergency services"),
    how=_("Call 911 if you or someone else is in immediate danger."),
    href="tel:911",
    short="911",
)
LIFELINE_988 = CrisisLine(
    name=_("988 Suicide & Crisis Lifeline"),
    how=_("Call or text 988, or chat at 988lifeline.org. For Spanish, press 2 or text AYUDA."),
    href="tel:988",
    text_href="sms:988",
    text_label=_("Text 988"),
    # "?&body=" fills in the message on both iPhone and Android.
    more=(Link(_("Text AYUDA to 988 (Spanish)"), "sms:988?&body=AYUDA"),),
    short="988",
)
COLORADO_CRISIS_SERVICES = CrisisLine(
    name=_("Colorado Crisis Services"),
    how=_("Call 1-844-493-8255 (1-844-493-TALK), or text TALK to 38255. Open 24 hours a day, every day."),
    href="tel:18444938255",
    text_href="sms:38255?&body=TALK",
    text_label=_("Text TALK to 38255"),
    note=_(
        "If your phone number is from outside Colorado, this line may be the surer way to reach "
        "help here: the big carriers now connect 988 calls by where you are, but texts and some "
        "carriers may still go by area code."
    ),
)
MATERNAL_MENTAL_HEALTH_HOTLINE = CrisisLine(
    name=_("National Maternal Mental Health Hotline"),
    how=_("Call or text 1-833-852-6262 (1-833-TLC-MAMA), 24 hours a day, in English and Spanish."),
    href="tel:18338526262",
    text_href="sms:18338526262",
    text_label=_("Text 1-833-852-6262"),
    note=_("Support and a listening ear; not a crisis line."),
    is_crisis_line=False,
)
POSTPARTUM_SUPPORT_INTERNATIONAL = CrisisLine(
    name=_("Postpartum Support International HelpLine"),
    how=_("Call or text 1-800-944-4773. To text in Spanish (en español): 971-203-7773."),
    href="tel:18009444773",
    text_href="sms:18009444773",
    text_label=_("Text 1-800-944-4773"),
    more=(Link(_("Text in Spanish: 971-203-7773"), "sms:19712037773"),),
    note=_("Support and a listening ear; not a crisis line."),
    is_crisis_line=False,
    # CLINICAL.md gives it no hours (a support line, not a crisis line), so the panels, which
    # say their lines answer at any hour, leave it to the footer.
    always_open=False,
)

# Safety at home (the intake's HARK page only): never in the footer, the PDF or a message, where
# someone else may read it.
DOMESTIC_VIOLENCE_HOTLINE = CrisisLine(
    name=_("National Domestic Violence Hotline"),
    how=_("Call 1-800-799-7233 (SAFE), or text START to 88788. Free and confidential, 24 hours a day."),
    href="tel:18007997233",
    text_href="sms:88788?&body=START",
    text_label=_("Text START to 88788"),
)

# The footer, the error pages and the PDF list all of them.
CRISIS_LINES: tuple[CrisisLine, ...] = (
    EMERGENCY,
    LIFELINE_988,
    COLORADO_CRISIS_SERVICES,
    MATERNAL_MENTAL_HEALTH_HOTLINE,
    POSTPARTUM_SUPPORT_INTERNATIONAL,
)
# After a high answer: every line answered at any hour, support lines included.
HIGH_LINES: tuple[CrisisLine, ...] = tuple(line for line in CRISIS_LINES if line.always_open)
# After an urgent answer: 988 and 911 as big buttons first (their own words below them),
# then every other line that answers at any hour (the maternal mental health hotline too:
# the panel must never offer less than the one after a high answer did).
URGENT_BUTTONS: tuple[CrisisLine, ...] = (LIFELINE_988, EMERGENCY)
URGENT_MORE: tuple[CrisisLine, ...] = tuple(line for line in HIGH_LINES if line not in URGENT_BUTTONS)
# After an answer that can be a medical emergency (an urge to act on thoughts of harm to a
# baby, a warning sign of postpartum psychosis): 911 first, then 988 (CLINICAL.md).
EMERGENCY_BUTTONS: tuple[CrisisLine, ...] = (EMERGENCY, LIFELINE_988)
