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

from .draft_services import (
    IntakeFieldError,
    draft_locked,
    draft_locked_for_client,
    draft_touch,
    refuse_if_under_age,
)
from .instruments import InvalidAnswersError, get_instrument, is_private, visible_items
from .models import Intake, QuestionnaireResponse
from .risk_services import risk_evaluate
from .selectors import questionnaire_items_waiting
from .step_services import intake_save_step
from .steps import QUESTIONNAIRES, SUPPORT

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
    return _answers_merge(fresh, code, answers, loaded, actor=actor, request=request)


@transaction.atomic
def questionnaire_answers_autosave(
    *,
    client: User,
    code: str,
    answers: dict,
    actor: User | None,
    loaded: dict | None = None,
    request: HttpRequest | None = None,
) -> QuestionnaireSaved:
    """questionnaire_answers_save for one answer as the client gives it, on her own intake
    found and locked in one read (started by this first answer if need be)."""
    fresh = draft_locked_for_client(client, None, request)
    refuse_if_under_age(fresh)
    return _answers_merge(fresh, code, answers, loaded, actor=actor, request=request)


@dataclass(frozen=True)
class QuestionnairesSaved:
    """What questionnaires_save did: per instrument code, the items left as they were
    because another tab changed them (key -> the answer saved there); the first question
    (code, item key) the answers called for that the page had not shown, if any; when the
    intake was saved and the level it has reached."""

    saved_at: dt.datetime | None
    risk_level: str
    first_new: tuple[str, str] | None = None
    conflicts: dict[str, dict] = field(default_factory=dict)


@transaction.atomic
def questionnaires_save(
    *,
    intake: Intake,
    answers: dict[str, dict],
    actor: User | None,
    loaded: dict[str, dict] | None = None,
    request: HttpRequest | None = None,
) -> QuestionnairesSaved:
    """Save the questionnaire step as the page posted it, in one transaction: the answers
    per instrument code (as questionnaire_answers_save, in step order, each triaged), then
    the step as where the client is (intake_save_step).

    `loaded` is what the page showed, per code (None when the page did not say: then every
    answer is written).
    """
    fresh = draft_locked(intake)
    refuse_if_under_age(fresh)
    waiting_before = set(questionnaire_items_waiting(intake=fresh))
    conflicts = {}
    for code, given in answers.items():
        saved = _answers_merge(
            fresh, code, given, None if loaded is None else loaded.get(code, {}), actor=actor, request=request
        )
        if saved.conflicts:
            conflicts[code] = saved.conflicts
    step = intake_save_step(intake=fresh, step=QUESTIONNAIRES, data={}, actor=actor, request=request)
    # An answer may call for a follow-up question the page did not show (without the
    # script, only the server can show it).
    first_new = next((q for q in questionnaire_items_waiting(intake=fresh) if q not in waiting_before), None)
    return QuestionnairesSaved(
        saved_at=step.saved_at, risk_level=step.risk_level, first_new=first_new, conflicts=conflicts
    )


def _answers_merge(
    fresh: Intake, code: str, answers: dict, loaded: dict | None, *, actor, request
) -> QuestionnaireSaved:
    """questionnaire_answers_save's work on the locked row `fresh`."""
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
    # The private questions (HARK) are asked from the Support step: she picks up there.
    draft_touch(fresh, SUPPORT if is_private(code) else QUESTIONNAIRES)
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
