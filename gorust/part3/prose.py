"""The numbers and comparison words chapter 03's prose glues, computed from its tables."""

from __future__ import annotations

import pandas as pd

from gorust import claims, stats
from gorust.part3.heap import FORCED, NATURAL, cycle_intervals, paused_windows
from gorust.part3.trees import ARENA, BOX, DEFAULT, LIMITED, of_variant

CHAPTER = "part3"
MIB = 2**20


def _time_word(ratio: stats.Ratio) -> str:
    """ "less time" or "more time" only where the interval (or range) of the ratio says so."""
    if ratio.below(1.0):
        return "less time"
    if ratio.above(1.0):
        return "more time"
    return "about the same time"


def _memory_phrase(ratio: float) -> str:
    if ratio < 0.9:
        return "less peak memory than"
    if ratio > 1.1:
        return "more peak memory than"
    return "about the same peak memory as"


def _median_mib(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].median() / MIB)


def _go_variant_facts(trees: pd.DataFrame, label: str, key: str) -> dict[str, str]:
    default, variant = of_variant(trees, DEFAULT), of_variant(trees, label)
    ratio = stats.ratio_of_medians(variant.wall_s, default.wall_s)
    return {
        f"part3.{key}_time_word": _time_word(ratio),
        f"part3.{key}_wall_s": f"{variant.wall_s.median():.1f}",
        f"part3.{key}_cpu_s": f"{variant.cpu_s.median():.1f}",
        f"part3.{key}_rss_mib": f"{_median_mib(variant, 'peak_rss_bytes'):,.0f}",
    }


@claims.facts(CHAPTER, tables=("binary_trees",))
def tree_facts(t: claims.Tables) -> dict[str, str]:
    trees = t["binary_trees"]
    default, box, arena = (of_variant(trees, v) for v in (DEFAULT, BOX, ARENA))
    limited = of_variant(trees, LIMITED)
    rss_ratio = arena.peak_rss_bytes.median() / box.peak_rss_bytes.median()
    cpu = stats.ratio_of_medians(default.cpu_s, box.cpu_s)
    return {
        "part3.depth": f"{int(trees.depth.iloc[0])}",
        "part3.tree_live_mib": f"{limited.peak_live_bytes.iloc[0] / MIB:,.0f}",
        "part3.tree_limit_mib": f"{limited.memory_limit_bytes.iloc[0] / MIB:,.0f}",
        "part3.default_wall_s": f"{default.wall_s.median():.1f}",
        "part3.default_cpu_s": f"{default.cpu_s.median():.1f}",
        "part3.default_rss_mib": f"{_median_mib(default, 'peak_rss_bytes'):,.0f}",
        **_go_variant_facts(trees, "Go, GOGC=400", "gogc400"),
        **_go_variant_facts(trees, LIMITED, "limited"),
        "part3.box_wall_s": f"{box.wall_s.median():.1f}",
        "part3.arena_wall_s": f"{arena.wall_s.median():.1f}",
        "part3.go_cpu_vs_box": f"{cpu.value:.1f}",
        "part3.go_cpu_vs_box_interval": f"{cpu.low:.1f}–{cpu.high:.1f}, {cpu.interval}",
        "part3.arena_memory_phrase": _memory_phrase(rss_ratio),
        "part3.arena_rss_mib": f"{_median_mib(arena, 'peak_rss_bytes'):,.0f}",
        "part3.box_rss_mib": f"{_median_mib(box, 'peak_rss_bytes'):,.0f}",
    }


def _p99_range(windows: pd.DataFrame, case: str, column: str) -> str:
    paused = paused_windows(windows, case)
    values = paused[column] * 1e6
    return f"{values.min():,.0f}–{values.max():,.0f}"


def _pause_facts(windows: pd.DataFrame) -> dict[str, str]:
    forced = paused_windows(windows, FORCED)
    smallest = forced[forced.records == forced.records.min()]
    rest = forced[forced.records > forced.records.min()]
    stopping_share = (forced.stop_p99_s / forced.pause_p99_s).median()
    smallest_longer = len(rest) and smallest.pause_p99_s.median() > rest.pause_p99_s.median()
    return {
        "part3.natural_p99_us": _p99_range(windows, NATURAL, "pause_p99_s"),
        "part3.natural_stop_p99_us": _p99_range(windows, NATURAL, "stop_p99_s"),
        "part3.natural_max_us": f"{paused_windows(windows, NATURAL).pause_max_s.max() * 1e6:,.0f}",
        "part3.forced_smallest_p99_us": _p99_range(smallest, FORCED, "pause_p99_s"),
        "part3.forced_rest_p99_us": _p99_range(rest, FORCED, "pause_p99_s") if len(rest) else "—",
        "part3.forced_stop_p99_us": _p99_range(windows, FORCED, "stop_p99_s"),
        "part3.forced_smallest_word": "longer than" if smallest_longer else "no longer than",
        "part3.forced_stopping_part": "most" if stopping_share >= 0.5 else "a small part",
        "part3.smallest_records": f"{int(forced.records.min()):,}",
    }


def _cycle_every(cycled: pd.DataFrame, heap_at: pd.Series) -> str:
    """How often natural cycles came, at the smallest and largest heap that had one."""
    if cycled.empty:
        return "no natural cycle in any window"

    def at(row: pd.Series) -> str:
        return f"every {row.every_ms:,.0f} ms with {heap_at[row.records] / MIB:,.0f} MiB live"

    if len(cycled) == 1:
        return f"{at(cycled.iloc[0])} (the only heap size that saw a cycle in its window)"
    return (
        f"{at(cycled.iloc[0])} and {at(cycled.iloc[-1])} (the largest heap that saw a cycle "
        "in its window)"
    )


def _natural_growth(windows: pd.DataFrame) -> str:
    """Whether natural pauses' p99 grew from the smallest to the largest heap that paused
    (more than doubled, median over runs)."""
    by_size = paused_windows(windows, NATURAL).groupby("records").pause_p99_s.median()
    if len(by_size) < 2:
        return "paused at one heap size only in this run, so it cannot show whether they grow with"
    return "grew with" if by_size.iloc[-1] > 2 * by_size.iloc[0] else "did not grow with"


@claims.facts(CHAPTER, tables=("live_heap",))
def heap_facts(t: claims.Tables) -> dict[str, str]:
    windows = t["live_heap"]
    go = windows[windows.language == "go"]
    cycles = cycle_intervals(windows)
    cycled = cycles[cycles.every_ms.notna()]
    heap_at = go.groupby("records").live_heap_bytes.median()
    return {
        "part3.sizes": ", ".join(f"{r / 1e6:,.0f}" for r in sorted(go.records.unique())),
        "part3.largest_heap_gib": f"{heap_at.max() / 2**30:,.1f}",
        "part3.window_s": f"{go.window_s.median():,.1f}",
        "part3.alloc_mb_per_s": f"{cycles.alloc_mb_per_s.median():,.0f}",
        "part3.cycle_every": _cycle_every(cycled, heap_at),
        "part3.natural_growth": _natural_growth(windows),
        **_pause_facts(windows),
    }
