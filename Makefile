# muniplan: two commands on a machine with only Python, pip and make.
#   make run   sets itself up, prints the Bærum projection, imports it into the store and serves it
#   make test  sets itself up and runs the whole suite (ruff, import-linter, pytest)
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint setup browser bench clean serve

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet --compile-bytecode
	touch $@

# the project's own code is installed editable, so uv compiles only the libraries; compile
# it too (each run, cheap when up to date), since PYTHONDONTWRITEBYTECODE=1 would otherwise
# make every command compile every module it imports again
setup: $(VENV)/.synced $(VENV)/.kernels
	$(BIN)/python -m compileall -q -j 0 src

# the numba kernels compiled into their cache once (half a minute of CPU), again only when
# a kernel's source changes: no command, page or test then waits for the compilation
$(VENV)/.kernels: $(VENV)/.synced $(wildcard src/muniplan/engine/finance_kernel.py src/muniplan/demography/kernel.py src/muniplan/demography/lanes.py)
	$(BIN)/python -m muniplan.cli.precompile
	touch $@

run: setup
	$(BIN)/muniplan project --summary
	$(BIN)/muniplan db upgrade
	$(BIN)/muniplan import --if-missing --status adopted
	$(BIN)/muniplan serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

test: setup lint
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache test-output
