"""PDF summaries and on-call emails survive a broker outage: a real Redis, a real Celery
worker, PostgreSQL.

Redis is stopped, clients send their intakes (each succeeds, nobody sees an error), Redis
comes back, the sweepers queue the renders and the on-call email that could not be queued,
and the worker stores every PDF and sends the email within a bounded wait.
"""

import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from intake.models import Intake, SummaryDocument
from intake.tasks import summaries_missing_requeue
from tests.intake.summary_samples import celery_broker, intake_build
from tests.portal.real_services import Redis, database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent.parent
WAIT_SECONDS = 90


@pytest.fixture
def redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = Redis(tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(redis, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("The worker shares the test database, which must be PostgreSQL.")
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis.url,
        # Same private folder as this test's storage; mail and beat files in the tmp folder.
        "PORTAL_PRIVATE_STORAGE": str(settings.STORAGES["private"]["OPTIONS"]["location"]),
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_CONN_MAX_AGE": "0",
    }
    env.pop("EMAIL_URL", None)
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b"ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"The Celery worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    yield log
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def test_the_sweeper_recovers_an_intake_sent_while_the_broker_was_down(
    client, client_user, settings, redis, worker
):
    intake = intake_build(client=client_user, submit=False)
    client.force_login(client_user)
    redis.stop()

    with celery_broker(settings, redis.url):
        started = time.monotonic()
        response = client.post(reverse("intake:submit"))
        elapsed = time.monotonic() - started

        # The client sent her intake and saw the usual thank-you page, not an error.
        assert response.status_code == 302
        assert response["Location"] == reverse("intake:summary")
        assert elapsed < 10
        intake.refresh_from_db()
        assert intake.status == Intake.Status.SUBMITTED
        assert not SummaryDocument.objects.filter(intake=intake).exists()

        redis.start()
        Intake.objects.filter(pk=intake.pk).update(submitted_at=intake.submitted_at.replace(year=2020))
        assert summaries_missing_requeue() == 1

        deadline = time.monotonic() + WAIT_SECONDS
        while SummaryDocument.objects.filter(intake=intake, is_current=True).count() < 2:
            if time.monotonic() > deadline:
                pytest.fail(f"No PDF after {WAIT_SECONDS}s. Worker log:\n{worker.read_text()[-4000:]}")
            time.sleep(0.25)

    document = SummaryDocument.objects.get(intake=intake, audience="staff", is_current=True)
    with document.file.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Hope Rivera" in text
    assert "intake_summaries_render_task" in worker.read_text()


def test_every_intake_sent_while_the_broker_was_down_gets_its_pdfs_and_on_call_email(
    client_user, second_client_user, settings, redis, worker, tmp_path
):
    from django.test import Client

    from intake.models import RiskFlag
    from portal.models import Message
    from portal.tasks import messages_sweep_task
    from tests.portal.factories import UserFactory

    # Two intakes finished while all was well (their flags were told at once)...
    people = [client_user, second_client_user]
    intakes = [intake_build(client=person, submit=False) for person in people]
    redis.stop()
    with celery_broker(settings, redis.url):
        # ...and one finished during the outage: her self-harm answer raised a same-day flag
        # whose on-call email could not be queued.
        third = UserFactory(email="ruth@example.com", full_name="Ruth Adler")
        people.append(third)
        intakes.append(intake_build(client=third, legal_name="Ruth Adler", submit=False))
        flag = RiskFlag.objects.get(intake=intakes[-1], level="high")
        assert flag.notified_at is None

        for person in people:
            browser = Client()
            browser.force_login(person)
            response = browser.post(reverse("intake:submit"))
            assert (response.status_code, response["Location"]) == (302, reverse("intake:summary"))
        assert Intake.objects.filter(pk__in=[i.pk for i in intakes], status="submitted").count() == 3
        assert not SummaryDocument.objects.filter(intake__in=intakes).exists()

        redis.start()
        # What beat does every minute or two, once the broker answers again.
        long_ago = Intake.objects.get(pk=intakes[0].pk).submitted_at.replace(year=2020)
        Intake.objects.filter(pk__in=[i.pk for i in intakes]).update(submitted_at=long_ago)
        assert summaries_missing_requeue() == 3
        # The alert was recorded with the flag (and each client's receipt with her intake); only
        # their tasks were lost. The ledger's sweeper (in the worker, as beat queues it) sends
        # them once they are a minute old.
        pending = Message.objects.filter(status="pending")
        assert pending.filter(kind="risk_alert").count() == 1
        assert pending.filter(kind="intake_received").count() == 3
        pending.update(created_at=long_ago)
        messages_sweep_task.delay()

        deadline = time.monotonic() + WAIT_SECONDS
        while (
            SummaryDocument.objects.filter(intake__in=intakes, is_current=True).count() < 6
            or RiskFlag.objects.get(pk=flag.pk).notified_at is None
        ):
            if time.monotonic() > deadline:
                pytest.fail(f"Not all done after {WAIT_SECONDS}s. Worker log:\n{worker.read_text()[-4000:]}")
            time.sleep(0.25)

    mail = "\n".join(path.read_text() for path in (tmp_path / "var" / "mail").glob("*"))
    assert "oncall@practice.example" in mail
    assert "Ruth Adler" not in mail
