"""Part 3's headline figures (gorust.agreement): what this machine's run says beside the
reference's. A reader's live run is usually the quick profile and the reference the full one
(a deeper tree, longer windows, one more heap size), so the figures are ratios and per-event
costs, and the live-heap ones are read at the one million records both profiles run."""

from __future__ import annotations

import pandas as pd

from gorust import agreement, claims, stats
from gorust.part3.heap import NATURAL, go_windows, is_forced
from gorust.part3.trees import ARENA, BOX, CHAPTER, DEFAULT, of_variant

COMMON_RECORDS = 1_000_000  # the smallest live heap, run by both profiles


def natural_go(windows: pd.DataFrame, records: int) -> pd.DataFrame:
    go = go_windows(windows)
    return go[(go.case == NATURAL) & (go.records == records)]


def plain_windows(windows: pd.DataFrame, language: str, records: int) -> pd.DataFrame:
    """The windows of one language at ``records``, without Go's forced collections."""
    plain = windows[~is_forced(windows)]
    return plain[(plain.language == language) & (plain.records == records)]


def trees_ratio(trees: pd.DataFrame, rust: str) -> stats.Ratio:
    return stats.ratio_of_medians(of_variant(trees, DEFAULT).wall_s, of_variant(trees, rust).wall_s)


def heap_ratio(windows: pd.DataFrame, column: str) -> stats.Ratio:
    return stats.ratio_of_medians(
        plain_windows(windows, "go", COMMON_RECORDS)[column],
        plain_windows(windows, "rust", COMMON_RECORDS)[column],
    )


def cycle_interval(name: str, natural: pd.DataFrame) -> agreement.Figure:
    """The window's length over the cycles it counted (median over windows), spread over what
    each count allows: n cycles in a window W put the interval between W/(n+1) and W/n. A
    quick run's short windows count two or three cycles, so without that its intervals could
    only be W/2 or W/3 and would differ from the reference's by the counting alone."""
    counted = natural[natural.gc_cycles > 0]
    if counted.empty:
        raise ValueError(f"{name}: no window saw a natural collection")
    window_ms, cycles = counted.window_s * 1e3, counted.gc_cycles
    return agreement.Figure(
        name,
        float((window_ms / cycles).median()),
        float((window_ms / (cycles + 1)).min()),
        float((window_ms / cycles).max()),
        "ms",
        ("gc_frequency",),
    )


@agreement.headlines(CHAPTER, tables=("binary_trees", "live_heap"))
def headline_figures(t: claims.Tables) -> list[agreement.Figure]:
    trees, windows = t["binary_trees"], t["live_heap"]
    natural = natural_go(windows, COMMON_RECORDS)
    paused = natural[natural.gc_pauses > 0]
    at = f"{COMMON_RECORDS:,} records"
    return [
        agreement.Figure.of_ratio(
            "binary-trees wall time, Go (GOGC=100) ÷ Rust (Box)",
            trees_ratio(trees, BOX),
            rules=("allocation_heavy",),
        ),
        agreement.Figure.of_ratio(
            "binary-trees wall time, Go (GOGC=100) ÷ Rust (arena)",
            trees_ratio(trees, ARENA),
            rules=("allocation_heavy",),
        ),
        agreement.Figure.of_samples(
            f"Go's p99 stop-the-world pause, natural collections, at {at}",
            paused.pause_p99_s * 1e6,
            unit="µs",
            rules=("gc_pauses", "web_apps"),
        ),
        cycle_interval(f"Time between natural collections, at {at}", natural),
        agreement.Figure.of_ratio(
            f"Request p99 latency at {at}, Go ÷ Rust",
            heap_ratio(windows, "p99_ns"),
            rules=("rust_flat_p99", "web_apps"),
        ),
        agreement.Figure.of_ratio(
            f"Resident memory at {at}, Go ÷ Rust",
            heap_ratio(windows, "rss_bytes"),
            rules=("allocation_heavy",),
        ),
    ]
