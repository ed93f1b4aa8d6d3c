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

test: $(STAMP)
	@bin/system-deps test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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
