"""GAD-7 (Generalized Anxiety Disorder 7-item scale), wording from Pfizer's published form."""

from .base import Band, Instrument, Item, ItemKind, ScoringRule
from .pfizer import FREQUENCY_OPTIONS, PFIZER_LICENCE

_TEXTS = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)

GAD7 = Instrument(
    code="gad7",
    name="Generalized Anxiety Disorder 7-item scale",
    short_name="GAD-7",
    client_title="Worry and nerves",
    items=tuple(
        Item(key=str(number), text=text, kind=ItemKind.CHOICE, options=FREQUENCY_OPTIONS)
        for number, text in enumerate(_TEXTS, start=1)
    ),
    scoring=ScoringRule.SUM_BANDS,
    # Pfizer's GAD-7 stem differs from the PHQ-9's by one word ("the", not "any of the").
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    recall_period="last 2 weeks",
    max_total=21,
    bands=(
        Band("minimal", "Minimal", 0, 4),
        Band("mild", "Mild", 5, 9),
        Band("moderate", "Moderate", 10, 14),
        Band("severe", "Severe", 15, 21),
    ),
    elevated_at=15,
    loinc_panel="69737-5",
    loinc_total="70274-6",
    licence=PFIZER_LICENCE,
    citation=(
        "Spitzer RL, Kroenke K, Williams JBW, Lowe B. A brief measure for assessing "
        "generalized anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092-1097."
    ),
)
