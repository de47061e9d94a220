"""Production settings: HTTPS only, secrets and hosts from the environment, no defaults
that could leak into a real deployment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_fernet_keys, env_int

# REDIS_CACHE_URL: with more than one web process, a cache in each process would let a TOTP
# code be used twice (once per worker) and multiply every rate limit by the worker count.
for _required in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "PORTAL_MFA_KEYS", "REDIS_CACHE_URL"):
    if not os.environ.get(_required):
        raise ImproperlyConfigured(f"{_required} must be set for production.")

from .base import *  # noqa: E402, F403

if not os.environ["REDIS_CACHE_URL"].strip().startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_CACHE_URL must be a redis://, rediss:// or unix:// URL.")

DEBUG = env_bool("DJANGO_DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must not be true in production.")

# Read again with no default: never the development key that base.py falls back to.
PORTAL_MFA_KEYS = env_fernet_keys("PORTAL_MFA_KEYS")
if LOCAL_MFA_KEY in PORTAL_MFA_KEYS:  # noqa: F405
    raise ImproperlyConfigured("PORTAL_MFA_KEYS holds the published development key; make a new one.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# The health check is called over plain HTTP from inside the compose network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# Sign-up confirmation and password resets must really be sent: the portal.E001 check
# stops start-up (migrate, runserver, workers) when no EMAIL_URL is configured.
PORTAL_REQUIRE_EMAIL_URL = True
# Same-day safety alerts must reach someone even before (or without) the practice's own
# on-call addresses in Django admin: portal.E002 stops start-up without PORTAL_ON_CALL_EMAILS.
PORTAL_REQUIRE_ON_CALL_EMAILS = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
