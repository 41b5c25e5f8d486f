# Vigil — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VIGIL := $(BIN)/vigil
ADDR ?= 127.0.0.1:8000
export VIGIL_DATA_DIR ?= $(CURDIR)/var
# PostgreSQL for the second test run; pytest-django creates and drops test_<name>.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/vigil
VIGIL_TEST_SKIP ?=

.PHONY: run install install-dev messages test lint typecheck checks test-sqlite test-pg test-browser test-dates fuzz bench soak clean messages-update

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

messages: install
	@command -v msgfmt >/dev/null || { echo "gettext is missing: apt-get install gettext"; exit 1; }
	cd vigil && ../$(VIGIL) compilemessages -v0

# After adding strings: re-extract the Vietnamese catalogue, then translate what it lists.
messages-update: install-dev
	$(BIN)/python scripts/check_translations.py --update

run: install messages
	$(VIGIL) migrate --noinput -v0
	$(VIGIL) seed demo
	$(VIGIL) serve --addr $(ADDR)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy vigil tests bench scripts

checks: install-dev messages
	VIGIL_ENV=test $(VIGIL) check --fail-level WARNING
	VIGIL_ENV=production SECRET_KEY=deploy-check-only-9f2Kq7Lm3Xv8Rt1Wz6Yb4Nc0Hd5Jg2Ps7Ue ALLOWED_HOSTS=vigil.example \
	VIGIL_AUDIT_KEY=deploy-check-only DATABASE_URL= $(VIGIL) check --deploy --fail-level WARNING
	VIGIL_ENV=test $(VIGIL) makemigrations --check --dry-run
	VIGIL_ENV=test $(VIGIL) spectacular --validate --fail-on-warn --file /dev/null
	$(BIN)/python scripts/check_translations.py

test-sqlite: install-dev messages
	VIGIL_ENV=test DATABASE_URL= $(BIN)/pytest -q

test-pg: install-dev messages
	@if [[ ",$(VIGIL_TEST_SKIP)," == *",pg,"* ]]; then echo "SKIPPED: PostgreSQL run (VIGIL_TEST_SKIP=pg)"; \
	else $(BIN)/python scripts/require_postgres.py "$(PG_TEST_URL)" && \
	VIGIL_ENV=test DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -q; fi

# Browser tests: once, on PostgreSQL, in Debian's Chromium.
test-browser: install-dev messages
	@if [[ ",$(VIGIL_TEST_SKIP)," == *",browser,"* || ",$(VIGIL_TEST_SKIP)," == *",pg,"* ]]; then \
	echo "SKIPPED: browser tests (VIGIL_TEST_SKIP=$(VIGIL_TEST_SKIP))"; \
	else $(BIN)/python scripts/require_postgres.py "$(PG_TEST_URL)" && \
	VIGIL_ENV=test DATABASE_URL="$(PG_TEST_URL)" DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(BIN)/pytest -q -m browser tests/browser; fi

test: lint typecheck checks test-sqlite test-pg test-browser

# The suite lives on one fixed day (VIGIL_TEST_TODAY, tests/conftest.py). This runs it
# on SQLite at days that break date arithmetic: the last working day of a year, Tết,
# a leap day, a make-up working Saturday, and a day far ahead. Not part of `make test`.
TEST_DATES ?= 2026-12-31 2027-02-08 2026-08-22 2028-02-29 2035-06-13
test-dates: install-dev messages
	@for day in $(TEST_DATES); do echo "== VIGIL_TEST_TODAY=$$day"; \
	VIGIL_TEST_TODAY=$$day VIGIL_ENV=test DATABASE_URL= $(BIN)/pytest -q || exit 1; done

# A long, random run of the API contract test (not part of `make test`).
fuzz: install-dev messages
	VIGIL_ENV=test VIGIL_FUZZ_EXAMPLES=$${VIGIL_FUZZ_EXAMPLES:-300} $(BIN)/pytest -q tests/test_api_contract.py

bench: install-dev
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Crash soak of the ledger (not part of `make test`, which runs a short round):
# writers SIGKILLed at random moments on an SQLite file, and a throw-away
# PostgreSQL cluster of its own (initdb, a free port) SIGKILLed under them;
# every round must prove the ledger. ROUNDS per engine; run as root (the
# cluster runs as the postgres user).
ROUNDS ?= 20
SOAK_WRITERS ?= 4
soak: install-dev
	$(BIN)/python scripts/soak_ledger.py --sqlite-rounds $(ROUNDS) --pg-rounds $(ROUNDS) --writers $(SOAK_WRITERS)

clean:
	rm -rf $(VENV) var
