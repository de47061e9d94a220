"""EPDS (Edinburgh Postnatal Depression Scale), Cox, Holden & Sagovsky 1987.

Shipped disabled: online reproduction needs the Royal College of Psychiatrists' written
permission, and a practice setting turns it on once the practice holds it.
"""

from .base import (
    FLAG_EPDS_ANXIETY,
    FLAG_SELF_HARM,
    FLAG_SELF_HARM_ITEM_DECLINED,
    Band,
    FlagRule,
    Instrument,
    Item,
    ItemKind,
    Option,
    ScoringRule,
    Subscale,
)


def _item(key: str, text: str, labels: tuple[str, str, str, str], *, reverse: bool) -> Item:
    # Items 1, 2 and 4 score 0-3 from the top option down; the rest score 3-0. The client's
    # answer is always the option's position, so the direction lives only here.
    scores = (3, 2, 1, 0) if reverse else (0, 1, 2, 3)
    return Item(
        key=key,
        text=text,
        kind=ItemKind.CHOICE,
        options=tuple(Option(label, s) for label, s in zip(labels, scores, strict=True)),
        reverse=reverse,
    )


_ITEMS = (
    _item(
        "1",
        "I have been able to laugh and see the funny side of things",
        (
            "As much as I always could",
            "Not quite so much now",
            "Definitely not so much now",
            "Not at all",
        ),
        reverse=False,
    ),
    _item(
        "2",
        "I have looked forward with enjoyment to things",
        (
            "As much as I ever did",
            "Rather less than I used to",
            "Definitely less than I used to",
            "Hardly at all",
        ),
        reverse=False,
    ),
    _item(
        "3",
        "I have blamed myself unnecessarily when things went wrong",
        ("Yes, most of the time", "Yes, some of the time", "Not very often", "No, never"),
        reverse=True,
    ),
    _item(
        "4",
        "I have been anxious or worried for no good reason",
        ("No, not at all", "Hardly ever", "Yes, sometimes", "Yes, very often"),
        reverse=False,
    ),
    _item(
        "5",
        "I have felt scared or panicky for no very good reason",
        ("Yes, quite a lot", "Yes, sometimes", "No, not much", "No, not at all"),
        reverse=True,
    ),
    _item(
        "6",
        "Things have been getting on top of me",
        (
            "Yes, most of the time I haven't been able to cope at all",
            "Yes, sometimes I haven't been coping as well as usual",
            "No, most of the time I have coped quite well",
            "No, I have been coping as well as ever",
        ),
        reverse=True,
    ),
    _item(
        "7",
        "I have been so unhappy that I have had difficulty sleeping",
        ("Yes, most of the time", "Yes, sometimes", "Not very often", "No, not at all"),
        reverse=True,
    ),
    _item(
        "8",
        "I have felt sad or miserable",
        ("Yes, most of the time", "Yes, quite often", "Not very often", "No, not at all"),
        reverse=True,
    ),
    _item(
        "9",
        "I have been so unhappy that I have been crying",
        ("Yes, most of the time", "Yes, quite often", "Only occasionally", "No, never"),
        reverse=True,
    ),
    _item(
        "10",
        "The thought of harming myself has occurred to me",
        ("Yes, quite often", "Sometimes", "Hardly ever", "Never"),
        reverse=True,
    ),
)

EPDS = Instrument(
    code="epds",
    name="Edinburgh Postnatal Depression Scale",
    short_name="EPDS",
    client_title="How you have felt in the past week",
    items=_ITEMS,
    scoring=ScoringRule.SUM_BANDS,
    # The practice's own words, not the 1987 paper form's: those assumed a living baby and a
    # pen ("As you have recently had a baby ... UNDERLINE"), which fits neither a client after
    # a loss, one who is pregnant, nor a partner. The stem and items stay exactly as published.
    instructions=(
        "These questions ask how you have been feeling lately, whether you are pregnant, have "
        "had a baby, have been through a loss, or are here as a partner. For each one, please "
        "choose the answer that comes closest to how you have felt in the past 7 days, not just "
        "how you feel today."
    ),
    stem="In the past 7 days:",
    recall_period="past 7 days",
    enabled_by_default=False,
    max_total=30,
    bands=(
        Band("unlikely", "Depression unlikely", 0, 9),
        Band("possible_depression", "Possible depression", 10, 12),
        Band("probable_depression", "Probable depression", 13, 30),
    ),
    flag_rules=(FlagRule(FLAG_SELF_HARM, "10", 1, declined_flag=FLAG_SELF_HARM_ITEM_DECLINED),),
    # EPDS-3A anxiety subscale (items 3-5, 0-9), flagged at 5 or more (BMC Psychology 2021).
    subscales=(
        Subscale(
            "epds3a",
            "EPDS-3A anxiety subscale",
            ("3", "4", "5"),
            flag=FLAG_EPDS_ANXIETY,
            flag_at=5,
        ),
    ),
    elevated_at=13,
    # CLINICAL.md: the total code is to be verified on loinc.org before export relies on it.
    loinc_panel="71354-5",
    loinc_total="99046-5",
    licence=(
        "(c) 1987 The Royal College of Psychiatrists. Reproduction online requires the "
        "College's written permission; keep disabled until the practice holds it."
    ),
    citation=(
        "Cox JL, Holden JM, Sagovsky R. Detection of postnatal depression: development of the "
        "10-item Edinburgh Postnatal Depression Scale. Br J Psychiatry. 1987;150:782-786."
    ),
)
