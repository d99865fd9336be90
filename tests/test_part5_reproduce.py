"""Part 5's Reproduce panel really reproduces: the commands the live build journaled for
error_pipeline (the line that writes its config files first), pasted into bash from the
repository's root, print the results and errors the live table recorded, word for word."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from gorust import paths
from tests.conftest import BUILT_RESULTS, reproduce_journaled

pytestmark = pytest.mark.built
# The columns the programs print; the table adds the process's and the page's own.
KEY = ["language", "config", "variant"]


def _write_inputs(results: Path) -> None:
    """The journaled tool lines: they write the config files where the runs read them."""
    journal = pd.read_csv(results / "part5" / "error_pipeline.commands.csv")
    tools = journal[journal.kind == "tool"].line
    assert not tools.empty, "error_pipeline journaled no line that writes its inputs"
    for line in tools:
        subprocess.run(["bash", "-c", line], cwd=paths.REPO, check=True, timeout=60)


def _same(printed: object, recorded: object) -> bool:
    missing = recorded is None or (isinstance(recorded, float) and math.isnan(recorded))
    return (printed in (None, "") and missing) or printed == recorded


def pasted_pipeline_matches_the_table(results: Path = BUILT_RESULTS) -> None:
    table = pd.read_csv(results / "part5" / "error_pipeline.csv")
    _write_inputs(results)
    printed = reproduce_journaled("part5", "error_pipeline", results=results)
    rows = [
        {**line, "language": language}
        for language, runs in printed.items()
        for lines in runs
        for line in lines
    ]
    assert len(rows) == len(table), f"{len(rows)} lines printed, {len(table)} rows recorded"
    recorded = table.set_index(KEY)
    for row in rows:
        assert set(row) <= set(table.columns), row
        expected = recorded.loc[tuple(row[k] for k in KEY)]
        for key, value in row.items():
            if key not in KEY:
                assert _same(value, expected[key]), (row, key, expected[key])


def test_pasting_error_pipeline_commands_prints_what_the_live_table_holds() -> None:
    pasted_pipeline_matches_the_table()
