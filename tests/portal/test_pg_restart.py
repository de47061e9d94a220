"""PostgreSQL restarted, or down for a while, as requests run: the portal answers again on its
own, and in the meantime it answers a calm 503 quickly rather than an error or a hang.

The machine's PostgreSQL is shared with other test runs, so this brings a throwaway cluster
of its own (tests/portal/private_postgres.py), migrates it, and serves the portal from it with
gunicorn. Persistent connections with health checks (portal/settings/base.py) are what let
the workers recover without being restarted. It does not use the test run's own database.
"""

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from portal.middleware import DATABASE_RETRY_AFTER
from tests.portal.private_postgres import PrivatePostgres, unavailable_reason
from tests.portal.real_services import Gunicorn

ROOT = Path(__file__).resolve().parent.parent.parent
# The longest any answer may take, outage or not; a hung request is the failure to catch.
ANSWER_WITHIN = 5.0
# A page that reads the database for an anonymous visitor (a reset link's account), and the
# health check. The landing page needs no database once the practice's details are cached:
# it keeps answering during an outage, crisis lines and all (checked below).
NEEDS_DATABASE = "/accounts/password/reset/key/1-abc/"
PATHS = (NEEDS_DATABASE, "/healthz")
TIMED_OUT = -1
REFUSED = 0

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Answer:
    path: str
    started: float
    took: float
    status: int


def _get(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=ANSWER_WITHIN) as response:  # noqa: S310 - loopback only
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)
    except TimeoutError:
        return TIMED_OUT, b"", {}
    except (urllib.error.URLError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        return (TIMED_OUT if isinstance(reason, TimeoutError) else REFUSED), b"", {}


class Load:
    """A few threads requesting the pages in a loop, recording every answer and its time."""

    def __init__(self, base: str, threads: int = 3) -> None:
        self.base = base
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run) for _ in range(threads)]

    def _run(self) -> None:
        while not self._stop.is_set():
            for path in PATHS:
                started = time.monotonic()
                status, _body, _headers = _get(self.base + path)
                self.answers.append(Answer(path, started, time.monotonic() - started, status))

    def __enter__(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def between(self, start: float, end: float = float("inf")) -> list[Answer]:
        return [a for a in self.answers if start <= a.started and a.started + a.took <= end]

    def summary(self, since: float) -> str:
        """Counts by path and status, the slowest answer, and when the last failure ended
        (seconds after `since`, the start of the fault)."""
        counts: dict[tuple[str, int], int] = {}
        for answer in self.answers:
            counts[answer.path, answer.status] = counts.get((answer.path, answer.status), 0) + 1
        slowest = max(self.answers, key=lambda a: a.took, default=None)
        failures = [a.started + a.took - since for a in self.answers if a.status != 200]
        return (
            f"answers by (path, status): {counts}; "
            f"slowest {slowest.took:.2f} s ({slowest.path} at {slowest.started - since:+.2f} s); "
            f"last failure ended at {max(failures, default=0):+.2f} s"
        )


@pytest.fixture(scope="module")
def postgres():
    if reason := unavailable_reason():
        pytest.skip(reason)
    with PrivatePostgres() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def portal_server(postgres, tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    (var / "static").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": postgres.create_database("portal"),
        "CELERY_BROKER_URL": "",
        "PORTAL_VAR_DIR": str(var),
    }
    subprocess.run(  # noqa: S603 - our own fixed command line
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with Gunicorn(env, log, ROOT) as server:
        # The first page a worker renders loads its templates: keep that out of the timings.
        for _ in range(6):
            assert _get(server.url + NEEDS_DATABASE)[0] == 200
            assert _get(server.url + "/")[0] == 200
        yield server.url


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_the_portal_answers_again_after_postgresql_restarts(postgres, portal_server, mode):
    # "immediate" skips the clean shutdown, as after a crash; the server then runs recovery.
    with Load(portal_server) as load:
        time.sleep(1)
        restarting = time.monotonic()
        postgres.restart(mode=mode)
        back = time.monotonic()
        time.sleep(2)

    summary = load.summary(since=restarting)
    print(f"\nrestart ({mode}) took {back - restarting:.2f} s; {summary}")
    before = load.between(0, restarting)
    after = load.between(back)
    assert before, "no requests were made before the restart"
    assert {a.status for a in before} == {200}, summary
    assert after, "no requests were made after the restart"
    assert {a.status for a in after} == {200}, summary
    # During the restart itself, a calm 503 at worst: never a server error or a hang.
    assert {a.status for a in load.answers} <= {200, 503}, summary
    assert max(a.took for a in load.answers) < ANSWER_WITHIN, summary


def test_requests_during_an_outage_get_a_quick_503(postgres, portal_server):
    with Load(portal_server) as load:
        time.sleep(1)
        postgres.stop(mode="fast")
        down = time.monotonic()
        try:
            time.sleep(2)
            page = _get(portal_server + NEEDS_DATABASE)
            health = _get(portal_server + "/healthz")
            landing = _get(portal_server + "/")
        finally:
            up = time.monotonic()
            postgres.start()
        back = time.monotonic()
        time.sleep(2)

    summary = load.summary(since=down)
    print(f"\noutage of {back - down:.2f} s; {summary}")
    during = load.between(down, up)
    assert during, "no requests were made during the outage"
    assert {a.status for a in during} == {503}, summary
    assert max(a.took for a in load.answers) < ANSWER_WITHIN, summary
    status, body, headers = page
    assert status == 503
    assert headers["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert b'href="tel:988"' in body
    assert b'href="tel:911"' in body
    assert b"Traceback" not in body
    assert health[0] == 503
    # The public landing page, with the crisis lines, stays up: it needs no database.
    assert landing[0] == 200
    assert b'href="tel:988"' in landing[1]


def test_the_portal_answers_again_after_an_outage(postgres, portal_server):
    postgres.stop(mode="fast")
    try:
        down = [_get(portal_server + path)[0] for path in PATHS for _ in range(4)]
    finally:
        postgres.start()

    up = [_get(portal_server + path)[0] for path in PATHS for _ in range(10)]

    assert set(down) == {503}
    assert set(up) == {200}
