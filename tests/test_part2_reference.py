"""Part 2 against the reference (gorust.agreement, charts.with_reference): its headline figures
compute from the recorded tables, changing what one figure reads makes that figure, and only
it, differ, and with a reference every chart draws both runs, the reference faded."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from gorust import agreement, charts, part2
from gorust.part2 import headlines, pasted
from tests.conftest import assert_only_its_figure_differs, headline_reference, scaled_where

CHAPTER = "part2"
GO, TOKIO = headlines.GOROUTINE, headlines.TOKIO


@pytest.fixture(scope="module")
def reference() -> dict[str, pd.DataFrame]:
    return headline_reference(CHAPTER)


def _go_connections_heavier(frame: pd.DataFrame) -> pd.DataFrame:
    """Go's server memory above idle doubled at every connection count."""
    go = frame.language == "go"
    above = frame.loc[go, "server_peak_rss_bytes"] - frame.loc[go, "server_idle_rss_bytes"]
    frame.loc[go, "server_peak_rss_bytes"] += above
    return frame


def _task_heavier(label: str) -> Callable:
    """Every task of one model weighs twice what it did (its baseline unchanged)."""

    def change(memory: pd.DataFrame) -> pd.DataFrame:
        rows = (memory.label == label) & (memory.tasks > 0)
        base = memory[(memory.label == label) & (memory.tasks == 0)].peak_rss_bytes.median()
        memory.loc[rows, "peak_rss_bytes"] += memory.loc[rows, "peak_rss_bytes"] - base
        return memory

    return change


PERTURBATIONS: dict[str, tuple[str, Callable]] = {
    "Goroutine: bytes of peak RSS per waiting task, at 100,000": (
        "task_memory",
        _task_heavier(GO),
    ),
    "tokio task: bytes of peak RSS per waiting task, at 100,000": (
        "task_memory",
        _task_heavier(TOKIO),
    ),
    "Goroutine: time to start one, at 100,000": (
        "task_memory",
        scaled_where("spawn_s", 2.0, label=GO),
    ),
    "Go, GOMAXPROCS=1: worst tick beside the busy loop": (
        "preemption",
        scaled_where("lateness_ms", 2.0, variant="Go, GOMAXPROCS=1"),
    ),
    "tokio current_thread: worst tick beside the busy loop": (
        "preemption",
        scaled_where("lateness_ms", 2.0, variant="Rust tokio current_thread"),
    ),
    "Echo server memory per connection at 1,000, Go ÷ Rust": (
        "connections",
        _go_connections_heavier,
    ),
}


def test_every_figure_has_a_perturbation(reference: dict[str, pd.DataFrame]) -> None:
    assert [f.name for f in agreement.figures(CHAPTER, reference)] == list(PERTURBATIONS)


@pytest.mark.parametrize("name", list(PERTURBATIONS))
def test_doubling_what_a_figure_reads_makes_it_alone_differ(
    reference: dict[str, pd.DataFrame], name: str
) -> None:
    table, change = PERTURBATIONS[name]
    assert_only_its_figure_differs(CHAPTER, reference, table, change, name)


# -- The reference on every chart ---------------------------------------------------------------
@pytest.fixture(scope="module")
def runs(reference: dict[str, pd.DataFrame]) -> dict[str, tuple[object, object]]:
    """A quick-sized "live" run on another machine (the reference's smaller sizes, first
    repetitions) and the reference itself, per chart."""
    memory = reference["task_memory"]
    ticks = reference["preemption"]
    conns = part2.connections.experiment.replayed()
    quick_conns = part2.ConnectionRuns(
        conns.runs[conns.runs.connections <= 5_000],
        conns.latency[conns.latency.connections <= 5_000].assign(cpu="another machine"),
    )
    return {
        "task_memory_chart": (
            memory[(memory.tasks <= 100_000) & (memory.repetition < 3)].assign(
                cpu="another machine"
            ),
            memory,
        ),
        "preemption_chart": (ticks[ticks.repetition < 3].assign(cpu="another machine"), ticks),
        "latency_chart": (quick_conns, conns),
    }


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


CHARTS = ("task_memory_chart", "preemption_chart", "latency_chart")


@pytest.mark.parametrize("name", CHARTS)
def test_with_a_reference_a_chart_draws_both_runs_the_reference_faded(
    runs: dict[str, tuple[object, object]], name: str
) -> None:
    live, recorded = runs[name]
    spec = getattr(part2, name)(live, reference=recorded).to_dict()
    rows = _rows(spec)
    assert {row[charts.RUN_FIELD] for row in rows} == {charts.THIS_RUN, charts.REFERENCE_RUN}
    details = {row[charts.RUN_FIELD]: row[charts.RUN_DETAILS_FIELD] for row in rows}
    assert "another machine" in details[charts.THIS_RUN]
    assert "another machine" not in details[charts.REFERENCE_RUN]
    text = str(spec)
    assert "'opacity': {'field': 'Run'" in text  # the reference faded, with a legend
    assert charts.RUN_DETAILS_FIELD in text  # in the tooltip


def test_the_latency_chart_shows_the_reference_only_at_this_runs_counts(
    runs: dict[str, tuple[object, object]],
) -> None:
    live, recorded = runs["latency_chart"]
    rows = _rows(part2.latency_chart(live, reference=recorded).to_dict())
    shown = {row["connections"] for row in rows if row[charts.RUN_FIELD] == charts.REFERENCE_RUN}
    assert shown == set(live.latency.connections)


@pytest.mark.parametrize("name", CHARTS)
def test_without_a_reference_a_chart_draws_one_run_as_before(
    runs: dict[str, tuple[object, object]], name: str
) -> None:
    live, _ = runs[name]
    spec = getattr(part2, name)(live).to_dict()
    assert _rows(spec)
    assert charts.RUN_FIELD not in str(spec)


# -- Experiment 3 reproduced by hand ------------------------------------------------------------
def test_the_echo_line_starts_the_server_gives_the_client_its_port_and_stops_it() -> None:
    from gorust import GoKernel, RustKernel

    line = pasted.echo_run_line(RustKernel(), GoKernel(), ["--connections", 10], "0", "1")
    assert line is not None
    server, rest = line.split(" & }", 1)
    assert "exec taskset -c 0 ../../../_build/programs/rust/echo_server" in server
    assert '--port "$port" --connections 10' in rest
    assert "taskset -c 1 ../../../../_build/programs/go/echo_client" in rest
    assert rest.index("echo_client") < rest.index('kill "$server"')
