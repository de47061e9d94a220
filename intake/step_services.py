"""Saving the client's answers on the steps of plain fields: a whole step from the page
(intake_save_step) or one answer as she types (intake_autosave_field).

Each value is checked once, here (_value_error): the forms only convert what was typed,
and the database's constraints hold the invariant for anything else.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_insert_sql, audit_record
from portal.models import AuditEvent, User

from . import forms_rules
from .catalogue import SYMPTOM_SLUGS
from .draft_services import (
    ERROR_CHANGED_ELSEWHERE,
    ERROR_CHOICE,
    ERROR_INVALID_VALUE,
    ERROR_UNKNOWN_FIELD,
    IntakeConflictError,
    IntakeFieldError,
    IntakeValidationError,
    draft_locked,
    draft_locked_for_client,
    refuse_if_under_age,
)
from .models import Intake
from .risk_services import risk_evaluate
from .selectors import intake_is_under_minimum_age, minimum_age_latest_birth
from .steps import ABOUT, STEP_BY_NUMBER, STEP_FOR_FIELD

ERROR_UNKNOWN_STEP = _("That part of the intake doesn't exist.")


ERROR_DOB_FUTURE = _("Your date of birth can't be a date still to come. Please check it.")


ERROR_DOB_RANGE = _("Please check the year of your date of birth.")


ERROR_SUBSCRIBER_DOB = _("Please check this date of birth: it can't be a date still to come, or before 1900.")


ERROR_IMPACT_RANGE = _("Please choose a number from 0 to 10.")


# Next to the date of birth when an under-age client presses "Save and continue".
ERROR_UNDER_AGE_FIELD = _(
    "With this date of birth we can't go on to the next step online. If the date isn't right, "
    'please correct it and press "Save and continue" again.'
)


EARLIEST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class StepSaved:
    """What a save of answers did: answers refused (field -> message), answers left as they
    were because another tab changed them since this page was loaded (field -> the value
    saved there), and what the page tells the client: when it was saved, the level her
    answers have reached, whether she is below the practice's minimum age, and whether the
    page must reload (a date of birth that crossed the minimum age either way changes which
    steps it may offer)."""

    saved_at: dt.datetime
    risk_level: str
    under_age: bool = False
    reload: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, object] = field(default_factory=dict)


def _value_error(name: str, value, today: dt.date) -> str | None:
    """The message for one value the model cannot hold or the rules refuse, else None."""
    model_field = Intake._meta.get_field(name)
    if name in ("services", "symptoms"):
        allowed = set(Intake.Service.values) if name == "services" else SYMPTOM_SLUGS
        if not isinstance(value, list) or not set(value) <= allowed:
            return ERROR_CHOICE
        return None
    if name == "sleep_hours":
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 24
        ):
            return forms_rules.ERROR_SLEEP_HOURS
        return None
    if name.startswith("impact_"):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10
        ):
            return ERROR_IMPACT_RANGE
        return None
    check = forms_rules.CHECKS.get(name)
    if check is not None and value:
        if not isinstance(value, str):
            return ERROR_INVALID_VALUE
        message = check(value)
        if message:
            return message
    if name == "date_of_birth" and value is not None:
        if not isinstance(value, dt.date):
            return ERROR_INVALID_VALUE
        if value > today:
            return ERROR_DOB_FUTURE
        if value.year < EARLIEST_BIRTH_YEAR:
            return ERROR_DOB_RANGE
    if name == "subscriber_date_of_birth" and value is not None:
        if not isinstance(value, dt.date):
            return ERROR_INVALID_VALUE
        if value > today or value.year < EARLIEST_BIRTH_YEAR:
            return ERROR_SUBSCRIBER_DOB
    try:
        model_field.clean(value, None)
    except ValidationError as exc:
        return ERROR_CHOICE if model_field.choices else exc.messages[0]
    return None


def _step_fields_checked(step: int, data: dict) -> tuple[str, ...] | None:
    """Refuse a step or field no step asks; the columns the save must read (None: all)."""
    if step not in STEP_BY_NUMBER:
        raise IntakeFieldError(ERROR_UNKNOWN_STEP)
    unknown = set(data) - set(STEP_BY_NUMBER[step].fields)
    if unknown:
        raise IntakeFieldError(ERROR_UNKNOWN_FIELD, {name: ERROR_UNKNOWN_FIELD for name in unknown})
    # Triage reads the whole intake; any other answer needs only its own column.
    return None if "symptoms" in data else tuple(data)


@transaction.atomic
def intake_save_step(
    *,
    intake: Intake,
    step: int,
    data: dict,
    actor: User | None,
    loaded: dict | None = None,
    request: HttpRequest | None = None,
) -> StepSaved:
    """Save the answers given for one step and remember the step as where the client is.

    `loaded` is what the page showed for each answer when it was loaded (the same shape as
    `data`). With it, only what this page changed is written, so a page left open in another
    tab never reverts an answer saved since; and an answer this page changed that was also
    changed elsewhere is not overwritten silently: it is returned as a conflict. Answers
    that break a rule are left as they were and returned as errors; all others are saved.
    Raises IntakeLockedError once sent, IntakeFieldError for a field the step does not ask,
    IntakeUnderAgeError past step 1 below the practice's minimum age.
    """
    fresh = draft_locked(intake, fields=_step_fields_checked(step, data))
    return _save_answers(fresh, step=step, data=data, actor=actor, request=request, loaded=loaded)


def _saved_detail(step: int, changed: list[str]) -> str:
    """The audit row's words for a saved step or answer."""
    return f"step {step} saved; changed: {', '.join(sorted(changed)) or 'nothing'}"


def _save_answers(
    fresh: Intake, *, step: int, data: dict, actor, request, loaded: dict | None = None
) -> StepSaved:
    """intake_save_step's work on the locked row `fresh`."""
    if step != ABOUT:
        refuse_if_under_age(fresh)
    was_under_age = "date_of_birth" in data and intake_is_under_minimum_age(intake=fresh)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    conflicts: dict[str, object] = {}
    changed: list[str] = []
    for name, value in data.items():
        current = getattr(fresh, name)
        if loaded is not None and name in loaded:
            if value == loaded[name]:
                continue  # not changed on this page: whatever is saved now stays
            if current != loaded[name] and current != value:
                conflicts[name] = current
                continue
        message = _value_error(name, value, today)
        if message:
            errors[name] = message
            continue
        if current != value:
            changed.append(name)
        setattr(fresh, name, value)
    fresh.last_saved_at = timezone.now()
    fresh.current_step = step
    fresh.save(update_fields=[*changed, "last_saved_at", "current_step", "updated_at"])
    audit_record(
        client=fresh.client,
        action=AuditEvent.Action.UPDATE,
        object_type="intake",
        object_id=fresh.pk,
        detail=_saved_detail(step, changed),
        request=request,
        actor=actor,
    )
    if "symptoms" in changed:
        risk_evaluate(intake=fresh, actor=actor, request=request)
    under_age = intake_is_under_minimum_age(intake=fresh)
    return StepSaved(
        saved_at=fresh.last_saved_at,
        risk_level=fresh.risk_level,
        under_age=under_age,
        reload="date_of_birth" in data and (was_under_age or under_age),
        errors=errors,
        conflicts=conflicts,
    )


_NOT_GIVEN = object()


def intake_autosave_field(
    *,
    client: User,
    field_name: str,
    value,
    actor: User | None,
    was=_NOT_GIVEN,
    request: HttpRequest | None = None,
) -> StepSaved:
    """Autosave one answer on the client's own intake.

    `was` is the answer as this page last knew it: if another tab has saved something else
    since, the answer is not overwritten and IntakeConflictError says what is saved there.
    Raises IntakeFieldError for a name no step asks, and IntakeValidationError (with the
    field's message) for a value the rules refuse. The autosave runs on every change a client
    makes: a plain answer is written with its audit row in one statement where the database
    allows (_autosave_in_one_statement); any other save, or one that statement did not make,
    reads the row under its lock first and says why.
    """
    step = STEP_FOR_FIELD.get(field_name)
    if step is None:
        raise IntakeFieldError(ERROR_UNKNOWN_FIELD)
    saved = _autosave_in_one_statement(
        client=client, field_name=field_name, step=step, value=value, was=was, actor=actor, request=request
    )
    if saved is None:
        saved = _autosave_locked(
            client=client,
            field_name=field_name,
            step=step,
            value=value,
            was=was,
            actor=actor,
            request=request,
        )
    return saved


@transaction.atomic
def _autosave_locked(*, client: User, field_name: str, step: int, value, was, actor, request) -> StepSaved:
    """intake_autosave_field with the intake found and locked in one read."""
    data = {field_name: value}
    fresh = draft_locked_for_client(client, _step_fields_checked(step, data), request)
    loaded = None if was is _NOT_GIVEN else {field_name: was}
    saved = _save_answers(fresh, step=step, data=data, actor=actor, request=request, loaded=loaded)
    if field_name in saved.conflicts:
        raise IntakeConflictError(ERROR_CHANGED_ELSEWHERE, saved.conflicts[field_name])
    if saved.errors:
        raise IntakeValidationError(saved.errors[field_name], saved.errors)
    return saved


def _one_statement_answer(field_name: str) -> bool:
    """Whether the one-statement autosave may write this answer. Not the date of birth
    (whether it crossed the minimum age decides a reload: the value before is needed) nor
    the lists (symptoms re-run triage on the whole intake, and JSON text is compared
    differently by the two databases). No answer it writes is one the review's cached
    counts depend on (intake.signals), which a plain UPDATE would not tell."""
    return field_name != "date_of_birth" and not isinstance(
        Intake._meta.get_field(field_name), models.JSONField
    )


def _autosave_in_one_statement(
    *, client: User, field_name: str, step: int, value, was, actor, request
) -> StepSaved | None:
    """The autosave of a plain answer that changes it, as one conditional UPDATE whose WHERE
    is the lock's checks (her draft, not sent; of age past step 1; still what this page
    showed, or else different from the answer) and whose RETURNING is what the page is
    told; the audit row in the same statement (PostgreSQL, a WITH) or transaction (SQLite).

    None when nothing was written, the caller then takes the locked path, which says why (no
    intake yet, sent, under age, changed elsewhere) or saves an unchanged answer: all rarer
    than the answer typed.
    """
    if not connection.features.can_return_rows_from_update:
        return None  # an SQLite older than 3.35: the locked path
    today = timezone.localdate()
    if not _one_statement_answer(field_name) or _value_error(field_name, value, today) is not None:
        return None
    if was is not _NOT_GIVEN and was == value:
        return None  # not changed on this page: the locked path only touches the time
    now = timezone.now()
    ops = connection.ops
    meta = Intake._meta

    def column(name: str) -> str:
        return ops.quote_name(meta.get_field(name).column)

    def prep(name: str, v):
        return meta.get_field(name).get_db_prep_save(v, connection)

    # NULL-safe equality, as the locked path compares in Python.
    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    answer, birth = column(field_name), column("date_of_birth")
    latest_birth = prep("date_of_birth", minimum_age_latest_birth(today=today))
    sets = [f"{answer} = %s", f"{column('last_saved_at')} = %s", f"{column('current_step')} = %s"]
    sets.append(f"{column('updated_at')} = %s")
    params = [prep(field_name, value), prep("last_saved_at", now), step, prep("updated_at", now)]
    where = [f"{column('client')} = %s", f"{column('status')} = %s"]
    params += [client.pk, Intake.Status.DRAFT]
    if was is _NOT_GIVEN:
        where.append(f"NOT ({answer} {same} %s)")
        params.append(prep(field_name, value))
    else:
        where.append(f"{answer} {same} %s")
        params.append(prep(field_name, was))
    if step != ABOUT:
        where.append(f"({birth} IS NULL OR {birth} <= %s)")
        params.append(latest_birth)
    # Only the model's own table and column names are put in the text; every value is a parameter.
    table, returning = ops.quote_name(meta.db_table), f"{column('id')}, {column('risk_level')}, {birth} > %s"
    update = f"UPDATE {table} SET {', '.join(sets)} WHERE {' AND '.join(where)} RETURNING {returning}"  # noqa: S608
    params.append(latest_birth)
    audit = {
        "connection": connection,
        "actor": actor,
        "action": AuditEvent.Action.UPDATE,
        "object_type": "intake",
        "client": client,
        "detail": _saved_detail(step, [field_name]),
        "request": request,
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            insert, audit_params = audit_insert_sql(
                **audit, source="saved", object_id_sql="CAST(saved.id AS TEXT)"
            )
            cursor.execute(
                f"WITH saved AS ({update}), audit AS ({insert}) SELECT * FROM saved",  # noqa: S608
                [*params, *audit_params],
            )
            row = cursor.fetchone()
        else:
            with transaction.atomic(savepoint=False):
                cursor.execute(update, params)
                row = cursor.fetchone()
                if row is not None:
                    cursor.execute(*audit_insert_sql(**audit, object_id=row[0]))
    if row is None:
        return None
    return StepSaved(saved_at=now, risk_level=row[1], under_age=bool(row[2]))
