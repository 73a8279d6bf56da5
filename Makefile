# Two commands set everything up on a fresh machine:
#   make demo   create .venv, install piiscan, scan examples/share and print the report
#   make test   install the dev extras and run the whole suite (ruff, mypy, pytest)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint typecheck eval bench bench-ocr data-check install dev clean system-deps

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

typecheck: dev
	$(BIN)/mypy

# System packages the tests use for real (the same list as .ci/run): the Japanese font the
# OCR tests draw with, and Tesseract with its Japanese data (the fallback OCR engine).
# Installed with apt-get when root and something is missing; otherwise just checked.
SYSTEM_PACKAGES := fonts-ipafont-gothic fontconfig tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert

system-deps:
	@if ! fc-list 2>/dev/null | grep -qi ipag || ! tesseract --list-langs 2>/dev/null | grep -qx jpn_vert; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	  else echo "make test needs: $(SYSTEM_PACKAGES) (apt-get install as root)" >&2; exit 1; fi; \
	fi

test: dev system-deps lint typecheck
	$(BIN)/python -m pytest -q

eval: dev
	$(BIN)/python benchmarks/eval/run.py

bench: dev
	$(BIN)/python benchmarks/run.py

# OCR engines side by side on 60 generated forms: CER, recall per identifier, pages/s.
bench-ocr: dev system-deps
	$(BIN)/python benchmarks/ocr/measure.py

# Rebuild every dictionary from its sources and check the committed files match.
data-check: dev
	$(PIP) install -e '.[data]'
	$(BIN)/python tools/build_data.py --check

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
