# Kongtun — the front door. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The address people open: a server listening on every interface (HOST=0.0.0.0) is opened as
# localhost on this machine.
URL    := http://$(if $(filter 0.0.0.0 ::,$(HOST)),localhost,$(HOST)):$(PORT)/
export PYTHAINLP_OFFLINE := 1
export PYTHAINLP_READ_ONLY := 1
export DJANGO_SETTINGS_MODULE := kongtun.settings

.PHONY: install run serve demo test test-fast bench lint messages screenshots clean e2e

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
	  || { echo "Kongtun needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) \
	  || { echo "Could not create a virtual environment: sudo apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed messages

messages: $(VENV)/.installed
	@$(PY) scripts/compile_messages.py

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty --url $(URL)

run: demo
	@echo "Serving on $(URL) — press Ctrl+C to stop."
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production server (issue 17): gunicorn, static files by whitenoise, DEBUG off whatever
# the environment says, the database from DATABASE_URL. README "A production server".
WORKERS ?= 3
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	KONGTUN_DEBUG=0 $(VENV)/bin/gunicorn kongtun.wsgi:application --preload --bind $(HOST):$(PORT) \
	  --workers $(WORKERS) --timeout 120 --graceful-timeout 30 --max-requests 2000 \
	  --max-requests-jitter 200 --access-logfile - --forwarded-allow-ips 127.0.0.1

test: install
	$(PY) -m pytest -n 2

# Browser tests (tests/e2e) with Debian's Chromium, Playwright and axe-core: installs what is
# missing (chromium by apt-get when root; Playwright from requirements-e2e.txt; axe-core by npm ci
# into node_modules/), then runs them at 360 px and prints BENCH meeting_batch_50.
CHROMIUM ?= /usr/bin/chromium
$(VENV)/.e2e-installed: requirements-e2e.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-e2e.txt
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "make e2e needs npm (apt-get install npm) for axe-core."; exit 1; }
	npm ci --no-audit --no-fund --silent

e2e: install $(VENV)/.e2e-installed node_modules/.package-lock.json
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo apt-get install -y -qq chromium; \
	  else echo "make e2e needs Debian's Chromium at $(CHROMIUM): sudo apt-get install chromium"; exit 1; fi; }
	KONGTUN_E2E=1 KONGTUN_CHROMIUM=$(CHROMIUM) $(PY) -m pytest tests/e2e -p no:xdist -p no:randomly -rs

bench: install
	$(PY) bench/run.py

lint: install
	$(PY) -m ruff check kongtun tests bench scripts
	$(PY) -m ruff format --check kongtun tests bench scripts

clean:
	rm -rf var/test_* .pytest_cache .hypothesis
