"""Settings shared by every environment.

With no environment at all this runs the portal on one machine: SQLite under var/,
DEBUG on, mail written to files in var/mail/, Celery tasks run eagerly in-process.
Set DATABASE_URL and CELERY_BROKER_URL to move to PostgreSQL and Redis.
"""

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_db, env_email, env_fernet_keys, env_int, env_list, env_str
from .guard import DEVELOPMENT_SECRET_KEY

# Clinical answers reach files this process writes (the SQLite database, mail files, PDFs,
# backups): whatever it creates is readable and writable by its owner only.
os.umask(0o077)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", True)
# Only ever used on a developer's own machine: portal/settings/guard.py refuses it whenever
# DEBUG is off, and refuses DEBUG unless every allowed host is a loopback name.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# How many proxies in front of the portal append to X-Forwarded-For; the client's address
# (rate limits, sign-in pauses, the audit trail, signatures) is read that many hops back.
# 0 unless the deployment says so: with no proxy the header is the visitor's own words, and
# trusting it would let anyone choose the address the audit records. compose sets 1.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("PORTAL_TRUSTED_PROXY_COUNT", 0, minimum=0)
# Where links in emails and calendar files lead. Background tasks have no request to read it
# from; `make run` sets it from the HOST and PORT it serves on.
SITE_URL = env_str("PORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# With DEBUG on, errors still show the portal's own pages (OwnErrorPagesMiddleware) unless this
# asks for Django's technical ones (README: "Configuration").
PORTAL_DJANGO_DEBUG_PAGES = env_bool("PORTAL_DJANGO_DEBUG_PAGES", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver then leaves static files to WhiteNoise's middleware, so they pass the same
    # middleware as pages (DebugLoopbackOnlyMiddleware: a DEBUG server answers this machine only).
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "portal",
    "intake",
    "scheduling",
]

MIDDLEWARE = [
    "portal.middleware.DebugLoopbackOnlyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.middleware.RequestTooLargeMiddleware",
    "portal.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.IdleTimeoutMiddleware",
    "portal.middleware.StaffMFARequiredMiddleware",
    "portal.middleware.NoStoreForSignedInMiddleware",
    "portal.middleware.MethodNotAllowedPageMiddleware",
    "portal.middleware.OwnErrorPagesMiddleware",
    # Last, so it sees a view's database errors first and answers 503 rather than 500.
    "portal.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "portal.context_processors.portal",
                "intake.context_processors.review",
            ],
            "builtins": ["portal.templatetags.portal_text"],
        },
    },
]

DATABASES = {"default": env_db("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse connections but check them first, so a restarted PostgreSQL costs one
    # failed check rather than a burst of errors.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database host that stops answering (rather than refusing) must not hold a request
    # until gunicorn kills the worker: give up after a few seconds and answer 503.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1)
    )
    # No JIT compilation: the portal's queries are short lookups by index, and PostgreSQL's
    # cost model sends a large table's count or scan to the JIT, which then spends longer
    # compiling the query than running it (measured: 116 of 148 ms at 100,000 intakes).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts, so two bookings queue up instead of
    # one failing with "database is locked" after both have read.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, reading the signed-in user from the cache (portal/auth_backends.py).
    "portal.auth_backends.CachedModelBackend",
    "portal.auth_backends.CachedAllauthBackend",
    # Sessions record the backend that signed them in: these keep sessions begun before the
    # cached backends valid until they end (SESSION_COOKIE_AGE); remove once that has passed.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Denver"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Generated clinical files (PDF summaries) live here: outside STATIC_ROOT, never given a
# URL, only streamed by a view that checks access and writes an audit record.
PRIVATE_STORAGE_ROOT = Path(env_str("PORTAL_PRIVATE_STORAGE", str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Mail: files on disk unless an EMAIL_URL is configured.
_email = env_email("EMAIL_URL")
if _email:
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email.get("EMAIL_HOST", "")
    EMAIL_PORT = _email.get("EMAIL_PORT")
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "portal.mail.ReadableFileEmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Client portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Comma-separated addresses emailed when an intake needs same-day review, used whenever the
# practice has set no on-call address of its own in Django admin. The practice row is empty
# at first deploy, so this is what production start-up can insist on (portal.E002).
PORTAL_ON_CALL_EMAILS = env_list("PORTAL_ON_CALL_EMAILS")

# --- Cache: shared Redis when configured (allauth's rate limits and TOTP replay
# protection need one cache across all web workers), local memory otherwise.
_redis_cache = env_str("REDIS_CACHE_URL", "")
if _redis_cache:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_cache,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Sessions and automatic logoff (HIPAA 164.312(a)(2)(iii)).
# Sessions are read from the cache and written through to the database (cached_db) when the
# cache is shared; a cache in each web process would give one worker a stale session.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if _redis_cache else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A kind page (or JSON for the autosave) instead of Django's technical one.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
PORTAL_STAFF_IDLE_TIMEOUT = env_int("PORTAL_STAFF_IDLE_MINUTES", 15, minimum=1) * 60
PORTAL_CLIENT_IDLE_TIMEOUT = env_int("PORTAL_CLIENT_IDLE_MINUTES", 30, minimum=1) * 60
# How long before the automatic sign-out the page warns the person.
PORTAL_IDLE_WARNING = env_int("PORTAL_IDLE_WARNING_SECONDS", 120, minimum=10)

# --- Security headers (production.py adds the HTTPS-only ones).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style, nothing from another origin. The TOTP QR code is a data: image.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Accounts (django-allauth).
ACCOUNT_ADAPTER = "portal.adapters.PortalAccountAdapter"
# Sign-up and password reset do the same work whether or not the address has an account.
ACCOUNT_FORMS = {"signup": "portal.forms.SignupForm", "reset_password": "portal.forms.ResetPasswordForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Adding, choosing or removing an email address asks for the password again (allauth's
# reauthentication, good for ACCOUNT_REAUTHENTICATION_TIMEOUT, 5 minutes): someone at an
# unlocked screen cannot move the account to an address of theirs.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
# allauth's own rate limits are on by default; stated here so they are visible and tunable.
# They are counted in the cache, which must be shared by every web process (REDIS_CACHE_URL).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed sign-ins, per network ("ip") and per address from one network ("key": the adapter
    # makes allauth's key the address and the network), so nobody can pause an address on a
    # network its owner is on; and a generous ceiling per address across networks, which a
    # password reset lifts (portal.sign_in_limits, README "Signing in").
    "login_failed": "10/m/ip,100/h/ip,5/5m/key,20/h/key",
    "login_failed_address": "100/h/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:landing"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("PORTAL_TOTP_ISSUER", "Client portal")
MFA_RECOVERY_CODE_COUNT = 10
# Keys that encrypt TOTP secrets and recovery-code seeds at rest (portal.mfa_secrets):
# comma-separated Fernet keys, the first encrypts, all decrypt. Without the variable, a fixed
# key derived from a published phrase, for development and tests only: production.py refuses
# to start with it, or without PORTAL_MFA_KEYS.
LOCAL_MFA_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"client-portal local development MFA key: never for production").digest()
).decode("ascii")
PORTAL_MFA_KEYS = env_fernet_keys("PORTAL_MFA_KEYS", [LOCAL_MFA_KEY])

# --- Celery: eager in-process unless a broker is configured.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only after it finishes, and re-queued if its worker dies, so a
# crash mid-render re-runs the task. Every task is idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180, minimum=1)
# Redis re-delivers an unacknowledged message only after this many seconds. It must exceed
# the longest task plus any countdown, or a slow task runs twice; it bounds how long a task
# whose whole worker was killed waits before it runs again.
# Production: 900 s, above the 180 s hard time limit plus the retry backoff. The scan for such
# messages runs every interval x throttle seconds (kombu's defaults, 10 x 10); tests that kill
# a whole worker set all three to a few seconds so recovery takes seconds, not minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900, minimum=1),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10, minimum=1),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10, minimum=1),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # Appointment reminders (exactly once each).
    "scheduling-send-due-reminders": {
        "task": "scheduling.tasks.reminders_send_due_task",
        "schedule": timedelta(minutes=5),
    },
    # Messages in the ledger (portal.message_ledger) whose first task went missing or whose
    # send failed are sent again: on-call alerts after a minute, others after ten.
    "portal-messages-sweep": {
        "task": "portal.tasks.messages_sweep_task",
        "schedule": timedelta(minutes=1),
    },
    # The alert ladder (intake.alerts): records the steps now due (an urgent flag nobody has
    # acknowledged is emailed to the on-call again, then to the practice admins too); the
    # message ledger sends them.
    "intake-urgent-alert-ladder": {
        "task": "intake.tasks.risk_alerts_due_enqueue_task",
        "schedule": 60.0,
    },
    # Submitted intakes still without a current PDF summary (broker down at submit) are
    # queued again.
    "intake-summaries-missing": {
        "task": "intake.tasks.intake_summaries_sweep_task",
        "schedule": timedelta(minutes=2),
    },
    # Good Faith Estimates owed by a booking whose task went missing are queued again.
    "scheduling-estimates-missing": {
        "task": "scheduling.estimate_tasks.estimates_missing_sweep_task",
        "schedule": timedelta(minutes=10),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refusal_without_traceback": {"()": "portal.log_filters.RefusalWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["refusal_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
MFA_ADAPTER = "portal.adapters.PortalMFAAdapter"
