# EAS: `make run` sets everything up and starts the site; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
INSTALLED := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test bench migrate clean

$(INSTALLED): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(INSTALLED)

migrate: install
	$(MANAGE) migrate --noinput

# Web on http://$(HOST):$(PORT), a Celery worker and beat, all stopped together by Ctrl-C.
run: migrate
	$(MANAGE) seed_demo --if-empty
	@echo ""
	@echo "EAS is starting on http://$(HOST):$(PORT)/admin/  (user: admin, password: eas-demo-2026)"
	@echo "Emails are written to var/mail/. Stop everything with Ctrl-C."
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A eas worker --loglevel INFO --concurrency 2 & \
	$(VENV)/bin/celery -A eas beat --loglevel INFO & \
	$(MANAGE) runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
