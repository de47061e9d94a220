"""AUDIT-C: the first three questions of the WHO Alcohol Use Disorders Identification Test.

Wording and scoring as the WHO publishes them (Babor et al. 2001). Positive for women at 3 or
more (Bradley et al. 2007; 4 for men), a published cut-off the practice setting does not move.
One question of the practice's own follows: any drinking while pregnant is shown to the
therapist whatever the total (CLINICAL.md); it is never summed.
"""

from .base import (
    FLAG_ALCOHOL_IN_PREGNANCY,
    YES_NO_OPTIONS,
    Band,
    Cutoff,
    FlagRule,
    Instrument,
    Item,
    ItemKind,
    Option,
    ScoringRule,
    ShowWhen,
)

# The WHO AUDIT skips the rest after "Never" to the first question: they score 0.
_DRINKS = ShowWhen(keys=("1",), values=(1, 2, 3, 4, None))

_ITEMS = (
    Item(
        key="1",
        text="How often do you have a drink containing alcohol?",
        kind=ItemKind.CHOICE,
        options=(
            Option("Never", 0),
            Option("Monthly or less", 1),
            Option("2 to 4 times a month", 2),
            Option("2 to 3 times a week", 3),
            Option("4 or more times a week", 4),
        ),
    ),
    Item(
        key="2",
        text="How many drinks containing alcohol do you have on a typical day when you are drinking?",
        kind=ItemKind.CHOICE,
        options=(
            Option("1 or 2", 0),
            Option("3 or 4", 1),
            Option("5 or 6", 2),
            Option("7, 8, or 9", 3),
            Option("10 or more", 4),
        ),
        shown_when=_DRINKS,
    ),
    Item(
        key="3",
        text="How often do you have six or more drinks on one occasion?",
        kind=ItemKind.CHOICE,
        options=(
            Option("Never", 0),
            Option("Less than monthly", 1),
            Option("Monthly", 2),
            Option("Weekly", 3),
            Option("Daily or almost daily", 4),
        ),
        shown_when=_DRINKS,
    ),
    # The practice's own question, not the WHO's: asked, never summed.
    Item(
        key="pregnant",
        text="Have you had any alcohol while pregnant, in a pregnancy now or one in the past year?",
        kind=ItemKind.YES_NO,
        options=YES_NO_OPTIONS,
        scored=False,
        shown_when=_DRINKS,
    ),
)

AUDITC = Instrument(
    code="auditc",
    name="Alcohol Use Disorders Identification Test - Consumption",
    short_name="AUDIT-C",
    client_title="Alcohol",
    items=_ITEMS,
    scoring=ScoringRule.SUM_CUTOFF,
    recall_period="usual pattern (the WHO AUDIT asks about the past year)",
    max_total=12,
    bands=(Band("negative", "Negative"), Band("positive", "Positive")),
    cutoff=Cutoff(
        default=3,
        minimum=3,
        maximum=3,
        note="3 or more is positive for women (Bradley et al. 2007); 4 or more for men.",
    ),
    flag_rules=(FlagRule(FLAG_ALCOHOL_IN_PREGNANCY, "pregnant", 1),),
    licence=(
        "Public domain: the AUDIT is published by the World Health Organization and may be "
        "reproduced without permission."
    ),
    citation=(
        "Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The Alcohol Use "
        "Disorders Identification Test. 2nd ed. World Health Organization; 2001. Bradley KA, "
        "DeBenedetti AF, Volk RJ, et al. AUDIT-C as a brief screen for alcohol misuse in "
        "primary care. Alcohol Clin Exp Res. 2007;31(7):1208-1217."
    ),
)
