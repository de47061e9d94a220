"""The NIDA single-question drug screen (Smith et al. 2010): positive at 1 or more times."""

from .base import Band, Cutoff, Instrument, Item, ItemKind, Option, ScoringRule

NIDA_SINGLE = Instrument(
    code="nida1",
    name="Single-Question Screening Test for Drug Use",
    short_name="NIDA-1Q",
    client_title="Drugs and medicines",
    items=(
        Item(
            key="1",
            text=(
                "How many times in the past year have you used an illegal drug or used a "
                "prescription medication for non-medical reasons?"
            ),
            kind=ItemKind.CHOICE,
            # The publisher asks for a number; "2 or more" keeps the count a choice on a phone
            # without changing the rule (any use at all is positive).
            options=(Option("0 times", 0), Option("1 time", 1), Option("2 or more times", 2)),
        ),
    ),
    scoring=ScoringRule.SUM_CUTOFF,
    recall_period="past year",
    bands=(Band("negative", "Negative"), Band("positive", "Positive")),
    cutoff=Cutoff(default=1, minimum=1, maximum=1, note="Any use in the past year (1 or more times)."),
    licence=(
        "Free to use: published in the open scientific literature and offered by the US "
        "National Institute on Drug Abuse for clinical screening."
    ),
    citation=(
        "Smith PC, Schmidt SM, Allensworth-Davies D, Saitz R. A single-question screening test "
        "for drug use in primary care. Arch Intern Med. 2010;170(13):1155-1160."
    ),
)
