# «Наставник»: `make demo` starts the demo, `make test` runs every check. Nothing to install by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint migrations-check test-sqlite test-postgres install assets serve bench clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.9

$(VENV)/.installed: requirements.lock $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(PY) --require-hashes -r requirements.lock
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
assets: node_modules/.package-lock.json

demo: install assets
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Сервер: http://$(HOST):$(PORT)/  (остановить — Ctrl+C)"
	@echo "Напоминания: manage.py send_reminders --loop 300 работает в фоне"
	DEBUG=1 $(PY) manage.py send_reminders --loop 300 & REM=$$!; trap "kill $$REM 2>/dev/null" EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install assets
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test-sqlite: install assets
	@echo "== pytest on SQLite"
	$(BIN)/pytest -q -n 2 --dist loadgroup

test-postgres: install assets
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.replace('postgres://','postgresql://'), connect_timeout=3).close()" 2>/dev/null; then \
		echo "== pytest on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL=$(PG_URL) DB_ONLY=1 $(BIN)/pytest -q -n 2 --dist loadgroup; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "!! PostgreSQL at $(PG_URL) is not reachable and REQUIRE_POSTGRES is set"; exit 1; \
	else \
		echo "!! PostgreSQL at $(PG_URL) is not reachable: the PostgreSQL run is SKIPPED"; \
	fi

test: lint migrations-check test-sqlite test-postgres

# Benchmarks print their figures; each creates and drops its own PostgreSQL database.
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/postgres
bench: install
	DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/bench_campaign.py
	DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/bench_import.py
	$(PY) benchmarks/bench_matching.py
	DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/bench_matching_e2e.py
	DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/bench_documents.py
	DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/bench_monitoring.py
	DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/bench_summary.py
	DATABASE_URL=$(BENCH_URL) $(PY) benchmarks/bench_cabinets.py

clean:
	rm -rf $(VENV) node_modules staticfiles
