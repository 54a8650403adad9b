# Wanjia: `make run` (the demo on SQLite) and `make test` (the whole suite on PostgreSQL).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PIP_FLAGS := --quiet --disable-pip-version-check
DEMO_PASSWORD ?= wanjia-demo
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/wanjia
TEST_WORKERS ?= 2

.PHONY: help run test lint typecheck format messages bench screenshots clean

help:
	@echo "make run    - set up .venv, migrate the SQLite demo database, load the demo, serve on http://127.0.0.1:8000"
	@echo "make test   - set up .venv with dev tools, make sure PostgreSQL is up, lint, type-check, run every test"
	@echo "make lint   - ruff check + ruff format --check + lint-imports (the floors contract)"
	@echo "make bench  - benchmarks under bench/ (not part of make test)"
	@echo "make messages - refresh locale/ (makemessages + compilemessages)"
	@echo "make screenshots - the demo in headless Chromium: every main page of each role, phone and desktop, into docs/screenshots/"

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Wanjia needs Python 3.11, found " + sys.version.split()[0]' \
		|| { echo "Set PYTHON=/path/to/python3.11 (make PYTHON=... run)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install $(PIP_FLAGS) --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) install $(PIP_FLAGS) -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install $(PIP_FLAGS) -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py demo --password "$(DEMO_PASSWORD)"
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.dev
	@bash .ci/ensure-postgres $(PY)
	@bash .ci/ensure-chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy .
	DATABASE_URL=sqlite:///:memory: DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING
	DATABASE_URL=sqlite:///:memory: DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest --create-db -q -n $(TEST_WORKERS)
	DATABASE_URL=sqlite:///:memory: $(VENV)/bin/pytest -q -m smoke

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.dev
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py makemessages -l zh_Hans -l en --no-location --ignore=.venv --ignore=var
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py compilemessages --ignore=.venv

bench: $(VENV)/.dev
	@bash .ci/ensure-postgres $(PY)
	@for script in bench/bench_*.py; do [ -e "$$script" ] || continue; echo "== $$script"; DATABASE_URL=$(TEST_DATABASE_URL) $(PY) "$$script" || exit 1; done

screenshots: $(VENV)/.dev
	@bash .ci/ensure-postgres $(PY)
	@bash .ci/ensure-chromium
	@bash .ci/ensure-cjk-font
	WANJIA_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest --create-db -q -m screenshots tests/browser/test_screenshots.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
