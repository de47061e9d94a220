"""The Colorado disclosure is written from the therapists' credentials and the practice's
details; a therapist joining or her details changing makes a new version, and every earlier
signature still verifies against the text it signed."""

import hashlib
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from intake.consent_services import (
    ConsentDocumentIncomplete,
    consent_sign,
    disclosure_publish,
    therapist_credentials_save,
)
from intake.disclosure import (
    ERROR_NO_THERAPISTS,
    ERROR_THERAPIST_PART_EMPTY,
    REQUIRED,
    TherapistFacts,
    disclosure_body,
    disclosure_problems,
)
from intake.disclosure_demo import DEMO_CREDENTIALS
from intake.models import ConsentDocument, ConsentSignature
from intake.selectors import consent_document_text, consent_signature_text_verifies
from portal.models import AuditEvent, User
from tests.portal.factories import StaffFactory

DISCLOSURE = ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE
STEPHANIE = DEMO_CREDENTIALS["stephanie@demo.example"]
MAYA = DEMO_CREDENTIALS["maya@demo.example"]
COMPLETE = TherapistFacts(name="Stephanie Poole", **STEPHANIE)


def current_disclosure() -> ConsentDocument:
    return ConsentDocument.objects.get(kind=DISCLOSURE, is_current=True)


@pytest.mark.parametrize(
    ("therapists", "expected"),
    [
        ([COMPLETE], []),
        ([], [ERROR_NO_THERAPISTS]),
        (
            [COMPLETE, TherapistFacts(name="Maya Herrera", **{**MAYA, "licence_number": " "})],
            [ERROR_THERAPIST_PART_EMPTY % {"name": "Maya Herrera", "what": REQUIRED["licence_number"]}],
        ),
        (
            [TherapistFacts(name="New Hire")],
            [ERROR_THERAPIST_PART_EMPTY % {"name": "New Hire", "what": what} for what in REQUIRED.values()],
        ),
    ],
)
def test_what_the_disclosure_needs_of_each_therapist(therapists, expected):
    assert disclosure_problems(therapists) == [str(e) for e in expected]


def test_the_text_holds_what_the_statute_asks_of_each_therapist():
    body = disclosure_body([COMPLETE, TherapistFacts(name="Maya Herrera", **MAYA)])
    for facts in (STEPHANIE, MAYA):
        for value in facts.values():
            assert " ".join(value.split()) in body
    for phrase in ("12-245-216", "{regulator_contact}", "second opinion", "sexual intimacy", "12-245-220"):
        assert phrase in body


@pytest.fixture
def two_therapists(practice, therapist):
    maya = StaffFactory(email="maya@practice.example", full_name="Maya Herrera", role=User.Role.THERAPIST)
    therapist_credentials_save(therapist=therapist, data=STEPHANIE, actor=None)
    therapist_credentials_save(therapist=maya, data=MAYA, actor=None)
    return therapist, maya


def test_the_disclosure_lists_every_therapist_and_the_regulator(two_therapists, practice):
    text = consent_document_text(document=current_disclosure(), practice=practice)
    assert (
        "Stephanie Poole, Licensed Clinical Social Worker (LCSW), Colorado licence number CSW.99904517."
        in text
    )
    assert (
        "Maya Herrera, Licensed Professional Counselor (LPC), Colorado licence number LPC.99907342." in text
    )
    assert "Your therapist\n" not in text
    assert "State Board of Social Work Examiners" in text
    assert "(303) 894-7800" in text
    assert not re.search(r"\[[^\]]+\]|\{\w*\}", text)


def test_a_therapist_joining_makes_a_new_version_and_earlier_signatures_still_verify(
    two_therapists, intake, rf_request
):
    before = current_disclosure()
    signature = consent_sign(
        intake=intake, document=before, typed_name="Hope Rivera", agreed=True, request=rf_request
    )
    newcomer = StaffFactory(email="ana@practice.example", full_name="Ana Lucero", role=User.Role.THERAPIST)

    saved = therapist_credentials_save(
        therapist=newcomer, data={**MAYA, "licence_number": "LPC.00200001"}, actor=None
    )

    after = current_disclosure()
    assert saved.republished.problems == []
    assert saved.republished.published == [current_disclosure()]
    assert after.version == before.version + 1
    assert "Ana Lucero, Licensed Professional Counselor (LPC)" in after.body
    assert "Ana Lucero" not in before.body
    signature = ConsentSignature.objects.get(pk=signature.pk)
    assert "Ana Lucero" not in signature.text
    assert signature.text_sha256 == hashlib.sha256(signature.text.encode()).hexdigest()
    assert consent_signature_text_verifies(signature=signature)


def test_a_changed_licence_makes_a_new_version_and_the_same_details_do_not(two_therapists):
    stephanie, _maya = two_therapists
    before = current_disclosure()

    same = therapist_credentials_save(therapist=stephanie, data=STEPHANIE, actor=None)
    assert same.republished.published == []
    assert current_disclosure() == before

    changed = therapist_credentials_save(
        therapist=stephanie, data={**STEPHANIE, "licence_number": "CSW.09924518"}, actor=None
    )
    assert changed.republished.published == [current_disclosure()]
    assert "CSW.09924518" in current_disclosure().body
    assert current_disclosure().version == before.version + 1


def test_a_therapist_without_a_licence_number_keeps_the_disclosure_as_it_was(two_therapists):
    before = current_disclosure()
    newcomer = StaffFactory(email="ana@practice.example", full_name="Ana Lucero", role=User.Role.THERAPIST)

    saved = therapist_credentials_save(therapist=newcomer, data={**MAYA, "licence_number": ""}, actor=None)

    assert saved.republished.published == []
    assert saved.republished.problems == [
        str(ERROR_THERAPIST_PART_EMPTY % {"name": "Ana Lucero", "what": REQUIRED["licence_number"]})
    ]
    assert current_disclosure() == before
    assert saved.credentials.licence == MAYA["licence"]  # what was typed is kept
    assert AuditEvent.objects.filter(object_type="therapist_credentials", object_id=str(saved.credentials.pk))


def test_a_therapist_with_no_credentials_yet_is_named_when_publishing(practice, therapist):
    with pytest.raises(ConsentDocumentIncomplete) as refused:
        disclosure_publish(actor=None)
    assert str(ERROR_THERAPIST_PART_EMPTY % {"name": "Stephanie Poole", "what": REQUIRED["licence"]}) in (
        refused.value.problems
    )


def test_the_admin_will_not_take_a_hand_written_disclosure(client, practice_admin):
    client.force_login(practice_admin)
    before = current_disclosure()
    response = client.post(
        reverse("admin:intake_consentdocument_add"),
        {"kind": DISCLOSURE, "title": "Colorado mandatory disclosure statement", "body": "Hand written."},
    )
    assert response.status_code == 200
    assert "is written from the therapists&#x27; credentials" in response.content.decode()
    assert current_disclosure() == before


def test_saving_credentials_in_the_admin_publishes_the_disclosure(client, practice_admin, therapist):
    client.force_login(practice_admin)
    response = client.post(
        reverse("admin:portal_therapistcredentials_add"),
        {"user": therapist.pk, **STEPHANIE, "taking_new_clients": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Version 2 of the Colorado disclosure is now the one clients sign." in response.content.decode()
    assert "CSW.99904517" in current_disclosure().body


def test_the_demo_disclosure_is_written_from_the_demo_therapists(settings, practice):
    settings.DEBUG = True
    call_command("seed_demo")
    text = consent_document_text(document=current_disclosure(), practice=practice)
    assert "Stephanie Poole, LCSW, Licensed Clinical Social Worker (LCSW)" in text
    assert "Maya Herrera, LPC, Licensed Professional Counselor (LPC)" in text
    assert not re.search(r"\[[^\]]+\]|\{\w*\}", text)
    for signature in ConsentSignature.objects.all():
        assert consent_signature_text_verifies(signature=signature)
        assert "[" not in signature.text
