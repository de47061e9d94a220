"""The rules every settings module must pass before the portal starts, whichever module a
deployment names (or forgets to name).

They are checked once Django has loaded the final settings (PortalConfig.ready), so a module
that imports base.py and then changes DEBUG or ALLOWED_HOSTS is judged on what it ends with.
"""

from ipaddress import ip_address

from django.core.exceptions import ImproperlyConfigured

# Published in this repository, so anyone could sign with it (confirmation links, password
# resets): only a developer's own machine, with DEBUG on and loopback hosts, may use it.
DEVELOPMENT_SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

MSG_DEVELOPMENT_KEY = (
    "DJANGO_SECRET_KEY is the development key published in the repository; with DEBUG off "
    "this is a real deployment and needs its own key."
)
# Django's own deploy check (W009) only warns, and only under `check --deploy`.
SECRET_KEY_MIN_LENGTH, SECRET_KEY_MIN_CHARACTERS = 50, 5
MSG_WEAK_KEY = (
    "DJANGO_SECRET_KEY is too weak for a deployment: it needs at least {length} characters, "
    "{characters} of them different, with no spaces around it. Make one with: python -c "
    '"import secrets; print(secrets.token_urlsafe(50))"'
)
MSG_DEBUG_HOSTS = (
    "DEBUG is on, which shows code and settings to any visitor; it is only allowed when every "
    "allowed host is a loopback name (localhost, 127.0.0.1, ::1), not {hosts}."
)


def is_loopback_host(host: str) -> bool:
    """Whether a name in ALLOWED_HOSTS can only be this machine."""
    name = host.strip().lower().removeprefix("[").removesuffix("]")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ip_address(name).is_loopback
    except ValueError:
        return False


def secret_key_problem(secret_key: str) -> str | None:
    """Why a key cannot sign a deployment's links and sessions, or None."""
    if secret_key.strip().casefold() == DEVELOPMENT_SECRET_KEY.casefold():
        return MSG_DEVELOPMENT_KEY
    if (
        secret_key != secret_key.strip()
        or len(secret_key) < SECRET_KEY_MIN_LENGTH
        or len(set(secret_key)) < SECRET_KEY_MIN_CHARACTERS
    ):
        return MSG_WEAK_KEY.format(length=SECRET_KEY_MIN_LENGTH, characters=SECRET_KEY_MIN_CHARACTERS)
    return None


def settings_refuse_unsafe(*, debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    """Raise ImproperlyConfigured for settings that would run a deployment open."""
    if not debug and (problem := secret_key_problem(secret_key)):
        raise ImproperlyConfigured(problem)
    if debug:
        outside = [host for host in allowed_hosts if not is_loopback_host(host)]
        if outside:
            raise ImproperlyConfigured(MSG_DEBUG_HOSTS.format(hosts=", ".join(outside)))
    elif not allowed_hosts:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS names no host: with DEBUG off no page could be served."
        )
