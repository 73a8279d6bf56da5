# Two commands set everything up on a fresh machine:
#   make demo   create .venv, install piiscan, scan examples/share and print the report
#   make test   install the system packages and dev extras the tests need, then run the
#               whole suite (ruff, mypy, pytest)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test sysdeps lint typecheck eval bench bench-memory bench-git bench-ocr data-check install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

# piiscan exits 1 when it finds personal data: that is the demo working, not failing.
demo: install
	@$(BIN)/piiscan scan examples/share; status=$$?; [ $$status -le 1 ] || exit $$status

lint: dev
	$(BIN)/ruff check src tests benchmarks examples tools
	$(BIN)/lint-imports

typecheck: dev
	$(BIN)/mypy

# System packages the tests use (a Japanese font, chromium, git, samba, tesseract): installed with apt-get as
# root, else named in one line. tools/sysdeps.sh is the only list.
sysdeps:
	@tools/sysdeps.sh

# The tests that detect run a second time with the word scanner's pure-Python backend (the
# tries for `re`, used where no Hyperscan wheel exists): both must give the same findings.
DETECTION_TESTS = tests/rules tests/recognizers tests/structure tests/e2e \
	tests/test_scan_structure.py tests/test_scan_head.py

test: sysdeps dev lint typecheck
	$(BIN)/python -m pytest -q
	PIISCAN_MATCHER=python $(BIN)/python -m pytest -q $(DETECTION_TESTS)

eval: dev
	$(BIN)/python benchmarks/eval/run.py

# ripgrep and hyperfine (tools/sysdeps.sh bench) are installed as root; without them the
# benchmark says which rows it could not fill.
bench: dev
	-@tools/sysdeps.sh bench
	$(BIN)/python benchmarks/run.py

# Peak memory on a 10 MB PDF decompression bomb and writing every report format for 600,000
# findings (docs/benchmarks.md); a few minutes, most of it the XLSX and SARIF writers.
bench-memory: dev
	$(BIN)/python benchmarks/memory.py bomb
	$(BIN)/python benchmarks/memory.py reports
	$(BIN)/python benchmarks/memory.py share
	$(BIN)/python benchmarks/memory.py log

# piiscan git over a generated 10,000-commit history (docs/benchmarks.md, Git history)
bench-git: dev
	$(BIN)/python benchmarks/git_history.py

# OCR engines side by side on 60 generated forms: CER, recall per identifier, pages/s.
bench-ocr: dev sysdeps
	$(BIN)/python benchmarks/ocr/measure.py

# Rebuild every dictionary from its sources and check the committed files match.
data-check: dev
	$(PIP) install -e '.[data]'
	$(BIN)/python tools/build_data.py --check

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
