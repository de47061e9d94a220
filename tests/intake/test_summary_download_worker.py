"""A download never renders the PDF in the web request: each copy is its own task, and a
download that finds no current copy asks the worker for it, waits briefly, and otherwise says
the copy is being prepared."""

import pytest
from django.urls import reverse

from intake import views_summary
from intake.models import SummaryDocument
from intake.tasks import summary_queue
from portal.models import AuditEvent
from tests.intake.summary_samples import celery_broker, intake_build

pytestmark = pytest.mark.django_db


def test_each_copy_is_rendered_by_its_own_task(client_user):
    intake = intake_build(client=client_user)

    assert summary_queue(intake.pk, audiences=(SummaryDocument.Audience.CLIENT,))

    rendered = set(SummaryDocument.objects.filter(intake=intake).values_list("audience", flat=True))
    assert rendered == {SummaryDocument.Audience.CLIENT}


def test_a_download_the_worker_has_not_finished_says_the_copy_is_being_prepared(
    client, client_user, therapist, settings, monkeypatch
):
    intake = intake_build(client=client_user)
    monkeypatch.setattr(views_summary, "DOWNLOAD_WAIT_SECONDS", 0.3)
    client.force_login(therapist)

    # A broker with no worker behind it: the task is queued and nobody renders it.
    with celery_broker(settings, "memory://"):
        response = client.get(reverse("intake:staff_summary_pdf", kwargs={"pk": intake.pk}))

    assert response.status_code == 202
    assert response["Retry-After"]
    assert str(views_summary.MSG_BEING_PREPARED) in response.content.decode()
    assert not SummaryDocument.objects.filter(intake=intake).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_the_client_waiting_for_her_copy_is_told_it_is_being_prepared(
    client, client_user, settings, monkeypatch
):
    intake = intake_build(client=client_user)
    monkeypatch.setattr(views_summary, "DOWNLOAD_WAIT_SECONDS", 0.3)
    client.force_login(client_user)

    with celery_broker(settings, "memory://"):
        response = client.get(reverse("intake:summary_pdf", kwargs={"pk": intake.pk}))

    assert response.status_code == 202
    assert "Try the download again" in response.content.decode()
    assert not SummaryDocument.objects.filter(
        intake=intake, audience=SummaryDocument.Audience.CLIENT
    ).exists()
