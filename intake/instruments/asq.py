"""ASQ (Ask Suicide-Screening Questions), NIMH toolkit."""

from .base import (
    BAND_ACUITY_UNANSWERED,
    FLAG_ACUTE,
    FLAG_SELF_HARM,
    FLAG_SELF_HARM_ITEM_DECLINED,
    YES_NO_UNSCORED_OPTIONS,
    Band,
    FlagRule,
    Instrument,
    Item,
    ItemKind,
    ScoringRule,
    ShowWhen,
)

_SCREENING_KEYS = ("1", "2", "3", "4")

_TEXTS = (
    "In the past few weeks, have you wished you were dead?",
    "In the past few weeks, have you felt that you or your family would be better off if you were dead?",
    "In the past week, have you been having thoughts about killing yourself?",
    "Have you ever tried to kill yourself?",
)

_FOLLOW_UP = {"4": ("If yes, how?", "When?")}

_SCREENING = tuple(
    Item(
        key=key,
        text=text,
        kind=ItemKind.YES_NO,
        options=YES_NO_UNSCORED_OPTIONS,
        follow_up=_FOLLOW_UP.get(key, ()),
    )
    for key, text in zip(_SCREENING_KEYS, _TEXTS, strict=True)
)

# The acuity question is asked only after a "yes" to, or a refusal of, any of 1-4.
_ACUITY = Item(
    key="5",
    text="Are you having thoughts of killing yourself right now?",
    kind=ItemKind.YES_NO,
    options=YES_NO_UNSCORED_OPTIONS,
    shown_when=ShowWhen(keys=_SCREENING_KEYS, values=(True, None)),
    follow_up=("If yes, please describe:",),
)

ASQ = Instrument(
    code="asq",
    name="Ask Suicide-Screening Questions",
    short_name="ASQ",
    client_title="Thoughts of harming yourself",
    items=(*_SCREENING, _ACUITY),
    scoring=ScoringRule.ANY_YES_WITH_ACUITY,
    recall_period="past few weeks (items 1-2), past week (item 3), ever (item 4), now (item 5)",
    # The ASQ has no total; its result is one of these.
    bands=(
        Band("negative", "Negative screen"),
        Band("positive", "Non-acute positive screen (potential risk)"),
        Band(BAND_ACUITY_UNANSWERED, "Positive screen; the 'right now' question was not answered"),
        Band("acute_positive", "Acute positive screen (imminent risk)"),
    ),
    # Every ASQ question is a suicide-risk question: a refusal of any is shown as declined
    # (and triaged at least ELEVATED) besides what the screen's own rule makes of it.
    flag_rules=tuple(
        FlagRule(None, key, 0, declined_flag=FLAG_SELF_HARM_ITEM_DECLINED) for key in (*_SCREENING_KEYS, "5")
    ),
    acuity_item="5",
    positive_flag=FLAG_SELF_HARM,
    acute_flag=FLAG_ACUTE,
    licence="Free to use: NIMH Ask Suicide-Screening Questions (ASQ) Toolkit.",
    citation=(
        "Horowitz LM, Bridge JA, Teach SJ, et al. Ask Suicide-Screening Questions (ASQ): a "
        "brief instrument for the pediatric emergency department. Arch Pediatr Adolesc Med. "
        "2012;166(12):1170-1176. National Institute of Mental Health, ASQ Toolkit."
    ),
)
