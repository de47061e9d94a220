"""Invariants the database keeps even if a service were bypassed."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from intake.models import ConsentDocument, ConsentSignature, PregnancyEntry
from tests.intake.factories import PregnancyEntryFactory


def test_consent_documents_are_seeded_one_current_version_each(db):
    current = ConsentDocument.objects.filter(is_current=True)
    assert sorted(current.values_list("kind", flat=True)) == sorted(ConsentDocument.Kind.values)
    # A new practice starts at version 1 of each, the disclosure complete (intake 0014 completes
    # the unfinished version 1 an older practice published: tests/intake/test_consent_complete.py).
    assert set(current.values_list("version", flat=True)) == {1}


def test_mandatory_disclosure_names_the_regulator_and_client_rights(db):
    body = ConsentDocument.objects.get(kind="co_mandatory_disclosure", is_current=True).body
    for phrase in (
        "Department of Regulatory Agencies",
        "State Board of Social Work Examiners",
        "second opinion",
        "sexual intimacy is never appropriate",
        "12-245-220",
        "{practice_address}",
        "{practice_phone}",
    ):
        assert phrase in body


def test_database_refuses_weeks_over_45(intake):
    with pytest.raises(IntegrityError), transaction.atomic():
        PregnancyEntryFactory(intake=intake, weeks=46)


def test_database_refuses_a_second_current_pregnancy(intake):
    due = dt.date.today() + dt.timedelta(days=100)  # noqa: DTZ011
    PregnancyEntryFactory(intake=intake, outcome=PregnancyEntry.Outcome.CURRENT, due_date=due)
    with pytest.raises(IntegrityError), transaction.atomic():
        PregnancyEntryFactory(intake=intake, outcome=PregnancyEntry.Outcome.CURRENT, due_date=due)


def test_database_refuses_an_impact_rating_over_10(intake):
    intake.impact_work = 11
    with pytest.raises(IntegrityError), transaction.atomic():
        intake.save(update_fields=["impact_work"])


def test_database_refuses_a_second_signature_of_the_same_version(signed_intake, informed_consent):
    signature = ConsentSignature.objects.get(intake=signed_intake, document=informed_consent)
    signature.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        signature.save()
