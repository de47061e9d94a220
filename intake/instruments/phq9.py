"""PHQ-9 (Patient Health Questionnaire), wording from Pfizer's published form."""

from .base import (
    FLAG_SELF_HARM,
    FLAG_SELF_HARM_ITEM_DECLINED,
    Band,
    FlagRule,
    Instrument,
    Item,
    ItemKind,
    Option,
    ScoringRule,
)
from .pfizer import FREQUENCY_OPTIONS, PFIZER_LICENCE

_TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself \u2014 or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite "
    "\u2014 being so fidgety or restless that you have been moving around a lot more than "
    "usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

# CLINICAL.md gives only item 9's LOINC code; the others are left for the export work to add
# once checked on loinc.org.
_ITEM_LOINC = {"9": "44260-8"}

_SCORED = tuple(
    Item(
        key=str(number),
        text=text,
        kind=ItemKind.CHOICE,
        options=FREQUENCY_OPTIONS,
        loinc=_ITEM_LOINC.get(str(number)),
    )
    for number, text in enumerate(_TEXTS, start=1)
)

# The publisher prints this after the nine items, conditioned in its own wording ("If you
# checked off any problems"). It is unscored and shown always: the wording carries the
# condition, as on paper, and the form then works in one pass without JavaScript.
_DIFFICULTY = Item(
    key="difficulty",
    text=(
        "If you checked off any problems, how difficult have these problems made it for you "
        "to do your work, take care of things at home, or get along with other people?"
    ),
    kind=ItemKind.CHOICE,
    options=(
        Option("Not difficult at all"),
        Option("Somewhat difficult"),
        Option("Very difficult"),
        Option("Extremely difficult"),
    ),
    scored=False,
)

PHQ9 = Instrument(
    code="phq9",
    name="Patient Health Questionnaire-9",
    short_name="PHQ-9",
    client_title="How your mood has been",
    items=(*_SCORED, _DIFFICULTY),
    scoring=ScoringRule.SUM_BANDS,
    stem="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    recall_period="last 2 weeks",
    max_total=27,
    bands=(
        Band("minimal", "Minimal", 0, 4),
        Band("mild", "Mild", 5, 9),
        Band("moderate", "Moderate", 10, 14),
        Band("moderately_severe", "Moderately severe", 15, 19),
        Band("severe", "Severe", 20, 27),
    ),
    # Item 9 > 0 is a self-harm signal whatever the total.
    flag_rules=(FlagRule(FLAG_SELF_HARM, "9", 1, declined_flag=FLAG_SELF_HARM_ITEM_DECLINED),),
    elevated_at=15,
    loinc_panel="44249-1",
    loinc_total="44261-6",
    licence=PFIZER_LICENCE,
    citation=(
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression "
        "severity measure. J Gen Intern Med. 2001;16(9):606-613."
    ),
)
