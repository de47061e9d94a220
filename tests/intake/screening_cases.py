"""Clients who left the questionnaires in different states, with what each row must say.

Shared by the detail page and PDF tests: every questionnaire offered has a row in both, and
the row says the same thing in both.
"""

from intake.instruments import BAND_ACUITY_UNANSWERED, get_instrument
from intake.screening_display import DECLINED, NOT_ANSWERED, NOT_SCREENED

PHQ9_ITEM_9_DECLINED = {**{str(n): 1 for n in range(1, 9)}, "9": None}
ASQ_ACUITY_UNANSWERED = {"1": True, "2": False, "3": False, "4": False}

# case id -> (answers by instrument code, the status each row shows; absent codes: never opened)
SCREENING_CASES = {
    "opened-none": ({}, {}),
    "declined-and-right-now-unanswered": (
        {"pcptsd5": {"gate": None}, "phq9": PHQ9_ITEM_9_DECLINED, "asq": ASQ_ACUITY_UNANSWERED},
        {
            "pcptsd5": str(DECLINED),
            "phq9": "Incomplete: 8 of 9 answered, at least 8",
            "asq": get_instrument("asq").band_label(BAND_ACUITY_UNANSWERED),
        },
    ),
    "trauma-question-no": ({"pcptsd5": {"gate": False}}, {"pcptsd5": str(NOT_SCREENED)}),
}


def expected_statuses(codes, statuses: dict[str, str]) -> dict[str, str]:
    """The status of every offered questionnaire: as given, else never opened."""
    return {code: statuses.get(code, str(NOT_ANSWERED)) for code in codes}
