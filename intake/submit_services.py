"""Sending the intake to the practice: what still stands in the way, the send itself, and
what follows it once it commits."""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.messages import message_enqueue
from portal.models import AuditEvent, User

from . import forms_rules
from .draft_services import ERROR_UNDER_AGE, draft_locked
from .message_kinds import INTAKE_RECEIVED
from .models import Intake
from .risk_services import risk_evaluate
from .selectors import consent_documents_unsigned, consent_kinds_unavailable, intake_is_under_minimum_age
from .steps import ABOUT, AGREEMENTS
from .tasks import summary_queue

logger = logging.getLogger(__name__)

ERROR_SUBMIT_LEGAL_NAME = _("Please add your full legal name.")


ERROR_SUBMIT_DOB = _("Please add your date of birth.")


ERROR_SUBMIT_CONTACT = _("Please add a phone number or an email address so we can reach you.")


ERROR_SUBMIT_STATE = _("Please add the state you live in.")


ERROR_SUBMIT_CONSENTS = _("Please read and sign the agreements.")


ERROR_SUBMIT_AGREEMENTS_UNAVAILABLE = _(
    "One of the practice's agreements is not available right now, so your intake can't be sent "
    "yet. Everything you wrote is saved. Please call the office and we will sort it out."
)


@dataclass
class SubmitProblem:
    step: int
    field: str
    message: str


@dataclass
class IntakeSubmitError(Exception):
    problems: list[SubmitProblem] = field(default_factory=list)


def intake_submit_problems(*, intake: Intake) -> list[SubmitProblem]:
    """What still stands between this draft and sending it (empty when ready)."""
    problems = []
    if not intake.legal_name.strip():
        problems.append(SubmitProblem(ABOUT, "legal_name", ERROR_SUBMIT_LEGAL_NAME))
    if intake.date_of_birth is None:
        problems.append(SubmitProblem(ABOUT, "date_of_birth", ERROR_SUBMIT_DOB))
    elif intake_is_under_minimum_age(intake=intake):
        problems.append(SubmitProblem(ABOUT, "date_of_birth", ERROR_UNDER_AGE))
    if not intake.phone.strip() and not intake.contact_email.strip():
        problems.append(SubmitProblem(ABOUT, "phone", ERROR_SUBMIT_CONTACT))
    if not intake.state.strip():
        problems.append(SubmitProblem(ABOUT, "state", ERROR_SUBMIT_STATE))
    # Answers saved before these rules existed are asked for again rather than sent as typed.
    for name, check in forms_rules.CHECKS.items():
        message = check(getattr(intake, name))
        if message:
            problems.append(SubmitProblem(ABOUT, name, message))
    if consent_kinds_unavailable(intake=intake):
        # Never send an intake without the agreements, even if the practice's texts are missing.
        logger.error("Intake %s cannot be sent: required agreements are not published.", intake.pk)
        problems.append(SubmitProblem(AGREEMENTS, "agreements", ERROR_SUBMIT_AGREEMENTS_UNAVAILABLE))
    elif consent_documents_unsigned(intake=intake):
        problems.append(SubmitProblem(AGREEMENTS, "agreements", ERROR_SUBMIT_CONSENTS))
    return problems


@transaction.atomic
def intake_submit(*, intake: Intake, actor: User | None, request: HttpRequest | None = None) -> Intake:
    """Send the intake to the practice. From then on the client can read it but not change it.

    Raises IntakeLockedError if already sent, IntakeSubmitError listing what is missing.
    After the commit, intake_submitted_hooks runs with the intake's id.
    """
    fresh = draft_locked(intake)
    problems = intake_submit_problems(intake=fresh)
    if problems:
        raise IntakeSubmitError(problems)
    fresh.status = Intake.Status.SUBMITTED
    fresh.submitted_at = timezone.now()
    fresh.save(update_fields=["status", "submitted_at", "updated_at"])
    # Some answers weigh more once they can no longer change (an ASQ "right now" question
    # left open is urgent in a sent intake), so triage runs again as it is sent.
    risk_evaluate(intake=fresh, actor=actor, request=request)
    audit_record(
        client=fresh.client,
        action=AuditEvent.Action.SUBMIT,
        object_type="intake",
        object_id=fresh.pk,
        detail="intake sent to the practice",
        request=request,
        actor=actor,
    )
    # Her receipt, recorded with the sending so it goes out once (portal.message_ledger).
    message_enqueue(kind=INTAKE_RECEIVED, client_id=fresh.client_id, subject=fresh)
    intake_id = fresh.pk
    transaction.on_commit(lambda: intake_submitted_hooks(intake_id))
    return fresh


def intake_submitted_hooks(intake_id: int) -> None:
    """Everything that follows a submitted intake, run once after the submit commits.

    The one place to add such work, as a queue function of intake.tasks that takes the id.
    Keep each idempotent: a retried task may run it twice.
    """
    summary_queue(intake_id)
