"""Part 7's Reproduce panel really reproduces: the commands the live build journaled for
wasm_runs, pasted into bash from the repository's root, write the same text, build the same
modules and programs, and count what the live table recorded, natively and in wasmtime (the
counts and the most frequent word; never a timing)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from gorust import paths
from gorust.part7 import RESULT_FIELDS
from tests.conftest import BUILT_RESULTS, reproduce_journaled

pytestmark = pytest.mark.built


def pasted_tool_lines(results: Path) -> list[dict]:
    """The journal's own lines (the text, the modules, their runs in wasmtime), pasted in
    order: the JSON lines they printed."""
    journal = pd.read_csv(results / "part7" / "wasm_runs.commands.csv")
    printed = []
    for line in journal[journal.kind == "tool"].line:
        done = subprocess.run(
            ["bash", "-c", line], cwd=paths.REPO, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"`{line}` failed:\n{done.stderr[-2000:]}"
        printed += [json.loads(out) for out in done.stdout.splitlines() if out.startswith("{")]
    return printed


def same_answer(printed: dict, row: pd.Series, columns: pd.Index) -> None:
    assert set(printed) <= set(columns), printed
    for field in RESULT_FIELDS:
        assert printed[field] == row[field], (field, printed[field], row[field])


def pasted_wasm_runs_match_the_table(results: Path = BUILT_RESULTS) -> None:
    table = pd.read_csv(results / "part7" / "wasm_runs.csv")
    timed = table[table.repetition >= 0]
    in_wasmtime = pasted_tool_lines(results)  # first: they write the text the runs read
    native = reproduce_journaled("part7", "wasm_runs", results=results)
    assert set(native) == set(timed.language) == {"go", "rust"}
    for language, runs in native.items():
        rows = timed[(timed.language == language) & (timed["mode"] == "native")]
        (lines,) = runs
        same_answer(lines[-1], rows.iloc[0], table.columns)
    wasm_rows = timed[timed["mode"] == "wasm (wasmtime)"]
    assert len(in_wasmtime) == wasm_rows.language.nunique() == 2
    for printed, (_, row) in zip(in_wasmtime, wasm_rows.groupby("language"), strict=True):
        same_answer(printed, row.iloc[0], table.columns)


def test_pasting_wasm_runs_commands_prints_what_the_live_table_holds() -> None:
    pasted_wasm_runs_match_the_table()
