"""Part 6's Reproduce panel reproduces: the build and first run lines the live build journaled
for ``read_states``, pasted into bash from the repository's root, print what the live table
holds for those runs (the same keys; the same checksum, hit ratio, request counts and bins),
never comparing a latency."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gorust import data, tables
from tests.conftest import BUILT_RESULTS, reproduce_journaled

pytestmark = pytest.mark.built

CHAPTER = "part6"
# The first run line of each language in the journal: the experiment serves them first.
FIRST_RUNS = {"go": "Go, pointer LRU", "rust": "Rust, HashMap LRU (lru crate)"}
# Deterministic: every cache sees the same requests in the same order, on a fixed schedule.
SUMMARY_VALUES = ("checksum", "hit_ratio", "requests", "entries", "layout")
BIN_VALUES = ("t_s", "requests")
# What the course adds to every row the program printed (gorust.kernels' process columns, the
# host's provenance, the experiment's variant and repetition).
COURSE_COLUMNS = {
    "language", "experiment", "features", "toolchain", "exit_code", "wall_s", "user_s",
    "system_s", "peak_rss_bytes", "binary_bytes", *data.PROVENANCE_COLUMNS, "variant",
    "repetition",
}  # fmt: skip


def program_columns(frame: pd.DataFrame) -> set[str]:
    """The table's columns that came from the program's JSON, for the rows of one run."""
    return set(frame.dropna(axis="columns", how="all").columns) - COURSE_COLUMNS


def compare_with_the_live_table(results: Path) -> dict[str, int]:
    """Runs the journaled commands and asserts they print what the live run recorded; returns
    the number of JSON lines compared per language."""
    printed = reproduce_journaled(CHAPTER, "read_states", results=results)
    runs = pd.read_csv(tables.location(results, CHAPTER, "read_states"))
    bins = pd.read_csv(tables.location(results, CHAPTER, "read_states_bins"))
    compared = {}
    for language, variant in FIRST_RUNS.items():
        (lines,) = printed[language]
        frame = pd.DataFrame(lines)
        summary = frame[frame["summary"].eq(True)].dropna(axis="columns", how="all")
        printed_bins = frame[~frame["summary"].eq(True)].dropna(axis="columns", how="all")
        live_run = runs[(runs.variant == variant) & (runs.repetition == 0)]
        live_bins = bins[(bins.variant == variant) & (bins.repetition == 0)]
        assert len(summary) == len(live_run) == 1, language
        assert set(summary.columns) == program_columns(live_run), language
        assert set(printed_bins.columns) == program_columns(live_bins), language
        for column in SUMMARY_VALUES:
            # Exactly: a checksum one off is a different answer, and CSV keeps floats exact.
            assert summary[column].iloc[0] == live_run[column].iloc[0], column
        pd.testing.assert_frame_equal(
            printed_bins[list(BIN_VALUES)].reset_index(drop=True),
            live_bins[list(BIN_VALUES)].reset_index(drop=True),
            check_dtype=False,
        )
        compared[language] = len(lines)
    return compared


def test_the_journaled_read_states_commands_print_the_live_runs() -> None:
    compared = compare_with_the_live_table(BUILT_RESULTS)
    assert set(compared) == set(FIRST_RUNS)
