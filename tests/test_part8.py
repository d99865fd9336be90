"""The Verdict is computed from data/: prove it with a small synthetic data set."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gorust import part8


def _write(root: Path, chapter: str, name: str, rows: list[dict]) -> None:
    (root / chapter).mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(root / chapter / f"{name}.csv", index=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    _write(
        tmp_path,
        "part3",
        "binary_trees",
        [
            {"variant": "Go, GOGC=100", "wall_s": 3.0},
            {"variant": "Go, GOGC=100", "wall_s": 3.2},
            {"variant": "Rust, Box", "wall_s": 1.0},
        ],
    )
    _write(
        tmp_path,
        "part4",
        "rebuild",
        [
            {"language": "go", "build": "incremental", "seconds": 1.0},
            {"language": "rust", "build": "incremental", "seconds": 10.0},
        ],
    )
    _write(
        tmp_path,
        "part1",
        "claims",
        [
            {
                "chapter": "part1",
                "claim": "Rust: “If it compiles, it works”",
                "measured": "E0499",
                "anchor": "a",
                "verdict": "depends: for data races",
                "profile": "quick",
                "measured_at": "2026-01-01T00:00:00",
            }
        ],
    )
    return tmp_path


def test_dimensions_are_computed_from_the_data(data_dir: Path) -> None:
    dims = part8.dimensions(data_dir).set_index("key")
    assert set(dims.index) == {"alloc", "rebuild"}  # only what the data holds
    assert dims.loc["alloc", "ratio"] == pytest.approx(3.1)  # median 3.1 ÷ 1.0
    assert dims.loc["rebuild", "ratio"] == pytest.approx(0.1)


def test_the_verdict_changes_when_the_data_change(data_dir: Path) -> None:
    before = part8.summary_matrix(part8.dimensions(data_dir), part8.ledger(data_dir)).data
    assert "Rust needs less in 1, Go in 0" in before
    _write(
        data_dir,
        "part3",
        "binary_trees",
        [
            {"variant": "Go, GOGC=100", "wall_s": 1.0},
            {"variant": "Rust, Box", "wall_s": 2.0},
        ],
    )
    after = part8.summary_matrix(part8.dimensions(data_dir), part8.ledger(data_dir)).data
    assert "Rust needs less in 0, Go in 1" in after


def test_the_ledger_holds_every_recorded_claim(data_dir: Path) -> None:
    ledger = part8.ledger(data_dir)
    assert list(ledger.chapter) == ["part1"]
    assert part8.verdict_counts(ledger).to_dict("records") == [{"verdict": "depends", "claims": 1}]
    table = part8.ledger_table(ledger).data
    assert "{ref}`part1`" in table and "**depends**" in table
    assert (
        "data race: depends: for data races"
        in part8.summary_matrix(part8.dimensions(data_dir), ledger).data
    )


def test_missing_chapters_are_reported_not_invented(tmp_path: Path) -> None:
    dims = part8.dimensions(tmp_path)
    assert dims.empty
    matrix = part8.summary_matrix(dims, part8.ledger(tmp_path)).data
    assert matrix.count("not measured yet") >= 4
