# Two commands do everything on a fresh Debian machine: `make run` and `make test`.
# Each checks its Debian packages first (packaging/system-deps.sh), then sets up .venv.
# Debian's python3 when there is one: a pyenv (or other) python3 first on PATH has another
# patch level and module set, and the bundle carries whichever Python built it.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
LOCK := packaging/requirements.lock
export PYGAME_HIDE_SUPPORT_PROMPT := 1
export LANG ?= C.UTF-8

.PHONY: venv run test lint typecheck unit screenshot screenshots bench bundle bare-check desktop-install lock clean

$(STAMP): pyproject.toml $(LOCK)
	packaging/system-deps.sh venv
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r $(LOCK)
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

run:
	packaging/system-deps.sh run
	$(MAKE) --no-print-directory venv
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

test:
	packaging/system-deps.sh test
	$(MAKE) --no-print-directory lint typecheck unit

screenshot:
	packaging/system-deps.sh screenshot
	$(MAKE) --no-print-directory venv
	packaging/screenshot.sh $(or $(OUT),screenshot.png) $(ARGS)

# Every page and dialog at 1280x720 and at 2x, with demo data, as PNG files in OUT
# (default build/screenshots/NAME-720p.png and NAME-2x.png).
screenshots:
	packaging/system-deps.sh screenshot
	$(MAKE) --no-print-directory venv
	$(PY) packaging/screenshots.py $(or $(OUT),build/screenshots)

bench:
	packaging/system-deps.sh test
	$(MAKE) --no-print-directory venv
	$(PY) -m bench $(ARGS)

bundle:
	packaging/system-deps.sh bundle
	$(MAKE) --no-print-directory venv
	PYTHON=$(PY) packaging/build-bundle.sh

# The bundle on a bare Debian (minbase root with only README's packages, cached in .cache/):
# self-test, render, window screenshot, sound through a PulseAudio null sink, SIGTERM.
# As root. Reuses dist/ when the bundle is there: `make bundle bare-check` rebuilds first.
bare-check:
	packaging/system-deps.sh bare-check
	@[ -x dist/asmr-desktop-$$(sed -n 's/^__version__ = "\(.*\)"$$/\1/p' asmr_desktop/__init__.py)/asmr-desktop ] \
	  || $(MAKE) --no-print-directory bundle
	packaging/bare-check.sh

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
