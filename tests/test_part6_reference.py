"""Part 6 against the reference (gorust.agreement, charts.with_reference): its headline figures
compute from the recorded tables, changing what one figure reads makes that figure, and only
it, differ, and with a reference every chart draws both runs, each in its own column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import pytest

from gorust import agreement, charts, part6
from gorust.part6 import headlines
from gorust.part6.verdicts import INDEXED, POINTER, TUNED
from tests.conftest import assert_only_its_figure_differs, changed, headline_reference

CHAPTER = "part6"
CHARTS = (part6.latency_over_time_chart, part6.memory_chart, part6.work_chart)


@pytest.fixture(scope="module")
def reference() -> dict[str, pd.DataFrame]:
    return headline_reference(CHAPTER)


def test_the_headline_figures_compute_from_the_recorded_tables(
    reference: dict[str, pd.DataFrame],
) -> None:
    figures = agreement.figures(CHAPTER, reference)
    assert [f.name for f in figures] == [
        headlines.P999_RATIO,
        headlines.WORK_RATIO,
        headlines.POINTER_SPIKE,
        headlines.INDEXED_SPIKE,
        headlines.TUNED_CYCLES,
    ]
    for figure in figures:
        assert figure.low <= figure.value <= figure.high, figure
        assert figure.rules, f"{figure.name}: no claim rests on it"
    compared = agreement.compare(figures, figures)
    assert set(compared.agreement) == {agreement.AGREES}


def _scaled_runs(variant: str, factor: float, *columns: str) -> Callable:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        mine = frame.variant == variant
        for column in columns:
            frame.loc[mine, column] = frame.loc[mine, column] * factor
        return frame

    return change


def _spikes_doubled(reference: dict[str, pd.DataFrame], variant: str) -> Callable:
    """The variant's p99 doubled in the bins where a collection ran, and only there."""
    result = part6.ReadStateRuns.from_tables(reference)
    marked = part6.with_gc_marks(result.bins, result.cycles, result.settings.bin_ms / 1e3)
    during = (marked.variant == variant) & marked.gc_in_bin
    assert during.any(), f"{variant}: no bin of the reference saw a collection"

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[during.to_numpy(), "p99_us"] *= 2
        return frame

    return change


def _one_tuned_collection(frame: pd.DataFrame) -> pd.DataFrame:
    """GOGC=off collected once while serving, in its first run."""
    extra = frame[frame.variant == POINTER].head(1).assign(variant=TUNED, repetition=0)
    return pd.concat([frame, extra], ignore_index=True)


def _perturbations(reference: dict[str, pd.DataFrame]) -> dict[str, tuple[str, Callable]]:
    """Per figure: the table it reads and a change of it well beyond the runs' spread (the
    p99.9 ratio's interval is wide: two runs a side of a tail)."""
    return {
        headlines.P999_RATIO: ("read_states", _scaled_runs(POINTER, 4, "p999_us")),
        headlines.WORK_RATIO: ("read_states", _scaled_runs(POINTER, 2, "serving_s", "gc_cpu_s")),
        headlines.POINTER_SPIKE: ("read_states_bins", _spikes_doubled(reference, POINTER)),
        headlines.INDEXED_SPIKE: ("read_states_bins", _spikes_doubled(reference, INDEXED)),
        headlines.TUNED_CYCLES: ("read_states_gc_cycles", _one_tuned_collection),
    }


@pytest.mark.parametrize(
    "name",
    [
        headlines.P999_RATIO,
        headlines.WORK_RATIO,
        headlines.POINTER_SPIKE,
        headlines.INDEXED_SPIKE,
        headlines.TUNED_CYCLES,
    ],
)
def test_changing_what_a_figure_reads_makes_it_alone_differ(
    reference: dict[str, pd.DataFrame], name: str
) -> None:
    table, change = _perturbations(reference)[name]
    assert_only_its_figure_differs(CHAPTER, reference, table, change, name)


def test_a_run_without_a_collection_in_any_bin_leaves_its_spike_figure_out(
    reference: dict[str, pd.DataFrame],
) -> None:
    calm = changed(
        reference, "read_states_gc_cycles", lambda f: f[f.variant != INDEXED].reset_index()
    )
    names = [f.name for f in agreement.figures(CHAPTER, calm)]
    assert headlines.INDEXED_SPIKE not in names and headlines.POINTER_SPIKE in names


@pytest.fixture(scope="module")
def runs(reference: dict[str, pd.DataFrame]) -> tuple[part6.ReadStateRuns, part6.ReadStateRuns]:
    """A shorter "live" run (the reference's first seconds, as another machine) and the
    reference itself: two runs on different clocks, as a quick run against the full one."""
    recorded = part6.ReadStateRuns.from_tables(reference)
    live = replace(
        recorded,
        bins=recorded.bins[recorded.bins.t_s < 20],
        runs=recorded.runs.assign(cpu="another machine"),
    )
    return live, recorded


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.mark.parametrize("chart", CHARTS, ids=[c.__name__ for c in CHARTS])
def test_with_a_reference_a_chart_draws_both_runs_in_their_own_columns(
    runs: tuple[part6.ReadStateRuns, part6.ReadStateRuns], chart: Callable
) -> None:
    live, recorded = runs
    spec = chart(live, reference=recorded).to_dict()
    rows = _rows(spec)
    assert {row[charts.RUN_FIELD] for row in rows} == {charts.THIS_RUN, charts.REFERENCE_RUN}
    details = {row[charts.RUN_FIELD]: row[charts.RUN_DETAILS_FIELD] for row in rows}
    assert "another machine" in details[charts.THIS_RUN]
    assert "another machine" not in details[charts.REFERENCE_RUN]
    assert spec["facet"]["column"]["field"] == charts.RUN_FIELD
    assert spec["resolve"]["scale"]["x"] == "independent"
    assert charts.RUN_DETAILS_FIELD in str(spec["spec"])  # in the tooltip


@pytest.mark.parametrize("chart", CHARTS, ids=[c.__name__ for c in CHARTS])
def test_without_a_reference_a_chart_draws_one_run_as_before(
    runs: tuple[part6.ReadStateRuns, part6.ReadStateRuns], chart: Callable
) -> None:
    live, _ = runs
    spec = chart(live).to_dict()
    assert all(charts.RUN_FIELD not in row for row in _rows(spec))
    assert charts.RUN_FIELD not in str(spec)


@pytest.mark.parametrize("chart", CHARTS, ids=[c.__name__ for c in CHARTS])
def test_a_full_run_beside_the_full_reference_stays_within_altairs_inline_rows(
    runs: tuple[part6.ReadStateRuns, part6.ReadStateRuns], chart: Callable
) -> None:
    _, recorded = runs
    assert chart(recorded, reference=recorded).to_dict()  # MaxRowsError past 5,000 rows
