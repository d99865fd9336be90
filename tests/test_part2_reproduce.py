"""Part 2's Reproduce panel really reproduces: the commands the live build journaled for
task_memory, pasted into bash from the repository's root, build both programs and print, for
every model and task count, what the live table recorded (the model, the count, the size of a
tokio task's future; never a timing or a memory figure, which vary run to run)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import BUILT_RESULTS, reproduce_journaled

pytestmark = pytest.mark.built
DETERMINISTIC = ("model", "tasks", "future_bytes")


def _same(printed: object, recorded: object) -> bool:
    if printed is None or (isinstance(printed, float) and math.isnan(printed)):
        return pd.isna(recorded)
    return printed == recorded


def pasted_task_memory_matches_the_table(results: Path = BUILT_RESULTS) -> None:
    """Every journaled run of task_memory (one line per model and count), against its rows."""
    table = pd.read_csv(results / "part2" / "task_memory.csv")
    journal = pd.read_csv(results / "part2" / "task_memory.commands.csv")
    most = int(journal[journal.kind == "run"].groupby("language").size().max())
    printed = reproduce_journaled("part2", "task_memory", results=results, runs_per_language=most)
    assert set(printed) == set(table.language)
    seen = set()
    for language, runs in printed.items():
        for lines in runs:
            (summary,) = lines
            assert set(summary) <= set(table.columns), summary
            rows = table[
                (table.language == language)
                & (table.model == summary["model"])
                & (table.tasks == summary["tasks"])
            ]
            assert not rows.empty, f"{language}: no row of the table for {summary}"
            assert (rows.exit_code == 0).all()
            row = rows.iloc[0]
            for key in DETERMINISTIC:
                assert _same(summary.get(key), row.get(key)), (key, summary, row.to_dict())
            seen.add((summary["model"], summary["tasks"]))
    assert seen == set(zip(table.model, table.tasks, strict=True)), "a run was not journaled"


def test_pasting_task_memory_commands_prints_what_the_live_table_holds() -> None:
    pasted_task_memory_matches_the_table()
