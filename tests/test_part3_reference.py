"""Part 3 against the reference (gorust.agreement, charts.with_reference): its headline figures
compute from the recorded tables, changing what one figure reads makes that figure, and only
it, differ, and with a reference every chart draws both runs: binary-trees in a row per run
(the profiles' trees differ in depth), the live-heap charts on shared axes, the reference
faded."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from gorust import agreement, charts, part3
from gorust.part3 import headlines
from gorust.part3.heap import HEAP_VARIANTS
from gorust.part3.trees import BOX, DEFAULT
from tests.conftest import assert_only_its_figure_differs, headline_reference, scaled_where

CHAPTER = "part3"
GO_NATURAL, RUST = HEAP_VARIANTS[0].label, HEAP_VARIANTS[2].label
AT = f"at {headlines.COMMON_RECORDS:,} records"


@pytest.fixture(scope="module")
def reference() -> dict[str, pd.DataFrame]:
    return headline_reference(CHAPTER)


def _twice_as_many_cycles(windows: pd.DataFrame) -> pd.DataFrame:
    return scaled_where("gc_cycles", 2.0, variant=GO_NATURAL)(windows)


PERTURBATIONS: dict[str, tuple[str, Callable]] = {
    "binary-trees wall time, Go (GOGC=100) ÷ Rust (Box)": (
        "binary_trees",
        scaled_where("wall_s", 2.0, variant=BOX),
    ),
    "binary-trees wall time, Go (GOGC=100) ÷ Rust (arena)": (
        "binary_trees",
        scaled_where("wall_s", 2.0, variant=part3.TREE_LABELS[4]),
    ),
    f"Go's p99 stop-the-world pause, natural collections, {AT}": (
        "live_heap",
        scaled_where("pause_p99_s", 4.0, variant=GO_NATURAL),
    ),
    f"Time between natural collections, {AT}": ("live_heap", _twice_as_many_cycles),
    f"Request p99 latency {AT}, Go ÷ Rust": (
        "live_heap",
        scaled_where("p99_ns", 4.0, variant=RUST),
    ),
    f"Resident memory {AT}, Go ÷ Rust": ("live_heap", scaled_where("rss_bytes", 2.0, variant=RUST)),
}


def test_every_figure_has_a_perturbation(reference: dict[str, pd.DataFrame]) -> None:
    assert [f.name for f in agreement.figures(CHAPTER, reference)] == list(PERTURBATIONS)
    assert DEFAULT in set(reference["binary_trees"].variant)


@pytest.mark.parametrize("name", list(PERTURBATIONS))
def test_changing_what_a_figure_reads_makes_it_alone_differ(
    reference: dict[str, pd.DataFrame], name: str
) -> None:
    table, change = PERTURBATIONS[name]
    assert_only_its_figure_differs(CHAPTER, reference, table, change, name)


# -- The reference on every chart ---------------------------------------------------------------
@pytest.fixture(scope="module")
def runs() -> dict[str, tuple[object, object]]:
    """A quick-sized "live" run on another machine (the reference's smaller heaps and first
    repetitions) and the reference itself, per chart."""
    trees = part3.binary_trees.experiment.replayed()
    heap = part3.live_heap.experiment.replayed()

    def quick(frame: pd.DataFrame) -> pd.DataFrame:
        small = frame[(frame.records <= 16_000_000) & (frame.repetition < 3)]
        return small.assign(cpu="another machine")

    quick_heap = part3.HeapRuns(quick(heap.windows), quick(heap.latency))
    live_trees = trees[trees.repetition < 3].assign(cpu="another machine")
    return {
        "binary_trees_chart": (live_trees, trees),
        "pause_chart": (quick_heap, heap),
        "latency_chart": (quick_heap, heap),
        "memory_chart": (quick_heap, heap),
    }


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


CHARTS = ("binary_trees_chart", "pause_chart", "latency_chart", "memory_chart")


@pytest.mark.parametrize("name", CHARTS)
def test_with_a_reference_a_chart_draws_both_runs_the_reference_faded(
    runs: dict[str, tuple[object, object]], name: str
) -> None:
    live, recorded = runs[name]
    spec = getattr(part3, name)(live, reference=recorded).to_dict()
    rows = _rows(spec)
    assert {row[charts.RUN_FIELD] for row in rows} == {charts.THIS_RUN, charts.REFERENCE_RUN}
    details = {row[charts.RUN_FIELD]: row[charts.RUN_DETAILS_FIELD] for row in rows}
    assert "another machine" in details[charts.THIS_RUN]
    assert "another machine" not in details[charts.REFERENCE_RUN]
    text = str(spec)
    assert "'opacity': {'field': 'Run'" in text
    assert charts.RUN_DETAILS_FIELD in text  # in the tooltip


def test_binary_trees_gives_each_run_its_own_row(runs: dict[str, tuple[object, object]]) -> None:
    live, recorded = runs["binary_trees_chart"]
    spec = part3.binary_trees_chart(live, reference=recorded).to_dict()
    assert spec["facet"]["row"]["field"] == charts.RUN_FIELD
    assert spec["resolve"]["scale"]["x"] == "independent"


def test_the_latency_chart_shows_the_reference_only_at_this_runs_sizes(
    runs: dict[str, tuple[object, object]],
) -> None:
    live, recorded = runs["latency_chart"]
    rows = _rows(part3.latency_chart(live, reference=recorded).to_dict())
    shown = {row["records"] for row in rows if row[charts.RUN_FIELD] == charts.REFERENCE_RUN}
    assert shown == set(live.latency.records)


@pytest.mark.parametrize("name", CHARTS)
def test_without_a_reference_a_chart_draws_one_run_as_before(
    runs: dict[str, tuple[object, object]], name: str
) -> None:
    live, _ = runs[name]
    spec = getattr(part3, name)(live).to_dict()
    assert _rows(spec)
    assert charts.RUN_FIELD not in str(spec)
