"""Settings for `make bench`: the test settings on a throwaway database.

DATABASE_URL, when set, is honoured (to measure on PostgreSQL); otherwise a fresh SQLite
file under var/bench/ is used.
"""

import os

from portal.settings.test import *  # noqa: F403
from portal.settings.test import VAR_DIR

if not os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "bench" / "bench.sqlite3"),
            # gunicorn's workers and the Celery worker share this file with the bench: WAL
            # lets readers run beside a writer, and BEGIN IMMEDIATE makes concurrent writers
            # wait for the lock (up to the timeout) instead of failing at once.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
ROOT_URLCONF = "bench.urls"
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "CRITICAL"}}
# The test client's host name (the in-process measurements) beside the loopback names
# gunicorn is reached by.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
