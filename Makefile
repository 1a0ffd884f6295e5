# Fangkong: `make run` serves the demo, `make test` runs the suite. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SCALE ?= default
ONLY ?=
SEED ?= 1
# Test workers (pytest-xdist, one test database each): the machine's cores, at most 4. One app alone:
# `make test PYTEST_ARGS=fangkong/people`; serially: `make test PYTEST_ARGS="-n0 fangkong/people"`.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
export DJANGO_SETTINGS_MODULE := fangkong.settings

.PHONY: run test install lint bench demo messages clean-db backup restore

$(STAMP): requirements.txt requirements-dev.txt package.json
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; \
	 else echo "npm not found: HTMX and ECharts static files will be missing (pages still work without charts)"; fi
	touch $(STAMP)

install: $(STAMP)

# Embedded SQLite, demo district, server on 127.0.0.1:8000. A second run reuses the database.
run: $(STAMP)
	FANGKONG_DEMO=1 $(PY) manage.py migrate --noinput
	FANGKONG_DEMO=1 $(PY) manage.py seed_demo --if-empty --seed $(SEED)
	FANGKONG_DEMO=1 $(PY) manage.py demo_accounts
	FANGKONG_DEMO=1 $(PY) manage.py runserver 127.0.0.1:8000

# Tests run on PostgreSQL when one answers (DATABASE_URL, else the local server), SQLite otherwise.
test: export FANGKONG_TEST := 1
test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) scripts/test_database.py $(PY) manage.py check --fail-level WARNING
	$(PY) scripts/test_database.py $(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/test_database.py $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(STAMP)
	$(PY) bench/run.py --scale $(SCALE) $(if $(ONLY),--only $(ONLY),)

messages: $(STAMP)
	cd fangkong && FANGKONG_DEMO=1 ../$(PY) ../manage.py makemessages -l zh_Hans --no-wrap --no-obsolete --ignore "people/*" --ignore "gates/*" --ignore "observation/*" && ../$(PY) ../scripts/fill_po.py locale/zh_Hans/LC_MESSAGES/django.po locale/zh.json && FANGKONG_DEMO=1 ../$(PY) ../manage.py compilemessages -l zh_Hans

clean-db:
	rm -f db.sqlite3

# --- Backups (docs/operations.md) ------------------------------------------------------------------
# `make backup [BACKUP_DIR=backups] [KEEP=14]`: the database of DATABASE_URL to one file (pg_dump -Fc).
# `make restore FILE=backups/x.dump INTO=fangkong_restored [FORCE=1]`: into a new database on that server.
BACKUP_DIR ?= backups
KEEP ?= 0
backup: $(STAMP)
	$(PY) manage.py backup --dir $(BACKUP_DIR) --keep $(KEEP)

restore: $(STAMP)
	@test -n "$(FILE)" -a -n "$(INTO)" || { echo "usage: make restore FILE=<dump> INTO=<new database name>"; exit 2; }
	$(PY) manage.py restore "$(FILE)" --into "$(INTO)" $(if $(FORCE),--force,)
