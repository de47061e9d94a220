"""The client's answers to the screening questionnaires of step 5 (intake.instruments),
triaged on every save: a self-harm answer alerts the on-call the same day, before she sends
the intake (intake.risk_services)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.models import AuditEvent, User

from .draft_services import IntakeFieldError, draft_locked, draft_touch, refuse_if_under_age
from .instruments import InvalidAnswersError, get_instrument, visible_items
from .models import Intake, QuestionnaireResponse
from .risk_services import risk_evaluate
from .steps import QUESTIONNAIRES

ERROR_QUESTIONNAIRE_UNKNOWN = _("We couldn't save that answer. Please reload the page and try again.")


# An item with no answer yet, for comparing what a page showed with what is saved now.
UNANSWERED = "unanswered"


@dataclass(frozen=True)
class QuestionnaireSaved:
    """What questionnaire_answers_save did: the response as saved, the items left as they
    were because another tab changed them since the page was loaded (key -> the answer saved
    there, UNANSWERED if none), when the intake was last saved and the level it has reached."""

    response: QuestionnaireResponse
    saved_at: dt.datetime | None
    risk_level: str
    conflicts: dict = field(default_factory=dict)


def _answers_changed_here(saved: dict, answers: dict, loaded: dict) -> tuple[dict, dict]:
    """(the answers this page changed and may write, the conflicts): see intake_save_step."""
    write, conflicts = {}, {}
    for key, answer in answers.items():
        if key not in loaded:
            write[key] = answer
            continue
        before, current = loaded[key], saved.get(key, UNANSWERED)
        if answer == before and type(answer) is type(before):
            continue
        if current != before and current != answer:
            conflicts[key] = current
            continue
        write[key] = answer
    return write, conflicts


@transaction.atomic
def questionnaire_answers_save(
    *,
    intake: Intake,
    code: str,
    answers: dict,
    actor: User | None,
    loaded: dict | None = None,
    request: HttpRequest | None = None,
) -> QuestionnaireSaved:
    """Merge answers (item key -> option index, True/False, or None for "prefer not to
    answer") into the client's response to one instrument.

    `loaded` is what the page showed for those items (UNANSWERED for none): with it, only
    what the page changed is written, and an item changed here and elsewhere since is left
    as saved there and returned as a conflict (as intake_save_step does for other answers).
    """
    fresh = draft_locked(intake)
    refuse_if_under_age(fresh)
    try:
        get_instrument(code)
    except ValueError:
        raise IntakeFieldError(ERROR_QUESTIONNAIRE_UNKNOWN) from None
    response, _created = QuestionnaireResponse.objects.get_or_create(intake=fresh, code=code)
    conflicts: dict = {}
    if loaded is not None:
        answers, conflicts = _answers_changed_here(response.answers, answers, loaded)
    if not answers:
        return QuestionnaireSaved(
            response=response, saved_at=fresh.last_saved_at, risk_level=fresh.risk_level, conflicts=conflicts
        )
    merged = {**response.answers, **answers}
    try:
        visible_items(code, merged)
    except InvalidAnswersError:
        raise IntakeFieldError(ERROR_QUESTIONNAIRE_UNKNOWN) from None
    response.answers = merged
    response.save(update_fields=["answers", "updated_at"])
    draft_touch(fresh, QUESTIONNAIRES)
    # Triage on every answer, before submit: a self-harm answer alerts the on-call today.
    risk_evaluate(intake=fresh, actor=actor, request=request)
    audit_record(
        client=fresh.client,
        action=AuditEvent.Action.UPDATE,
        object_type="questionnaire_response",
        object_id=response.pk,
        detail=f"{code} answers saved ({len(answers)})",
        request=request,
        actor=actor,
    )
    return QuestionnaireSaved(
        response=response, saved_at=fresh.last_saved_at, risk_level=fresh.risk_level, conflicts=conflicts
    )
