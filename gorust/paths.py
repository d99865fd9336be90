"""Where the course keeps its sources, its data and its build cache."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODE = REPO / "code"
GO_MODULE = CODE / "go"
RUST_WORKSPACE = CODE / "rust"
# The committed reference: what replay mode shows. Only gorust.reference writes here.
DATA = REPO / "data"
RESULTS_VARIABLE = "GVR_RESULTS_DIR"


def results_dir() -> Path:
    """Where a live run writes its tables: ``_build/results`` (ignored by git) unless
    ``GVR_RESULTS_DIR`` says otherwise (the reference recorder points it at its staging
    folder)."""
    override = os.environ.get(RESULTS_VARIABLE)
    return Path(override) if override else REPO / "_build" / "results"


def cache_dir() -> Path:
    """The build cache: outside the repository so that a fresh clone reuses it.

    ``GVR_CACHE_DIR`` overrides the default ``~/.cache/go-vs-rust-measured``.
    """
    override = os.environ.get("GVR_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "go-vs-rust-measured"
