"""The client's draft: starting it, and what every write to it shares.

Every write to a draft (intake.step_services, pregnancy_services, questionnaire_services,
consent_services, submit_services) runs in one transaction, reads the intake again under
its row lock (draft_locked), refuses once it has been sent or below the practice's minimum
age, and leaves an audit record (portal.audit). Drafts may be incomplete: a save checks only
what was given. What the practice needs before it can read an intake is checked once, by
intake_submit.
"""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.models import AuditEvent, User

from .models import Intake
from .selectors import intake_is_under_minimum_age, intake_unstarted

ERROR_LOCKED = _(
    "Your intake has already been sent to the practice, so it can't be changed here. "
    "If something needs updating, please tell your therapist or call the office."
)


ERROR_UNKNOWN_FIELD = _("We couldn't save that answer. Please reload the page and try again.")


ERROR_CHANGED_ELSEWHERE = _(
    "This answer was changed in another window or tab since this page was opened. It now says: "
    "“%(current)s”. What you have here is not saved yet: to keep it, press Save; to keep the "
    "other, change this one to match."
)


ERROR_INVALID_VALUE = _("Please check this answer.")


ERROR_CHOICE = _("Please choose from the options shown.")


ERROR_UNDER_AGE = _(
    "Thank you for reaching out. Our practice works with adults, so we can't continue online. "
    "Please call the office and we will gladly help you find the right support."
)


class IntakeError(Exception):
    """A write the client's request cannot make; `message` is safe to show her."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.errors = errors or {}


class IntakeLockedError(IntakeError):
    pass


class IntakeUnderAgeError(IntakeError):
    pass


class IntakeFieldError(IntakeError):
    """An unknown field or step name: the request did not come from our own pages."""


class IntakeValidationError(IntakeError):
    """Some answers need another look; `errors` maps field name to message."""


class IntakeConflictError(IntakeError):
    """The answer was changed elsewhere (another tab) since this page showed it: `current`
    is the value saved there, which this save did not overwrite."""

    def __init__(self, message: str, current) -> None:
        super().__init__(message)
        self.current = current


def request_actor(request: HttpRequest | None, fallback: User | None) -> User | None:
    """Who made the request (for the audit record), else `fallback`."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else fallback


# What every write checks under the lock: whose it is, whether it is still a draft, the age
# rule, and the level the answers have reached.
_WRITE_CHECK_FIELDS = ("id", "client_id", "status", "date_of_birth", "risk_level")


def _write_columns(fields: tuple[str, ...] | None) -> tuple[str, ...] | None:
    return None if fields is None else (*_WRITE_CHECK_FIELDS, *fields)


def _refuse_if_sent(fresh: Intake) -> Intake:
    if fresh.status != Intake.Status.DRAFT:
        raise IntakeLockedError(ERROR_LOCKED)
    return fresh


def draft_locked(intake: Intake, fields: tuple[str, ...] | None = None) -> Intake:
    """Re-read the intake under a row lock and refuse if it has been sent.

    With `fields`, only those columns (and the checks') are read: a single answer saved
    does not need the whole row, whose select is most of an autosave's cost.
    """
    return _refuse_if_sent(intake_locked(intake, fields))


def intake_locked(intake: Intake, fields: tuple[str, ...] | None = None) -> Intake:
    """Re-read the intake under a row lock, sent or not (draft_locked refuses a sent one)."""
    rows = Intake.objects.select_for_update()
    if fields is not None:
        rows = rows.only(*_write_columns(fields))
    fresh = rows.get(pk=intake.pk)
    if Intake.client.is_cached(intake):
        fresh.client = intake.client  # the same person: no second read for the audit row
    return fresh


def draft_locked_for_client(client: User, fields: tuple[str, ...] | None, request) -> Intake:
    """The client's own intake read once, under the row lock (started if she has none)."""
    rows = Intake.objects.select_for_update().filter(client=client)
    if fields is not None:
        rows = rows.only(*_write_columns(fields))
    fresh = rows.first()
    if fresh is None:
        return draft_locked(intake_get_or_start(client=client, request=request), fields)
    fresh.client = client
    return _refuse_if_sent(fresh)


def refuse_if_under_age(intake: Intake) -> None:
    if intake_is_under_minimum_age(intake=intake):
        raise IntakeUnderAgeError(ERROR_UNDER_AGE)


def draft_touch(intake: Intake, step: int) -> None:
    """Remember the step as where the client is, and when she last saved."""
    intake.last_saved_at = timezone.now()
    intake.current_step = step
    intake.save(update_fields=["last_saved_at", "current_step", "updated_at"])


def intake_get_or_start(*, client: User, request: HttpRequest | None = None) -> Intake:
    """The client's intake, started (with her name and email filled in) by her first write.

    Pages only read (access.intake_own); every write path calls this first. It exists after
    the first save: one plain read, with no transaction, unless it has to be made.
    """
    intake = Intake.objects.filter(client=client).first()
    if intake is None:
        intake = _intake_start(client=client, request=request)
    intake.client = client
    return intake


@transaction.atomic
def _intake_start(*, client: User, request: HttpRequest | None) -> Intake:
    unstarted = intake_unstarted(client=client)
    intake, created = Intake.objects.get_or_create(
        client=client, defaults={"legal_name": unstarted.legal_name, "contact_email": unstarted.contact_email}
    )
    if created:
        audit_record(
            client=intake.client,
            action=AuditEvent.Action.CREATE,
            object_type="intake",
            object_id=intake.pk,
            detail="intake started",
            request=request,
            actor=request_actor(request, client),
        )
    return intake
