"""Part 4's Reproduce panel really reproduces: the cloc lines the live build journaled for
source_lines, pasted into bash from the repository's root, count the same files and the same
code, comment and blank lines as the live table recorded (counts only; cloc times nothing).

source_lines runs no Go or Rust program: its commands are "tool" lines, which
conftest.reproduce_journaled does not paste, so this test pastes them itself, as a reader would.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from gorust import paths
from tests.conftest import BUILT_RESULTS

pytestmark = pytest.mark.built
COUNTS = ["code", "comment", "blank"]


def pasted_cloc_counts(results: Path = BUILT_RESULTS) -> dict[str, dict]:
    """What the journaled cloc lines print, by file (as named from the repository's root)."""
    journal = pd.read_csv(results / "part4" / "source_lines.commands.csv")
    lines = journal[(journal.kind == "tool") & (journal.language == "cloc")].line
    assert len(lines) == 2, f"expected one cloc line per language, journaled: {list(lines)}"
    counted: dict[str, dict] = {}
    for line in lines:
        done = subprocess.run(
            ["bash", "-c", line], cwd=paths.REPO, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"`{line}` failed:\n{done.stderr[-2000:]}"
        printed = json.loads(done.stdout)
        counted |= {name: entry for name, entry in printed.items() if name not in ("header", "SUM")}
    return counted


def pasted_source_lines_match_the_table(results: Path = BUILT_RESULTS) -> None:
    table = pd.read_csv(results / "part4" / "source_lines.csv")
    # The table names a file from its language's root (code/go, code/rust); cloc, as pasted,
    # from the repository's.
    rows = {f"code/{row.language}/{row.file}": row for row in table.itertuples()}
    counted = pasted_cloc_counts(results)
    assert set(counted) == set(rows)
    for name, entry in counted.items():
        assert set(COUNTS) <= set(entry), entry
        recorded = {column: int(getattr(rows[name], column)) for column in COUNTS}
        assert {column: entry[column] for column in COUNTS} == recorded, name
    journal = pd.read_csv(results / "part4" / "source_lines.commands.csv")
    assert set(journal[journal.language == "cloc"].toolchain) == set(table.counter)


def test_pasting_source_lines_commands_counts_what_the_live_table_holds() -> None:
    pasted_source_lines_match_the_table()
