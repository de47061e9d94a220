import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings.env import env_bool, env_db, env_int
from portal.settings.guard import MSG_DEVELOPMENT_KEY, is_loopback_host

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "x" * 64 + "-a-long-random-production-secret-for-the-test",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "sqlite:////tmp/portal-deploy-check.sqlite3",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
    "PORTAL_ON_CALL_EMAILS": "oncall@practice.example",
    "PORTAL_MFA_KEYS": "vY0cB0n2bW2mU1d7bC5tq7nq4X0rI3a1m8nXjQx1s1Q=",
    "REDIS_CACHE_URL": "redis://127.0.0.1:6379/14",
}
# Read by the settings; each test names what it wants instead of inheriting the suite's.
SETTINGS_ENV_PREFIXES = (
    "DJANGO_",
    "DATABASE_URL",
    "EMAIL_URL",
    "PORTAL_ON_CALL_EMAILS",
    "PORTAL_MFA_KEYS",
    "REDIS_CACHE_URL",
)


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_ENV_PREFIXES)}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**_clean_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "PORTAL_MFA_KEYS", "REDIS_CACHE_URL"]
)
def test_production_settings_refuse_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert f"{missing} must be set for production" in result.stderr


def test_production_refuses_to_start_without_outgoing_mail():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_URL"}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "portal.E001" in result.stderr


def test_production_refuses_to_start_without_an_on_call_address():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "PORTAL_ON_CALL_EMAILS"}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "portal.E002" in result.stderr


def test_the_migrate_job_refuses_to_start_without_an_on_call_address():
    # docker-compose's web and worker wait for this job, so it is where start-up stops.
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "PORTAL_ON_CALL_EMAILS"}

    result = _manage("migrate", "--plan", env=env)

    assert result.returncode != 0
    assert "portal.E002" in result.stderr


def test_a_malformed_on_call_address_stops_start_up():
    result = _manage(
        "check", env={**PRODUCTION_ENV, "PORTAL_ON_CALL_EMAILS": "oncall@practice.example, 303-555-0142"}
    )

    assert result.returncode != 0
    assert "portal.E003" in result.stderr
    assert "303-555-0142" in result.stderr


def test_production_refuses_debug():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "true"})

    assert result.returncode != 0
    assert "DJANGO_DEBUG must not be true" in result.stderr


def _entry_point(module: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Import a server entry point the way gunicorn, uvicorn or celery would."""
    return subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-c",
            f"import {module}; from django.conf import settings; print(settings.SETTINGS_MODULE)",
        ],
        cwd=ROOT,
        env={**_clean_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("module", ["portal.wsgi", "portal.asgi", "portal.celery"])
def test_server_entry_points_default_to_production_settings(module):
    without_module = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SETTINGS_MODULE"}

    forgot_everything = _entry_point(module, env={})
    configured = _entry_point(module, env=without_module)

    assert forgot_everything.returncode != 0
    assert "DJANGO_SECRET_KEY must be set for production" in forgot_everything.stderr
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.strip() == "portal.settings.production"


def test_debug_off_refuses_the_published_development_key():
    result = _manage("check", env={"DJANGO_SETTINGS_MODULE": "portal.settings.base", "DJANGO_DEBUG": "false"})

    assert result.returncode != 0
    assert MSG_DEVELOPMENT_KEY in result.stderr


def test_debug_off_with_a_key_of_its_own_starts():
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings.base", "DJANGO_DEBUG": "false"}

    result = _manage("check", env={**env, "DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"]})

    assert result.returncode == 0, result.stderr


def test_debug_on_refuses_a_host_that_is_not_this_machine():
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DJANGO_ALLOWED_HOSTS": "localhost,portal.example.org",
    }

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "only allowed when every allowed host is a loopback name" in result.stderr
    assert "portal.example.org" in result.stderr


def test_the_developer_default_starts_with_debug_on_loopback_only():
    result = _manage("check", env={"DJANGO_SETTINGS_MODULE": "portal.settings.base"})

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("portal.localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("[::1]", True),
        ("::1", True),
        ("0.0.0.0", False),  # noqa: S104 - every interface, the opposite of loopback
        ("*", False),
        (".example.org", False),
        ("10.0.0.5", False),
        ("localhost.example.org", False),
        ("testserver", False),
    ],
)
def test_loopback_names(host, loopback):
    assert is_loopback_host(host) is loopback


def test_a_malformed_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("PORTAL_SOME_FLAG", "ture")

    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("PORTAL_SOME_FLAG", False)


def test_a_malformed_number_fails_loudly(monkeypatch):
    monkeypatch.setenv("PORTAL_SOME_NUMBER", "fifteen")

    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("PORTAL_SOME_NUMBER", 15)


def test_a_malformed_database_url_fails_loudly(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://who/knows")

    with pytest.raises(ImproperlyConfigured):
        env_db("DATABASE_URL", "sqlite:///x")


def test_local_default_is_sqlite_eager_and_file_mail():
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings.base'; django.setup();"
            "from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND,"
            " s.TIME_ZONE, s.USE_TZ, s.DEBUG)",
        ],
        cwd=ROOT,
        env={
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "EMAIL_URL"))
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "portal.mail.ReadableFileEmailBackend",
        "America/Denver",
        "True",
        "True",
    ]


def test_private_storage_is_outside_static_and_has_no_url():
    from django.conf import settings

    private = Path(settings.PRIVATE_STORAGE_ROOT).resolve()
    assert Path(settings.STATIC_ROOT).resolve() not in private.parents
    assert settings.STORAGES["private"]["OPTIONS"]["base_url"] is None


def test_celery_is_configured_for_safe_redelivery():
    from portal.celery import app

    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_files_the_portal_writes_are_readable_by_their_owner_only(tmp_path):
    script = (
        "import django, stat; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import storages\n"
        "from django.core.mail import send_mail\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "send_mail('s', 'b', 'a@example.org', ['b@example.org'])\n"
        "storages['private'].save('summaries/x.pdf', ContentFile(b'%PDF'))\n"
    )
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "PORTAL_VAR_DIR": str(var),
        "PORTAL_PRIVATE_STORAGE": str(var / "private"),
    }

    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**_clean_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    written = list(var.rglob("*"))
    assert {path.name for path in written} >= {"portal.sqlite3", "mail", "private", "x.pdf"}
    for path in written:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path.relative_to(var)}: {oct(mode)}"


@pytest.mark.parametrize(
    "key",
    [
        "   ",
        "x",
        "a" * 60,
        "insecure-local-development-key-do-not-use-in-production ",
        "INSECURE-LOCAL-DEVELOPMENT-KEY-DO-NOT-USE-IN-PRODUCTION",
        " " + PRODUCTION_ENV["DJANGO_SECRET_KEY"],
    ],
)
def test_production_refuses_a_blank_weak_or_disguised_key(key):
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": key})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("url", [" ", "locmem://", "memcached://cache:11211"])
def test_production_refuses_a_cache_url_that_is_not_redis(url):
    result = _manage("check", env={**PRODUCTION_ENV, "REDIS_CACHE_URL": url})

    assert result.returncode != 0
    assert "REDIS_CACHE_URL" in result.stderr


def test_production_refuses_allowed_hosts_that_name_no_host():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": " , "})

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


@pytest.mark.django_db
def test_with_debug_on_only_this_machine_is_answered(client, settings):
    settings.DEBUG = True

    from_network = client.get("/", REMOTE_ADDR="192.0.2.2", HTTP_HOST="localhost")
    from_here = client.get("/", REMOTE_ADDR="127.0.0.1", HTTP_HOST="localhost")

    assert from_network.status_code == 403
    assert b"DEBUG" not in from_network.content
    assert from_here.status_code != 403


def test_runserver_leaves_static_files_to_the_middleware(settings):
    # Django's own runserver static handler answers before any middleware, so a DEBUG 404
    # for a missing file would reach the network past DebugLoopbackOnlyMiddleware.
    apps = settings.INSTALLED_APPS
    assert apps.index("whitenoise.runserver_nostatic") < apps.index("django.contrib.staticfiles")
