"""Building intakes as the therapist review finds them: sent, with flags and answers."""

import datetime as dt

from django.utils import timezone

from intake.models import Intake, QuestionnaireResponse, RiskFlag
from intake.questionnaire_services import questionnaire_answers_save
from intake.risk_rules import max_level
from intake.risk_services import risk_evaluate
from tests.intake.factories import IntakeFactory
from tests.portal.factories import UserFactory

ASQ_ACUTE = {"1": True, "2": False, "3": False, "4": False, "5": True}
ACUTE_REASON = {
    "source": "asq",
    "item_key": "5",
    "item_text": "Are you having thoughts of killing yourself right now?",
    "answer": "Yes",
    "why": "ASQ acute positive screen (item 5: Yes).",
}


def sent_intake(
    *,
    client=None,
    risk_level: str = "routine",
    waiting: dt.timedelta = dt.timedelta(hours=1),
    status: str = Intake.Status.SUBMITTED,
    **fields,
) -> Intake:
    """An intake the client has sent, waiting `waiting`, at `risk_level` (no flags)."""
    client = client or UserFactory()
    submitted_at = fields.pop("submitted_at", timezone.now() - waiting)
    return IntakeFactory(
        client=client,
        status=status,
        submitted_at=submitted_at,
        risk_level=risk_level,
        **fields,
    )


def raise_flag(intake: Intake, level: str = "urgent", reasons=None) -> RiskFlag:
    """A flag as risk_evaluate records it (reasons with the exact item and answer)."""
    highest = max_level(intake.risk_level, level).value
    if highest != intake.risk_level:
        Intake.objects.filter(pk=intake.pk).update(risk_level=highest)
        intake.risk_level = highest
    return RiskFlag.objects.create(intake=intake, level=level, reasons=reasons or [ACUTE_REASON])


def answer(intake: Intake, code: str, answers: dict) -> QuestionnaireResponse:
    return QuestionnaireResponse.objects.create(intake=intake, code=code, answers=answers)


def intake_with_answers(*, client=None, answers: dict[str, dict], sent: bool = True) -> Intake:
    """An intake whose questionnaire answers went through the service, so its flags are
    raised as they are in production; sent (and triaged again as sent) unless sent=False."""
    intake = IntakeFactory(client=client or UserFactory())
    for code, given in answers.items():
        questionnaire_answers_save(intake=intake, code=code, answers=given, actor=intake.client)
    if sent:
        Intake.objects.filter(pk=intake.pk).update(
            status=Intake.Status.SUBMITTED, submitted_at=timezone.now()
        )
        intake.refresh_from_db()
        risk_evaluate(intake=intake, actor=None)
    intake.refresh_from_db()
    return intake
