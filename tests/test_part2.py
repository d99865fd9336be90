"""Part 2 in replay mode: its summaries, charts and claims from the reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gorust import claims, part2
from gorust.part2 import verdicts
from tests.conftest import changed, has_rows, recorded_tables, verdict_word


def test_part2_summaries_charts_and_claims_from_the_reference(replaying: Path) -> None:
    memory, ticks, conns = part2.task_memory(), part2.preemption(), part2.connections()

    assert not part2.bytes_per_task(memory).empty
    summary = part2.preemption_summary(ticks)
    has_rows(part2.task_memory_chart(memory))
    has_rows(part2.preemption_chart(ticks))
    has_rows(part2.latency_chart(conns))
    assert summary.starved.dtype == bool
    assert len(part2.preemption_verdicts(summary)) == len(part2.PREEMPTION_VARIANTS)
    assert not part2.connection_summary(conns.runs).empty
    assert "| Claim |" in claims.check("part2").data


# -- Flip tests: each rule's verdict moves when the data crosses its threshold ---------------------
GO, TOKIO = "Go goroutines", "Rust tokio tasks"


@pytest.fixture(scope="module")
def recorded() -> dict[str, pd.DataFrame]:
    return recorded_tables("part2")


def _future(bytes_: float | None):
    """task_memory whose tokio rows report a future of ``bytes_`` (None: no such column, as in
    a recording made before the program reported it)."""

    def change(memory: pd.DataFrame) -> pd.DataFrame:
        memory = memory.drop(columns="future_bytes", errors="ignore")
        if bytes_ is None:
            return memory
        return memory.assign(future_bytes=np.where(memory.label == TOKIO, bytes_, np.nan))

    return change


def _per_task_added(label: str, extra_bytes: float):
    """task_memory where every task of one model weighs ``extra_bytes`` more."""

    def change(memory: pd.DataFrame) -> pd.DataFrame:
        rows = memory.label == label
        memory.loc[rows, "peak_rss_bytes"] += memory.loc[rows, "tasks"] * extra_bytes
        return memory

    return change


def test_goroutine_size_flips(recorded: dict) -> None:
    rule = verdicts.goroutine_size
    assert verdict_word(rule, recorded) == "holds"
    heavy = changed(recorded, "task_memory", _per_task_added(GO, 8 * 1024))
    assert verdict_word(rule, heavy) == "does not hold"


def test_future_size_flips(recorded: dict) -> None:
    rule = verdicts.future_size
    without = changed(recorded, "task_memory", _future(None))
    assert verdict_word(rule, without) == "inconclusive here"
    small = changed(recorded, "task_memory", _future(144))
    assert verdict_word(rule, small) == "depends"
    assert "the future itself (std::mem::size_of_val) is 144 bytes" in rule(small).measured
    assert verdict_word(rule, changed(recorded, "task_memory", _future(4096))) == "does not hold"
    # A spawned task that weighs no more than its future: no allocation overhead to speak of.
    task = verdicts.largest(small).loc[TOKIO].bytes_per_task
    assert verdict_word(rule, changed(recorded, "task_memory", _future(task - 10))) == "holds"


def test_spawn_100k_flips(recorded: dict) -> None:
    rule = verdicts.spawn_100k
    assert verdict_word(rule, recorded) == "holds"

    def slow(memory: pd.DataFrame) -> pd.DataFrame:
        memory.loc[memory.label == GO, "spawn_s"] += 10.0
        return memory

    assert verdict_word(rule, changed(recorded, "task_memory", slow)) == "does not hold"
    few = changed(recorded, "task_memory", lambda m: m[m.tasks < 100_000])
    assert verdict_word(rule, few) == "inconclusive here"


def _lateness(variant: str, ms: float | None):
    """preemption with one variant's ticks all ``ms`` late (None: one tick a whole busy loop
    late, so the ticker counts as starved)."""

    def change(ticks: pd.DataFrame) -> pd.DataFrame:
        rows = ticks.variant == variant
        if ms is None:
            ticks.loc[rows, "lateness_ms"] = part2.BUSY_MS
        else:
            ticks.loc[rows, "lateness_ms"] = ms
        return ticks

    return change


def test_go_preemption_flips(recorded: dict) -> None:
    rule = verdicts.go_preemption
    assert verdict_word(rule, recorded) == "holds"
    starved = changed(recorded, "preemption", _lateness("Go, GOMAXPROCS=1", None))
    assert verdict_word(rule, starved) == "does not hold"
    assert "(starved)" in rule(starved).measured.split(";")[0]
    never = changed(recorded, "preemption", _lateness("Go, GODEBUG=asyncpreemptoff=1", 1.0))
    assert verdict_word(rule, never) == "inconclusive here"


def test_tokio_cooperative_flips(recorded: dict) -> None:
    rule = verdicts.tokio_cooperative
    assert verdict_word(rule, recorded) == "holds"
    assert rule(recorded).measured.startswith("Worst tick lateness: ")
    ran = changed(recorded, "preemption", _lateness("Rust tokio current_thread", 1.0))
    assert verdict_word(rule, ran) == "does not hold"
    assert "(not starved)" in rule(ran).measured.split(";")[0]
    broken = changed(recorded, "preemption", _lateness("Rust + yield_now()", None))
    assert verdict_word(rule, broken) == "inconclusive here"


def test_c10m_flips(recorded: dict) -> None:
    rule = verdicts.c10m
    assert verdict_word(rule, recorded) == "inconclusive here"

    def ten_million(runs: pd.DataFrame) -> pd.DataFrame:
        runs.loc[runs.connections == runs.connections.max(), "connections"] = verdicts.C10M
        return runs

    served = changed(recorded, "connections", ten_million)
    assert verdict_word(rule, served) == "holds"

    def with_errors(runs: pd.DataFrame) -> pd.DataFrame:
        runs = ten_million(runs)
        runs.loc[runs.language == "go", "errors"] = 5
        return runs

    assert verdict_word(rule, changed(recorded, "connections", with_errors)) == "does not hold"


def test_the_prose_follows_the_tables(recorded: dict) -> None:
    """The words the prose shows change with the data: which server answers faster, whether
    the machine was saturated, and how a goroutine compares with its stack."""
    glued = claims.glued_values("part2", recorded)
    runs = recorded["connections"]
    biggest = int(runs.connections.max())

    def rust_slow(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame.language == "rust", "p50_us"] *= 100
        return frame

    slowed = claims.glued_values("part2", changed(recorded, "connections", rust_slow))
    assert f"at {biggest:,} connections Go answers faster" in slowed["part2.median_latency"]

    def idle(frame: pd.DataFrame) -> pd.DataFrame:
        frame["server_cpu_s"], frame["user_s"], frame["system_s"] = 0.1, 0.1, 0.0
        return frame

    calm = claims.glued_values("part2", changed(recorded, "connections", idle))
    assert calm["part2.saturation"].startswith("server and client by themselves never")
    assert glued["part2.goroutine_vs_stack"].endswith("its 2 KiB initial stack")
    assert glued["part2.fixes"] == "Both fixes bring the ticker back"
    broken = changed(recorded, "preemption", _lateness("Rust + yield_now()", None))
    assert claims.glued_values("part2", broken)["part2.fixes"] == "Not both fixes worked"
    heavy = changed(recorded, "task_memory", _per_task_added(GO, 8 * 1024))
    assert claims.glued_values("part2", heavy)["part2.goroutine_vs_stack"].startswith("well over")
