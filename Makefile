# The two commands: `make run` (serve the demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint messages clean-db

run: $(STAMP)
	@bin/system-deps run
	DEBUG=True $(BIN)/python manage.py migrate --noinput
	DEBUG=True $(BIN)/python manage.py seed_demo
	DEBUG=True $(BIN)/python manage.py runlocal

# Every core runs tests (pytest-xdist); then the browser tests, one at a time: the kiosk
# tells a reader's burst from a person by the time between keys, which a machine busy with
# other tests would stretch. (A selection without browser tests leaves the second run
# nothing to do: pytest's "no tests collected", exit 5, is no failure.)
test: $(STAMP)
	@bin/system-deps test
	$(BIN)/python -m pytest -n auto -m "not browser" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: $(STAMP)
	$(BIN)/ruff check .

# Compile the English catalogue after editing locale/en/LC_MESSAGES/django.po
messages: $(STAMP)
	cd $(CURDIR) && DEBUG=True $(BIN)/python manage.py compilemessages -l en

$(STAMP): pyproject.toml
	@bin/system-deps run
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean-db:
	rm -f var/db.sqlite3 var/db.sqlite3-wal var/db.sqlite3-shm
