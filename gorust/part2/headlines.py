"""Part 2's headline figures (gorust.agreement): what this machine's run says beside the
reference's. A reader's live run is usually the quick profile and the reference the full one,
so each figure is read where both profiles measure (100,000 tasks, 1,000 connections, the
same 300 ms loop) and is a per-task cost, a lateness or a ratio, never a total."""

from __future__ import annotations

import pandas as pd

from gorust import agreement, claims, stats
from gorust.part2 import CHAPTER

COMMON_TASKS = 100_000  # the largest count both profiles run for every task model
COMMON_CONNECTIONS = 1_000  # the smallest count both profiles run
GOROUTINE, TOKIO = "Go goroutines", "Rust tokio tasks"


def bytes_per_task_samples(memory: pd.DataFrame, label: str, tasks: int) -> pd.Series:
    """Each repetition's peak RSS above its zero-task baseline, per task, at ``tasks``."""
    model = memory[memory.label == label].set_index(["repetition", "tasks"]).peak_rss_bytes
    at_count = model.xs(tasks, level="tasks")
    baseline = model.xs(0, level="tasks").reindex(at_count.index)
    return (at_count - baseline) / tasks


def spawn_us_samples(memory: pd.DataFrame, label: str, tasks: int) -> pd.Series:
    rows = memory[(memory.label == label) & (memory.tasks == tasks)]
    return rows.spawn_s / tasks * 1e6


def worst_lateness_samples(ticks: pd.DataFrame, variant: str) -> pd.Series:
    """The worst tick of each repetition of one variant (ms)."""
    return ticks[ticks.variant == variant].groupby("repetition").lateness_ms.max()


def kib_per_connection(conns: pd.DataFrame, language: str, count: int) -> pd.Series:
    rows = conns[(conns.language == language) & (conns.connections == count)]
    return (rows.server_peak_rss_bytes - rows.server_idle_rss_bytes) / count / 1024


@agreement.headlines(CHAPTER, tables=("task_memory", "preemption", "connections"))
def headline_figures(t: claims.Tables) -> list[agreement.Figure]:
    memory, ticks, conns = t["task_memory"], t["preemption"], t["connections"]
    at = f"{COMMON_TASKS:,}"
    return [
        agreement.Figure.of_samples(
            f"Goroutine: bytes of peak RSS per waiting task, at {at}",
            bytes_per_task_samples(memory, GOROUTINE, COMMON_TASKS),
            unit="bytes",
            rules=("goroutine_size", "future_size"),
        ),
        agreement.Figure.of_samples(
            f"tokio task: bytes of peak RSS per waiting task, at {at}",
            bytes_per_task_samples(memory, TOKIO, COMMON_TASKS),
            unit="bytes",
            rules=("future_size",),
        ),
        agreement.Figure.of_samples(
            f"Goroutine: time to start one, at {at}",
            spawn_us_samples(memory, GOROUTINE, COMMON_TASKS),
            unit="µs",
            rules=("spawn_100k",),
        ),
        agreement.Figure.of_samples(
            "Go, GOMAXPROCS=1: worst tick beside the busy loop",
            worst_lateness_samples(ticks, "Go, GOMAXPROCS=1"),
            unit="ms",
            rules=("go_preemption",),
        ),
        agreement.Figure.of_samples(
            "tokio current_thread: worst tick beside the busy loop",
            worst_lateness_samples(ticks, "Rust tokio current_thread"),
            unit="ms",
            rules=("tokio_cooperative",),
        ),
        agreement.Figure.of_ratio(
            f"Echo server memory per connection at {COMMON_CONNECTIONS:,}, Go ÷ Rust",
            stats.ratio_of_medians(
                kib_per_connection(conns, "go", COMMON_CONNECTIONS),
                kib_per_connection(conns, "rust", COMMON_CONNECTIONS),
            ),
            rules=("c10m",),
        ),
    ]
