"""Part 8 — The Verdict: the article's Summary Matrix and a ledger of every claim, rebuilt from
the measurements the other chapters saved: this machine's live results, or the reference in
data/ in replay mode (gorust.data.shown_root).

- ``comparisons``: every Go-against-Rust comparison, by one stated selection rule;
- ``claim_ledger``: every claim check, one row per claim, with the article's claims counted apart
  from the course's own findings;
- ``matrix`` and ``closing``: the Summary Matrix and the closing paragraph, computed;
- ``coverage``: every checkable statement of the article, covered, partly, or not measurable;
- ``advice``: the article's “Choose Go if… / Choose Rust if…”, bullet by bullet, from the ledger;
- ``figures``: the ratio chart and the weights chart.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gorust import data, paths, replay
from gorust.part8 import claim_ledger, comparisons
from gorust.part8.advice import advice_table
from gorust.part8.claim_ledger import ledger_table, verdict_counts
from gorust.part8.closing import conclusions
from gorust.part8.coverage import coverage_counts, coverage_table
from gorust.part8.figures import CHAPTER_TITLES, ratio_chart, weights_chart
from gorust.part8.matrix import summary_matrix

# This chapter builds nothing: it shows what Parts 1-7 saved, so the book
# re-executes it whenever one of them re-runs (see gorust.sources).
SHOWS_RECORDED_DATA = True


def dimensions(data_dir: Path | None = None) -> pd.DataFrame:
    """Every comparison whose data are present (ratio = Go ÷ Rust, lower is better)."""
    return comparisons.dimensions(data_dir or data.shown_root())


def reference_dimensions() -> pd.DataFrame | None:
    """The reference's comparisons, to draw beside this machine's; None in replay mode, where
    the page shows the reference alone."""
    return None if replay.active() else comparisons.dimensions(paths.DATA)


def ledger(data_dir: Path | None = None) -> pd.DataFrame:
    """Every chapter's claim check, one row per claim."""
    return claim_ledger.ledger(data_dir or data.shown_root())


__all__ = [
    "CHAPTER_TITLES",
    "SHOWS_RECORDED_DATA",
    "advice_table",
    "conclusions",
    "coverage_counts",
    "coverage_table",
    "dimensions",
    "ledger",
    "ledger_table",
    "ratio_chart",
    "reference_dimensions",
    "summary_matrix",
    "verdict_counts",
    "weights_chart",
]
