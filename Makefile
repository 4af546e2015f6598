# The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# The first Python 3.12+ on PATH.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: lock run serve test test-fast lint fmt bench bench-search bench-answers eval-answers bench-inbound bench-status bench-dashboard bench-queue bench-reports bench-api bench-webhooks bench-load install vnu clean check-deploy

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 on PATH)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Every package, direct or not, at the version and hashes of requirements.lock (made from
# pyproject.toml by `make lock`; a test checks that the two agree).
$(VENV)/.installed: pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

install: $(VENV)/.installed

# After a change of pyproject.toml's dependencies: pin them and all they need, with hashes.
lock: | $(PY)
	$(PY) -m pip install --quiet pip-tools
	$(PY) -c "import tomllib; d = tomllib.load(open('pyproject.toml', 'rb')); \
		print('\n'.join(d['project']['dependencies'] + d['dependency-groups']['dev']))" \
		> $(VENV)/requirements.in
	cd $(VENV) && CUSTOM_COMPILE_COMMAND="make lock" ../$(PY) -m piptools compile --quiet \
		--generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --no-annotate --output-file ../requirements.lock requirements.in

# Local commands run in development mode (DEBUG on, the built-in key) unless DEBUG is given;
# with DEBUG off the settings refuse to start without a SECRET_KEY.
run lint: export DEBUG ?= 1

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py import_content content/
	$(PY) manage.py status import content/status/
	$(PY) manage.py rebuild_search_index
	@echo "Help center: http://127.0.0.1:$(PORT)/  (admin: DEBUG=1 $(PY) manage.py createsuperuser, then /admin/)"
	@# The clock runs every periodic job beside the server (maintenances, scheduled guides,
	@# ticket automations, retries): `manage.py clock --list` names them.
	export SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
		$(PY) manage.py clock & clock=$$!; trap "kill $$clock 2>/dev/null" EXIT; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-like: DEBUG off, gunicorn (gunicorn.conf.py: WEB_CONCURRENCY workers, JSON logs
# with request IDs), static files compressed and hashed; SQLite unless DATABASE_URL is given.
# Without SECRET_KEY in the environment a random key is made once and kept in .secret-key
# (git ignores it), so sessions survive restarts. A fresh SQLite database gets the demo content.
serve: install
	@test -n "$$SECRET_KEY" || test -s .secret-key || { umask 077; \
		$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > .secret-key; \
		echo "Made a secret key in .secret-key (kept for the next start)"; }
	@set -e; export DEBUG=0 SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" \
		SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	fresh=""; if [ -z "$$DATABASE_URL" ] && [ ! -f db.sqlite3 ]; then fresh=1; fi; \
	$(PY) manage.py migrate --noinput; \
	if [ -n "$$fresh" ]; then \
		$(PY) manage.py import_content content/; \
		$(PY) manage.py status import content/status/; \
		$(PY) manage.py rebuild_search_index; \
	fi; \
	$(PY) manage.py collectstatic --noinput --verbosity 0; \
	echo "Help center: http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"; \
	$(PY) manage.py clock & clock=$$!; trap "kill $$clock 2>/dev/null" EXIT; \
	$(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT)

# The HTML checker used by the browser tests (needs npm and Java; skipped without them).
vnu:
	@if [ ! -f $(VNU_JAR) ] && command -v npm >/dev/null 2>&1; then \
		npm install --no-save --no-audit --no-fund --silent vnu-jar@26.9.27 || echo "vnu-jar not installed"; fi

# Python keeps the modules it compiled (__pycache__, ignored by git) between runs, even where
# the environment says otherwise: compiling the suite and its libraries again took a third of
# its start-up.
test test-fast: export PYTHONDONTWRITEBYTECODE =

# The suite runs in one process per core (pytest-xdist); TEST_WORKERS=0 runs it in this one.
TEST_WORKERS ?= auto

test: install vnu
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Before each commit: everything but the browser tests and the slow sweeps (CI runs all).
test-fast: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not browser and not slow" $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

fmt: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

check-deploy: install
	DEBUG=0 SECURE_SSL=1 SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
		ALLOWED_HOSTS=help.example.com SITE_URL=https://help.example.com EMAIL_HOST=$${EMAIL_HOST:-smtp.example.com} \
		STAFF_2FA_REQUIRED=$${STAFF_2FA_REQUIRED:-1} $(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) -m benchmarks.pages

bench-search: install
	$(PY) -m benchmarks.search

# Direct answers at 10,000 documents (60,000 passages); SQLite, or PostgreSQL with DATABASE_URL.
bench-answers: install
	$(PY) -m benchmarks.answers

# The answers' evaluation set over the shipped content (answers/evaluation/questions.yaml).
eval-answers: install
	$(PY) -m answers.evaluation

bench-inbound: install
	$(PY) -m benchmarks.inbound

bench-status: install
	$(PY) -m benchmarks.status

# A year of searches (1,000,000 events); SQLite, or PostgreSQL with DATABASE_URL.
bench-dashboard: install
	$(PY) -m benchmarks.dashboard

# The support queue and ticket page with 10,000 tickets and 100 agents (PostgreSQL with DATABASE_URL).
bench-queue: install
	$(PY) -m benchmarks.queue

# The support reports and CSV exports with 100,000 tickets (BENCH_TICKETS=20000 for fewer);
# SQLite, or PostgreSQL with DATABASE_URL.
bench-reports: install
	$(PY) -m benchmarks.reports

# The REST API's list and create at 100,000 tickets (PostgreSQL with DATABASE_URL).
bench-api: install
	$(PY) -m benchmarks.api

# Outgoing webhooks at 1,000 endpoints with db_worker processes (PostgreSQL with DATABASE_URL).
bench-webhooks: install
	$(PY) -m benchmarks.webhooks

# Needs wrk (apt-get install wrk). SQLite; PostgreSQL too with DATABASE_URL and REDIS_URL.
bench-load: install
	$(PY) -m benchmarks.load

clean:
	rm -rf $(VENV) staticfiles node_modules db.sqlite3 .pytest_cache .ruff_cache
