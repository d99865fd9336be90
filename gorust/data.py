"""The course's measured results: tidy CSV files under data/, one per experiment."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gorust import paths, replay

# Every row of every saved table carries these columns (see provenance.host and RunResult).
PROVENANCE_COLUMNS = ("profile", "cpu", "cores", "os", "commit", "measured_at")


def save(frame: pd.DataFrame, chapter: str, experiment: str) -> Path:
    """Write ``frame`` to ``data/<chapter>/<experiment>.csv`` and return the path."""
    if replay.active():
        raise RuntimeError(
            f"{chapter}/{experiment}: replay mode never overwrites recorded results; this "
            "experiment ran live although the chapter is replaying (a bug in its module)."
        )
    missing = [c for c in (*PROVENANCE_COLUMNS, "language", "toolchain") if c not in frame]
    if missing:
        raise ValueError(f"{chapter}/{experiment}: results lack provenance columns {missing}")
    target = paths.DATA / chapter / f"{experiment}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False)
    return target


def load(chapter: str, experiment: str) -> pd.DataFrame:
    return pd.read_csv(paths.DATA / chapter / f"{experiment}.csv")
