"""Experiments 2 and 3: a live heap under a fixed rate of requests, with Go's collections
left to themselves (natural) and, as a second case, also forced every 100 ms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from gorust.charts import RUN_DETAILS_FIELD, RUN_FIELD
from gorust.experiments import experiment
from gorust.profile import Profile, current_profile
from gorust.runs import Variant

CHAPTER = "part3"
RATE = 50_000  # requests per second
RESPONSE_BYTES = 4096
FORCED_GC_EVERY_MS = 100
NATURAL, FORCED = "natural collections", f"also forced every {FORCED_GC_EVERY_MS} ms"
HEAP_VARIANTS = (
    Variant("go", "Go, GOGC=100", env=(("GOGC", "100"),)),
    Variant(
        "go",
        f"Go, GOGC=100 + runtime.GC() every {FORCED_GC_EVERY_MS} ms",
        ("--gc-every-ms", str(FORCED_GC_EVERY_MS)),
        (("GOGC", "100"),),
    ),
    Variant("rust", "Rust"),
)


@dataclass(frozen=True)
class HeapRuns:
    windows: pd.DataFrame  # one row per (variant, repetition, heap size)
    latency: pd.DataFrame  # latency percentiles of every window

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {"live_heap": self.windows, "live_heap_latency": self.latency}

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> HeapRuns:
        return cls(tables["live_heap"], tables["live_heap_latency"])


@experiment(
    CHAPTER, programs=("live_heap",), tables=("live_heap", "live_heap_latency"), result=HeapRuns
)
def live_heap(profile: Profile | None = None) -> HeapRuns:
    profile = profile or current_profile()
    records = profile.pick(
        quick="1000000,4000000,16000000", full="1000000,4000000,16000000,48000000"
    )
    args = [
        "--records",
        records,
        # 6 s per size in the full profile keeps the Part under 30 minutes on two cores
        # while still seeing natural collections at every size up to 16 million records.
        "--window-ms",
        profile.pick(quick=800, full=6_000),
        "--rate",
        RATE,
        "--response-bytes",
        RESPONSE_BYTES,
    ]
    windows, latency = [], []
    for repetition in range(profile.repetitions):
        for variant in HEAP_VARIANTS:
            frame = variant.kernel.run(
                "live_heap", [*args, *variant.args], env=dict(variant.env), timeout_s=900
            ).frame
            frame["variant"], frame["repetition"] = variant.label, repetition
            is_percentile = frame.percentile.notna()
            latency.append(frame[is_percentile].dropna(axis="columns", how="all"))
            windows.append(frame[~is_percentile].drop(columns=["percentile", "latency_ns"]))
    return HeapRuns(pd.concat(windows, ignore_index=True), pd.concat(latency, ignore_index=True))


def is_forced(frame: pd.DataFrame) -> pd.Series:
    return frame.variant.str.contains("runtime.GC", regex=False)


def go_windows(windows: pd.DataFrame) -> pd.DataFrame:
    """Go's windows, each labelled with its case (natural or forced collections)."""
    go = windows[windows.language == "go"].copy()
    go["case"] = is_forced(go).map({False: NATURAL, True: FORCED})
    return go


def paused_windows(windows: pd.DataFrame, case: str) -> pd.DataFrame:
    """Go's windows of one case that saw at least one pause (a window with none has no
    pause percentiles to judge)."""
    go = go_windows(windows)
    return go[(go.case == case) & (go.gc_pauses > 0)]


def pause_summary(runs: HeapRuns) -> pd.DataFrame:
    """Go's stop-the-world pauses per case and heap size, over the windows that had any:
    median, and run-to-run range, of each window's p99 (upper bounds of runtime/metrics
    histogram buckets); the total pause and the part of it spent stopping the world."""
    go = go_windows(runs.windows)
    go = go[go.gc_pauses > 0]
    micro = 1e6
    # A frame stacked with the reference (gorust.charts.with_reference) keeps the runs apart.
    by = ["case", "records", *[c for c in (RUN_FIELD, RUN_DETAILS_FIELD) if c in go]]
    return (
        go.groupby(by, sort=False)
        .agg(
            live_heap_mib=("live_heap_bytes", lambda s: s.median() / 2**20),
            windows=("gc_pauses", "size"),
            gc_cycles=("gc_cycles", "median"),
            pause_p50_us=("pause_p50_s", lambda s: s.median() * micro),
            pause_p99_us=("pause_p99_s", lambda s: s.median() * micro),
            pause_p99_min_us=("pause_p99_s", lambda s: s.min() * micro),
            pause_p99_max_us=("pause_p99_s", lambda s: s.max() * micro),
            pause_max_us=("pause_max_s", lambda s: s.max() * micro),
            stop_p99_us=("stop_p99_s", lambda s: s.median() * micro),
            stop_max_us=("stop_max_s", lambda s: s.max() * micro),
            gc_cpu_fraction=("gc_cpu_fraction", "median"),
        )
        .reset_index()
    )


def cycle_intervals(windows: pd.DataFrame) -> pd.DataFrame:
    """How often natural collections came, per heap size: the median window's length over its
    cycle count (NaN where no window saw a cycle), and the allocation rate that drove them."""
    go = go_windows(windows)
    natural = go[go.case == NATURAL]
    return (
        natural.groupby("records", sort=True)
        .agg(
            gc_cycles=("gc_cycles", "median"),
            window_s=("window_s", "median"),
            alloc_mb_per_s=("allocated_bytes", lambda s: s.median() / 1e6),
        )
        .assign(
            every_ms=lambda f: f.window_s * 1e3 / f.gc_cycles.where(f.gc_cycles > 0),
            alloc_mb_per_s=lambda f: f.alloc_mb_per_s / f.window_s,
        )
        .reset_index()
    )


def latency_summary(runs: HeapRuns) -> pd.DataFrame:
    plain = runs.windows[~is_forced(runs.windows)]
    return (
        plain.groupby(["variant", "records"], sort=False)
        .agg(
            p50_us=("p50_ns", lambda s: s.median() / 1e3),
            p99_us=("p99_ns", lambda s: s.median() / 1e3),
            p999_us=("p999_ns", lambda s: s.median() / 1e3),
            max_us=("max_ns", lambda s: s.median() / 1e3),
            rss_mib=("rss_bytes", lambda s: s.median() / 2**20),
            gc_cycles=("gc_cycles", "median"),
            gc_cpu_fraction=("gc_cpu_fraction", "median"),
            runs=("p99_ns", "size"),
        )
        .reset_index()
    )


def go_and_rust_latency(runs: HeapRuns) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The latency summary of Go (natural collections) and of Rust, indexed by records."""
    latency = latency_summary(runs)
    go = latency[latency.variant.str.startswith("Go")].set_index("records")
    rust = latency[latency.variant.str.startswith("Rust")].set_index("records")
    return go, rust
