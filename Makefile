# Set-up, tests and the kiosk. `make test` and `make run` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup models test lint typecheck pytest run check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The training tests need PyTorch; pinned so pip takes the CPU build, not a multi-GB CUDA one.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

models: setup
	$(BIN)/turnstile models install

lint: setup
	$(BIN)/ruff check turnstile tests

typecheck: setup
	$(BIN)/mypy

pytest: setup models
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test: lint typecheck pytest

run: models
	$(BIN)/turnstile kiosk

check: models
	$(BIN)/turnstile check

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
