"""Where the course keeps its sources, its data and its build cache."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODE = REPO / "code"
GO_MODULE = CODE / "go"
RUST_WORKSPACE = CODE / "rust"
DATA = REPO / "data"


def cache_dir() -> Path:
    """The build cache: outside the repository so that a fresh clone reuses it.

    ``GVR_CACHE_DIR`` overrides the default ``~/.cache/go-vs-rust-measured``.
    """
    override = os.environ.get("GVR_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "go-vs-rust-measured"
