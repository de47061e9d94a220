"""Settings for the test suite: fast hashing, in-memory mail, eager tasks unless a broker
is configured for the integration tests."""

import os
import secrets
import tempfile
from pathlib import Path

# A key of the run's own, never the published development one (DEBUG is off here). In the
# environment, so the Celery worker and servers the integration tests start share it.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from .base import *  # noqa: E402, F403
from .base import CELERY_BROKER_URL, DATABASES  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Kept so the integration suite can reach the real broker configured by .ci/run.
PORTAL_TEST_BROKER_URL = CELERY_BROKER_URL
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Transactional tests empty the throwaway test database with TRUNCATE, which the audit
    # table refuses unless the session says otherwise (portal/migrations/0007).
    # Added to the base settings' options (jit=off), not instead of them.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c portal.audit_truncate_allowed=on".strip()

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file rather than shared-cache memory: the live server's threads (a browser's autosave
    # beside its "Save and continue") then wait for each other's write lock, as they do on
    # the real database, instead of failing at once with "database table is locked".
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"portal-test-{os.getpid()}.sqlite3")
    }
