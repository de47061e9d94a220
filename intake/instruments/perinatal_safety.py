"""The perinatal safety questions: the practice's own words, not a published instrument.

Two things postpartum care depends on (CLINICAL.md, "Safety", perinatal additions):
unwanted, frightening thoughts of harm coming to the baby, asked with a word that they are
common and are not the same as wanting to act (shown to the therapist, no risk level), then a
separate question about any urge or plan to act on them (URGENT); and the warning signs of
postpartum psychosis (URGENT in pregnancy or within a year of a birth). Triage is
intake.risk_rules', which reads the flags raised here.
"""

from .base import (
    FLAG_HARM_URGE,
    FLAG_PSYCHOSIS_SIGN,
    FLAG_SAFETY_ITEM_DECLINED,
    YES_NO_OPTIONS,
    Band,
    FlagRule,
    Instrument,
    Item,
    ItemKind,
    ScoringRule,
    ShowWhen,
)

THOUGHTS = "thoughts"
URGE = "urge"
PSYCHOSIS_KEYS = ("perceptions", "beliefs", "confusion", "sleepless")

_THOUGHTS = Item(
    key=THOUGHTS,
    preamble=(
        "Many people who are pregnant or caring for a new baby have sudden thoughts or "
        "pictures in their mind of something bad happening to the baby, sometimes even of "
        "the harm coming from their own hands. These thoughts are very common. They can feel "
        "frightening and shameful, and they are not the same as wanting to act on them. "
        "Telling us helps us support you well."
    ),
    text=(
        "In the past month, have you had unwanted, frightening thoughts or images of harm "
        "coming to your baby (or the baby you are expecting)?"
    ),
    kind=ItemKind.YES_NO,
    options=YES_NO_OPTIONS,
)

# Asked after a yes to, or a refusal of, the thoughts question.
_URGE = Item(
    key=URGE,
    text="Have you felt any urge, or made any plan, to act on these thoughts?",
    kind=ItemKind.YES_NO,
    options=YES_NO_OPTIONS,
    shown_when=ShowWhen(keys=(THOUGHTS,), values=(True, None)),
)

_PSYCHOSIS_TEXTS = (
    "In the past month, have you seen or heard things that the people around you did not?",
    "In the past month, have you had strong beliefs or fears that the people close to you "
    "found strange or could not follow?",
    "In the past month, have you felt so confused that you were unsure where you were or what was real?",
    "In the past month, have you gone days with little or no sleep, and yet not felt tired?",
)

_PSYCHOSIS = tuple(
    Item(
        key=key,
        text=text,
        kind=ItemKind.YES_NO,
        options=YES_NO_OPTIONS,
        preamble=(
            "The next few questions are about changes that can happen during pregnancy or "
            "after a birth. They are rare, they can come on quickly, and they are treatable."
        )
        if key == PSYCHOSIS_KEYS[0]
        else "",
    )
    for key, text in zip(PSYCHOSIS_KEYS, _PSYCHOSIS_TEXTS, strict=True)
)

PERINATAL_SAFETY = Instrument(
    code="perinatal",
    name="Perinatal safety questions (the practice's own)",
    short_name="Perinatal safety",
    client_title="Frightening thoughts and other changes",
    items=(_THOUGHTS, _URGE, *_PSYCHOSIS),
    scoring=ScoringRule.WARNING_SIGNS,
    recall_period="past month",
    bands=(
        Band("negative", "No urge to act and no warning signs"),
        Band("notice", "Unwanted thoughts of harm to the baby, no urge to act (common; no risk level)"),
        Band("positive", "Urge to act or a warning sign of postpartum psychosis"),
    ),
    notice_item=THOUGHTS,
    flag_rules=(
        FlagRule(FLAG_HARM_URGE, URGE, 1, declined_flag=FLAG_SAFETY_ITEM_DECLINED),
        *(
            FlagRule(FLAG_PSYCHOSIS_SIGN, key, 1, declined_flag=FLAG_SAFETY_ITEM_DECLINED)
            for key in PSYCHOSIS_KEYS
        ),
    ),
    licence="The practice's own questions: no licence needed.",
    citation=(
        "Written for the practice from CLINICAL.md (perinatal additions to triage); not a "
        "validated instrument, and never summed."
    ),
)
