# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
SALESPATH := $(VENV)/bin/salespath
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in this process, as a
# debugger wants. `--dist load` hands tests out in collection order, so each worker still runs
# the transactional tests (the browser's, whose flush empties the database) after all the
# others, as pytest-django orders them; `loadfile` would not.
TEST_WORKERS ?= auto

.PHONY: install demo test lint format messages bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## Build the demo company in ./var/salespath.sqlite3 and serve it on http://127.0.0.1:8000
demo: install
	env -u DATABASE_URL $(SALESPATH) migrate --noinput
	env -u DATABASE_URL SALESPATH_TASKS_BACKEND=$${SALESPATH_TASKS_BACKEND:-immediate} $(SALESPATH) demo

## The whole suite on the configured database (SQLite unless DATABASE_URL says otherwise)
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/i18n.py missing
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Refresh the zh-Hans catalogues after changing strings; translate the gaps it lists
messages: install
	$(PY) scripts/i18n.py extract
	-$(PY) scripts/i18n.py missing
	$(PY) scripts/i18n.py compile

clean:
	rm -rf $(VENV) var .pytest_cache
