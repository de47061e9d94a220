"""Intake services: saving drafts, the pregnancy history, signatures and sending."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from intake import (
    consent_services,
    draft_services,
    forms_rules,
    pregnancy_history,
    pregnancy_services,
    questionnaire_services,
    step_services,
    submit_services,
)
from intake.message_kinds import INTAKE_RECEIVED
from intake.models import ConsentDocument, ConsentSignature, Intake, PregnancyEntry, QuestionnaireResponse
from intake.selectors import (
    consent_document_text,
    consent_documents_required,
    intake_history_summary,
    intake_progress_percent,
)
from portal.models import AuditEvent, Message
from portal.selectors import practice_get
from tests.intake.factories import PregnancyEntryFactory


def today() -> dt.date:
    return timezone.localdate()


def years_ago(years: int) -> dt.date:
    t = today()
    return t.replace(year=t.year - years, day=min(t.day, 28))


# --- starting and saving


def test_get_or_start_creates_one_intake_with_name_and_email_filled_in(client_user):
    first = draft_services.intake_get_or_start(client=client_user)
    again = draft_services.intake_get_or_start(client=client_user)
    assert first.pk == again.pk
    assert first.legal_name == "Hope Rivera"
    assert first.contact_email == "hope@example.com"
    assert AuditEvent.objects.filter(client=client_user, action="create", object_type="intake").count() == 1


def test_save_step_saves_answers_and_records_where_the_client_is(intake, client_user):
    errors = step_services.intake_save_step(
        intake=intake,
        step=2,
        data={"services": ["loss_counseling"], "modality": "telehealth"},
        actor=client_user,
    ).errors
    intake.refresh_from_db()
    assert errors == {}
    assert intake.services == ["loss_counseling"]
    assert intake.modality == "telehealth"
    assert intake.current_step == 2
    assert intake.last_saved_at is not None


def test_save_step_keeps_valid_answers_when_another_is_refused(intake, client_user):
    future = today() + dt.timedelta(days=3)
    errors = step_services.intake_save_step(
        intake=intake, step=1, data={"pronouns": "she/her", "date_of_birth": future}, actor=client_user
    ).errors
    intake.refresh_from_db()
    assert errors == {"date_of_birth": step_services.ERROR_DOB_FUTURE}
    assert intake.pronouns == "she/her"
    assert intake.date_of_birth == dt.date(1990, 5, 17)


def test_save_step_accepts_an_incomplete_draft(intake, client_user):
    errors = step_services.intake_save_step(
        intake=intake, step=1, data={"legal_name": "", "phone": "", "state": ""}, actor=client_user
    ).errors
    assert errors == {}
    intake.refresh_from_db()
    assert intake.legal_name == ""


def test_save_step_refuses_a_field_the_step_does_not_ask(intake, client_user):
    with pytest.raises(draft_services.IntakeFieldError):
        step_services.intake_save_step(intake=intake, step=1, data={"hopes": "x"}, actor=client_user)


def test_save_step_refuses_unknown_symptom_slugs(intake, client_user):
    errors = step_services.intake_save_step(
        intake=intake, step=4, data={"symptoms": ["sleep", "made_up"]}, actor=client_user
    ).errors
    assert errors == {"symptoms": draft_services.ERROR_CHOICE}


def test_save_step_refuses_an_impact_rating_outside_0_to_10(intake, client_user):
    errors = step_services.intake_save_step(
        intake=intake, step=4, data={"impact_work": 11}, actor=client_user
    ).errors
    assert errors == {"impact_work": step_services.ERROR_IMPACT_RANGE}


def test_save_step_writes_an_audit_record_naming_fields_not_answers(intake, client_user):
    step_services.intake_save_step(intake=intake, step=2, data={"hopes": "to sleep again"}, actor=client_user)
    event = AuditEvent.objects.filter(client=client_user, action="update").latest("id")
    assert event.actor == client_user
    assert "hopes" in event.detail
    assert "sleep" not in event.detail


def _autosave(client, **answer):
    return step_services.intake_autosave_field(client=client, actor=client, **answer)


def test_save_field_saves_one_answer(intake, client_user):
    _autosave(client_user, field_name="may_text", value=False)
    intake.refresh_from_db()
    assert intake.may_text is False
    assert intake.may_email is None


def test_save_field_refuses_an_unknown_field(intake, client_user):
    with pytest.raises(draft_services.IntakeFieldError):
        _autosave(client_user, field_name="status", value="accepted")


def test_save_field_raises_with_the_message_for_a_refused_value(intake, client_user):
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        _autosave(client_user, field_name="modality", value="by_pigeon")
    assert exc.value.message == draft_services.ERROR_CHOICE


# --- minimum age


def test_under_age_date_of_birth_is_saved_on_step_1(intake, client_user):
    step_services.intake_save_step(
        intake=intake, step=1, data={"date_of_birth": years_ago(16)}, actor=client_user
    )
    intake.refresh_from_db()
    assert intake.date_of_birth == years_ago(16)


def test_under_age_client_cannot_save_past_step_1(intake, client_user):
    step_services.intake_save_step(
        intake=intake, step=1, data={"date_of_birth": years_ago(16)}, actor=client_user
    )
    with pytest.raises(draft_services.IntakeUnderAgeError):
        step_services.intake_save_step(intake=intake, step=2, data={"hopes": "x"}, actor=client_user)


def test_minimum_age_follows_the_practice_setting(intake, client_user):
    practice = practice_get()
    practice.minimum_client_age = 21
    practice.save(update_fields=["minimum_client_age"])
    step_services.intake_save_step(
        intake=intake, step=1, data={"date_of_birth": years_ago(19)}, actor=client_user
    )
    with pytest.raises(draft_services.IntakeUnderAgeError):
        pregnancy_services.pregnancy_entry_add(
            intake=intake, data={"outcome": "miscarriage"}, actor=client_user
        )


# --- pregnancy history


def test_pregnancy_entry_add_numbers_entries_in_order(intake, client_user):
    first = pregnancy_services.pregnancy_entry_add(
        intake=intake, data={"outcome": "miscarriage"}, actor=client_user
    )
    second = pregnancy_services.pregnancy_entry_add(
        intake=intake, data={"outcome": "live_birth"}, actor=client_user
    )
    assert (first.order, second.order) == (1, 2)


def test_pregnancy_entry_add_refuses_a_future_year(intake, client_user):
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        pregnancy_services.pregnancy_entry_add(
            intake=intake, data={"outcome": "miscarriage", "year": today().year + 1}, actor=client_user
        )
    assert exc.value.errors == {"year": pregnancy_history.ERROR_FUTURE_DATE}
    assert not intake.pregnancies.exists()


def test_pregnancy_entry_add_refuses_weeks_over_45(intake, client_user):
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        pregnancy_services.pregnancy_entry_add(
            intake=intake, data={"outcome": "stillbirth", "weeks": 50}, actor=client_user
        )
    assert exc.value.errors == {"weeks": pregnancy_history.ERROR_WEEKS_RANGE}


def test_pregnancy_entry_add_refuses_a_current_pregnancy_with_a_past_due_date(intake, client_user):
    data = {"outcome": "current", "due_date": today() - dt.timedelta(days=1)}
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        pregnancy_services.pregnancy_entry_add(intake=intake, data=data, actor=client_user)
    assert exc.value.errors == {"due_date": pregnancy_history.ERROR_DUE_DATE_PAST}


def test_pregnancy_entry_add_keeps_a_current_pregnancy_without_a_due_date(intake, client_user):
    entry = pregnancy_services.pregnancy_entry_add(
        intake=intake, data={"outcome": "current"}, actor=client_user
    )
    entry.refresh_from_db()
    assert (entry.outcome, entry.due_date) == ("current", None)
    assert intake_history_summary(intake=intake)["currently_pregnant"] is True


def test_pregnancy_entry_add_refuses_a_due_date_further_than_a_pregnancy_lasts(intake, client_user):
    data = {
        "outcome": "current",
        "due_date": today() + dt.timedelta(days=pregnancy_history.DUE_DATE_MAX_DAYS + 1),
    }
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        pregnancy_services.pregnancy_entry_add(intake=intake, data=data, actor=client_user)
    assert exc.value.errors == {"due_date": pregnancy_history.ERROR_DUE_DATE_TOO_FAR}
    assert not intake.pregnancies.exists()


def test_pregnancy_entry_add_refuses_a_second_current_pregnancy(intake, client_user):
    data = {"outcome": "current", "due_date": today() + dt.timedelta(days=90)}
    pregnancy_services.pregnancy_entry_add(intake=intake, data=data, actor=client_user)
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        pregnancy_services.pregnancy_entry_add(intake=intake, data=data, actor=client_user)
    assert exc.value.errors == {"outcome": pregnancy_history.ERROR_ONE_CURRENT}
    assert intake.pregnancies.count() == 1


def test_pregnancy_entry_add_refuses_unknown_complications(intake, client_user):
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        pregnancy_services.pregnancy_entry_add(
            intake=intake,
            data={"outcome": "miscarriage", "complications": ["surgery", "x"]},
            actor=client_user,
        )
    assert exc.value.errors == {"complications": draft_services.ERROR_CHOICE}


def test_pregnancy_entry_update_may_keep_its_own_current_pregnancy(intake, client_user):
    data = {"outcome": "current", "due_date": today() + dt.timedelta(days=90)}
    entry = pregnancy_services.pregnancy_entry_add(intake=intake, data=data, actor=client_user)
    pregnancy_services.pregnancy_entry_update(entry=entry, data={**data, "weeks": 14}, actor=client_user)
    entry.refresh_from_db()
    assert entry.weeks == 14


def test_pregnancy_entry_remove_deletes_a_draft_entry_and_audits_it(intake, client_user):
    entry = PregnancyEntryFactory(intake=intake)
    entry_id = entry.pk
    pregnancy_services.pregnancy_entry_remove(entry=entry, actor=client_user)
    assert not PregnancyEntry.objects.filter(pk=entry_id).exists()
    assert AuditEvent.objects.filter(object_type="pregnancy_entry", object_id=str(entry_id)).exists()


def test_history_summary_reports_losses_births_and_pregnancy(intake):
    PregnancyEntryFactory(intake=intake, outcome="miscarriage")
    PregnancyEntryFactory(intake=intake, outcome="ectopic")
    PregnancyEntryFactory(
        intake=intake, outcome="current", year=None, due_date=today() + dt.timedelta(days=60)
    )
    summary = intake_history_summary(intake=intake)
    assert summary["losses"] == 2
    assert summary["live_births"] == 0
    assert summary["currently_pregnant"] is True


# --- signatures


def test_consent_sign_records_version_hash_time_ip_and_browser(intake, informed_consent, rf_request):
    signature = consent_services.consent_sign(
        intake=intake,
        document=informed_consent,
        typed_name="  hope   RIVERA ",
        agreed=True,
        request=rf_request,
    )
    text = consent_document_text(document=informed_consent, practice=practice_get())
    assert signature.document_version == 1
    assert signature.text_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert signature.ip_address == "203.0.113.9"
    assert signature.user_agent == "TestBrowser/1.0"
    assert signature.signed_at is not None
    assert AuditEvent.objects.filter(action="sign", client=intake.client).exists()


def test_consent_signature_records_the_address_the_trusted_proxy_saw(
    intake, informed_consent, rf_request, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    rf_request.META["HTTP_X_FORWARDED_FOR"] = "198.51.100.20"

    signature = consent_services.consent_sign(
        intake=intake, document=informed_consent, typed_name="Hope Rivera", agreed=True, request=rf_request
    )

    # The same address the audit row beside it holds, not the proxy's own.
    assert signature.ip_address == "198.51.100.20"
    assert (
        AuditEvent.objects.filter(action="sign", client=intake.client).latest("pk").ip_address
        == "198.51.100.20"
    )


def test_consent_text_is_signed_with_the_practice_details_filled_in(informed_consent, practice):
    text = consent_document_text(document=informed_consent, practice=practice)
    assert "{practice_name}" not in text
    assert practice.name in text


def test_consent_sign_refuses_a_name_that_does_not_match(intake, informed_consent, rf_request):
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        consent_services.consent_sign(
            intake=intake, document=informed_consent, typed_name="Hope R.", agreed=True, request=rf_request
        )
    assert exc.value.errors == {
        "typed_name": consent_services.ERROR_CONSENT_NAME_MISMATCH % {"name": "Hope Rivera"}
    }
    assert not ConsentSignature.objects.exists()


def test_consent_sign_needs_the_box_ticked(intake, informed_consent, rf_request):
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        consent_services.consent_sign(
            intake=intake,
            document=informed_consent,
            typed_name="Hope Rivera",
            agreed=False,
            request=rf_request,
        )
    assert exc.value.errors == {"read": consent_services.ERROR_CONSENT_NOT_READ}


def test_consent_sign_refuses_signing_the_same_version_again(intake, informed_consent, rf_request):
    kwargs = {"intake": intake, "document": informed_consent, "typed_name": "Hope Rivera", "agreed": True}
    first = consent_services.consent_sign(**kwargs, request=rf_request)
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        consent_services.consent_sign(**kwargs, request=rf_request)
    assert exc.value.message == consent_services.ERROR_CONSENT_ALREADY_SIGNED
    assert list(ConsentSignature.objects.all()) == [first]


def test_signatures_stay_unchanged_when_the_legal_name_changes(signed_intake, client_user):
    before = list(ConsentSignature.objects.values_list("typed_name", "text_sha256", "signed_at"))
    step_services.intake_save_step(
        intake=signed_intake, step=1, data={"legal_name": "Hope Ann Rivera"}, actor=client_user
    )
    assert list(ConsentSignature.objects.values_list("typed_name", "text_sha256", "signed_at")) == before


def test_a_new_version_asks_for_a_new_signature(signed_intake, informed_consent, practice_admin, rf_request):
    new = consent_services.consent_document_revise(
        kind=informed_consent.kind, title=informed_consent.title, body="New wording.", actor=practice_admin
    )
    informed_consent.refresh_from_db()
    assert (new.version, new.is_current, informed_consent.is_current) == (2, True, False)
    with pytest.raises(submit_services.IntakeSubmitError):
        submit_services.intake_submit(intake=signed_intake, actor=signed_intake.client)
    consent_services.consent_sign(
        intake=signed_intake, document=new, typed_name="Hope Rivera", agreed=True, request=rf_request
    )
    assert signed_intake.signatures.count() == len(consent_documents_required(intake=signed_intake)) + 1


def test_an_old_version_can_no_longer_be_signed(intake, informed_consent, practice_admin, rf_request):
    consent_services.consent_document_revise(
        kind=informed_consent.kind, title="T", body="B", actor=practice_admin
    )
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        consent_services.consent_sign(
            intake=intake,
            document=informed_consent,
            typed_name="Hope Rivera",
            agreed=True,
            request=rf_request,
        )
    assert exc.value.message == consent_services.ERROR_CONSENT_NOT_CURRENT


def test_revise_with_the_same_text_makes_no_new_version(informed_consent, practice_admin):
    same = consent_services.consent_document_revise(
        kind=informed_consent.kind,
        title=informed_consent.title,
        body=informed_consent.body,
        actor=practice_admin,
    )
    assert same.pk == informed_consent.pk


def test_telehealth_agreement_is_required_only_for_video_sessions(intake):
    kinds = {d.kind for d in consent_documents_required(intake=intake)}
    assert ConsentDocument.Kind.TELEHEALTH not in kinds
    intake.modality = Intake.Modality.EITHER
    assert ConsentDocument.Kind.TELEHEALTH in {d.kind for d in consent_documents_required(intake=intake)}


# --- sending


def test_submit_locks_the_intake_and_audits(signed_intake, client_user):
    submit_services.intake_submit(intake=signed_intake, actor=client_user)
    signed_intake.refresh_from_db()
    assert signed_intake.status == Intake.Status.SUBMITTED
    assert signed_intake.submitted_at is not None
    assert AuditEvent.objects.filter(action="submit", client=client_user).count() == 1


def test_submit_lists_every_missing_requirement(client_user):
    intake = draft_services.intake_get_or_start(client=client_user)
    step_services.intake_save_step(
        intake=intake, step=1, data={"legal_name": "", "contact_email": ""}, actor=client_user
    )
    with pytest.raises(submit_services.IntakeSubmitError) as exc:
        submit_services.intake_submit(intake=intake, actor=client_user)
    messages = {p.message for p in exc.value.problems}
    assert messages == {
        submit_services.ERROR_SUBMIT_LEGAL_NAME,
        submit_services.ERROR_SUBMIT_DOB,
        submit_services.ERROR_SUBMIT_CONTACT,
        submit_services.ERROR_SUBMIT_STATE,
        submit_services.ERROR_SUBMIT_CONSENTS,
    }
    intake.refresh_from_db()
    assert intake.status == Intake.Status.DRAFT


def test_submit_accepts_email_alone_as_a_way_to_reach_the_client(signed_intake, client_user):
    step_services.intake_save_step(intake=signed_intake, step=1, data={"phone": ""}, actor=client_user)
    submit_services.intake_submit(intake=signed_intake, actor=client_user)
    signed_intake.refresh_from_db()
    assert signed_intake.status == Intake.Status.SUBMITTED


def test_submit_refuses_an_under_age_client(signed_intake, client_user):
    step_services.intake_save_step(
        intake=signed_intake, step=1, data={"date_of_birth": years_ago(15)}, actor=client_user
    )
    with pytest.raises(submit_services.IntakeSubmitError) as exc:
        submit_services.intake_submit(intake=signed_intake, actor=client_user)
    assert [p.message for p in exc.value.problems] == [draft_services.ERROR_UNDER_AGE]


def test_submit_runs_the_hooks_after_commit(signed_intake, client_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit_services.intake_submit(intake=signed_intake, actor=client_user)
    # The submit's own hook (the cached queue counts are forgotten on commit too: portal.cached),
    # and her receipt, recorded in the same transaction.
    assert len([c for c in callbacks if c.__qualname__.startswith("intake_submit.")]) == 1
    assert Message.objects.filter(kind=INTAKE_RECEIVED, client=client_user).count() == 1


def test_nothing_can_be_saved_after_submit(signed_intake, client_user, informed_consent, rf_request):
    submit_services.intake_submit(intake=signed_intake, actor=client_user)
    with pytest.raises(draft_services.IntakeLockedError):
        step_services.intake_save_step(intake=signed_intake, step=2, data={"hopes": "x"}, actor=client_user)
    with pytest.raises(draft_services.IntakeLockedError):
        pregnancy_services.pregnancy_entry_add(
            intake=signed_intake, data={"outcome": "miscarriage"}, actor=client_user
        )
    with pytest.raises(draft_services.IntakeLockedError):
        submit_services.intake_submit(intake=signed_intake, actor=client_user)


def test_progress_counts_steps_with_answers(client_user):
    intake = draft_services.intake_get_or_start(client=client_user)
    start = intake_progress_percent(intake=intake)
    step_services.intake_save_step(intake=intake, step=2, data={"hopes": "rest"}, actor=client_user)
    intake.refresh_from_db()
    assert intake_progress_percent(intake=intake) > start


def test_questionnaire_answers_are_merged_and_kept(intake, client_user):
    questionnaire_services.questionnaire_answers_save(
        intake=intake, code="phq9", answers={"1": 2}, actor=client_user
    )
    saved = questionnaire_services.questionnaire_answers_save(
        intake=intake, code="phq9", answers={"2": None}, actor=client_user
    )
    assert saved.response.answers == {"1": 2, "2": None}


def test_questionnaire_answers_refuse_an_unknown_item(intake, client_user):
    with pytest.raises(draft_services.IntakeFieldError):
        questionnaire_services.questionnaire_answers_save(
            intake=intake, code="phq9", answers={"99": 1}, actor=client_user
        )


def test_the_questionnaire_step_is_saved_in_one_transaction(intake, client_user):
    # The GAD-7 answer is refused, so the PHQ-9 answer saved before it in the same post is
    # not kept either: the step is saved whole or not at all.
    with pytest.raises(draft_services.IntakeFieldError):
        questionnaire_services.questionnaires_save(
            intake=intake, answers={"phq9": {"1": 2}, "gad7": {"99": 1}}, actor=client_user
        )
    assert not QuestionnaireResponse.objects.filter(intake=intake).exists()


def test_the_questionnaire_step_says_which_follow_up_question_an_answer_called_for(intake, client_user):
    saved = questionnaire_services.questionnaires_save(
        intake=intake, answers={"asq": {"1": True, "2": False, "3": False, "4": False}}, actor=client_user
    )
    assert saved.first_new == ("asq", "5")
    assert saved.risk_level == "high"


def test_an_intake_is_never_sent_without_the_practice_agreements(intake, rf_request):
    from intake.models import ConsentDocument
    from intake.submit_services import ERROR_SUBMIT_AGREEMENTS_UNAVAILABLE, intake_submit_problems
    from tests.intake.conftest import sign_all

    sign_all(intake, rf_request)
    ConsentDocument.objects.filter(kind=ConsentDocument.Kind.PRIVACY_NOTICE).update(is_current=False)

    problems = intake_submit_problems(intake=intake)

    assert [p.message for p in problems if p.field == "agreements"] == [ERROR_SUBMIT_AGREEMENTS_UNAVAILABLE]


# --- contact answers: the same rules as the forms, for any caller


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("phone", "call me maybe", forms_rules.ERROR_PHONE),
        ("emergency_contact_phone", "12", forms_rules.ERROR_EMERGENCY_PHONE),
        ("postal_code", "ABCDE", forms_rules.ERROR_POSTAL_CODE),
        ("state", "Colorado!!!", forms_rules.ERROR_STATE),
        ("state", "co", forms_rules.ERROR_STATE),  # the form upper-cases; a caller must too
    ],
)
def test_save_step_refuses_a_contact_answer_that_breaks_its_rule(intake, client_user, name, value, message):
    before = getattr(intake, name)
    errors = step_services.intake_save_step(
        intake=intake, step=1, data={name: value, "pronouns": "she/her"}, actor=client_user
    ).errors
    assert errors == {name: message}
    intake.refresh_from_db()
    assert getattr(intake, name) == before
    assert intake.pronouns == "she/her"


def test_save_field_refuses_a_phone_with_too_few_digits(intake, client_user):
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        _autosave(client_user, field_name="phone", value="555-0142")
    assert exc.value.message == forms_rules.ERROR_PHONE


def test_save_step_keeps_well_formed_contact_answers(intake, client_user):
    data = {
        "phone": "+1 (303) 555-0142",
        "emergency_contact_phone": "303.555.0100",
        "postal_code": "80218-1234",
        "state": "PR",
    }
    assert step_services.intake_save_step(intake=intake, step=1, data=data, actor=client_user).errors == {}
    intake.refresh_from_db()
    assert {name: getattr(intake, name) for name in data} == data


def test_submit_asks_again_for_a_contact_answer_saved_before_the_rules(signed_intake, client_user):
    Intake.objects.filter(pk=signed_intake.pk).update(state="Colorado", postal_code="ABCDE")
    signed_intake.refresh_from_db()
    with pytest.raises(submit_services.IntakeSubmitError) as exc:
        submit_services.intake_submit(intake=signed_intake, actor=client_user)
    assert {(p.field, p.message) for p in exc.value.problems} == {
        ("state", forms_rules.ERROR_STATE),
        ("postal_code", forms_rules.ERROR_POSTAL_CODE),
    }


# --- signing: the typed name compared kindly


@pytest.mark.parametrize(
    ("legal_name", "typed"),
    [
        ("Ana María Núñez-O'Brien", "ana maria nunez obrien"),
        ("Ana María Núñez-O'Brien", "ANA MARIA NUNEZ-O’BRIEN"),  # curly apostrophe
        ("Ana María Núñez-O'Brien", "Ana Maria Nunez O Brien"),
        ("Ana María Núñez-O'Brien", "  ana   maría   núñez-o'brien  "),
        ("Zoë Lefèvre", "Zoe Lefevre"),
        ("Nguyễn Thị Minh Khai", "nguyen thi minh khai"),
        ("Mary-Kate St. John, Jr.", "mary kate st john jr"),
        ("Søren Łukasiewicz", "soren lukasiewicz"),
    ],
)
def test_consent_sign_accepts_the_legal_name_without_accents_case_or_punctuation(
    intake, informed_consent, rf_request, legal_name, typed
):
    Intake.objects.filter(pk=intake.pk).update(legal_name=legal_name)
    intake.refresh_from_db()
    signature = consent_services.consent_sign(
        intake=intake, document=informed_consent, typed_name=typed, agreed=True, request=rf_request
    )
    assert signature.typed_name == typed.strip()


@pytest.mark.parametrize(
    ("legal_name", "typed"),
    [
        ("Ana María Núñez-O'Brien", "Ana Maria Nunez"),
        ("Ana María Núñez-O'Brien", "Anna Maria Nunez O'Brien"),
        ("Ana María Núñez-O'Brien", "Ana Maria Nunes O'Brien"),
        ("Zoë Lefèvre", "Zoe Lefebvre"),
        ("Hope Rivera", "Someone Else"),
        ("Hope Rivera", "'-. ,"),
    ],
)
def test_consent_sign_still_refuses_a_different_name(intake, informed_consent, rf_request, legal_name, typed):
    Intake.objects.filter(pk=intake.pk).update(legal_name=legal_name)
    intake.refresh_from_db()
    with pytest.raises(draft_services.IntakeValidationError) as exc:
        consent_services.consent_sign(
            intake=intake, document=informed_consent, typed_name=typed, agreed=True, request=rf_request
        )
    assert exc.value.errors == {
        "typed_name": consent_services.ERROR_CONSENT_NAME_MISMATCH % {"name": legal_name}
    }
    assert not ConsentSignature.objects.exists()
