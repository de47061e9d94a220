# Two commands: `make run` (set up and serve) and `make test` (set up and check everything).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The newest suitable interpreter: Django 6 needs Python 3.12 or newer.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	echo $$p; break; fi; done)

.PHONY: help run setup test pytest lint format bench backup system-test-deps system-bench-deps clean

help:
	@echo "make run    set everything up and serve the portal on http://$(HOST):$(PORT)"
	@echo "make test   set up test needs, then lint and run the whole test suite"
	@echo "make lint   ruff lint and format check"
	@echo "make bench  timings as ratios to floors measured in the same run"
	@echo "make backup an encrypted backup of the database and private files (needs PORTAL_BACKUP_PASSPHRASE_FILE)"

$(VENV)/.runtime: requirements.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 or newer is needed (Django 6). Install python3.13 and try again." >&2; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# axe-core for the accessibility checks in the browser tests, from the npm registry.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.runtime
	@mkdir -p -m 700 var var/mail var/private
	@chmod 700 var var/mail var/private
	$(MANAGE) migrate --noinput
	$(MANAGE) mfa_reencrypt
	$(MANAGE) seed_demo

run: setup
	@echo "Serving on http://$(HOST):$(PORT)  (mail is written to var/mail/, tasks run in-process)"
	PORTAL_SITE_URL="$${PORTAL_SITE_URL:-http://$(HOST):$(PORT)}" $(MANAGE) runserver $(HOST):$(PORT)

# Debian's Chromium (for the browser tests) and poppler-utils (to look inside PDFs).
system-test-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing from Debian"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Debian's wrk (the load generator) and Redis (the cache and the PDF worker's broker), for `make bench`.
system-bench-deps:
	@missing=""; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing from Debian"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

pytest: $(VENV)/.dev node_modules/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

# A fresh test database every time (pytest otherwise reuses the last one: pyproject addopts).
test: $(VENV)/.dev node_modules/.installed system-test-deps lint
	@mkdir -p var
	$(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest --create-db $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts node_modules

# One encrypted archive of the database and the private files (README: "Backup and restore").
backup: $(VENV)/.runtime
	$(MANAGE) backup $(BACKUP_ARGS)

# Timings as ratios to floors measured in the same run; nothing asserts a time.
# On SQLite and on a scratch PostgreSQL database (BENCH_POSTGRES_URL names the server; the
# database is created with a unique name and dropped after).
bench: $(VENV)/.dev system-bench-deps
	$(PY) -m bench.run $(BENCH_ARGS)
