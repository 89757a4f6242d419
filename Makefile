# EAS: `make run` sets everything up and starts the site; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
INSTALLED := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test bench load migrate clean lint ruff lint-imports mypy backup restore

$(INSTALLED): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

# The translation catalogues (locale/*/LC_MESSAGES/django.po) compiled with babel, which
# requirements.txt installs: no GNU gettext needed. Only those changed since are compiled again.
install: $(INSTALLED)
	@$(MANAGE) compile_catalogues --quiet

migrate: install
	$(MANAGE) migrate --noinput

# Web on http://$(HOST):$(PORT), a Celery worker and beat: the processes of Procfile.dev, run by
# honcho, which stops them all on Ctrl-C (each gets one SIGTERM; see Procfile.dev).
PROCESSES = PATH="$(CURDIR)/$(VENV)/bin:$$PATH" HOST="$(HOST)" \
	exec $(VENV)/bin/honcho -f Procfile.dev start --port $(PORT)
run: migrate
	$(MANAGE) seed_demo --if-empty
	@echo ""
	@echo "EAS is starting on http://$(HOST):$(PORT)/admin/  (user: admin, password: eas-demo-2026)"
	@echo "Emails are written to var/mail/. Stop everything with Ctrl-C."
	@echo ""
	@$(PROCESSES)

# What `make run` ends with, without installing, migrating or seeding first (tests/test_make_run.py).
serve:
	@$(PROCESSES)

# The browser tests (tests/browser) drive a Chromium: EAS_CHROMIUM, else chromium, chromium-browser
# or google-chrome on the PATH. Without one they are skipped and the summary says why; `make test`
# never installs one (apt-get install chromium does). CI installs it and fails if they cannot run.
CHROMIUM ?= $(or $(EAS_CHROMIUM),$(shell command -v chromium || command -v chromium-browser || command -v google-chrome))

test: install
	@if [ -n "$(CHROMIUM)" ] && [ -x "$(CHROMIUM)" ]; then \
	  echo "Browser tests: run in $(CHROMIUM)"; \
	else \
	  echo "Browser tests: no Chromium found, they will be skipped (apt-get install chromium, or set EAS_CHROMIUM)"; \
	fi
	EAS_CHROMIUM="$(CHROMIUM)" $(PY) -m pytest

# The checks CI runs before the tests (.ci/run) and .pre-commit-config.yaml before each commit.
# Each step is its own target too.
lint: ruff lint-imports mypy

# ruff's lint rules and format (configured in pyproject.toml).
ruff: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The import contracts of pyproject.toml ([tool.importlinter]): layers inside each domain, services
# that never import tasks, core that imports no domain, leaf domains independent of each other.
lint-imports: install
	$(VENV)/bin/lint-imports

# `make bench CASES=1000000` seeds and measures a million cases (PostgreSQL: DATABASE_URL=postgres://…);
# BENCH_ARGS passes other options of `python -m bench` (--only, --runs, --language …).
bench: install
	$(PY) -m bench $(if $(CASES),--cases $(CASES)) $(BENCH_ARGS)

# The load test (README, Production): gunicorn with 4 workers on PostgreSQL, 2 Celery workers and beat
# on Redis, all on the loopback, under LOAD_USERS simulated staff (50) for LOAD_TIME (5m); statistics
# and report in var/load/. Fails on any failed request; stops every process it started.
load: install
	$(PY) -m loadtest.run

# Types: mypy with django-stubs on requests_app (configured in pyproject.toml).
mypy: install
	$(VENV)/bin/mypy

# A backup of the PostgreSQL database and the media folder (README, Production): into BACKUP
# (default var/backups/<time>); `make restore BACKUP=folder` into an empty database and MEDIA_ROOT.
backup: install
	$(MANAGE) backup $(if $(BACKUP),--output "$(BACKUP)")

restore: install
	@test -n "$(BACKUP)" || { echo "make restore BACKUP=<folder of the backup>"; exit 2; }
	$(MANAGE) restore "$(BACKUP)"

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .import_linter_cache
