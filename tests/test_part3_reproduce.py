"""Part 3's Reproduce panel really reproduces: the commands the live build journaled for
binary_trees, pasted into bash from the repository's root, build both programs and print, for
each of the five variants (three collector settings, Box and an arena), the tree depth and
the checksum the live table recorded (never a time or a memory figure)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import BUILT_RESULTS, reproduce_journaled

pytestmark = pytest.mark.built
DETERMINISTIC = ("depth", "checks")


def pasted_binary_trees_matches_the_table(results: Path = BUILT_RESULTS) -> None:
    """Every journaled run of binary_trees against the first repetition's rows, in order."""
    table = pd.read_csv(results / "part3" / "binary_trees.csv")
    first = table[table.repetition == table.repetition.min()]
    per_language = first.groupby("language").size()
    printed = reproduce_journaled(
        "part3", "binary_trees", results=results, runs_per_language=int(per_language.max())
    )
    assert set(printed) == set(table.language)
    for language, runs in printed.items():
        rows = first[first.language == language].reset_index(drop=True)
        assert len(runs) == len(rows), f"{language}: {len(runs)} runs, {len(rows)} variants"
        for lines, row in zip(runs, rows.itertuples(), strict=True):
            (summary,) = lines
            assert set(summary) <= set(table.columns), summary
            for key in DETERMINISTIC:
                assert summary[key] == getattr(row, key), (row.variant, key, summary)
    # Every variant computes the same trees: one checksum for all of them.
    assert first.checks.nunique() == 1


def test_pasting_binary_trees_commands_prints_what_the_live_table_holds() -> None:
    pasted_binary_trees_matches_the_table()
