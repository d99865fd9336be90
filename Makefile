# The two commands of the README:
#   make book   set everything up, run every chapter, build the HTML book
#   make test   run every test (lint, unit, Go, Rust, notebook outputs, strict build, browser)
# Both start with the preflight (gorust/preflight.py): every outside tool checked, the missing
# Debian packages installed when run as root, before anything is built.
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
# uv installs the pinned requirements from its cache in seconds; copying (not hard-linking)
# keeps it quiet when the cache and the clone are on different file systems.
export UV_LINK_MODE := copy
UV := $(BIN)/uv pip install --quiet --python $(BIN)/python
PROFILE ?= full
PARTS ?= part1,part2,part3,part4,part5,part6,part7

.PHONY: book test setup preflight-book preflight-test lint unit code-tests html \
	notebook-outputs after-build clean refresh-notebooks record-reference derive-claims \
	programs chapter lab

# Without Go or Rust the book still builds, in replay mode, from the reference under data/.
book: setup preflight-book
	$(MAKE) html
	@echo "The executed book is at $(CURDIR)/_build/html/index.html"

# Each chapter executes once, in the strict build; the notebook-output check reads that
# execution instead of running the chapters a second time.
test: setup preflight-test lint unit code-tests html notebook-outputs after-build
	@echo "All tests passed."

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) --compile-bytecode -r requirements.txt
	$(UV) --no-deps -e .
	touch $@

preflight-book:
	$(BIN)/python -m gorust.preflight book

preflight-test:
	$(BIN)/python -m gorust.preflight test

lint:
	$(BIN)/ruff check gorust tests
	$(BIN)/ruff format --check gorust tests
	@# generic_method/method.go is the one Go file written not to parse: a method with its own
	@# type parameter, which Part 1 shows Go's compiler refusing. gofmt checks every other file.
	@unformatted="$$(cd code/go && find . -name '*.go' ! -path ./generic_method/method.go \
	  -exec gofmt -l {} +)"; \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	cd code/go && go vet ./...
	cd code/rust && cargo fmt --all --check
	cd code/rust && cargo clippy --workspace --all-targets --locked -- -D warnings

unit:
	$(BIN)/python -m pytest -m "not browser and not built" tests

code-tests:
	cd code/go && go test ./...
	cd code/rust && cargo test --workspace --locked

html:
	$(BIN)/python -m gorust.charts _static
	$(BIN)/jupyter-book build . -W -n --keep-going

# nbval's comparison of every checked cell, against the chapters the strict build executed.
notebook-outputs:
	$(BIN)/python -m pytest -p tests.executed_notebooks chapters

# What only a built book can show: every page in a real browser, and data/ untouched.
after-build:
	$(BIN)/python -m pytest -m "browser or built" tests

clean:
	rm -rf _build $(VENV) _static/vega-bundle.js

# The only writer of data/: record the reference (full profile by default) from a clean tree,
# on a quiet machine. One Part alone: make record-reference PARTS=part6
record-reference: setup
	GVR_MODE=live $(BIN)/python -m gorust.preflight book
	GVR_PROGRESS=1 $(BIN)/python -m gorust.reference --parts $(PARTS) --profile $(PROFILE)

# One chapter at a time: re-measure one chapter (make chapter PART=6 or PART=part6) and
# rebuild only its page, the Verdict and the status page (GVR_RERUN, see gorust/book.py).
chapter:
	@part="$(PART)"; part="$${part#part}"; \
	  if [ -z "$$part" ]; then echo "make chapter needs a Part: make chapter PART=6"; exit 2; fi; \
	  if ! compgen -G "chapters/0$$part-*.ipynb" >/dev/null; then \
	    echo "make chapter: no chapter for PART=$(PART); the chapters are:" chapters/*.ipynb; \
	    exit 2; fi
	$(MAKE) setup preflight-book
	GVR_RERUN=part$(patsubst part%,%,$(PART)) $(MAKE) html

# Before a lecture: build every Go and Rust program of the course, running nothing.
programs: setup preflight-book
	$(BIN)/python -m gorust.programs

# Teaching: the chapters in JupyterLab (offline), each experiment showing what it does while it
# runs (GVR_PROGRESS, gorust/progress.py), RISE's slideshow from the toolbar. LAB_ARGS passes
# options through, e.g. LAB_ARGS="--no-browser --port 8890".
LAB_ARGS ?=
lab: setup preflight-book
	GVR_PROGRESS=1 $(BIN)/jupyter lab --ServerApp.root_dir=chapters \
	  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	  $$(if [ "$$(id -u)" = 0 ]; then echo --allow-root; fi) $(LAB_ARGS)

# For chapter authors: execute every chapter and commit only the outputs nbval checks.
# After a claim rule changes: re-judge the recorded tables, measuring nothing.
derive-claims: setup
	$(BIN)/python -m gorust.reference --derive-claims --parts $(PARTS)

refresh-notebooks: setup preflight-book
	$(BIN)/python -m gorust.notebooks chapters/*.ipynb
