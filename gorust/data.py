"""The course's measured results: tidy CSV files, one per experiment, in two places.

- The **reference** (``data/<chapter>/``) is committed. Replay mode shows it, the replay tests
  check it, and only the explicit recorder (``make record-reference``, gorust.reference)
  writes it.
- **Live results** (``_build/results/<chapter>/``, ignored by git) are what a live run
  measured on this machine: ``save`` writes there, and a live page reads its own results
  from there. A live run therefore never changes the working tree.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gorust import paths, replay, tables

# Every row of every saved table carries these columns (see provenance.host and RunResult).
PROVENANCE_COLUMNS = ("profile", "cpu", "cores", "os", "commit", "measured_at")


def shown_root() -> Path:
    """The folder of chapter folders this run's pages show: the reference in replay mode,
    this machine's live results otherwise."""
    return paths.DATA if replay.active() else paths.results_dir()


def save(frame: pd.DataFrame, chapter: str, experiment: str) -> Path:
    """Write ``frame`` as this live run's ``<chapter>/<experiment>.csv`` and return the path."""
    if replay.active():
        raise RuntimeError(
            f"{chapter}/{experiment}: replay mode never writes results; this experiment "
            "ran live although the chapter is replaying (a bug in its module)."
        )
    missing = [c for c in (*PROVENANCE_COLUMNS, "language", "toolchain") if c not in frame]
    if missing:
        raise ValueError(f"{chapter}/{experiment}: results lack provenance columns {missing}")
    target = tables.location(paths.results_dir(), chapter, experiment)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False)
    return target


def load(chapter: str, experiment: str) -> pd.DataFrame:
    """A table as this run's pages show it (live results, or the reference in replay)."""
    return tables.read(shown_root(), chapter, experiment)
