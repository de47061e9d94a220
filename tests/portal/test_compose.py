"""Static checks of the deployment files: docker-compose.yml, the Dockerfile and .env.example.

Docker cannot run on the development machines, so these tests hold every name those files
use (modules, commands, settings, variables, volumes, URLs) against the project itself, and
run the steps that can run outside a container: the build's collectstatic, gunicorn's
config check, and production settings loaded from the example environment.
"""

import ast
import functools
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS_DIR = ROOT / "portal" / "settings"

EXPECTED_SERVICES = ("postgres", "redis", "web", "worker", "beat")
WEASYPRINT_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fontconfig",
    "fonts-dejavu-core",
)
# Variables the deployment files use that something other than portal/settings reads.
READ_OUTSIDE_SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "Django itself",
    "POSTGRES_PASSWORD": "docker-compose.yml: the postgres service and DATABASE_URL",
    "WEB_CONCURRENCY": "gunicorn: the number of workers",
}
# Blank in .env.example, so that an unedited copy refuses to start.
SECRETS = ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "EMAIL_URL", "PORTAL_MFA_KEYS")
# Stand-ins for the blank secrets when production settings are loaded from the example.
FILLED_SECRETS = {
    "DJANGO_SECRET_KEY": "Zq8vR2mW7kT4pX9nB3cL6hJ1dF5gS0yU-example-only-for-the-test-suite",
    "POSTGRES_PASSWORD": "0123456789abcdef",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.com:587",
    "PORTAL_MFA_KEYS": "vY0cB0n2bW2mU1d7bC5tq7nq4X0rI3a1m8nXjQx1s1Q=",
}
# Not secret, but blank as well: a placeholder address would send safety alerts nowhere.
BLANK_ON_PURPOSE = {"PORTAL_ON_CALL_EMAILS": "oncall@example.com"}
ENV_LINE = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")
INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?[-?+])([^}]*))?\}")
HEALTHZ_URL = re.compile(r"http://[^/'\"\s]+(/[^'\"\s]*)")


# --- Reading the files -------------------------------------------------------------------


@functools.cache
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def app_services() -> dict[str, dict]:
    """The services built from this repository."""
    return {name: service for name, service in services().items() if "build" in service}


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {name: str(value) for name, value in env.items()}


def compose_text(value) -> str:
    """A command, entrypoint or healthcheck test as the shell would see it."""
    if isinstance(value, str):
        return value
    if value and value[0] in ("CMD", "CMD-SHELL"):
        return value[1] if value[0] == "CMD-SHELL" else shlex.join(value[1:])
    return shlex.join(value)


def healthcheck_text(service: dict) -> str:
    return compose_text(service["healthcheck"]["test"])


@functools.cache
def dockerfile() -> tuple[tuple[str, str], ...]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    instructions, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        keyword, _, arguments = (current + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    return tuple(instructions)


def dockerfile_args(keyword: str) -> list[str]:
    return [arguments for instruction, arguments in dockerfile() if instruction == keyword]


def exec_form(arguments: str) -> list[str]:
    return json.loads(arguments) if arguments.startswith("[") else ["/bin/sh", "-c", arguments]


def dockerfile_env() -> dict[str, str]:
    env = {}
    for arguments in dockerfile_args("ENV"):
        words = shlex.split(arguments)
        if "=" in words[0]:
            env.update(word.split("=", 1) for word in words)
        else:
            env[words[0]] = " ".join(words[1:])
    return env


def dockerfile_cmd() -> list[str]:
    return exec_form(dockerfile_args("CMD")[-1])


def dockerfile_healthcheck() -> str:
    arguments = dockerfile_args("HEALTHCHECK")[-1]
    command = arguments[arguments.index("CMD ") + len("CMD ") :].strip()
    return shlex.join(exec_form(command))


def all_commands() -> list[str]:
    """Every command line the deployment runs: compose commands and checks, Dockerfile steps."""
    commands = []
    for service in services().values():
        for key in ("command", "entrypoint"):
            if service.get(key):
                commands.append(compose_text(service[key]))
        if service.get("healthcheck", {}).get("test"):
            commands.append(healthcheck_text(service))
    commands += dockerfile_args("RUN")
    commands += [shlex.join(dockerfile_cmd()), dockerfile_healthcheck()]
    return commands


@functools.cache
def env_example() -> tuple[dict[str, str], frozenset[str]]:
    """(values of the lines that are set, names of the lines commented out)."""
    active, commented = {}, set()
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = ENV_LINE.match(line.strip())
        if not match:
            continue
        hash_sign, name, value = match.groups()
        if hash_sign:
            commented.add(name)
        else:
            active[name] = value.strip().removeprefix('"').removesuffix('"')
    return active, frozenset(commented)


def env_example_names() -> set[str]:
    active, commented = env_example()
    return set(active) | commented


def _is_env_read(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id.startswith("env_") or func.id == "getenv"
    return isinstance(func, ast.Attribute) and (
        func.attr == "getenv" or (func.attr == "get" and ast.unparse(func.value) == "os.environ")
    )


@functools.cache
def settings_reads() -> tuple[frozenset[str], frozenset[str]]:
    """(every variable portal/settings reads, the ones it refuses to start without).

    Read from the source, so that production settings need not be imported. A variable is
    required when settings loop over a tuple of names and read each from the environment.
    """
    read, required = set(), set()
    for path in SETTINGS_DIR.glob("*.py"):
        if path.name == "env.py":  # the readers themselves: they take the name as an argument
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _is_env_read(node.func) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    read.add(first.value)
            if isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple | ast.List):
                reads_target = any(
                    isinstance(call, ast.Call)
                    and _is_env_read(call.func)
                    and call.args
                    and ast.unparse(call.args[0]) == ast.unparse(node.target)
                    for call in ast.walk(node)
                )
                if reads_target:
                    names = {element.value for element in node.iter.elts if isinstance(element, ast.Constant)}
                    read |= names
                    required |= names
    return frozenset(read), frozenset(required)


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:?message}, ${NAME:-default} and $$, enough for this file."""

    def one(match: re.Match) -> str:
        name, modifier, default = match.groups()
        if modifier == ":-" and not variables.get(name):
            return default
        return variables[name]

    return INTERPOLATION.sub(one, value).replace("$$", "$")


def clean_environ(*layers: dict[str, str]) -> dict[str, str]:
    """A bare environment (none of the test run's settings) with layers applied in order."""
    environ = {
        name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG", "TMPDIR")
    }
    for layer in layers:
        environ.update(layer)
    return environ


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own manage.py and gunicorn, arguments from our files
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def load_production_settings(monkeypatch):
    """Execute portal.settings.production as a fresh module, outside sys.modules."""
    monkeypatch.setenv("DJANGO_SECRET_KEY", FILLED_SECRETS["DJANGO_SECRET_KEY"])
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "portal.example.com")
    monkeypatch.setenv("PORTAL_MFA_KEYS", FILLED_SECRETS["PORTAL_MFA_KEYS"])
    monkeypatch.setenv("REDIS_CACHE_URL", "redis://redis:6379/1")
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    spec = importlib.util.find_spec("portal.settings.production")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- docker-compose.yml --------------------------------------------------------------------


def test_compose_file_parses_to_a_mapping_of_services():
    assert isinstance(services(), dict)
    assert set(EXPECTED_SERVICES) <= set(services())


@pytest.mark.parametrize("name", EXPECTED_SERVICES)
def test_service_has_a_healthcheck(name):
    healthcheck = services()[name].get("healthcheck", {})

    assert not healthcheck.get("disable")
    assert healthcheck.get("test")


def test_app_services_are_built_from_this_repository():
    assert {"web", "worker", "beat"} <= set(app_services())


def test_app_services_use_production_settings():
    for name, service in app_services().items():
        assert environment(service).get("DJANGO_SETTINGS_MODULE") == "portal.settings.production", name


def test_app_services_read_the_env_file():
    for name, service in app_services().items():
        assert service.get("env_file") in (".env", [".env"]), name


def test_app_services_override_the_image_healthcheck_unless_they_serve_http():
    # The image's HEALTHCHECK probes gunicorn; any other process would inherit a failing one.
    for name, service in app_services().items():
        if name != "web":
            assert "healthcheck" in service, name


def test_web_healthcheck_probes_a_url_that_resolves_to_the_health_view():
    path = HEALTHZ_URL.search(healthcheck_text(services()["web"])).group(1)

    assert resolve(path).view_name == "healthz"


def test_web_healthcheck_sends_an_allowed_host_header():
    # Django answers 400 to a Host outside ALLOWED_HOSTS, and 127.0.0.1 is not among them.
    assert "DJANGO_ALLOWED_HOSTS" in healthcheck_text(services()["web"])
    assert "'Host'" in healthcheck_text(services()["web"])


def test_web_healthcheck_path_is_exempt_from_the_https_redirect(monkeypatch):
    production = load_production_settings(monkeypatch)
    path = HEALTHZ_URL.search(healthcheck_text(services()["web"])).group(1)

    # SecurityMiddleware matches the exemptions against the path without its leading slash.
    assert any(re.search(pattern, path.lstrip("/")) for pattern in production.SECURE_REDIRECT_EXEMPT)


def test_worker_healthcheck_pings_the_worker():
    assert re.search(r"celery -A \S+ inspect ping", healthcheck_text(services()["worker"]))


def test_every_celery_app_named_is_a_celery_app():
    apps = {
        name
        for command in all_commands()
        for name in re.findall(r"\bcelery\s+(?:-A|--app)[\s=](\S+)", command)
    }

    assert apps
    for name in apps:
        assert isinstance(find_app(name), Celery), name


def test_every_gunicorn_target_is_a_wsgi_callable():
    targets = {
        word
        for command in all_commands()
        if re.search(r"\bgunicorn\b", command)
        for word in shlex.split(command)
        if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", word)
    }

    assert targets
    for target in targets:
        module_name, attribute = target.split(":")
        assert callable(getattr(importlib.import_module(module_name), attribute)), target


def test_every_settings_module_named_is_importable():
    modules = {
        env["DJANGO_SETTINGS_MODULE"]
        for env in map(environment, services().values())
        if "DJANGO_SETTINGS_MODULE" in env
    }
    modules.add(dockerfile_env()["DJANGO_SETTINGS_MODULE"])

    for module in modules:
        # find_spec only: production settings refuse to import without their variables.
        assert importlib.util.find_spec(module) is not None, module


def test_every_manage_py_command_exists():
    commands = {name for command in all_commands() for name in re.findall(r"manage\.py\s+([\w-]+)", command)}

    assert {"migrate", "collectstatic"} <= commands
    assert commands <= set(get_commands())


def test_compose_environment_names_are_read_by_the_settings():
    read, _ = settings_reads()
    for name, service in app_services().items():
        unknown = set(environment(service)) - read - set(READ_OUTSIDE_SETTINGS)
        assert not unknown, f"{name}: {sorted(unknown)}"


def test_private_files_volume_is_mounted_at_private_storage_in_web_and_worker():
    for name in ("web", "worker"):
        private = environment(services()[name])["PORTAL_PRIVATE_STORAGE"]
        mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in services()[name]["volumes"]}

        assert mounts.get(private) == "private-files", name


def test_private_storage_is_outside_static_root():
    private = Path(environment(services()["web"])["PORTAL_PRIVATE_STORAGE"])
    static_root = Path(environment(services()["web"])["PORTAL_VAR_DIR"]) / Path(settings.STATIC_ROOT).name

    assert not private.is_relative_to(static_root)


def test_named_volumes_are_declared():
    declared = set(compose().get("volumes") or {})
    for name, service in services().items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source and not source.startswith((".", "/", "~")):
                assert source in declared, f"{name}: {source}"


def test_only_web_publishes_a_port_and_only_on_loopback():
    published = {name: service["ports"] for name, service in services().items() if service.get("ports")}

    assert set(published) == {"web"}
    assert all(str(port).startswith("127.0.0.1:") for port in published["web"])


def test_dependencies_wait_for_health_or_completion():
    for name, service in services().items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for dependency, rule in depends_on.items():
            condition = rule.get("condition")
            assert condition in ("service_healthy", "service_completed_successfully"), (
                f"{name} -> {dependency}"
            )
            if condition == "service_healthy":
                assert services()[dependency].get("healthcheck", {}).get("test"), dependency
            else:
                assert services()[dependency].get("restart") == "no", dependency


def test_web_and_worker_start_after_migrations():
    for name in ("web", "worker"):
        conditions = {
            dependency: rule["condition"] for dependency, rule in services()[name]["depends_on"].items()
        }
        migrating = [
            dependency
            for dependency, condition in conditions.items()
            if condition == "service_completed_successfully"
            and "manage.py migrate" in compose_text(services()[dependency]["command"])
        ]

        assert migrating, name


def test_redis_keeps_queued_tasks_in_an_append_only_file():
    assert re.search(r"--appendonly\s+yes", compose_text(services()["redis"]["command"]))


def test_beat_schedule_file_is_on_a_volume():
    beat = services()["beat"]
    schedule = re.search(r"(?:--schedule|-s)[\s=](\S+)", compose_text(beat["command"])).group(1)
    mount_points = [volume.split(":")[1] for volume in beat["volumes"]]

    assert any(Path(schedule).is_relative_to(point) for point in mount_points)


# --- .env.example --------------------------------------------------------------------------


def test_env_example_names_are_read_by_the_settings_or_the_deployment():
    read, _ = settings_reads()

    unknown = env_example_names() - read - set(READ_OUTSIDE_SETTINGS)

    assert not unknown


def test_env_example_documents_every_variable_the_settings_read():
    read, _ = settings_reads()

    assert not read - env_example_names()


def test_env_example_sets_every_variable_production_requires():
    active, _ = env_example()
    _, required = settings_reads()

    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"} <= required
    # What compose sets itself (REDIS_CACHE_URL) need not be in .env.
    assert required <= set(active) | set(environment(services()["web"]))


def test_env_example_sets_every_variable_compose_interpolates():
    active, _ = env_example()

    # A variable with a default (${NAME:-1}) may be left out.
    needed = {
        name for name, modifier, _ in INTERPOLATION.findall(COMPOSE_FILE.read_text()) if modifier != ":-"
    }

    assert needed <= set(active)


def test_env_example_leaves_secrets_blank():
    active, _ = env_example()

    assert all(active[name] == "" for name in SECRETS)


def test_env_example_leaves_the_on_call_addresses_blank():
    active, _ = env_example()

    assert all(active[name] == "" for name in BLANK_ON_PURPOSE)


def test_production_settings_pass_deploy_checks_with_the_example_environment_filled_in():
    active, _ = env_example()
    values = {**active, **FILLED_SECRETS, **BLANK_ON_PURPOSE}
    web = {name: interpolate(value, values) for name, value in environment(services()["web"]).items()}

    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        clean_environ(values, web),
    )

    assert result.returncode == 0, result.stdout + result.stderr


# --- Dockerfile ----------------------------------------------------------------------------


def test_dockerfile_starts_from_python_313_slim_bookworm():
    assert dockerfile()[0] == ("FROM", "python:3.13-slim-bookworm")


def test_dockerfile_installs_the_weasyprint_libraries():
    installs = " ".join(command for command in dockerfile_args("RUN") if "apt-get install" in command).split()

    assert set(WEASYPRINT_PACKAGES) <= set(installs)


def test_dockerfile_installs_requirements_txt():
    assert ("COPY", "requirements.txt ./") in dockerfile()
    assert any(
        re.search(r"pip install (.* )?-r requirements\.txt", command) for command in dockerfile_args("RUN")
    )


def test_dockerfile_copies_every_local_app_and_asset_directory():
    copied = {Path(arguments.split()[0]).parts[0] for arguments in dockerfile_args("COPY")}
    local_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    asset_dirs = {
        Path(directory).name for directory in [*settings.TEMPLATES[0]["DIRS"], *settings.STATICFILES_DIRS]
    }

    assert {"manage.py", *local_apps, *asset_dirs} <= copied


def test_dockerfile_runs_as_a_non_root_user():
    user = dockerfile_args("USER")[-1]

    assert user.split(":")[0] not in ("root", "0")


def test_dockerfile_bakes_no_secret_into_the_image():
    declared = {
        word.split("=")[0]
        for keyword in ("ENV", "ARG")
        for arguments in dockerfile_args(keyword)
        for word in shlex.split(arguments)
    }

    assert not declared & set(SECRETS)


def test_dockerfile_sets_python_to_unbuffered_without_bytecode():
    env = dockerfile_env()

    assert env.get("PYTHONDONTWRITEBYTECODE") == "1"
    assert env.get("PYTHONUNBUFFERED") == "1"


def test_dockerfile_healthcheck_probes_the_health_view():
    path = HEALTHZ_URL.search(dockerfile_healthcheck()).group(1)

    assert resolve(path).view_name == "healthz"


def test_dockerfile_collectstatic_step_succeeds_with_production_settings(tmp_path):
    step = next(command for command in dockerfile_args("RUN") if "collectstatic" in command)
    words = shlex.split(step)
    inline_env = dict(word.split("=", 1) for word in words if re.fullmatch(r"[A-Z_]+=.*", word))
    argv = [word for word in words if not re.fullmatch(r"[A-Z_]+=.*", word)]
    env = clean_environ(dockerfile_env(), inline_env, {"PORTAL_VAR_DIR": str(tmp_path)})

    assert argv[0] == "python"
    result = run([sys.executable, *argv[1:]], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").is_file()


def test_dockerfile_gunicorn_command_passes_gunicorn_config_check(tmp_path):
    command = dockerfile_cmd()
    env = clean_environ(
        dockerfile_env(),
        {
            "DJANGO_SECRET_KEY": FILLED_SECRETS["DJANGO_SECRET_KEY"],
            "DJANGO_ALLOWED_HOSTS": "portal.example.com",
            "PORTAL_MFA_KEYS": FILLED_SECRETS["PORTAL_MFA_KEYS"],
            "REDIS_CACHE_URL": "redis://redis:6379/1",
            "PORTAL_VAR_DIR": str(tmp_path),
        },
    )

    assert command[0] == "gunicorn"
    result = run([sys.executable, "-m", "gunicorn", *command[1:], "--check-config"], env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_at_least_two_gunicorn_workers():
    command = dockerfile_cmd()
    workers = (
        command[command.index("--workers") + 1]
        if "--workers" in command
        else dockerfile_env()["WEB_CONCURRENCY"]
    )

    assert int(workers) >= 2


def test_compose_trusts_one_proxy_unless_env_says_otherwise():
    web = environment(services()["web"])

    assert interpolate(web["PORTAL_TRUSTED_PROXY_COUNT"], {}) == "1"
    assert interpolate(web["PORTAL_TRUSTED_PROXY_COUNT"], {"PORTAL_TRUSTED_PROXY_COUNT": "2"}) == "2"
