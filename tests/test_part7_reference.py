"""Part 7 against the reference: its headline figures compute from the recorded tables, and
changing the table a figure reads makes that figure, and only that one, differ."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust import agreement, replay
from gorust.part7 import headlines
from tests.conftest import changed


@pytest.fixture(scope="module")
def reference() -> dict[str, pd.DataFrame]:
    return agreement.load("part7", replay.recorded)


def slower(frame: pd.DataFrame, language: str, column: str) -> pd.DataFrame:
    """``column`` three times larger for ``language``'s rows."""
    frame.loc[frame.language == language, column] *= 3
    return frame


def slower_json(frame: pd.DataFrame, operation: str) -> pd.DataFrame:
    """encoding/json three times slower at ``operation`` only."""
    frame.loc[(frame.api == "encoding/json") & (frame.operation == operation), "ns_per_op"] *= 3
    return frame


# For each figure, a change of the one table it reads that moves it far beyond both spreads.
PERTURBATIONS = {
    headlines.COLD_BUILD: ("service_builds", lambda f: slower(f, "rust", "wall_s")),
    headlines.BINARY: ("service_builds", lambda f: slower(f, "go", "stripped_bytes")),
    headlines.JSON_DECODE: ("json_throughput", lambda f: slower_json(f, "decode typed")),
    headlines.JSON_ENCODE: ("json_throughput", lambda f: slower_json(f, "encode typed")),
    headlines.WASM_WORK: ("wasm_runs", lambda f: slower(f, "go", "work_ns")),
    headlines.WASM_SIZE: ("wasm_sizes", lambda f: slower(f, "rust", "stripped_bytes")),
}


def test_headline_figures_compute_from_the_recorded_tables(reference) -> None:
    figures = agreement.figures("part7", reference)
    assert [f.name for f in figures] == list(PERTURBATIONS)
    for figure in figures:
        assert 0 < figure.low <= figure.value <= figure.high
        assert figure.unit == "×" and figure.rules


@pytest.mark.parametrize("name", list(PERTURBATIONS))
def test_a_changed_table_makes_only_its_figure_differ(reference, name: str) -> None:
    table, change = PERTURBATIONS[name]
    live = agreement.figures("part7", changed(reference, table, change))
    compared = agreement.compare(live, agreement.figures("part7", reference)).set_index("figure")
    assert compared.loc[name, "agreement"] == agreement.DIFFERS
    others = compared.drop(index=name)
    assert (others.agreement == agreement.AGREES).all(), others[["agreement"]]
