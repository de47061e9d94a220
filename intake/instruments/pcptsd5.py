"""PC-PTSD-5 (Primary Care PTSD Screen for DSM-5), VA National Center for PTSD, 2015 version."""

from .base import YES_NO_OPTIONS, Band, Cutoff, Instrument, Item, ItemKind, ScoringRule, ShowWhen

# The five symptom questions are asked only after a "yes" to the lifetime-trauma question.
_AFTER_TRAUMA = ShowWhen(keys=("gate",), values=(True,))

_GATE = Item(
    key="gate",
    preamble=(
        "Sometimes things happen to people that are unusually or especially frightening, "
        "horrible, or traumatic. For example:"
    ),
    examples=(
        "a serious accident or fire",
        "a physical or sexual assault or abuse",
        "an earthquake or flood",
        "a war",
        "seeing someone be killed or seriously injured",
        "having a loved one die through homicide or suicide.",
    ),
    text="Have you ever experienced this kind of event?",
    kind=ItemKind.YES_NO,
    options=YES_NO_OPTIONS,
    # The gate decides whether the screen is asked at all; it adds nothing to the total.
    scored=False,
)

_TEXTS = (
    "Had nightmares about the event(s) or thought about the event(s) when you did not want to?",
    "Tried hard not to think about the event(s) or went out of your way to avoid situations "
    "that reminded you of the event(s)?",
    "Been constantly on guard, watchful, or easily startled?",
    "Felt numb or detached from people, activities, or your surroundings?",
    "Felt guilty or unable to stop blaming yourself or others for the event(s) or any "
    "problems the event(s) may have caused?",
)

PCPTSD5 = Instrument(
    code="pcptsd5",
    name="Primary Care PTSD Screen for DSM-5",
    short_name="PC-PTSD-5",
    client_title="Frightening or very hard experiences",
    items=(
        _GATE,
        *(
            Item(
                key=str(number),
                text=text,
                kind=ItemKind.YES_NO,
                options=YES_NO_OPTIONS,
                shown_when=_AFTER_TRAUMA,
            )
            for number, text in enumerate(_TEXTS, start=1)
        ),
    ),
    scoring=ScoringRule.SUM_CUTOFF,
    stem="In the past month, have you...",
    recall_period="past month",
    max_total=5,
    bands=(Band("negative", "Negative"), Band("positive", "Positive")),
    cutoff=Cutoff(
        default=3,
        minimum=1,
        maximum=5,
        practice_setting=True,
        note=(
            "3 is the cut-off recommended for women (Bovin et al. 2021, JAMA Netw Open); 4 is "
            "the general-population optimum (Prins et al. 2016)."
        ),
    ),
    # A positive screen (total at or above the cut-off in force) is ELEVATED in triage.
    elevated_at_cutoff=True,
    # CLINICAL.md: total-score code still to be verified on loinc.org before export.
    loinc_total="102017-1",
    licence=("Public domain: a work of the US Department of Veterans Affairs, National Center for PTSD."),
    citation=(
        "Prins A, Bovin MJ, Kimerling R, Kaloupek DG, Marx BP, Pless Kaiser A, Schnurr PP. "
        "Primary Care PTSD Screen for DSM-5 (PC-PTSD-5) [Measurement instrument]. 2015. "
        "Available from https://www.ptsd.va.gov"
    ),
)
