"""The agreements follow the practice and its therapists: the disclosure lists only those
taking new clients, the cancellation policy states the practice's real notice and fee, and
any change to them is a new version while earlier signatures keep the text they signed."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.consent_services import consent_sign, therapist_credentials_save
from intake.models import ConsentDocument
from intake.selectors import (
    REASON_NEW_AGREEMENT,
    consent_document_text,
    consent_documents_required,
    consent_documents_to_sign_again,
    consent_signature_text_verifies,
)
from portal.models import AuditEvent, User
from portal.practice_services import practice_update
from portal.selectors import practice_get
from portal.services import staff_invite, user_deactivate
from tests.intake.test_disclosure import MAYA, STEPHANIE, current_disclosure
from tests.portal.factories import StaffFactory

POLICY = ConsentDocument.Kind.CANCELLATION_POLICY


@pytest.fixture
def two_therapists(practice, therapist):
    maya = StaffFactory(email="maya@practice.example", full_name="Maya Herrera", role=User.Role.THERAPIST)
    therapist_credentials_save(therapist=therapist, data=STEPHANIE, actor=None)
    therapist_credentials_save(therapist=maya, data=MAYA, actor=None)
    return therapist, maya


def current(kind: str) -> ConsentDocument:
    return ConsentDocument.objects.get(kind=kind, is_current=True)


def test_a_therapist_who_stops_taking_new_clients_leaves_the_disclosure_in_a_new_version(two_therapists):
    _stephanie, maya = two_therapists
    before = current_disclosure()

    saved = therapist_credentials_save(therapist=maya, data=MAYA, taking_new_clients=False, actor=None)

    after = current_disclosure()
    assert saved.republished.published == [after]
    assert after.version == before.version + 1
    assert "Maya Herrera" in before.body
    assert "Maya Herrera" not in after.body
    assert "Stephanie Poole" in after.body


def test_a_deactivated_therapist_leaves_the_disclosure_and_earlier_signatures_still_verify(
    two_therapists, intake, rf_request, practice_admin
):
    _stephanie, maya = two_therapists
    before = current_disclosure()
    signature = consent_sign(
        intake=intake, document=before, typed_name="Hope Rivera", agreed=True, request=rf_request
    )

    problems = user_deactivate(user=maya, actor=practice_admin)

    assert problems == []
    assert "Maya Herrera" not in current_disclosure().body
    signature.refresh_from_db()
    assert "Maya Herrera" in signature.text
    assert consent_signature_text_verifies(signature=signature)
    assert AuditEvent.objects.filter(
        actor=practice_admin, object_id=str(maya.pk), detail="account deactivated"
    )


def test_a_therapist_invited_without_credentials_keeps_the_disclosure(two_therapists, practice_admin):
    before = current_disclosure()

    staff_invite(
        email="ana@practice.example", full_name="Ana Lucero", role=User.Role.THERAPIST, actor=practice_admin
    )

    assert current_disclosure() == before


def test_the_cancellation_policy_states_the_practice_notice_and_fee(practice, practice_admin):
    practice_update(
        changes={"cancellation_notice_hours": 48, "late_cancellation_fee": Decimal("85.00")},
        actor=practice_admin,
    )

    text = consent_document_text(document=current(POLICY), practice=practice_get())

    assert "at least 48 hours before" in text
    assert "has a fee of $85.00" in text


def test_a_new_fee_publishes_a_new_policy_version_and_the_signed_text_stays(
    practice, practice_admin, intake, rf_request
):
    practice_update(changes={"late_cancellation_fee": Decimal("75.00")}, actor=practice_admin)
    first = current(POLICY)
    signature = consent_sign(
        intake=intake, document=first, typed_name="Hope Rivera", agreed=True, request=rf_request
    )

    saved = practice_update(changes={"late_cancellation_fee": Decimal("90.00")}, actor=practice_admin)

    second = current(POLICY)
    assert saved.changed == ["late_cancellation_fee"]
    assert second in saved_published(second)
    assert second.version == first.version + 1
    assert "$90.00" in consent_document_text(document=second, practice=practice_get())
    assert "$75.00" in consent_document_text(document=first, practice=practice_get())
    signature.refresh_from_db()
    assert "$75.00" in signature.text
    assert consent_signature_text_verifies(signature=signature)
    assert AuditEvent.objects.filter(object_type="practice", detail="changed late_cancellation_fee")


def saved_published(document: ConsentDocument) -> list[ConsentDocument]:
    return list(ConsentDocument.objects.filter(kind=document.kind, is_current=True))


def test_saving_the_same_settings_publishes_nothing(practice, practice_admin):
    practice_update(changes={"late_cancellation_fee": Decimal("75.00")}, actor=practice_admin)
    versions = ConsentDocument.objects.count()
    audits = AuditEvent.objects.count()

    saved = practice_update(changes={"late_cancellation_fee": Decimal("75.00")}, actor=practice_admin)

    assert saved.changed == []
    assert ConsentDocument.objects.count() == versions
    assert AuditEvent.objects.count() == audits


def test_a_practice_without_a_fee_says_so(practice):
    text = consent_document_text(document=current(POLICY), practice=practice_get())

    assert "has a fee of $0 (no fee is charged)." in text


def test_a_client_who_signed_the_earlier_set_is_asked_for_the_new_agreements_with_the_reason(
    client, client_user, intake, rf_request
):
    old_kinds = {"informed_consent", "co_mandatory_disclosure", "privacy_notice"}
    for document in consent_documents_required(intake=intake):
        if document.kind in old_kinds:
            consent_sign(
                intake=intake, document=document, typed_name="Hope Rivera", agreed=True, request=rf_request
            )
    # As if the practice published the two new agreements after she signed.
    ConsentDocument.objects.filter(kind__in=["communications", "cancellation_policy"]).update(
        created_at=timezone.now()
    )
    intake.status = intake.Status.SUBMITTED
    intake.submitted_at = timezone.now()
    intake.save(update_fields=["status", "submitted_at"])

    again = consent_documents_to_sign_again(intake=intake)

    assert {d.kind for d, _why in again} == {"communications", "cancellation_policy"}
    assert {why for _d, why in again} == {str(REASON_NEW_AGREEMENT)}
    client.force_login(client_user)
    home = client.get(reverse("portal:client_home")).content.decode()
    assert "The practice has added an agreement since you signed the others." in home
    page = client.get(reverse("intake:summary")).content.decode()
    assert str(REASON_NEW_AGREEMENT) in page
    assert f'name="shown" value="{current("communications").pk}"' in page
