# ruralkit: the two commands users need are `make lab` and `make test`.
# Everything installs into .venv from PyPI at the versions in constraints.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PATH := $(abspath $(BIN)):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONHASHSEED := 0

.PHONY: lab test notebooks data lock clean help

help:
	@echo "make lab        open the course in JupyterLab (installs on first use)"
	@echo "make test       lint + the whole test suite, notebooks included"
	@echo "make notebooks  rebuild the zh/en editions of every lesson and exercise set, and run them"
	@echo "make data       regenerate data/ from ruralkit.synth"
	@echo "make lock       refresh constraints.txt from the newest releases"

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ruralkit needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Install it, or run: make PYTHON=python3.12 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable ".[lab,dev]"
	touch $(STAMP)

# Jupyter refuses to run as root unless told; containers and CI often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/index.ipynb

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

notebooks: $(STAMP)
	$(BIN)/ruralkit course build --execute all

data: $(STAMP)
	$(BIN)/ruralkit data build --out data
	git status --short data

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet ".[lab,dev]"
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^ruralkit' > constraints.txt
	rm -rf .lock-venv
	@echo "constraints.txt refreshed: run make notebooks and make test, then commit."

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist
