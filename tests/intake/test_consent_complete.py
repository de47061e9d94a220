"""No agreement can be signed unfinished: a placeholder or an empty detail keeps a text from
being made current, and a version signed while incomplete is asked for again."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from intake.consent_rules import (
    ERROR_EMPTY_DETAIL,
    ERROR_PLACEHOLDER,
    ERROR_UNKNOWN_DETAIL,
    FILLABLE,
    consent_text_problems,
)
from intake.consent_services import ConsentDocumentIncomplete, consent_document_revise
from intake.models import ConsentDocument, ConsentSignature, Intake
from intake.selectors import consent_document_text
from intake.steps import AGREEMENTS
from portal.models import AuditEvent
from tests.intake.factories_review import sent_intake

BRACKETED = re.compile(r"\[[^\[\]\n]+\]")
FILLED = {"practice_name": "Sitting in Sisterhood", "practice_phone": "(303) 555-0142"}
DISCLOSURE = ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE


@pytest.mark.parametrize(
    ("body", "values", "expected"),
    [
        ("Welcome to {practice_name}. Call {practice_phone}.", FILLED, []),
        (
            "Licence: [to be completed by the practice before use].",
            FILLED,
            [ERROR_PLACEHOLDER % {"placeholder": "[to be completed by the practice before use]"}],
        ),
        ("Call [phone].", FILLED, [ERROR_PLACEHOLDER % {"placeholder": "[phone]"}]),
        (
            "Call {practice_phone}.",
            {**FILLED, "practice_phone": "  "},
            [ERROR_EMPTY_DETAIL % {"what": FILLABLE["practice_phone"]}],
        ),
        (
            "Call {practice_phone}.",
            {**FILLED, "practice_phone": "[phone to come]"},
            [ERROR_PLACEHOLDER % {"placeholder": "[phone to come]"}],
        ),
        (
            "Your therapist: {therapist_licence}.",
            FILLED,
            [
                ERROR_UNKNOWN_DETAIL
                % {"name": "therapist_licence", "known": ", ".join(f"{{{k}}}" for k in FILLABLE)}
            ],
        ),
        ("  \n", FILLED, ["The text is empty."]),
    ],
)
def test_what_keeps_a_text_from_being_signed(body, values, expected):
    assert consent_text_problems(body, values) == [str(e) for e in expected]


def test_no_current_agreement_holds_a_placeholder(practice):
    current = ConsentDocument.objects.filter(is_current=True)
    assert current.count() == len(ConsentDocument.Kind.values)
    for document in current:
        text = consent_document_text(document=document, practice=practice)
        assert "[to be completed" not in text
        assert not BRACKETED.search(text), (document.kind, BRACKETED.search(text))
        assert not re.search(r"\{\w*\}", text), document.kind


def test_the_agreements_page_shows_no_placeholder(client, client_user):
    Intake.objects.create(client=client_user, legal_name="Hope Rivera", modality=Intake.Modality.EITHER)
    client.force_login(client_user)
    html = client.get(reverse("intake:step", kwargs={"number": AGREEMENTS})).content.decode()
    assert "Colorado mandatory disclosure" in html
    assert "Maya Herrera" in html
    assert "[to be completed" not in html
    assert not BRACKETED.search(html.split("<main", 1)[1])


def test_making_a_text_with_a_placeholder_current_is_refused_with_the_reason(practice, practice_admin):
    before = ConsentDocument.objects.get(kind=DISCLOSURE, is_current=True)

    with pytest.raises(ConsentDocumentIncomplete) as refused:
        consent_document_revise(
            kind=DISCLOSURE, title=before.title, body="Licence number: [add licence].", actor=practice_admin
        )

    assert refused.value.problems == [str(ERROR_PLACEHOLDER % {"placeholder": "[add licence]"})]
    assert ConsentDocument.objects.get(kind=DISCLOSURE, is_current=True) == before
    assert not AuditEvent.objects.filter(object_type="consent_document").exists()


def test_a_text_needing_a_detail_the_practice_left_empty_is_refused(practice, practice_admin):
    practice.phone = ""
    practice.save(update_fields=["phone"])

    with pytest.raises(ConsentDocumentIncomplete) as refused:
        consent_document_revise(
            kind="telehealth",
            title="Consent to telehealth",
            body="Call {practice_phone}.",
            actor=practice_admin,
        )

    assert refused.value.problems == [str(ERROR_EMPTY_DETAIL % {"what": FILLABLE["practice_phone"]})]
    assert ConsentDocument.objects.get(kind="telehealth", is_current=True).version == 1


def test_the_admin_says_beside_the_text_what_is_missing(client, practice_admin):
    client.force_login(practice_admin)
    response = client.post(
        reverse("admin:intake_consentdocument_add"),
        {"kind": "telehealth", "title": "Consent to telehealth", "body": "Meet by video. [fill in the app]"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The text still has a placeholder, “[fill in the app]”" in html
    assert "Meet by video. [fill in the app]" in html  # what she typed is kept
    assert ConsentDocument.objects.get(kind="telehealth", is_current=True).version == 1


@pytest.fixture
def placeholder_history(db):
    """A practice that published the disclosure with its placeholder (as every practice did
    before intake 0014), then ran that migration. A new practice's seed is complete already."""
    migration = import_module("intake.migrations.0014_consent_incomplete_versions")
    first = ConsentDocument.objects.get(kind=DISCLOSURE, version=1)
    unfinished = first.body.replace(migration.NEW_THERAPIST_PART, migration.OLD_THERAPIST_PART).replace(
        migration.NEW_BOARD_PART, migration.OLD_BOARD_PART
    )
    assert "[to be completed" in unfinished
    ConsentDocument.objects.filter(pk=first.pk).update(body=unfinished, incomplete_reason="")
    migration.forward(apps, None)


def test_a_new_practice_starts_with_a_complete_disclosure(db):
    (only,) = ConsentDocument.objects.filter(kind=DISCLOSURE)
    assert only.is_current
    assert only.version == 1
    assert only.incomplete_reason == ""
    assert not BRACKETED.search(only.body)


def test_the_disclosure_signed_while_incomplete_is_marked_and_a_complete_one_is_current(placeholder_history):
    first = ConsentDocument.objects.get(kind=DISCLOSURE, version=1)
    current = ConsentDocument.objects.get(kind=DISCLOSURE, is_current=True)
    assert "[to be completed by the practice before use]" in first.body  # signed texts never change
    assert first.incomplete_reason == "the therapists' degrees, credentials and licence numbers were missing"
    assert current.version == 2
    assert current.incomplete_reason == ""
    for complete in ConsentDocument.objects.exclude(kind=DISCLOSURE):
        assert complete.incomplete_reason == ""


@pytest.fixture
def signed_incomplete(client_user, placeholder_history):
    """A client who sent her intake after signing the disclosure's incomplete version 1."""
    intake = sent_intake(client=client_user, legal_name="Hope Rivera")
    ConsentSignature.objects.create(
        intake=intake,
        document=ConsentDocument.objects.get(kind=DISCLOSURE, version=1),
        document_version=1,
        typed_name="Hope Rivera",
        agreed=True,
        text_sha256="0" * 64,
    )
    return intake


def test_the_therapist_is_told_to_ask_again(client, therapist, signed_incomplete):
    client.force_login(therapist)
    html = client.get(reverse("intake:staff_detail", kwargs={"pk": signed_incomplete.pk})).content.decode()
    assert "Signed an incomplete disclosure: ask again." in html
    assert "the therapists&#x27; degrees, credentials and licence numbers were missing" in html


def test_at_her_next_visit_she_is_asked_to_sign_the_complete_version(client, client_user, signed_incomplete):
    client.force_login(client_user)
    home = client.get(reverse("portal:client_home")).content.decode()
    assert "Please read the complete version and sign it again." in home

    page = client.get(reverse("intake:summary")).content.decode()
    current = ConsentDocument.objects.get(kind=DISCLOSURE, is_current=True)
    assert "in the copy you signed before, the therapists&#x27; degrees" in page
    assert reverse("intake:agreements_sign") in page
    assert f'name="shown" value="{current.pk}"' in page


def test_she_signs_the_complete_version_after_sending(client, client_user, signed_incomplete):
    current = ConsentDocument.objects.get(kind=DISCLOSURE, is_current=True)
    client.force_login(client_user)

    response = client.post(
        reverse("intake:agreements_sign"),
        {"shown": [current.pk], "read": [current.pk], "typed_name": "Hope Rivera"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:summary")
    assert ConsentSignature.objects.filter(intake=signed_incomplete, document=current).exists()
    signed_incomplete.refresh_from_db()
    assert signed_incomplete.status == Intake.Status.SUBMITTED
    row = AuditEvent.objects.get(object_type="consent_signature")
    assert (
        row.detail
        == "signed co_mandatory_disclosure version 2 again (the version signed before was incomplete)"
    )
    assert "sign it again" not in client.get(reverse("intake:summary")).content.decode()


def test_a_wrong_name_when_signing_again_is_shown_on_the_same_page(client, client_user, signed_incomplete):
    current = ConsentDocument.objects.get(kind=DISCLOSURE, is_current=True)
    client.force_login(client_user)

    response = client.post(
        reverse("intake:agreements_sign"),
        {"shown": [current.pk], "read": [current.pk], "typed_name": "Someone Else"},
    )

    assert response.status_code == 200
    assert "Someone Else" in response.content.decode()
    assert not ConsentSignature.objects.filter(document=current).exists()


def test_a_sent_intake_still_cannot_sign_anything_else(client, client_user, signed_incomplete):
    other = ConsentDocument.objects.get(kind="privacy_notice", is_current=True)
    client.force_login(client_user)

    response = client.post(
        reverse("intake:agreements_sign"),
        {"shown": [other.pk], "read": [other.pk], "typed_name": "Hope Rivera"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:summary")
    assert not ConsentSignature.objects.filter(document=other).exists()


def test_the_therapist_sees_a_signed_version_since_replaced(
    client, therapist, signed_incomplete, practice_admin
):
    informed = ConsentDocument.objects.get(kind="informed_consent", is_current=True)
    ConsentSignature.objects.create(
        intake=signed_incomplete,
        document=informed,
        document_version=informed.version,
        typed_name="Hope Rivera",
        agreed=True,
        text_sha256="0" * 64,
    )
    detail = reverse("intake:staff_detail", kwargs={"pk": signed_incomplete.pk})
    client.force_login(therapist)
    assert "Replaced since by a newer version." not in client.get(detail).content.decode()

    consent_document_revise(
        kind="informed_consent", title=informed.title, body="New words.", actor=practice_admin
    )

    html = client.get(detail).content.decode()
    assert html.count("Replaced since by a newer version.") == 1
    assert html.count("Signed an incomplete disclosure: ask again.") == 1
