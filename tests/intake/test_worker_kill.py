"""A worker killed with SIGKILL in the middle of a PDF render: the task runs again and exactly
one current PDF exists.

Real Redis, real Celery worker (prefork), PostgreSQL. Two ways to die:
- the prefork child running the render is killed: with task_reject_on_worker_lost the main
  process hands the message back to Redis at once and a new child renders it;
- the whole worker (main process and children) is killed: nobody is left to hand the message
  back, so it waits in Redis's unacked set until the visibility timeout passes and a new
  worker's periodic scan restores it. The test's workers use a timeout of a few seconds and a
  one-second scan (production: 900 s, see settings and README).
"""

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from intake.models import SummaryDocument
from intake.submit_services import intake_submit
from tests.intake.summary_samples import celery_broker, intake_build
from tests.portal.real_services import Redis, database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent.parent
WAIT_SECONDS = 90
# Above the render time of LARGE in a worker (about 6 s), so the second worker's own delivery
# is not restored again while it renders (harmless, the render is idempotent, but noisy).
VISIBILITY_TIMEOUT = 10
# Long enough that both PDFs take a few seconds, so the kill lands mid-render.
LARGE = {"extra_entries": 400, "free_text": "My own words, at length. " * 2000}
# The render has certainly started this long after the worker logged the task's arrival, and
# is still far from done (measured: about 2 s per audience for LARGE).
INTO_RENDER = 1.0


@pytest.fixture
def redis(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("The worker shares the test database, which must be PostgreSQL.")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = Redis(tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


class Worker:
    """A prefork Celery worker (one child) in its own process group, so SIGKILL reaches all."""

    def __init__(self, *, redis: Redis, log: Path, settings, tmp_path: Path, fast_restore: bool) -> None:
        self.log = log
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.base",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": redis.url,
            "PORTAL_PRIVATE_STORAGE": str(settings.STORAGES["private"]["OPTIONS"]["location"]),
            "PORTAL_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_CONN_MAX_AGE": "0",
        }
        self.env.pop("EMAIL_URL", None)
        if fast_restore:
            self.env |= {
                "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
                "CELERY_UNACKED_RESTORE_INTERVAL": "1",
                "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "portal",
                    "worker",
                    "--pool",
                    "prefork",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while b"ready." not in self.log.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"The Celery worker did not start:\n{self.text()}")
            time.sleep(0.1)

    def text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def children(self) -> list[int]:
        pids = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            with (task / "children").open() as handle:
                pids += [int(pid) for pid in handle.read().split()]
        return pids

    def kill(self) -> None:
        """SIGKILL the whole process group: main process and every child, no cleanup."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def workers(redis, tmp_path, settings):
    """Start workers on demand; every one is gone (group killed) when the test ends."""
    started: list[Worker] = []

    def start(name: str, *, fast_restore: bool = False) -> Worker:
        worker = Worker(
            redis=redis,
            log=tmp_path / f"{name}.log",
            settings=settings,
            tmp_path=tmp_path,
            fast_restore=fast_restore,
        )
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()
        worker.kill()


def _received_count(log: Path) -> int:
    return log.read_bytes().count(b"] received")


def _received_ids(log: Path) -> set[str]:
    return set(re.findall(r"\[([0-9a-f-]{36})\] received", log.read_text(errors="replace")))


def _wait_received_again(worker: Worker, ids: set[str]) -> None:
    """Until `worker` receives one of the tasks another worker had (each copy of the summary
    is its own task, so the other copy's first delivery does not count)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not _received_ids(worker.log) & ids:
        if time.monotonic() > deadline:
            pytest.fail(f"The task never came back. Worker log:\n{worker.text()}")
        time.sleep(0.05)


def _wait_received(worker: Worker, count: int = 1) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while _received_count(worker.log) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"The worker never received the task. Worker log:\n{worker.text()}")
        time.sleep(0.05)


def _wait_for_both_pdfs(intake, logs: list[Worker]) -> float:
    started = time.monotonic()
    deadline = started + WAIT_SECONDS
    while SummaryDocument.objects.filter(intake=intake, is_current=True).count() < 2:
        if time.monotonic() > deadline:
            pytest.fail(f"No PDFs after {WAIT_SECONDS}s. Logs:\n" + "\n---\n".join(w.text() for w in logs))
        time.sleep(0.1)
    return time.monotonic() - started


def _assert_exactly_one_intact_current_pdf_per_audience(intake) -> None:
    for audience in SummaryDocument.Audience.values:
        current = SummaryDocument.objects.filter(intake=intake, audience=audience, is_current=True)
        assert current.count() == 1, audience
        document = current.get()
        assert document.file.storage.exists(document.file.name)
        with document.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == document.sha256
    # Nothing half-done was kept: the killed render stored no row.
    assert SummaryDocument.objects.filter(intake=intake).count() == 2


def _send(settings, redis, client_user):
    intake = intake_build(client=client_user, submit=False, **LARGE)
    with celery_broker(settings, redis.url):
        # Queued once the submission commits, exactly as in production.
        intake_submit(intake=intake, actor=client_user)
    return intake


def test_a_killed_prefork_child_mid_render_reruns_the_task_and_one_pdf_is_current(
    client_user, settings, redis, workers
):
    worker = workers("worker")
    intake = _send(settings, redis, client_user)
    _wait_received(worker)
    time.sleep(INTO_RENDER)
    [child] = worker.children()
    assert not SummaryDocument.objects.filter(intake=intake).exists(), "render finished before the kill"

    os.kill(child, signal.SIGKILL)
    killed_at = time.monotonic()
    _wait_received(worker, count=2)
    redelivered = time.monotonic() - killed_at
    recovered = _wait_for_both_pdfs(intake, [worker]) + redelivered

    print(f"prefork child killed: redelivered after {redelivered:.1f}s, both PDFs after {recovered:.1f}s")
    log = worker.log.read_text(errors="replace")
    assert "WorkerLostError" in log
    assert worker.process.poll() is None
    assert child not in worker.children()
    # Handed back by the main process (measured 0.2 to 3 s), not by the visibility timeout,
    # which is 900 s for this worker.
    assert redelivered < 60
    _assert_exactly_one_intact_current_pdf_per_audience(intake)


def test_a_whole_worker_killed_mid_render_runs_the_task_again_after_the_visibility_timeout(
    client_user, settings, redis, workers
):
    first = workers("first", fast_restore=True)
    intake = _send(settings, redis, client_user)
    _wait_received(first)
    time.sleep(INTO_RENDER)
    assert first.children(), "no prefork child"
    assert not SummaryDocument.objects.filter(intake=intake).exists(), "render finished before the kill"

    held = _received_ids(first.log)
    first.kill()
    killed_at = time.monotonic()
    second = workers("second", fast_restore=True)
    _wait_received_again(second, held)
    redelivered = time.monotonic() - killed_at
    _wait_for_both_pdfs(intake, [first, second])
    recovered = time.monotonic() - killed_at

    print(f"whole worker killed: redelivered after {redelivered:.1f}s, both PDFs after {recovered:.1f}s")
    assert "intake_summaries_render_task[" in second.log.read_text(errors="replace")
    assert "succeeded" in second.log.read_text(errors="replace")
    # It came back only once the visibility timeout (counted from the first delivery) passed.
    assert redelivered >= VISIBILITY_TIMEOUT - INTO_RENDER - 0.5
    _assert_exactly_one_intact_current_pdf_per_audience(intake)
