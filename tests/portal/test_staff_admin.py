"""Django admin cannot show or make second factors, set another person's password, or show a
client without an audit row; what an admin may do about someone's sign-in is audited."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.audit import audit_record
from portal.models import AuditEvent, User
from tests.portal.factories import DEFAULT_PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/portal/user/"


@pytest.fixture
def admin_client(client, practice_admin):
    client.force_login(practice_admin)
    return client


def change_url(user: User) -> str:
    return reverse("admin:portal_user_change", args=[user.pk])


def change_form(user: User, **overrides) -> dict:
    data = {"full_name": user.full_name, "role": user.role, "is_active": "on" if user.is_active else ""}
    return {**data, **overrides}


def act(admin_client, action: str, *users: User):
    return admin_client.post(CHANGELIST, {"action": action, "_selected_action": [user.pk for user in users]})


def audit_inserts(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("INSERT") and "portal_auditevent" in q["sql"]]


# --- Authenticators: never shown, never made.


def test_authenticators_are_not_registered_in_admin():
    assert not admin.site.is_registered(Authenticator)


def test_authenticators_are_not_in_the_admin_index(admin_client):
    content = admin_client.get(reverse("admin:index")).content.decode()

    assert "/admin/mfa/" not in content
    assert "Authenticator" not in content


def test_admin_cannot_open_an_authenticator(admin_client, therapist):
    totp = Authenticator.objects.get(user=therapist, type=Authenticator.Type.TOTP)

    assert admin_client.get("/admin/mfa/authenticator/").status_code == 404
    assert admin_client.get(f"/admin/mfa/authenticator/{totp.pk}/change/").status_code == 404


def test_admin_cannot_add_an_authenticator_for_someone_else(admin_client, front_desk):
    Authenticator.objects.filter(user=front_desk).delete()

    response = admin_client.post(
        "/admin/mfa/authenticator/add/",
        {"user": front_desk.pk, "type": "totp", "data": '{"secret": "JBSWY3DPEHPK3PXP"}'},
    )

    assert response.status_code == 404
    assert not Authenticator.objects.filter(user=front_desk).exists()


def test_user_list_says_who_has_two_step_sign_in_without_any_secret(admin_client, therapist):
    content = admin_client.get(CHANGELIST).content.decode()

    assert "field-two_step" in content
    assert TOTP_SECRET not in content
    assert "fernet:" not in content


# --- Passwords: nobody sets another person's.


def test_user_change_page_has_no_password_field_and_no_link_to_set_one(admin_client, therapist):
    content = admin_client.get(change_url(therapist)).content.decode()

    assert 'type="password"' not in content
    assert 'name="password' not in content
    assert f"/admin/portal/user/{therapist.pk}/password/" not in content


def test_posting_a_password_to_the_user_change_page_changes_nothing(admin_client, therapist):
    before = User.objects.get(pk=therapist.pk).password

    response = admin_client.post(
        change_url(therapist),
        change_form(
            therapist,
            password="chosen-by-Someone-else-41",
            password1="chosen-by-Someone-else-41",
            password2="chosen-by-Someone-else-41",
        ),
    )

    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.password == before
    assert therapist.check_password(DEFAULT_PASSWORD)


def test_the_change_password_form_for_another_user_is_gone(admin_client, therapist):
    before = User.objects.get(pk=therapist.pk).password

    response = admin_client.post(
        f"/admin/portal/user/{therapist.pk}/password/",
        {"password1": "chosen-by-Someone-else-41", "password2": "chosen-by-Someone-else-41"},
    )

    assert response.status_code in (302, 404)
    assert response.get("Location", "") != change_url(therapist)
    therapist.refresh_from_db()
    assert therapist.password == before


def test_admin_cannot_move_someone_else_to_another_email_address(admin_client, therapist):
    admin_client.post(change_url(therapist), change_form(therapist, email="admin-owned@elsewhere.example"))

    therapist.refresh_from_db()
    assert therapist.email == "therapist@practice.example"


def test_email_addresses_are_read_only_in_admin(admin_client, therapist):
    address = EmailAddress.objects.get(user=therapist)

    added = admin_client.post(
        "/admin/account/emailaddress/add/",
        {"user": therapist.pk, "email": "admin-owned@elsewhere.example", "verified": "on", "primary": ""},
    )
    changed = admin_client.post(
        f"/admin/account/emailaddress/{address.pk}/change/",
        {"user": therapist.pk, "email": "admin-owned@elsewhere.example", "verified": "on", "primary": "on"},
    )

    assert added.status_code == 403
    assert changed.status_code == 403
    assert list(EmailAddress.objects.filter(user=therapist).values_list("email", flat=True)) == [
        therapist.email
    ]


# --- Actions: a reset link, signing out everywhere, resetting the second factor.


def test_reset_link_action_emails_her_a_link_and_is_audited(
    admin_client, practice_admin, therapist, mailoutbox
):
    before = User.objects.get(pk=therapist.pk).password

    response = act(admin_client, "send_password_reset", therapist)

    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[therapist.email]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    event = AuditEvent.objects.get(object_type="user", object_id=str(therapist.pk), action="notify")
    assert (event.actor, event.detail) == (practice_admin, "password reset link sent")
    assert User.objects.get(pk=therapist.pk).password == before


def test_a_password_reset_asked_for_by_the_person_herself_is_audited(client, client_user, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": client_user.email})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    event = AuditEvent.objects.get(object_type="user", object_id=str(client_user.pk), action="notify")
    assert (event.actor, event.client, event.detail) == (None, client_user, "password reset link sent")


def test_revoke_sessions_action_signs_her_out_everywhere_and_is_audited(
    admin_client, practice_admin, therapist
):
    phone, laptop = Client(), Client()
    for device in (phone, laptop):
        device.force_login(therapist)
        assert device.get(reverse("portal:staff_home")).status_code == 200

    response = act(admin_client, "revoke_sessions", therapist)

    assert response.status_code == 302
    for device in (phone, laptop):
        assert device.get(reverse("portal:staff_home"))["Location"].startswith(reverse("account_login"))
    event = AuditEvent.objects.get(object_id=str(therapist.pk), detail__startswith="signed out everywhere")
    assert event.actor == practice_admin
    assert event.detail == "signed out everywhere: 2 sessions ended"
    assert admin_client.get(CHANGELIST).status_code == 200  # the admin's own session is untouched


def test_mfa_reset_action_removes_her_second_factors_and_is_audited(admin_client, practice_admin, therapist):
    response = act(admin_client, "reset_two_step", therapist)

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=therapist).exists()
    event = AuditEvent.objects.get(object_id=str(therapist.pk), detail__startswith="two-step sign-in reset")
    assert event.actor == practice_admin
    assert event.detail == "two-step sign-in reset: 2 authenticators removed"
    assert AuditEvent.objects.filter(
        object_id=str(therapist.pk), detail__startswith="signed out everywhere"
    ).exists()


def test_after_an_mfa_reset_her_open_session_ends_and_she_must_enrol_again(admin_client, therapist):
    her = Client()
    her.force_login(therapist)

    act(admin_client, "reset_two_step", therapist)

    assert her.get(reverse("portal:staff_home"))["Location"].startswith(reverse("account_login"))
    her.post(reverse("account_login"), {"login": therapist.email, "password": DEFAULT_PASSWORD})
    assert her.get(reverse("portal:staff_home"))["Location"] == reverse("mfa_activate_totp")


# --- Role changes.


def test_a_role_change_is_audited_once_with_the_right_words(admin_client, practice_admin, therapist):
    response = admin_client.post(change_url(therapist), change_form(therapist, role="front_desk"))

    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.role == "front_desk"
    events = AuditEvent.objects.filter(object_id=str(therapist.pk), action="role_change")
    assert [(event.actor, event.detail) for event in events] == [
        (practice_admin, "role changed from therapist to front_desk")
    ]


def test_saving_a_user_without_changing_the_role_writes_no_role_change(admin_client, therapist):
    admin_client.post(change_url(therapist), change_form(therapist, full_name="Stephanie Poole, LCSW"))

    assert not AuditEvent.objects.filter(object_id=str(therapist.pk), action="role_change").exists()
    event = AuditEvent.objects.get(object_id=str(therapist.pk), action="update")
    assert event.detail == "changed in Django admin: full_name"


def test_admin_access_follows_a_role_change(admin_client, therapist):
    admin_client.post(change_url(therapist), change_form(therapist, role="practice_admin"))

    therapist.refresh_from_db()
    assert (therapist.is_staff, therapist.is_superuser) == (True, True)


# --- Pages that show a client write audit rows.


def test_user_list_writes_one_audit_row_per_client_shown_in_one_insert(
    admin_client, practice_admin, client_user, second_client_user, therapist
):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert len(audit_inserts(queries)) == 1
    rows = AuditEvent.objects.filter(actor=practice_admin, action="view", object_type="user")
    assert sorted(row.client.email for row in rows) == [client_user.email, second_client_user.email]


def test_user_change_page_of_a_client_writes_an_audit_row(admin_client, practice_admin, client_user):
    admin_client.get(change_url(client_user))

    event = AuditEvent.objects.get(actor=practice_admin, action="view")
    assert (event.client, event.object_id, event.detail) == (
        client_user,
        str(client_user.pk),
        "opened in Django admin",
    )


def test_user_history_page_of_a_client_writes_an_audit_row(admin_client, practice_admin, client_user):
    response = admin_client.get(reverse("admin:portal_user_history", args=[client_user.pk]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(actor=practice_admin, action="view")
    assert (event.client, event.detail) == (client_user, "history opened in Django admin")


def test_a_staff_member_page_writes_no_view_row(admin_client, therapist):
    admin_client.get(change_url(therapist))

    assert not AuditEvent.objects.filter(action="view").exists()


def test_email_address_list_writes_audit_rows_for_clients_in_one_insert(
    admin_client, practice_admin, client_user, therapist
):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get("/admin/account/emailaddress/")

    assert response.status_code == 200
    assert len(audit_inserts(queries)) == 1
    event = AuditEvent.objects.get(actor=practice_admin, action="view", object_type="emailaddress")
    assert event.client == client_user


def test_audit_event_list_writes_audit_rows_for_the_clients_it_shows(
    admin_client, practice_admin, therapist, client_user
):
    shown = audit_record(
        actor=therapist, action="view", object_type="intake", object_id=1, client=client_user
    )

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get("/admin/portal/auditevent/")

    assert response.status_code == 200
    assert len(audit_inserts(queries)) == 1
    event = AuditEvent.objects.get(actor=practice_admin, object_type="auditevent")
    assert (event.client, event.object_id) == (client_user, str(shown.pk))
