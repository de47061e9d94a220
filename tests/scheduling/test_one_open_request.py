"""A double-clicked "Send request" leaves one open request, settled by the database."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake
from portal.models import User
from scheduling import errors, request_services
from scheduling.models import AppointmentRequest, Modality
from tests.intake.factories import IntakeFactory
from tests.portal.factories import UserFactory
from tests.scheduling.factories import AppointmentRequestFactory, SessionTypeFactory


def _sent_intake(user):
    return IntakeFactory(client=user, status=Intake.Status.SUBMITTED, submitted_at=timezone.now())


def _form(session_type) -> dict:
    return {
        "session_type": session_type.pk,
        "modality": "in_person",
        "weekdays": ["1"],
        "parts": ["morning"],
        "earliest_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        # Sent from the summary she confirms.
        "confirm": "send",
    }


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_request_for_a_client(client_user):
    AppointmentRequestFactory(client=client_user)

    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentRequestFactory(client=client_user)


@pytest.mark.django_db
def test_a_closed_request_does_not_count(client_user):
    AppointmentRequestFactory(client=client_user, status=AppointmentRequest.Status.CANCELLED)

    assert AppointmentRequestFactory(client=client_user).status == "open"


@pytest.mark.django_db
def test_a_request_the_early_check_missed_is_caught_by_the_constraint(client_user, monkeypatch):
    """The window between the check and the insert, forced open: the loser is told kindly."""
    _sent_intake(client_user)
    session_type = SessionTypeFactory()
    AppointmentRequestFactory(client=client_user, session_type=session_type)
    real_filter = AppointmentRequest.objects.filter

    def check_sees_nothing(*args, **kwargs):
        rows = real_filter(*args, **kwargs)
        return rows.none() if kwargs.get("status") == AppointmentRequest.Status.OPEN else rows

    monkeypatch.setattr(AppointmentRequest.objects, "filter", check_sees_nothing)

    with pytest.raises(errors.RequestAlreadyOpenError) as caught:
        request_services.appointment_request_create(
            client=client_user,
            session_type=session_type,
            modality=Modality.IN_PERSON,
            earliest_date=timezone.localdate(),
            windows=[],
            actor=client_user,
        )
    assert caught.value.message == errors.REQUEST_ALREADY_OPEN
    monkeypatch.undo()
    assert AppointmentRequest.objects.filter(client=client_user, status="open").count() == 1


@pytest.mark.django_db
def test_the_second_click_lands_on_the_request_she_has(client, client_user):
    _sent_intake(client_user)
    client.force_login(client_user)
    data = _form(SessionTypeFactory())

    first = client.post(reverse("scheduling:request_new"), data)
    second = client.post(reverse("scheduling:request_new"), data, follow=True)

    assert first["Location"] == reverse("scheduling:my_appointments")
    assert second.redirect_chain == [(reverse("scheduling:my_appointments"), 302)]
    page = second.content.decode()
    # The same press, twice: she is told what happened, once.
    assert page.count("Thank you. We have your request") == 1
    assert "You already have a request with us" not in page
    assert AppointmentRequest.objects.filter(client=client_user).count() == 1


@pytest.mark.django_db
def test_asking_again_later_says_she_already_has_a_request(client, client_user):
    _sent_intake(client_user)
    client.force_login(client_user)
    AppointmentRequestFactory(client=client_user, created_at=timezone.now() - dt.timedelta(minutes=5))

    response = client.post(reverse("scheduling:request_new"), _form(SessionTypeFactory()), follow=True)

    assert "You already have a request with us" in response.content.decode()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_eight_clients_double_clicking_at_once_get_one_request_each():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL; SQLite takes one writer at a time.")
    session_type = SessionTypeFactory()
    clients = UserFactory.create_batch(8, role=User.Role.CLIENT)
    for user in clients:
        _sent_intake(user)
    data = _form(session_type)
    barrier = threading.Barrier(16)
    statuses = []

    def click(user):
        browser = Client()
        browser.force_login(user)
        barrier.wait()
        try:
            statuses.append(browser.post(reverse("scheduling:request_new"), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(user,)) for user in clients for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [302] * 16
    for user in clients:
        assert AppointmentRequest.objects.filter(client=user, status="open").count() == 1


@pytest.mark.django_db
def test_the_form_is_not_offered_while_a_request_is_open(client, client_user):
    _sent_intake(client_user)
    AppointmentRequestFactory(client=client_user)
    client.force_login(client_user)

    page = client.get(reverse("scheduling:request_new")).content.decode()

    assert "You already have a request with us" in page
    assert "Send my request" not in page
