# Set-up, tests and the kiosk. `make test` and `make run` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `make run` installs only what the kiosk needs; `make test` adds the test tools and PyTorch.
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed

# The oldest OpenCV the package declares (opencv-python>=4.10) is tested beside the newest.
COMPAT := .venv-opencv410
COMPAT_STAMP := $(COMPAT)/.installed

.PHONY: setup models test lint typecheck pytest compat run check clean dist check-dist translations \
	bench-setup

$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	# The training tests need PyTorch; pinned so pip takes the CPU build, not a multi-GB CUDA one.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev,train]'
	touch $(STAMP)

setup: $(STAMP)

models: $(RUN_STAMP)
	$(BIN)/turnstile models install

# The package versions the benchmark figures were measured with (benchmarks/constraints.txt):
# rendered attacks and their cues depend on the OpenCV and numpy builds.
bench-setup: setup
	$(BIN)/python -m pip install --quiet -c benchmarks/constraints.txt -e '.[dev]'

# ruff over the package, the tests and the benchmark scripts; the layer rules
# ([tool.importlinter] in pyproject.toml). mypy (typecheck) covers the same three folders.
lint: setup
	$(BIN)/ruff check turnstile tests benchmarks
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

pytest: setup models
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

$(COMPAT_STAMP): pyproject.toml
	$(PYTHON) -m venv $(COMPAT)
	$(COMPAT)/bin/python -m pip install --quiet --upgrade pip
	$(COMPAT)/bin/python -m pip install --quiet -e '.[dev]' 'opencv-python==4.10.0.84'
	touch $(COMPAT_STAMP)

compat: models $(COMPAT_STAMP)
	QT_QPA_PLATFORM=offscreen $(COMPAT)/bin/python -m pytest -q -p no:cacheprovider \
		tests/vision/test_engine.py tests/test_cli.py tests/vision/test_imageio.py tests/store/test_gallery.py

test: lint typecheck pytest compat

run: models
	$(BIN)/turnstile kiosk

check: models
	$(BIN)/turnstile check

# The one-folder kiosk application in dist/turnstile/ (packaging/turnstile.spec).
$(VENV)/.dist-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,dist]'
	touch $@

dist: $(VENV)/.dist-installed
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/turnstile.spec

# Size, start-up time, and check/replay/kiosk run from that folder.
check-dist: dist
	packaging/check_dist.sh dist/turnstile

# After changing a user-visible string: collect them into the .ts files (translate new ones in
# Qt Linguist, `pyside6-linguist`), then compile the .qm files that ship in the package.
I18N := turnstile/assets/i18n
translations: setup
	$(BIN)/pyside6-lupdate $$(git ls-files -co --exclude-standard 'turnstile/gui/*.py') \
		-ts $(I18N)/turnstile_de.ts -no-obsolete -locations none -source-language en \
		-target-language de
	$(BIN)/pyside6-lrelease $(I18N)/turnstile_de.ts -qm $(I18N)/turnstile_de.qm

clean:
	rm -rf $(VENV) $(COMPAT) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
