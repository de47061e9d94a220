"""Fixtures for the intake tests: the client's intake and a fully signed one."""

import pytest
from django.test import RequestFactory

from intake.consent_services import consent_sign
from intake.models import ConsentDocument
from intake.selectors import consent_documents_required
from tests.intake.factories import IntakeFactory


@pytest.fixture
def intake(client_user):
    return IntakeFactory(client=client_user, legal_name="Hope Rivera")


@pytest.fixture
def rf_request(client_user):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="TestBrowser/1.0")
    request.user = client_user
    return request


def sign_all(intake, request) -> None:
    for document in consent_documents_required(intake=intake):
        consent_sign(
            intake=intake, document=document, typed_name=intake.legal_name, agreed=True, request=request
        )


@pytest.fixture
def signed_intake(intake, rf_request):
    sign_all(intake, rf_request)
    return intake


@pytest.fixture
def informed_consent(db):
    return ConsentDocument.objects.get(kind=ConsentDocument.Kind.INFORMED_CONSENT, is_current=True)
