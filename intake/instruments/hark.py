"""HARK (Humiliation, Afraid, Rape, Kick): a short screen for intimate-partner violence.

Asked on the Support step, and only after the client says she can answer privately right
now (intake.views_home_safety). A positive screen is for the therapist alone: it is never
shown to the front desk, in the client's own copy, or in any message.
"""

from .base import YES_NO_OPTIONS, Band, Cutoff, Instrument, Item, ItemKind, ScoringRule

_TEXTS = (
    "Within the last year, have you been humiliated or emotionally abused in other ways by "
    "your partner or your ex-partner?",
    "Within the last year, have you been afraid of your partner or ex-partner?",
    "Within the last year, have you been raped or forced to have any kind of sexual activity "
    "by your partner or ex-partner?",
    "Within the last year, have you been kicked, hit, slapped or otherwise physically hurt by "
    "your partner or ex-partner?",
)

HARK = Instrument(
    code="hark",
    name="Humiliation, Afraid, Rape, Kick",
    short_name="HARK",
    client_title="Safety at home",
    items=tuple(
        Item(key=str(number), text=text, kind=ItemKind.YES_NO, options=YES_NO_OPTIONS)
        for number, text in enumerate(_TEXTS, start=1)
    ),
    scoring=ScoringRule.SUM_CUTOFF,
    recall_period="past year",
    max_total=4,
    bands=(Band("negative", "Negative"), Band("positive", "Positive")),
    cutoff=Cutoff(default=1, minimum=1, maximum=1, note="Any yes is positive (Sohal et al. 2007)."),
    licence=(
        "Free to use: published open access in BMC Family Practice under the Creative Commons "
        "Attribution licence, with the citation below."
    ),
    citation=(
        "Sohal H, Eldridge S, Feder G. The sensitivity and specificity of four questions (HARK) "
        "to identify intimate partner violence: a diagnostic accuracy study in general "
        "practice. BMC Fam Pract. 2007;8:49."
    ),
)
