import importlib
import uuid

import psycopg
import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory

from portal.audit import audit_events_list, audit_record, client_ip
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def _event(therapist, client_user):
    request = RequestFactory().get("/intake/1/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox")
    request.user = therapist
    return audit_record(
        actor=therapist,
        action=AuditEvent.Action.VIEW,
        object_type="intake",
        object_id=42,
        client=client_user,
        request=request,
    )


def test_audit_record_keeps_who_what_whom_when_and_where(therapist, client_user):
    event = _event(therapist, client_user)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.client, stored.action) == (therapist, client_user, "view")
    assert (stored.object_type, stored.object_id) == ("intake", "42")
    assert (stored.ip_address, stored.user_agent, stored.path) == ("203.0.113.7", "Firefox", "/intake/1/")
    assert stored.created_at is not None


def test_an_audit_event_cannot_be_changed(therapist, client_user):
    event = _event(therapist, client_user)
    event.detail = "rewritten"

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_an_audit_event_cannot_be_deleted(therapist, client_user):
    event = _event(therapist, client_user)

    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_itself_refuses_to_rewrite_audit_rows_on_postgresql(therapist, client_user):
    if connection.vendor != "postgresql":
        pytest.skip("The append-only trigger exists on PostgreSQL only.")
    event = _event(therapist, client_user)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE portal_auditevent SET detail = 'x' WHERE id = %s", [event.pk])


def test_the_database_refuses_to_truncate_the_audit_trail_on_postgresql(therapist, client_user):
    if connection.vendor != "postgresql":
        pytest.skip("The append-only trigger exists on PostgreSQL only.")
    event = _event(therapist, client_user)

    with (
        pytest.raises(DatabaseError, match="TRUNCATE is refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # As any session other than the test suite's own (settings/test.py), with the
        # test's own foreign-key checks done first so only the guard can refuse.
        cursor.execute(
            "SET LOCAL portal.audit_truncate_allowed = 'off'; SET CONSTRAINTS ALL IMMEDIATE; "
            "TRUNCATE portal_auditevent CASCADE"
        )

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_only_a_test_database_lets_its_own_sessions_truncate_the_trail():
    """The test settings pointed at a real database by mistake cannot empty its trail."""
    if connection.vendor != "postgresql":
        pytest.skip("The append-only trigger exists on PostgreSQL only.")
    guard = importlib.import_module("portal.migrations.0007_audit_no_truncate").FORWARD
    params = {**connection.get_connection_params(), "autocommit": True}
    name = f"portal_not_a_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**{**params, "dbname": "postgres"}) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(**{**params, "dbname": name}) as real:
            real.execute("CREATE TABLE portal_auditevent (id int)")
            real.execute(guard)
            real.execute("SET portal.audit_truncate_allowed = 'on'")
            with pytest.raises(psycopg.errors.RaiseException, match="TRUNCATE is refused"):
                real.execute("TRUNCATE portal_auditevent")
    finally:
        with psycopg.connect(**{**params, "dbname": "postgres"}) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_audit_events_list_filters_by_staff_client_and_time(
    therapist, front_desk, client_user, second_client_user
):
    first = _event(therapist, client_user)
    audit_record(actor=front_desk, action="view", object_type="request", client=second_client_user)

    assert list(audit_events_list(actor_id=therapist.pk)) == [first]
    assert list(audit_events_list(client_id=client_user.pk)) == [first]
    assert list(audit_events_list(since=first.created_at, until=first.created_at)) == []


def test_the_admin_cannot_edit_or_delete_audit_events(client, practice_admin, client_user):
    event = _event(practice_admin, client_user)
    client.force_login(practice_admin)

    response = client.post(f"/admin/portal/auditevent/{event.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_forwarded_for_is_not_trusted_when_no_proxy_is_declared(rf, settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    request = rf.get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.66")

    assert client_ip(request) == "198.51.100.4"


def test_behind_one_proxy_the_address_it_saw_is_recorded(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The visitor wrote the first entry herself; the proxy appended the address it saw.
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.4")

    assert client_ip(request) == "198.51.100.4"
