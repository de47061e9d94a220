"""Fixtures shared by the portal tests that walk every URL."""

import pytest

from portal.audit import audit_record
from portal.models import AuditEvent, TherapistCredentials
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
        "portal_therapistcredentials": TherapistCredentials.objects.create(
            user=personas["therapist"],
            licence="Licensed Clinical Social Worker (LCSW)",
            licence_number="CSW.09924517",
            degrees="Master of Social Work, 2011.",
            licence_requires="A master's degree in social work and supervised practice.",
        ),
        "portal_auditevent": event,
        "account_emailaddress": EmailAddress.objects.first(),
        "mfa_authenticator": Authenticator.objects.first(),
    }
