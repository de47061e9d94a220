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


def settings_refuse_unsafe(*, debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    """Raise ImproperlyConfigured for settings that would run a deployment open."""
    if not debug and secret_key == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(MSG_DEVELOPMENT_KEY)
    if debug:
        outside = [host for host in allowed_hosts if not is_loopback_host(host)]
        if outside:
            raise ImproperlyConfigured(MSG_DEBUG_HOSTS.format(hosts=", ".join(outside)))
