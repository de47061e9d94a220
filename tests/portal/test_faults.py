"""Faults on the real services: the portal keeps answering when PostgreSQL drops it.

PostgreSQL is not restarted here (other suites on this machine share the server): every
connection the portal holds is terminated with pg_terminate_backend, which is what the
portal sees when the server restarts. Runs on PostgreSQL only.
"""

import os
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.portal.real_services import Gunicorn, database_url

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


@pytest.fixture
def portal_server(practice, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("Connection faults are tested on PostgreSQL.")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": "",
    }
    with Gunicorn(env, tmp_path / "gunicorn.log", ROOT) as server:
        yield server.url


def _drop_portal_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_the_portal_answers_again_after_its_database_connections_are_dropped(portal_server):
    results: list[tuple[float, int]] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            for path in ("/", "/healthz"):
                results.append((time.monotonic(), _get(portal_server + path)))

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    dropped = [_drop_portal_connections() for _ in range(2) if not time.sleep(0.5)]
    fault_over = time.monotonic()
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join()

    assert sum(dropped) >= 1, "the portal held no connection to drop"
    after = [status for at, status in results if at > fault_over + 0.5]
    assert after, "no requests were made after the fault"
    assert set(after) == {200}, f"answers after the fault: {sorted(set(after))}"


def test_no_request_fails_after_idle_connections_are_dropped(portal_server):
    # Warm both workers so each holds a persistent connection, then drop them while idle:
    # the health check on the next request must notice and reconnect, so nobody sees an error.
    for _ in range(20):
        assert _get(portal_server + "/healthz") == 200

    assert _drop_portal_connections() >= 1
    statuses = [_get(portal_server + path) for _ in range(10) for path in ("/", "/healthz")]

    assert set(statuses) == {200}
