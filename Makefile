# Two commands do everything on a fresh Debian machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
LOCK := packaging/requirements.lock
export PYGAME_HIDE_SUPPORT_PROMPT := 1
export LANG ?= C.UTF-8

.PHONY: run test lint typecheck unit screenshot bench bundle desktop-install lock clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r $(LOCK)
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	packaging/system-deps.sh run
	$(VENV)/bin/asmr-desktop $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# -m "" undoes pyproject's -m 'not slow': make test (and CI) runs the slow tests too.
# A -m in PYTEST_ARGS comes later and wins, e.g. PYTEST_ARGS="-m slow".
unit: $(STAMP)
	$(PY) -m pytest -m "" $(PYTEST_ARGS)

test: $(STAMP)
	packaging/system-deps.sh test
	$(MAKE) --no-print-directory lint typecheck unit

screenshot: $(STAMP)
	packaging/system-deps.sh screenshot
	packaging/screenshot.sh $(or $(OUT),screenshot.png) $(ARGS)

bench: $(STAMP)
	packaging/system-deps.sh test
	$(PY) -m bench $(ARGS)

bundle: $(STAMP)
	packaging/system-deps.sh bundle
	packaging/build-bundle.sh

# Menu entry, icons and AppStream metainfo for the current user ($XDG_DATA_HOME or
# ~/.local/share); ARGS="--exec PROGRAM" picks what the entry runs, ARGS=--uninstall removes.
desktop-install:
	packaging/install-desktop.sh $(ARGS)

# Re-pin after changing dependencies in pyproject.toml.
lock:
	rm -rf /tmp/asmr-lock-venv && $(PYTHON) -m venv /tmp/asmr-lock-venv
	/tmp/asmr-lock-venv/bin/pip install -q '.[dev]'
	/tmp/asmr-lock-venv/bin/pip freeze --exclude asmr-desktop > $(LOCK)

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
