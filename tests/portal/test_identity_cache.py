"""The signed-in user and her MFA state come from the cache, and any change to them (role,
active state, password, authenticator) is seen on her very next request."""

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from portal.models import User

pytestmark = pytest.mark.django_db

QUEUE = reverse("intake:staff_queue")


def _tables_read(client: Client, path: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return "\n".join(q["sql"] for q in queries.captured_queries)


def test_a_second_staff_page_reads_neither_her_account_nor_her_authenticators(client, therapist):
    client.force_login(therapist)
    client.get(QUEUE)

    sql = _tables_read(client, QUEUE)

    assert f'"portal_user"."id" = {therapist.pk}' not in sql
    assert '"mfa_authenticator"' not in sql


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_with_cached_sessions_a_page_reads_no_session_row(therapist):
    staff = Client()
    staff.force_login(therapist)
    staff.get(QUEUE)

    assert '"django_session"' not in _tables_read(staff, QUEUE)


def test_a_new_role_applies_on_the_next_request(client, therapist):
    client.force_login(therapist)
    assert client.get(QUEUE).status_code == 200

    therapist.role = User.Role.FRONT_DESK
    therapist.save(update_fields=["role"])

    assert client.get(QUEUE).status_code == 403


def test_a_deactivated_account_is_signed_out_on_the_next_request(client, therapist):
    client.force_login(therapist)
    assert client.get(QUEUE).status_code == 200

    therapist.is_active = False
    therapist.save(update_fields=["is_active"])

    response = client.get(QUEUE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_new_password_signs_her_other_sessions_out(client, therapist):
    client.force_login(therapist)
    assert client.get(QUEUE).status_code == 200

    therapist.set_password("a-Different-passphrase-9")
    therapist.save(update_fields=["password"])

    response = client.get(QUEUE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_removed_authenticator_sends_staff_to_set_one_up_at_once(client, therapist):
    client.force_login(therapist)
    assert client.get(QUEUE).status_code == 200

    Authenticator.objects.filter(user=therapist).delete()

    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_her_last_sign_in_time_alone_keeps_the_cached_account(client, therapist):
    client.force_login(therapist)
    client.get(QUEUE)

    therapist.save(update_fields=["last_login"])

    assert f'"portal_user"."id" = {therapist.pk}' not in _tables_read(client, QUEUE)
