# make demo: set up, build the demo study (file to report) and open it in the workbench (Ctrl-C stops it).
# make test: set up and run the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= demo-study

.PHONY: demo test test-fast bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(VENV)/bin/theorize demo $(DEMO_DIR)
	$(VENV)/bin/theorize serve $(DEMO_DIR)/demo-study.theorize

# axe-core for the browser tests' accessibility checks (from npm; nothing of it is served).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund || echo "npm is not available: the browser tests' accessibility checks will skip."

test: $(STAMP) node_modules/.package-lock.json
	$(PY) -m pytest -q -n 2 --dist loadfile
	$(PY) -m pytest -q -p no:cacheprovider --doctest-modules src/theorize/analysis

test-fast: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not slow and not postgres and not libreoffice and not browser"

bench: $(STAMP)
	for b in benches/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_DIR) node_modules .pytest_cache build *.egg-info src/*.egg-info

docs: $(STAMP)
	$(PY) -m theorize.cli.reference > docs/cli.md
