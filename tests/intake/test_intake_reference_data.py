"""The agreements a new practice starts with, seeded by the migration and by the tests."""

import pytest

from intake.models import ConsentDocument
from intake.reference_data import DOCUMENTS, consent_documents_seed

pytestmark = pytest.mark.django_db


def test_every_agreement_starts_at_version_one():
    current = {d.kind: (d.version, d.title, d.body) for d in ConsentDocument.objects.filter(is_current=True)}

    assert current == {kind: (1, title, body) for kind, title, body in DOCUMENTS}


def test_seeding_again_creates_nothing():
    consent_documents_seed(ConsentDocument)

    assert ConsentDocument.objects.count() == len(DOCUMENTS)


def test_seeding_again_leaves_a_revised_agreement_as_it_is():
    first = ConsentDocument.objects.get(kind=ConsentDocument.Kind.TELEHEALTH)
    first.is_current = False
    first.save(update_fields=["is_current"])
    ConsentDocument.objects.create(kind=first.kind, version=2, title=first.title, body="Revised.")

    consent_documents_seed(ConsentDocument)

    assert list(
        ConsentDocument.objects.filter(kind=first.kind).values_list("version", "is_current", "body")
    ) == [(2, True, "Revised."), (1, False, first.body)]


def test_a_missing_agreement_is_seeded_again():
    ConsentDocument.objects.filter(kind=ConsentDocument.Kind.PRIVACY_NOTICE).delete()

    consent_documents_seed(ConsentDocument)

    assert ConsentDocument.objects.filter(kind=ConsentDocument.Kind.PRIVACY_NOTICE, version=1).exists()
