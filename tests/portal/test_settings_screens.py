"""The practice's own settings screens: the practice admin's only (403 for every other
role), in the portal's look, never under /admin/, and every change audited."""

import re
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from intake.consent_rules import ERROR_PLACEHOLDER
from intake.models import ConsentDocument
from portal.forms_settings import PracticeDetailsForm
from portal.models import AuditEvent, Practice, TherapistCredentials, User
from scheduling.models import SessionType, service_code_validator
from tests.intake.test_disclosure import STEPHANIE

pytestmark = pytest.mark.django_db


@pytest.fixture
def informed_consent(db):
    return ConsentDocument.objects.get(kind=ConsentDocument.Kind.INFORMED_CONSENT, is_current=True)


PAGES = [
    ("portal:settings", {}),
    ("portal:settings_practice", {}),
    ("portal:settings_safety", {}),
    ("portal:settings_screening", {}),
    ("portal:settings_staff", {}),
    ("intake:settings_agreements", {}),
    ("intake:settings_agreement_new", {"kind": "informed_consent"}),
    ("intake:settings_therapists", {}),
    ("scheduling:settings_session_types", {}),
    ("scheduling:settings_office", {}),
]


def practice_post(practice, **changes):
    """Every field of the practice's details form as it stands, with `changes`."""
    fields = PracticeDetailsForm.base_fields
    return {**{f: getattr(practice, f) for f in fields}, **changes}


@pytest.mark.parametrize("persona", ["client", "front_desk", "therapist"])
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_each_settings_page_is_refused_to_everyone_but_the_practice_admin(
    client, personas, persona, name, kwargs
):
    client.force_login(personas[persona])

    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    # Pages that only show are refused any POST (405) before anyone is asked who she is.
    assert client.post(reverse(name, kwargs=kwargs), {"name": "Changed"}).status_code in (403, 405)
    assert Practice.objects.get().name != "Changed"


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_each_settings_page_opens_for_the_practice_admin_with_no_admin_link(
    client, practice_admin, name, kwargs
):
    client.force_login(practice_admin)

    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 200
    assert 'href="/admin/' not in response.content.decode()


def test_the_owners_home_links_to_settings_and_not_to_django_admin(client, practice_admin):
    client.force_login(practice_admin)

    page = client.get(reverse("portal:staff_home")).content.decode()

    assert reverse("portal:settings") in page
    assert not re.search(r'href="/admin/', page)


@pytest.mark.parametrize("persona", ["front_desk", "therapist"])
@pytest.mark.parametrize(
    "action", ["settings_staff_role", "settings_staff_mfa_reset", "settings_staff_deactivate"]
)
def test_staff_actions_are_refused_to_other_staff(client, personas, persona, action):
    member = personas["front_desk"] if persona == "therapist" else personas["therapist"]
    client.force_login(personas[persona])

    response = client.post(reverse(f"portal:{action}", args=[member.pk]), {"role": "practice_admin"})

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.is_active
    assert member.role != User.Role.PRACTICE_ADMIN


def test_changing_the_practice_phone_is_saved_and_audited(client, practice_admin, practice):
    client.force_login(practice_admin)

    response = client.post(
        reverse("portal:settings_practice"), practice_post(practice, phone="(303) 555-0199")
    )

    assert response.status_code == 302
    assert Practice.objects.get().phone == "(303) 555-0199"
    assert AuditEvent.objects.filter(
        actor=practice_admin, object_type="practice", detail="changed phone"
    ).exists()


def test_a_new_fee_publishes_a_new_cancellation_policy(client, practice_admin, practice):
    client.force_login(practice_admin)
    client.post(reverse("portal:settings_practice"), practice_post(practice, late_cancellation_fee="70.00"))
    before = ConsentDocument.objects.get(kind="cancellation_policy", is_current=True)

    client.post(reverse("portal:settings_practice"), practice_post(practice, late_cancellation_fee="80.00"))

    after = ConsentDocument.objects.get(kind="cancellation_policy", is_current=True)
    assert Practice.objects.get().late_cancellation_fee == Decimal("80.00")
    assert after.version > before.version
    assert after.details["late_cancellation_fee"] == "$80.00"


def test_a_bad_value_is_refused_beside_its_field_and_nothing_typed_is_lost(client, practice_admin, practice):
    client.force_login(practice_admin)

    response = client.post(
        reverse("portal:settings_screening"),
        {"pcptsd5_cutoff": "9", "minimum_client_age": "21", "epds_enabled": "on"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_pcptsd5_cutoff_error"' in page
    assert 'value="21"' in page
    assert Practice.objects.get().pcptsd5_cutoff == 3
    assert not AuditEvent.objects.filter(object_type="practice").exists()


def test_screening_settings_are_saved_and_audited(client, practice_admin, practice):
    client.force_login(practice_admin)

    client.post(
        reverse("portal:settings_screening"),
        {"pcptsd5_cutoff": "4", "minimum_client_age": "18", "epds_enabled": "on"},
    )

    saved = Practice.objects.get()
    assert (saved.pcptsd5_cutoff, saved.epds_enabled) == (4, True)
    assert AuditEvent.objects.get(object_type="practice").detail == "changed epds_enabled, pcptsd5_cutoff"


def test_the_alert_ladder_is_saved_and_audited(client, practice_admin, practice):
    client.force_login(practice_admin)

    client.post(
        reverse("portal:settings_safety"),
        {"on_call_emails": "oncall@practice.example", "urgent_realert_minutes": "15"},
    )

    saved = Practice.objects.get()
    assert (saved.on_call_emails, saved.urgent_realert_minutes) == ("oncall@practice.example", 15)
    assert AuditEvent.objects.filter(object_type="practice", actor=practice_admin).exists()


def test_inviting_staff_emails_them_and_is_audited(client, practice_admin):
    client.force_login(practice_admin)

    response = client.post(
        reverse("portal:settings_staff"),
        {"email": "new@practice.example", "full_name": "Noa Park", "role": "front_desk"},
    )

    assert response.status_code == 302
    invited = User.objects.get(email="new@practice.example")
    assert invited.role == User.Role.FRONT_DESK
    assert not invited.has_usable_password()
    assert [m.to for m in mail.outbox] == [["new@practice.example"]]
    assert AuditEvent.objects.filter(
        actor=practice_admin, object_id=str(invited.pk), detail="staff invited as front_desk"
    )


def test_inviting_an_address_already_used_says_so_beside_the_field(client, practice_admin, front_desk):
    client.force_login(practice_admin)

    response = client.post(
        reverse("portal:settings_staff"),
        {"email": front_desk.email, "full_name": "Someone", "role": "front_desk"},
    )

    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    assert mail.outbox == []


def test_changing_a_role_is_audited(client, practice_admin, front_desk):
    client.force_login(practice_admin)

    client.post(reverse("portal:settings_staff_role", args=[front_desk.pk]), {"role": "therapist"})

    front_desk.refresh_from_db()
    assert front_desk.role == User.Role.THERAPIST
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ROLE_CHANGE, object_id=str(front_desk.pk)
    ).exists()


def test_the_admin_cannot_change_her_own_role_here(client, practice_admin):
    client.force_login(practice_admin)

    client.post(reverse("portal:settings_staff_role", args=[practice_admin.pk]), {"role": "front_desk"})

    practice_admin.refresh_from_db()
    assert practice_admin.role == User.Role.PRACTICE_ADMIN


def test_a_client_account_is_not_staff_to_act_on(client, practice_admin, client_user):
    client.force_login(practice_admin)

    response = client.post(reverse("portal:settings_staff_deactivate", args=[client_user.pk]))

    assert response.status_code == 404
    client_user.refresh_from_db()
    assert client_user.is_active


def test_resetting_two_step_sign_in_sends_an_enrolment_link_and_is_audited(client, practice_admin, therapist):
    client.force_login(practice_admin)

    client.post(reverse("portal:settings_staff_mfa_reset", args=[therapist.pk]))

    assert not Authenticator.objects.filter(user=therapist).exists()
    assert [m.to for m in mail.outbox] == [[therapist.email]]
    assert reverse("account_login") in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        object_id=str(therapist.pk), detail="two-step sign-in enrolment link emailed"
    )


def test_deactivating_staff_closes_the_account_and_is_audited(client, practice_admin, front_desk):
    client.force_login(practice_admin)

    client.post(reverse("portal:settings_staff_deactivate", args=[front_desk.pk]))

    front_desk.refresh_from_db()
    assert not front_desk.is_active
    assert AuditEvent.objects.filter(object_id=str(front_desk.pk), detail="account deactivated").exists()


def test_a_therapist_profile_saved_publishes_the_disclosure_and_is_audited(client, practice_admin, therapist):
    client.force_login(practice_admin)
    before = ConsentDocument.objects.get(kind="co_mandatory_disclosure", is_current=True)

    response = client.post(
        reverse("intake:settings_therapist", args=[therapist.pk]), {**STEPHANIE, "taking_new_clients": "on"}
    )

    assert response.status_code == 302
    after = ConsentDocument.objects.get(kind="co_mandatory_disclosure", is_current=True)
    assert after.version == before.version + 1
    assert "Stephanie Poole" in after.body
    assert TherapistCredentials.objects.get(user=therapist).taking_new_clients
    assert AuditEvent.objects.filter(actor=practice_admin, object_type="therapist_credentials").exists()


def test_another_staff_member_has_no_therapist_profile(client, practice_admin, front_desk):
    client.force_login(practice_admin)

    assert client.get(reverse("intake:settings_therapist", args=[front_desk.pk])).status_code == 404


def test_a_new_agreement_version_is_published_and_audited(client, practice_admin, informed_consent):
    client.force_login(practice_admin)
    body = informed_consent.body + "\nWe are glad you are here.\n"

    response = client.post(
        reverse("intake:settings_agreement_new", args=["informed_consent"]),
        {"title": informed_consent.title, "body": body},
    )

    assert response.status_code == 302
    current = ConsentDocument.objects.get(kind="informed_consent", is_current=True)
    assert current.version == informed_consent.version + 1
    assert ConsentDocument.objects.get(pk=informed_consent.pk).body == informed_consent.body
    assert AuditEvent.objects.filter(
        actor=practice_admin, object_type="consent_document", object_id=str(current.pk)
    )


def test_a_placeholder_is_refused_with_the_reason_beside_the_text(client, practice_admin, informed_consent):
    client.force_login(practice_admin)

    response = client.post(
        reverse("intake:settings_agreement_new", args=["informed_consent"]),
        {"title": "Consent to therapy", "body": "Fees: [to be completed by the practice]."},
    )

    page = response.content.decode()
    assert response.status_code == 400
    error = re.search(r'<ul class="errorlist" id="id_body_error">(.*?)</ul>', page, re.S).group(1)
    assert str(ERROR_PLACEHOLDER % {"placeholder": "[to be completed by the practice]"}) in error
    assert "Fees: [to be completed by the practice]." in page
    assert ConsentDocument.objects.get(kind="informed_consent", is_current=True) == informed_consent


def test_the_disclosure_has_no_hand_written_version_page(client, practice_admin):
    client.force_login(practice_admin)

    response = client.get(reverse("intake:settings_agreement_new", args=["co_mandatory_disclosure"]))

    assert response.status_code == 404


def test_a_session_fee_change_is_saved_and_audited(client, practice_admin):
    client.force_login(practice_admin)
    session_type = SessionType.objects.first()

    client.post(
        reverse("scheduling:settings_session_type", args=[session_type.pk]),
        {
            "name": session_type.name,
            "duration_minutes": session_type.duration_minutes,
            "self_pay_fee": "155.00",
            "service_code": session_type.service_code,
            "active": "on",
        },
    )

    session_type.refresh_from_db()
    assert session_type.self_pay_fee == Decimal("155.00")
    assert AuditEvent.objects.filter(
        actor=practice_admin, object_type="session_type", detail=f"{session_type.name}: self_pay_fee"
    )


def test_a_service_code_is_saved_in_capitals(client, practice_admin):
    client.force_login(practice_admin)
    session_type = SessionType.objects.get(slug="individual")

    response = client.post(
        reverse("scheduling:settings_session_type", args=[session_type.pk]),
        {
            "name": session_type.name,
            "duration_minutes": 45,
            "self_pay_fee": session_type.self_pay_fee,
            "service_code": " 0362t ",
            "active": "on",
        },
    )

    assert response.status_code == 302
    session_type.refresh_from_db()
    assert session_type.service_code == "0362T"


def test_a_malformed_service_code_is_refused_beside_the_field_keeping_the_fee_typed(client, practice_admin):
    client.force_login(practice_admin)
    session_type = SessionType.objects.get(slug="individual")

    response = client.post(
        reverse("scheduling:settings_session_type", args=[session_type.pk]),
        {
            "name": session_type.name,
            "duration_minutes": session_type.duration_minutes,
            "self_pay_fee": "171.00",
            "service_code": "9083",
            "active": "on",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    error = re.search(r'<ul class="errorlist" id="id_service_code_error">(.*?)</ul>', page, re.S).group(1)
    assert str(service_code_validator.message) in error
    assert 'value="171.00"' in page
    session_type.refresh_from_db()
    assert (session_type.service_code, session_type.self_pay_fee) == ("90837", Decimal("160.00"))


def test_close_account_first_asks_and_closes_nothing(client, practice_admin, front_desk):
    client.force_login(practice_admin)

    response = client.get(reverse("portal:settings_staff_deactivate", args=[front_desk.pk]))

    assert response.status_code == 200
    assert "Close the account" in response.content.decode()
    front_desk.refresh_from_db()
    assert front_desk.is_active
    assert not AuditEvent.objects.filter(object_id=str(front_desk.pk), detail="account deactivated").exists()


def test_closing_a_therapists_account_says_she_is_no_longer_offered_to_new_clients(
    client, practice_admin, therapist
):
    client.force_login(practice_admin)

    page = client.get(reverse("portal:settings_staff_deactivate", args=[therapist.pk])).content.decode()

    assert "no longer offered to new clients" in page


def test_the_staff_list_links_to_the_confirm_step_not_a_one_click_close(client, practice_admin, front_desk):
    client.force_login(practice_admin)

    page = client.get(reverse("portal:settings_staff")).content.decode()

    close_url = reverse("portal:settings_staff_deactivate", args=[front_desk.pk])
    assert f'<a href="{close_url}"' in page
    assert f'action="{close_url}"' not in page


def test_someone_invited_is_offered_the_invitation_again_not_a_two_step_reset(client, practice_admin):
    invited = User.objects.create(email="noa@practice.example", full_name="Noa Park", role="front_desk")
    invited.set_unusable_password()
    invited.save()
    client.force_login(practice_admin)

    page = client.get(reverse("portal:settings_staff")).content.decode()

    assert reverse("portal:settings_staff_mfa_reset", args=[invited.pk]) not in page
    assert reverse("portal:settings_staff_reinvite", args=[invited.pk]) in page


def test_a_two_step_reset_for_someone_invited_is_refused_and_sends_nothing(client, practice_admin):
    invited = User.objects.create(email="noa@practice.example", full_name="Noa Park", role="front_desk")
    invited.set_unusable_password()
    invited.save()
    client.force_login(practice_admin)

    response = client.post(reverse("portal:settings_staff_mfa_reset", args=[invited.pk]), follow=True)

    assert "has not chosen a password yet" in response.content.decode()
    assert mail.outbox == []


def test_the_invitation_can_be_sent_again_and_is_audited(client, practice_admin):
    invited = User.objects.create(email="noa@practice.example", full_name="Noa Park", role="front_desk")
    invited.set_unusable_password()
    invited.save()
    client.force_login(practice_admin)

    response = client.post(reverse("portal:settings_staff_reinvite", args=[invited.pk]))

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["noa@practice.example"]]
    assert AuditEvent.objects.filter(actor=practice_admin, object_id=str(invited.pk)).exists()


def test_inviting_an_existing_staff_address_says_it_is_already_staff(client, practice_admin, front_desk):
    client.force_login(practice_admin)

    response = client.post(
        reverse("portal:settings_staff"),
        {"email": front_desk.email.upper(), "full_name": "Someone", "role": "therapist"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "already has a staff account with this address" in page
    assert "Send the invitation again" in page
    assert User.objects.filter(email__iexact=front_desk.email).count() == 1


def test_the_billing_details_and_booking_gate_are_saved_and_audited(client, practice_admin, practice):
    client.force_login(practice_admin)
    changes = {
        "npi": "1234567893",
        "tax_id": "84-1234567",
        "sliding_scale_offered": "on",
        "sliding_scale_note": "Ask us about a lower fee.",
        "estimate_months": "6",
        "estimate_ongoing_sessions": "20",
        "booking_gate": "on_request",
    }

    response = client.post(reverse("portal:settings_practice"), practice_post(practice, **changes))

    assert response.status_code == 302
    saved = Practice.objects.get()
    assert (saved.npi, saved.tax_id, saved.sliding_scale_offered) == ("1234567893", "84-1234567", True)
    assert (saved.estimate_months, saved.estimate_ongoing_sessions) == (6, 20)
    assert saved.booking_gate == Practice.BookingGate.ON_REQUEST
    assert AuditEvent.objects.get(object_type="practice", actor=practice_admin).detail == (
        "changed booking_gate, npi, tax_id, sliding_scale_offered, sliding_scale_note, "
        "estimate_ongoing_sessions, estimate_months"
    )


def test_a_wrong_practice_npi_is_refused_beside_it_and_the_rest_is_kept(client, practice_admin, practice):
    client.force_login(practice_admin)

    response = client.post(
        reverse("portal:settings_practice"), practice_post(practice, npi="1234567890", tax_id="84-1234567")
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_npi_error"' in page
    assert 'value="1234567890"' in page
    assert 'value="84-1234567"' in page
    assert Practice.objects.get().npi == ""


def test_a_therapists_npi_is_saved_from_her_profile(client, practice_admin, therapist):
    client.force_login(practice_admin)

    response = client.post(
        reverse("intake:settings_therapist", args=[therapist.pk]),
        {**STEPHANIE, "npi": "1234567893", "taking_new_clients": "on"},
    )

    assert response.status_code == 302
    assert TherapistCredentials.objects.get(user=therapist).npi == "1234567893"


def test_a_wrong_therapist_npi_is_refused_beside_it(client, practice_admin, therapist):
    client.force_login(practice_admin)

    response = client.post(
        reverse("intake:settings_therapist", args=[therapist.pk]), {**STEPHANIE, "npi": "12345"}
    )

    assert response.status_code == 400
    assert 'id="id_npi_error"' in response.content.decode()
    assert not TherapistCredentials.objects.filter(user=therapist).exists()


@pytest.mark.parametrize("active", [True, False])
def test_a_placeholder_in_a_credential_is_refused_beside_it(client, practice_admin, therapist, active):
    therapist.is_active = active
    therapist.save(update_fields=["is_active"])
    client.force_login(practice_admin)

    response = client.post(
        reverse("intake:settings_therapist", args=[therapist.pk]),
        {**STEPHANIE, "licence_number": "[to be completed]", "taking_new_clients": "on"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_licence_number_error"' in page
    assert "[to be completed]" in page
    assert not TherapistCredentials.objects.filter(user=therapist).exists()


def test_a_placeholder_kept_from_before_is_listed_as_still_to_fill_in(client, practice_admin, therapist):
    unfinished = {**STEPHANIE, "licence_number": "[to be completed]"}
    TherapistCredentials.objects.create(user=therapist, **unfinished)
    client.force_login(practice_admin)

    page = client.get(reverse("intake:settings_therapists")).content.decode()

    assert "Still to fill in: the licence number" in page
    assert "Complete" not in page


def test_a_closed_account_is_not_listed_as_taking_new_clients(client, practice_admin, therapist):
    TherapistCredentials.objects.create(user=therapist, **STEPHANIE, taking_new_clients=True)
    therapist.is_active = False
    therapist.save(update_fields=["is_active"])
    client.force_login(practice_admin)

    page = client.get(reverse("intake:settings_therapists")).content.decode()

    assert "Not taking new clients" in page
    assert ">Taking new clients<" not in page
