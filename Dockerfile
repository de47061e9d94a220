# syntax=docker/dockerfile:1
# One image for every process of the portal: web (gunicorn, the default CMD), the Celery
# worker and beat, and the one-shot migrate job (see docker-compose.yml).
FROM python:3.13-slim-bookworm

# The layout below is part of the image, not configuration: compose mounts its volumes at
# these paths, so they are set here rather than in .env.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    PORTAL_VAR_DIR=/var/lib/portal \
    PORTAL_PRIVATE_STORAGE=/var/lib/portal/private \
    WEB_CONCURRENCY=3

# Pango, HarfBuzz and a font for WeasyPrint (the intake PDF summary). No compiler is needed:
# every pinned requirement ships a wheel for CPython 3.13 on Linux.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core \
        gnupg postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --create-home --home-dir /home/portal \
        --shell /usr/sbin/nologin portal

WORKDIR /app

# Requirements first, so that a code change does not reinstall every dependency.
COPY requirements.txt ./
RUN python -m pip install -r requirements.txt

# Only what runs, listed one by one: without a .dockerignore, `COPY . .` would put .env,
# .venv, var/ (the local database and mail) and .git into the image. The code stays owned
# by root, so the portal user cannot change it.
COPY manage.py ./
COPY portal ./portal
COPY intake ./intake
COPY scheduling ./scheduling
COPY templates ./templates
COPY static ./static

# Production settings refuse to import without a secret key, allowed hosts, MFA keys and a
# shared cache. These throwaway values exist for this one command only (not ENV), so no
# running container can ever start with them (the MFA key reads "build-time-collectstatic-only!!!").
RUN DJANGO_SECRET_KEY=build-time-collectstatic-only-not-a-secret-never-signs-anything DJANGO_ALLOWED_HOSTS=build.invalid \
    PORTAL_MFA_KEYS=YnVpbGQtdGltZS1jb2xsZWN0c3RhdGljLW9ubHkhISE= REDIS_CACHE_URL=redis://build.invalid/1 \
    python manage.py collectstatic --noinput

# Mount points for the private files (web and worker) and beat's schedule. Docker copies
# the owner and mode of these directories into a named volume when it is first mounted, so
# the volumes start out writable by the portal user and closed to everyone else.
RUN install -d -o portal -g portal -m 0700 /var/lib/portal /var/lib/portal/private /var/lib/portal/beat

USER portal

EXPOSE 8000

# No curl in the slim image. Django answers 400 to a Host header outside ALLOWED_HOSTS, so
# the probe sends the first allowed host (a leading dot, for subdomains, removed).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = h if h not in ('', '*') else 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=8)"]

# Workers: WEB_CONCURRENCY (gunicorn reads it; 3 by default above). PDFs are rendered by
# the Celery worker, so a request still running after a minute is stuck: --timeout 60
# recycles its worker.
# Heartbeat files in /dev/shm, because a container's overlay disk can stall them. No access
# log: the proxy in front keeps one, and URLs carry sign-in and password-reset keys.
CMD ["gunicorn", "portal.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--keep-alive", "5", \
     "--max-requests", "1000", \
     "--max-requests-jitter", "100", \
     "--worker-tmp-dir", "/dev/shm", \
     "--no-control-socket"]
