"""The autosave of a plain answer in as few statements as the database allows (one on
PostgreSQL, an UPDATE and its audit INSERT on SQLite), and every case it leaves to the
locked read, which says why nothing was written."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from intake.draft_services import (
    IntakeConflictError,
    IntakeLockedError,
    IntakeUnderAgeError,
    IntakeValidationError,
)
from intake.models import Intake
from intake.selectors import intake_is_under_minimum_age, minimum_age_latest_birth
from intake.step_services import intake_autosave_field
from portal.models import AuditEvent, User
from portal.selectors import practice_get
from tests.intake.factories import IntakeFactory

# Inside the test's transaction: no BEGIN or COMMIT of the autosave's own is counted.
STATEMENTS = 1 if connection.vendor == "postgresql" else 2


def _save(client_user, field, value, **was):
    return intake_autosave_field(client=client_user, field_name=field, value=value, actor=client_user, **was)


def _audit_rows(intake):
    return AuditEvent.objects.filter(object_type="intake", object_id=str(intake.pk))


def test_an_autosave_of_a_plain_answer_is_one_statement_on_postgresql_two_on_sqlite(
    intake, client_user, django_assert_num_queries
):
    practice_get()  # read from the cache after a process's first request
    with django_assert_num_queries(STATEMENTS):
        saved = _save(client_user, "hopes", "To rest.")
    intake.refresh_from_db()
    assert intake.hopes == "To rest."
    assert intake.last_saved_at == saved.saved_at
    assert intake.current_step == 2
    assert (saved.risk_level, saved.under_age, saved.reload) == (intake.risk_level, False, False)


def test_an_autosave_checked_against_what_the_page_showed_is_as_few_statements(
    intake, client_user, django_assert_num_queries
):
    practice_get()
    with django_assert_num_queries(STATEMENTS):
        _save(client_user, "hopes", "To rest.", was="")
    intake.refresh_from_db()
    assert intake.hopes == "To rest."


def test_an_autosave_writes_its_audit_row_with_the_answer(intake, client_user):
    _save(client_user, "hopes", "To rest.")
    event = _audit_rows(intake).get()
    assert (event.actor, event.client, event.action) == (client_user, client_user, AuditEvent.Action.UPDATE)
    assert event.detail == "step 2 saved; changed: hopes"


@pytest.mark.django_db(transaction=True)
def test_an_autosave_whose_audit_row_fails_writes_nothing(client_user):
    intake = IntakeFactory(client=client_user, hopes="Before")
    nobody = User(pk=10**9, email="nobody@example.com")  # no such account: the row cannot be written
    with pytest.raises(IntegrityError):
        intake_autosave_field(client=client_user, field_name="hopes", value="After", actor=nobody)
    intake.refresh_from_db()
    assert intake.hopes == "Before"
    assert not _audit_rows(intake).exists()


def test_an_answer_changed_in_another_tab_is_not_overwritten(intake, client_user):
    Intake.objects.filter(pk=intake.pk).update(hopes="From the other tab")
    with pytest.raises(IntakeConflictError) as raised:
        _save(client_user, "hopes", "From this tab", was="")
    assert raised.value.current == "From the other tab"
    intake.refresh_from_db()
    assert intake.hopes == "From the other tab"
    assert not _audit_rows(intake).exists()


def test_an_answer_saved_the_same_in_another_tab_is_saved_with_nothing_changed(intake, client_user):
    Intake.objects.filter(pk=intake.pk).update(hopes="Same")
    _save(client_user, "hopes", "Same", was="")
    assert _audit_rows(intake).get().detail == "step 2 saved; changed: nothing"


def test_an_unchanged_answer_still_records_when_she_saved(intake, client_user):
    Intake.objects.filter(pk=intake.pk).update(hopes="Same", last_saved_at=None)
    _save(client_user, "hopes", "Same")
    intake.refresh_from_db()
    assert intake.last_saved_at is not None
    assert _audit_rows(intake).get().detail == "step 2 saved; changed: nothing"


def test_an_autosave_once_sent_is_refused_and_changes_nothing(client_user):
    intake = IntakeFactory(
        client=client_user, hopes="Kept", status=Intake.Status.SUBMITTED, submitted_at=timezone.now()
    )
    with pytest.raises(IntakeLockedError):
        _save(client_user, "hopes", "Changed")
    intake.refresh_from_db()
    assert intake.hopes == "Kept"
    assert not _audit_rows(intake).exists()


def _under_age_birth() -> dt.date:
    return minimum_age_latest_birth() + dt.timedelta(days=1)


def test_an_autosave_past_step_1_below_the_minimum_age_is_refused(client_user):
    intake = IntakeFactory(client=client_user, hopes="Kept", date_of_birth=_under_age_birth())
    with pytest.raises(IntakeUnderAgeError):
        _save(client_user, "hopes", "Changed")
    intake.refresh_from_db()
    assert intake.hopes == "Kept"
    assert not _audit_rows(intake).exists()


def test_an_autosave_on_the_minimum_age_birthday_is_saved(client_user):
    intake = IntakeFactory(client=client_user, date_of_birth=minimum_age_latest_birth())
    _save(client_user, "hopes", "Changed")
    intake.refresh_from_db()
    assert intake.hopes == "Changed"


def test_an_autosave_on_step_1_below_the_minimum_age_is_saved_and_says_so(client_user):
    intake = IntakeFactory(client=client_user, date_of_birth=_under_age_birth())
    saved = _save(client_user, "preferred_name", "Hope")
    intake.refresh_from_db()
    assert intake.preferred_name == "Hope"
    assert saved.under_age is True


def test_a_refused_value_is_not_written(intake, client_user):
    with pytest.raises(IntakeValidationError):
        _save(client_user, "impact_work", 12)
    intake.refresh_from_db()
    assert intake.impact_work is None


def test_the_first_autosave_starts_the_intake(client_user):
    _save(client_user, "hopes", "To rest.")
    assert Intake.objects.get(client=client_user).hopes == "To rest."


@pytest.mark.parametrize(
    ("today", "minimum", "latest"),
    [
        (dt.date(2026, 12, 1), 18, dt.date(2008, 12, 1)),
        (dt.date(2028, 2, 29), 18, dt.date(2010, 2, 28)),
        (dt.date(2028, 2, 29), 16, dt.date(2012, 2, 29)),
        (dt.date(2027, 3, 1), 21, dt.date(2006, 3, 1)),
    ],
)
def test_the_latest_birth_at_the_minimum_age_agrees_with_the_age_rule(practice, today, minimum, latest):
    practice.minimum_client_age = minimum
    assert minimum_age_latest_birth(practice=practice, today=today) == latest
    of_age, too_young = Intake(date_of_birth=latest), Intake(date_of_birth=latest + dt.timedelta(days=1))
    assert not intake_is_under_minimum_age(intake=of_age, practice=practice, today=today)
    assert intake_is_under_minimum_age(intake=too_young, practice=practice, today=today)
