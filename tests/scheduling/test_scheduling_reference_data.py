"""The session types a new practice starts with, seeded by the migration and by the tests."""

from decimal import Decimal

import pytest

from scheduling.models import SessionType
from scheduling.reference_data import SESSION_TYPES, session_types_seed

pytestmark = pytest.mark.django_db


def test_seeding_again_creates_nothing():
    session_types_seed(SessionType)

    assert SessionType.objects.count() == len(SESSION_TYPES)


def test_seeding_again_keeps_the_fee_an_admin_changed():
    SessionType.objects.filter(slug="couples").update(self_pay_fee=Decimal("210.00"), active=False)

    session_types_seed(SessionType)

    assert SessionType.objects.filter(slug="couples").values_list("self_pay_fee", "active").get() == (
        Decimal("210.00"),
        False,
    )
