# The two commands: `make run` and `make test`. Both install what is missing on a Debian 12 machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
SYSTEM_PYTHON := /usr/bin/python3
POSTGIS_URL ?= postgis://postgres@127.0.0.1:5432/wenming
SPATIALITE_TEST_URL ?= spatialite:///$(CURDIR)/var/test.sqlite3
PYTEST_ARGS ?=

APT_RUN := gdal-bin libgdal32 libgeos-c1v5 libproj25 libsqlite3-mod-spatialite gettext binutils python3-venv fonts-noto-cjk
APT_TEST := postgresql-15-postgis-3 chromium

export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test test-js check screenshots hooks bench load lint format system system-test prepare postgis serve demo migrate clean

# ---------------------------------------------------------------- system packages
define ensure_apt
	missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if ! command -v npm >/dev/null 2>&1; then missing="$$missing nodejs npm"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "Missing system packages:$$missing"; \
	    echo "Install them as root, then run make again:"; \
	    echo "    sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	  echo "Installing system packages:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi
endef

system:
	@$(call ensure_apt,$(APT_RUN))

system-test: system
	@$(call ensure_apt,$(APT_TEST))

# ---------------------------------------------------------------- python and npm
$(VENV)/.run-installed: requirements.txt
	@if ! $(SYSTEM_PYTHON) -c "import sqlite3; sqlite3.connect(':memory:').enable_load_extension(True)" 2>/dev/null; then \
	  echo "$(SYSTEM_PYTHON) cannot load SQLite extensions, so SpatiaLite cannot work with it."; \
	  echo "Use Debian's python3 (apt-get install -y python3 python3-venv); pyenv and other builds lack this."; \
	  exit 1; fi
	@[ -x $(PY) ] || $(SYSTEM_PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# django.po: the project's strings; djangojs.po: the admin's JavaScript strings Django's own catalogue lacks.
locale/%.mo: locale/%.po
	msgfmt --check -o $@ $<

prepare: system $(VENV)/.run-installed node_modules/.installed $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
	@mkdir -p var
	@$(MANAGE) collectstatic --noinput -v 0

# ---------------------------------------------------------------- run
migrate: prepare
	$(MANAGE) migrate --noinput -v 0

demo: migrate
	$(MANAGE) load_demo

run: demo
	$(MANAGE) runserver $(HOST):$(PORT)

# ---------------------------------------------------------------- test
postgis: system-test
	@# A busy server can miss one pg_isready while its cluster runs ("already running" then exits 2): wait instead.
	@if ! pg_isready -q -t 10 -h 127.0.0.1 -p 5432; then \
	  echo "Starting the local PostgreSQL cluster"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -n 1) main start || true; \
	  for i in $$(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	  pg_isready -h 127.0.0.1 -p 5432; \
	fi
	@psql -q -h 127.0.0.1 -U postgres -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null

# The same steps run as pre-commit hooks (.pre-commit-config.yaml; `make hooks` installs them).
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(MANAGE) makemigrations --check --dry-run

# The tablet app's rules without DOM (tests/js/), with Node's own test runner.
test-js: system
	node --test tests/js/

test: prepare $(VENV)/.dev-installed postgis lint test-js
	@echo "==> test suite on SpatiaLite"
	DATABASE_URL=$(SPATIALITE_TEST_URL) DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)
	@echo "==> test suite on PostGIS"
	DATABASE_URL=$(POSTGIS_URL) DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

# The everyday check: lint, the import contracts, the tablet app's unit tests, and the suite without browser and slow tests, on SpatiaLite in
# two processes. `make test` is the full run (.ci/run).
check: prepare $(VENV)/.dev-installed lint test-js
	DATABASE_URL=$(SPATIALITE_TEST_URL) DJANGO_SETTINGS_MODULE=config.settings.test \
	  $(VENV)/bin/pytest -n 2 -m "not e2e and not slow" $(PYTEST_ARGS)

# The browser tests, writing the README's screenshots into docs/screenshots/ (other runs leave them alone).
screenshots: prepare $(VENV)/.dev-installed system-test
	WENMING_SCREENSHOTS=1 DATABASE_URL=$(SPATIALITE_TEST_URL) DJANGO_SETTINGS_MODULE=config.settings.test \
	  $(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

hooks: $(VENV)/.dev-installed
	$(VENV)/bin/pre-commit install

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# ---------------------------------------------------------------- benchmarks
bench: prepare postgis
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgis://postgres@127.0.0.1:5432/wenming_bench} $(PY) -m benchmarks $(BENCH_ARGS)

# 50 tablets on loopback against a fresh demo database: LOAD_TARGET=spatialite (runserver, as `make run`) or postgis
# (gunicorn on the database wenming_load); lost, duplicated and 5xx must be 0. See benchmarks/README.md, "Load".
LOAD_TARGET ?= spatialite
load: prepare postgis
	$(PY) -m benchmarks.load --target $(LOAD_TARGET) $(LOAD_ARGS)

clean:
	rm -rf var/static var/test.sqlite3
