# Kongtun — the front door. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
export PYTHAINLP_OFFLINE := 1
export PYTHAINLP_READ_ONLY := 1
export DJANGO_SETTINGS_MODULE := kongtun.settings

.PHONY: install run serve demo test test-fast bench lint messages screenshots clean

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
	$(PY) manage.py load_demo --if-empty --url http://$(HOST):$(PORT)/

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ — press Ctrl+C to stop."
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production server (issue 17): gunicorn, static files by whitenoise, DEBUG off whatever
# the environment says, the database from DATABASE_URL. README "A production server".
WORKERS ?= 3
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	KONGTUN_DEBUG=0 $(VENV)/bin/gunicorn kongtun.wsgi:application --bind $(HOST):$(PORT) \
	  --workers $(WORKERS) --timeout 120 --graceful-timeout 30 --max-requests 2000 \
	  --max-requests-jitter 200 --access-logfile - --forwarded-allow-ips 127.0.0.1

test: install
	$(PY) -m pytest -n 2

bench: install
	$(PY) bench/run.py

lint: install
	$(PY) -m ruff check kongtun tests bench scripts
	$(PY) -m ruff format --check kongtun tests bench scripts

clean:
	rm -rf var/test_* .pytest_cache .hypothesis
