"""Part 1's Reproduce panel really reproduces: the commands the live build journaled for
generic_size, pasted into bash from the repository's root, build the same twelve programs and
print what the live table recorded (the instantiation counts; never a timing)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import BUILT_RESULTS, reproduce_journaled

pytestmark = pytest.mark.built


def pasted_generic_size_matches_the_table(results: Path = BUILT_RESULTS) -> None:
    """Every journaled build and run of generic_size, against the rows of generic_size.csv."""
    table = pd.read_csv(results / "part1" / "generic_size.csv")
    counts = table.groupby("language").size()
    printed = reproduce_journaled(
        "part1", "generic_size", results=results, runs_per_language=int(counts.max())
    )
    assert set(printed) == set(table.language)
    for language, runs in printed.items():
        rows = table[table.language == language].reset_index(drop=True)
        assert len(runs) == len(rows), f"{language}: {len(runs)} runs, {len(rows)} rows"
        for lines, row in zip(runs, rows.itertuples(), strict=True):
            summary = lines[-1]
            assert set(summary) <= set(table.columns), summary
            assert summary["instantiations"] == row.instantiations
            # One line per element type before the summary: as many as the build was for.
            elements = [line for line in lines[:-1] if "element" in line]
            assert len(elements) == row.instantiations


def test_pasting_generic_size_commands_prints_what_the_live_table_holds() -> None:
    pasted_generic_size_matches_the_table()
