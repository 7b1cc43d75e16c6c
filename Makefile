# Clinic CMS. `make run` serves the demo site; `make test` runs every test. DATABASE_URL selects PostgreSQL.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_WORKERS ?= 2

.PHONY: run serve test lint format bench bench-imports scaletest audit loadtest faulttest backup restore clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else "Python 3.13+ is needed (pyenv: pyenv install 3.13)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(PY) requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

## run: install, migrate, load the demo clinic, serve http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set)
run: $(VENV)/.runtime
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo_content
	$(PY) manage.py runserver 127.0.0.1:8000

## serve: production behaviour locally: collectstatic + gunicorn with production settings on 127.0.0.1:8000
serve: $(VENV)/.runtime
	scripts/serve.sh

## loadtest: production gunicorn config + PostgreSQL (clinic_loadtest, 1,000 conditions) + wrk, 60 s at 64 connections
##           on 127.0.0.1:8000 (LOADTEST_PORT, LOADTEST_SECONDS), cache warmed first
loadtest: $(VENV)/.runtime
	scripts/debian-tools.sh wrk
	scripts/loadtest.sh

## faulttest: production gunicorn under wrk while its own PostgreSQL (5460) stops, is locked and hangs, its own Redis
##            (6390) hangs and a worker is killed; prints recovery times, p99s, 500 counts (~6 min; needs wrk,
##            redis-server, PostgreSQL server programs)
faulttest: $(VENV)/.runtime
	scripts/debian-tools.sh wrk redis-server
	$(PY) bench/faulttest.py

## backup: content, accounts, redirects and media to backups/clinic-<time>.tar.gz (keep it private)
backup: $(VENV)/.runtime
	@mkdir -p backups
	$(PY) manage.py backup_site backups/clinic-$$(date +%Y%m%d-%H%M%S).tar.gz

## restore: FILE=backups/clinic-....tar.gz into a migrated, empty database (FORCE=1 replaces existing content)
restore: $(VENV)/.runtime
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/clinic-YYYYmmdd-HHMMSS.tar.gz [FORCE=1]" >&2; exit 2; }
	$(PY) manage.py migrate --no-input
	$(PY) manage.py restore_site "$(FILE)" $(if $(FORCE),--force)

## test: install, lint (pre-commit hooks, import contracts), check migrations, run the whole suite
##       (REQUIRE_BROWSER=1 makes missing Chromium an error)
test: lint node_modules/.installed
	DJANGO_SETTINGS_MODULE=clinic.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(PYTEST_WORKERS) -rs

bench/audit/node_modules/.installed: bench/audit/package.json bench/audit/package-lock.json
	npm ci --prefix bench/audit --no-audit --no-fund --silent
	@touch $@

## bench: gunicorn + PostgreSQL + wrk: condition page (cache hit/miss), A–Z index, search, vs a static file
bench: $(VENV)/.dev
	scripts/debian-tools.sh wrk
	$(PY) bench/bench.py

## bench-imports: only `import_citations` of a generated 7,000-record BibTeX library (time and peak memory)
bench-imports: $(VENV)/.dev
	$(PY) bench/bench.py --only imports

## scaletest: Redis + PostgreSQL + 2 gunicorn app servers + Varnish (deploy/varnish.vcl) under wrk while an editor
##            withdraws and publishes: every response 200, each change visible within 1 s, throughput, hit ratio
scaletest: $(VENV)/.dev
	scripts/debian-tools.sh wrk varnish redis-server
	$(PY) bench/scaletest.py

## audit: Lighthouse scores (Performance, Accessibility, Best Practices, SEO) of the home and condition pages
audit: $(VENV)/.dev bench/audit/node_modules/.installed
	scripts/debian-tools.sh chromium
	$(PY) bench/audit.py

## lint: every pre-commit hook on every file (ruff, django-upgrade, djade, the import contracts); changes nothing
lint: $(VENV)/.dev
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" PRE_COMMIT_HOME="$(CURDIR)/$(VENV)/pre-commit" \
		$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

## format: let the hooks rewrite what they can (ruff fixes and formats, django-upgrade, djade)
format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	-PATH="$(CURDIR)/$(VENV)/bin:$$PATH" PRE_COMMIT_HOME="$(CURDIR)/$(VENV)/pre-commit" $(VENV)/bin/pre-commit run --all-files

clean:
	rm -rf $(VENV) staticfiles test-artifacts
