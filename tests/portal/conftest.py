"""Fixtures shared by the portal tests that walk every URL."""

import pytest

from portal.audit import audit_record
from portal.models import AuditEvent
from scheduling.models import SessionType


@pytest.fixture
def sample_objects(personas, practice):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    event = audit_record(
        actor=personas["therapist"],
        action=AuditEvent.Action.VIEW,
        object_type="user",
        object_id=personas["client"].pk,
        client=personas["client"],
    )
    from tests.scheduling.factories import (
        OfficeFactory,
        TherapistProfileFactory,
        TimeOffFactory,
        WeeklyAvailabilityFactory,
    )

    profile = TherapistProfileFactory(user=personas["therapist"])
    return {
        "scheduling_therapistprofile": profile,
        "scheduling_office": OfficeFactory(),
        "scheduling_sessiontype": SessionType.objects.first(),
        "scheduling_weeklyavailability": WeeklyAvailabilityFactory(therapist=personas["therapist"]),
        "scheduling_timeoff": TimeOffFactory(therapist=personas["therapist"]),
        "portal_user": personas["client"],
        "portal_practice": practice,
        "portal_auditevent": event,
        "account_emailaddress": EmailAddress.objects.first(),
        "mfa_authenticator": Authenticator.objects.first(),
    }
