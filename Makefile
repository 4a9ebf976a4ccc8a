# Wegwijs: `make run` serves the demo, `make test` runs the suite, `make bench` measures.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# Every dependency at one version with its hashes, made from pyproject.toml by `make lock`.
LOCK   := requirements.lock
LOCK_VENV ?= .venv-lock

.PHONY: install lock run test bench lint clean

$(STAMP): pyproject.toml $(LOCK)
	@command -v $(PYTHON) >/dev/null || { echo "Wegwijs needs $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r $(LOCK)
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Re-resolve the lock after a change to the ranges in pyproject.toml (or to take newer
# releases within them), in a venv of its own so .venv holds only what the lock says.
lock:
	@command -v $(PYTHON) >/dev/null || { echo "Wegwijs needs $(PYTHON) (Python 3.11)"; exit 1; }
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/pip install --quiet 'pip-tools>=7.4,<8'; }
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --upgrade \
	  --extra test --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

# Development settings (DEBUG, a known key) only here: manage.py, wsgi and asgi
# default to production, which asks for DJANGO_SECRET_KEY.
run: export DJANGO_SETTINGS_MODULE = webui.settings.dev
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py register_base
	@echo "Timers (PIP-termijnen, voortgangsgesprekken) worden elke minuut gecontroleerd;"
	@echo "achtergrondwerk (migraties, grote exports, herinneringen, gebeurtenissen naar"
	@echo "abonnees: send_events zet ze elke 5 seconden klaar) doet run_worker."
	@echo "De dagelijkse e-mails (één per gebruiker per dag) staan in .worker.log."
	$(PY) manage.py run_timers --every 60 > /dev/null & timers=$$!; \
	  $(PY) manage.py send_digests --every 3600 > /dev/null & digests=$$!; \
	  $(PY) manage.py run_worker --interval 2 > .worker.log 2>&1 & worker=$$!; \
	  $(PY) manage.py sync_zaken --every 30 > /dev/null & zaken=$$!; \
	  $(PY) manage.py send_events --every 5 > /dev/null & events=$$!; \
	  trap 'kill $$timers $$digests $$worker $$zaken $$events 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest -q

# SCALE=national: the national picture on PostgreSQL (see bench/__main__.py).
bench: install
	$(PY) -m bench $(if $(SCALE),--scale $(SCALE))

lint: install
	$(VENV)/bin/ruff check engine forms webui exports vocabulary bench tests
	$(VENV)/bin/ruff format --check engine forms webui exports vocabulary bench tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(VENV) $(LOCK_VENV) wegwijs.sqlite3 .test-db.sqlite3* .pytest_cache
