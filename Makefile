# The README's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# The dashboard's database; tests build their own and never touch this one.
DB     ?= $(if $(ESAFETY_DB),$(ESAFETY_DB),$(CURDIR)/data/esafety.duckdb)
SAMPLE := $(CURDIR)/data/sample
PORT   ?= 8501

.PHONY: run test test-fast install install-dev system-deps sample lint bench clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# Debian packages the browser tests and packs need (chromium, pdftoppm, LibreOffice).
system-deps:
	@$(PY) -m tests.system_deps

# The bundled sample county: generated (same every time for the seed) and loaded once.
$(DB): | $(VENV)/.runtime
	$(PY) -m samplecounty --out $(SAMPLE)
	$(PY) -m ingest register $(SAMPLE)/register.csv --db $(DB)
	$(PY) -m ingest boundaries $(SAMPLE)/districts.geojson --db $(DB)
	$(PY) -m ingest contacts $(SAMPLE)/contacts.csv --db $(DB)
	$(PY) -m ingest returns $(SAMPLE)/returns --db $(DB)

sample: $(DB)

run: $(VENV)/.runtime $(DB)
	ESAFETY_DB=$(DB) $(PY) -m streamlit run serve.py --server.port $(PORT) \
		--browser.gatherUsageStats false

# Two workers, each taking whole test files (a module's server or pack is made once): most
# browser tests wait on a server and Chromium, so one process leaves a core idle.
test: $(VENV)/.dev system-deps lint
	$(PY) -m pytest -n 2 --dist loadfile

# The loop while working: no browser, no slow tests (packs, LibreOffice, killed
# processes, the 600-school county). `make test` still runs everything.
test-fast: $(VENV)/.dev
	$(PY) -m pytest -q -m "not browser and not slow"

# ruff, then mypy over lakehouse/, ingest/ and presentation/ (files in pyproject.toml)
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf data test-artifacts

# Performance, side by side with the naive approach (figures in the README).
bench: $(VENV)/.dev system-deps
	$(PY) bench/ingest.py
	$(PY) bench/build.py
	$(PY) bench/pages.py
	$(PY) bench/packs.py --schools 600
