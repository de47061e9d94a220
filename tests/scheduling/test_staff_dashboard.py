"""The staff home counts what each role acts on, each count a link to the list it counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import Intake
from scheduling.slots import PRACTICE_ZONE
from tests.intake.factories import IntakeFactory
from tests.scheduling.factories import AppointmentFactory, AppointmentRequestFactory

pytestmark = pytest.mark.django_db


def _later_today(hours: int) -> dt.datetime:
    now = timezone.now().astimezone(PRACTICE_ZONE)
    end_of_day = dt.datetime.combine(now.date(), dt.time(23, 0), tzinfo=PRACTICE_ZONE)
    return min(now + dt.timedelta(hours=hours), end_of_day)


@pytest.fixture
def waiting_request(client_user):
    IntakeFactory(client=client_user, status=Intake.Status.SUBMITTED, submitted_at=timezone.now())
    return AppointmentRequestFactory(client=client_user)


def test_the_desk_home_counts_requests_and_those_the_gate_holds(client, front_desk, waiting_request):
    client.force_login(front_desk)

    response = client.get(reverse("portal:staff_home"))

    desk = response.context["desk"]
    assert (desk.requests_open, desk.requests_waiting_for_acceptance) == (1, 1)
    html = response.content.decode()
    assert f'href="{reverse("scheduling:queue")}" data-home-count="requests"' in html
    assert "1 of them not bookable yet" in html


def test_the_desk_home_counts_what_the_queue_lists_and_marks(
    client, front_desk, waiting_request, second_client_user
):
    IntakeFactory(client=second_client_user, status=Intake.Status.ACCEPTED, submitted_at=timezone.now())
    AppointmentRequestFactory(client=second_client_user)
    client.force_login(front_desk)

    home = client.get(reverse("portal:staff_home"))
    queue = client.get(reverse("scheduling:queue"))

    desk = home.context["desk"]
    listed = queue.context["items"]
    assert desk.requests_open == len(listed) == 2
    assert desk.requests_waiting_for_acceptance == sum(not gate.bookable for *_row, gate in listed) == 1
    assert "<strong>2</strong> appointment requests waiting" in home.content.decode()
    assert "1 of them not bookable yet" in home.content.decode()
    assert queue.content.decode().count("data-gate-waiting") == 1


def test_the_desk_home_shows_no_clinical_counts(client, front_desk, waiting_request):
    client.force_login(front_desk)

    html = client.get(reverse("portal:staff_home")).content.decode()

    assert 'data-home-count="urgent"' not in html
    assert 'data-home-count="waiting"' not in html
    assert reverse("intake:staff_queue") not in html


def test_a_therapist_sees_intakes_waiting_and_her_appointments_today(
    client, therapist, client_user, waiting_request
):
    AppointmentFactory(therapist=therapist, client=client_user, start=_later_today(0))
    client.force_login(therapist)

    response = client.get(reverse("portal:staff_home"))

    assert response.context["waiting"].count == 1
    assert response.context["desk"].today == 1
    html = response.content.decode()
    assert 'data-home-count="requests"' not in html
    assert f'href="{reverse("intake:staff_queue")}" data-home-count="waiting"' in html
