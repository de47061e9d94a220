"""The client is called by her name, never her email address, in what the desk and the
client read; staff still to join are not offered for assigning or booking."""

import pytest

from intake.review_selectors import assignable_therapists
from portal.models import User
from scheduling.message_content import client_contact
from scheduling.selectors import therapists_active
from tests.intake.factories import IntakeFactory
from tests.portal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_self_signed_up_client_is_greeted_by_the_first_name_from_her_intake(practice):
    client = UserFactory(email="hannah@example.com", full_name="")
    IntakeFactory(client=client, legal_name="Hannah Abbott", preferred_name="")

    assert client_contact(client=client).name == "Hannah"


def test_a_preferred_name_comes_first(practice):
    client = UserFactory(email="hannah@example.com", full_name="")
    IntakeFactory(client=client, legal_name="Hannah Abbott", preferred_name="Annie")

    assert client_contact(client=client).name == "Annie"


def test_without_any_name_the_greeting_has_none_and_never_the_email(practice):
    client = UserFactory(email="hannah@example.com", full_name="")

    assert client_contact(client=client).name == ""


def test_a_therapist_invited_but_not_joined_is_not_offered(practice):
    joined = StaffFactory(role=User.Role.THERAPIST, full_name="Bea Adams", mfa=False)
    invited = StaffFactory(role=User.Role.THERAPIST, full_name="Cal Brooks", mfa=False)
    invited.set_unusable_password()
    invited.save(update_fields=["password"])

    assert list(assignable_therapists()) == [joined]
    assert list(therapists_active()) == [joined]
