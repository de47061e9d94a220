import datetime as dt

import factory

from intake.models import ConsentDocument, Intake, PregnancyEntry
from tests.portal.factories import UserFactory


class IntakeFactory(factory.django.DjangoModelFactory):
    """A draft intake with the details needed to send it, except the signatures."""

    class Meta:
        model = Intake
        django_get_or_create = ("client",)

    client = factory.SubFactory(UserFactory)
    legal_name = factory.LazyAttribute(lambda o: o.client.full_name or "Hope Rivera")
    date_of_birth = dt.date(1990, 5, 17)
    phone = "(720) 555-0199"
    contact_email = factory.LazyAttribute(lambda o: o.client.email)
    city = "Denver"
    state = "CO"
    modality = Intake.Modality.IN_PERSON


class PregnancyEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PregnancyEntry

    intake = factory.SubFactory(IntakeFactory)
    order = factory.Sequence(lambda n: n + 1)
    outcome = PregnancyEntry.Outcome.MISCARRIAGE
    month = 3
    year = 2024
    weeks = 9


class ConsentDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentDocument

    kind = ConsentDocument.Kind.INFORMED_CONSENT
    version = factory.Sequence(lambda n: n + 100)
    title = "Consent to therapy"
    body = "Plain words about therapy at {practice_name}."
    is_current = False
