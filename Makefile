# The two commands of the README:
#   make book   set everything up, run every chapter, build the HTML book
#   make test   run every test (lint, unit, Go, Rust, nbval, strict build, real browser)
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
VENV ?= .venv
PYTHON ?= python3
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
# Rust's build directory lives outside the repository, so a fresh clone reuses compiled
# dependencies; the kernels use the same one.
export GVR_CACHE_DIR ?= $(HOME)/.cache/go-vs-rust-measured
export CARGO_TARGET_DIR ?= $(GVR_CACHE_DIR)/cargo-target
export GOTOOLCHAIN := local

.PHONY: book test setup toolchains lint unit code-tests notebooks html browser clean refresh-notebooks

# Without Go or Rust the book still builds, in replay mode, from the results under data/.
book: setup
	$(BIN)/python -m gorust.toolchains --or-replay
	$(MAKE) html
	@echo "The executed book is at $(CURDIR)/_build/html/index.html"

test: setup toolchains lint unit code-tests notebooks html browser
	@echo "All tests passed."

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

toolchains:
	$(BIN)/python -m gorust.toolchains

lint:
	$(BIN)/ruff check gorust tests
	$(BIN)/ruff format --check gorust tests
	@unformatted="$$(cd code/go && gofmt -l .)"; \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	cd code/go && go vet ./...
	cd code/rust && cargo fmt --all --check
	cd code/rust && cargo clippy --workspace --all-targets --locked -- -D warnings

unit:
	$(BIN)/python -m pytest -m "not browser" tests

code-tests:
	cd code/go && go test ./...
	cd code/rust && cargo test --workspace --locked

notebooks:
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider chapters

html:
	$(BIN)/python -m gorust.charts _static
	$(BIN)/jupyter-book build . -W -n --keep-going

browser:
	$(BIN)/python -m pytest -m browser tests

clean:
	rm -rf _build $(VENV) _static/vega-bundle.js

# For chapter authors: execute every chapter and commit only the outputs nbval checks.
refresh-notebooks: setup toolchains
	$(BIN)/python -m gorust.notebooks chapters/*.ipynb
