"""The one reader of the course's saved tables: ``<root>/<chapter>/<table>.csv``, where root
is the reference (data/) or a run's live results (see gorust.data)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def location(root: Path, chapter: str, table: str) -> Path:
    return root / chapter / f"{table}.csv"


def read(root: Path, chapter: str, table: str) -> pd.DataFrame:
    return pd.read_csv(location(root, chapter, table))
