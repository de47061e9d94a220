"""Strict readers for settings taken from the environment.

django-environ parses URLs well but silently turns a mistyped boolean into False.
A practice that sets ``DJANGO_DEBUG=ture`` in production deserves an error at start-up,
not a quietly different portal, so booleans and integers are parsed here and refuse
anything they do not recognise.
"""

import os

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

_env = environ.Env()

SUPPORTED_DB_ENGINES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_db(name: str, default: str) -> dict:
    raw = os.environ.get(name) or default
    try:
        config = _env.db_url_config(raw)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if config.get("ENGINE") not in SUPPORTED_DB_ENGINES:
        raise ImproperlyConfigured(f"{name} must be a postgres:// or sqlite:// URL, not {raw!r}.")
    return config


def env_email(name: str) -> dict | None:
    raw = os.environ.get(name)
    if not raw:
        return None
    try:
        return _env.email_url_config(raw)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is not a valid email URL: {exc}") from None


def env_fernet_keys(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list of Fernet keys (32 url-safe base64-encoded bytes each).

    A key that is not one stops start-up; the message names its position, never the key.
    """
    keys = env_list(name)
    if not keys:
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return list(default)
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"Key {position} in {name} is not a Fernet key (32 url-safe base64-encoded bytes). "
                'Make one with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            ) from None
    return keys
