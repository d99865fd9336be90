"""Part 3's claim rules: each verdict is computed from the recorded tables and can flip."""

from __future__ import annotations

import pandas as pd

from gorust import claims, stats
from gorust.part3.heap import (
    FORCED,
    NATURAL,
    HeapRuns,
    cycle_intervals,
    go_and_rust_latency,
    paused_windows,
)
from gorust.part3.trees import ARENA, BOX, DEFAULT, of_variant

CHAPTER = "part3"
ARTICLE_PAUSE_US = 500
WEB_PAUSE_US = 1000  # the article's "<1ms pause is fine"
FEW_MS = 10  # "every few milliseconds": a cycle at least every 10 ms
# Run-to-run spread of a pause p99 this large (largest over smallest window) is named.
LARGE_SPREAD = 3.0


def _us(seconds: pd.Series) -> pd.Series:
    return seconds * 1e6


def pause_range(windows: pd.DataFrame, case: str) -> str:
    """One case's pauses in words: the range of windows' p99 (whole pause and stopping) and
    the worst pause, or that no window of the case paused."""
    paused = paused_windows(windows, case)
    if paused.empty:
        return f"{case}: no pause in any window"
    p99, stop = _us(paused.pause_p99_s), _us(paused.stop_p99_s)
    over = int((p99 >= ARTICLE_PAUSE_US).sum())
    return (
        f"{case}: p99 {p99.min():,.0f}–{p99.max():,.0f} µs across {len(paused)} runs × sizes "
        f"({over} at or over {ARTICLE_PAUSE_US} µs), of which stopping the world "
        f"{stop.min():,.0f}–{stop.max():,.0f} µs; worst single pause "
        f"{_us(paused.pause_max_s).max():,.0f} µs"
    )


def _times(ratio: float) -> str:
    """A ratio with the precision it needs: 1.4×, 12×, 340×."""
    return f"{ratio:,.1f}×" if ratio < 10 else f"{ratio:,.0f}×"


def spread_of(p99_us: pd.Series) -> float:
    """Largest window p99 over the smallest."""
    return float(p99_us.max() / p99_us.min())


def pause_verdict(windows: pd.DataFrame) -> str:
    natural = paused_windows(windows, NATURAL)
    if natural.empty:
        return "inconclusive here: no natural collection paused in any window"
    p99 = _us(natural.pause_p99_s)
    over = int((p99 >= ARTICLE_PAUSE_US).sum())
    spread = spread_of(p99)
    noisy = (
        f"; p99 varied {spread:,.1f}× between runs on this shared machine"
        if spread >= LARGE_SPREAD
        else ""
    )
    worst = _us(natural.pause_max_s).max()
    if over == 0 and worst < ARTICLE_PAUSE_US:
        return f"holds: every natural pause stayed under 500 µs{noisy}"
    if over == 0:
        return (
            "depends: every run's p99 of natural collections stayed under 500 µs, but the "
            f"worst single pause was {worst:,.0f} µs{noisy}"
        )
    if over * 2 >= len(p99):
        return f"does not hold: {over} of {len(p99)} runs' p99 reached 500 µs or more{noisy}"
    return (
        f"depends: {over} of {len(p99)} runs' p99 reached 500 µs or more, the rest stayed "
        f"under{noisy}"
    )


@claims.rule(
    CHAPTER,
    claim="Go: “In 2025, pauses are tiny (<500 microseconds)”",
    anchor="Go 1.8: “usually under 100 microseconds”; GC guide",
    tables=("live_heap",),
)
def gc_pauses(t: claims.Tables) -> claims.Finding:
    windows = t["live_heap"]
    measured = (
        f"Go's stop-the-world pauses, judged on {pause_range(windows, NATURAL)}. Second case, "
        f"{pause_range(windows, FORCED)}."
    )
    return claims.Finding(measured, pause_verdict(windows))


@claims.rule(
    CHAPTER,
    claim="Go: “Stop the World”. “Every few milliseconds, the GC runs”",
    anchor="GC guide: a cycle starts when the heap reaches live × (1 + GOGC/100)",
    tables=("live_heap",),
)
def gc_frequency(t: claims.Tables) -> claims.Finding:
    cycles = cycle_intervals(t["live_heap"])
    every = ", ".join(
        f"{ms:,.0f} ms" if pd.notna(ms) else "— (none in the window)" for ms in cycles.every_ms
    )
    sizes = ", ".join(f"{r:,}" for r in cycles.records)
    rates = f"{cycles.alloc_mb_per_s.min():,.0f}–{cycles.alloc_mb_per_s.max():,.0f} MB/s"
    measured = (
        f"At {rates} of allocation, a natural cycle started every {every} at {sizes} live "
        "records; each stops the world twice, briefly; marking runs concurrently."
    )
    shortest = cycles.every_ms.min()
    if pd.notna(shortest) and shortest <= FEW_MS:
        verdict = f"holds here: a cycle every {shortest:,.0f} ms at the smallest heap"
    else:
        verdict = (
            "does not hold: cycles came no more often than every "
            + (f"{shortest:,.0f} ms" if pd.notna(shortest) else "window")
            + ", and only the short pauses stop the world"
        )
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="Rust: “No GC pauses. Tail latency (p99) is flat”",
    anchor="Discord 2020: Rust “no spikes”",
    tables=("live_heap", "live_heap_latency"),
)
def rust_flat_p99(t: claims.Tables) -> claims.Finding:
    go, rust = go_and_rust_latency(HeapRuns.from_tables(t))
    ratio = (go.p99_us / rust.p99_us).dropna()
    measured = (
        "Request p99, Go ÷ Rust, per heap size: "
        + ", ".join(f"{_times(r)} at {n:,}" for n, r in ratio.items())
        + f"; Rust's p99 ranged {rust.p99_us.min():,.1f}–{rust.p99_us.max():,.1f} µs."
    )
    if rust.p99_us.max() >= WEB_PAUSE_US:
        verdict = f"does not hold: Rust's p99 reached {rust.p99_us.max() / 1e3:,.2f} ms"
    elif (ratio > 1).all():
        verdict = "holds: Rust's p99 stayed under 1 ms at every heap size, below Go's"
    else:
        verdict = "inconclusive here: Go's p99 was as low as Rust's at some heap size"
    return claims.Finding(measured, verdict)


def _natural_go(windows: pd.DataFrame) -> pd.DataFrame:
    go = windows[windows.language == "go"]
    return go[~go.variant.str.contains("runtime.GC", regex=False)]


def web_verdict(windows: pd.DataFrame) -> str:
    natural = _natural_go(windows)
    paused = natural[natural.gc_pauses > 0]
    worst_pause = _us(paused.pause_p99_s).max() if not paused.empty else 0.0
    if worst_pause >= WEB_PAUSE_US:
        return f"does not hold: natural pauses reached {worst_pause:,.0f} µs at p99"
    slow = natural[natural.p99_ns / 1e3 >= WEB_PAUSE_US]
    if slow.empty:
        return "holds: pauses and Go's request p99 both stayed under 1 ms"
    without_cycle = int((slow.gc_cycles == 0).sum())
    slow_share = f"Go's request p99 passed 1 ms in {len(slow)} of {len(natural)} runs × sizes"
    if without_cycle:
        return (
            f"inconclusive here: {slow_share}, {without_cycle} of them with no collection in "
            "the window: the machine, not the collector, set that tail"
        )
    return (
        f"depends: pauses stayed under 1 ms, but {slow_share}, every one of them a window in "
        "which the collector ran: on the allocation rate and the CPU left for concurrent "
        "marking, not on pause length"
    )


@claims.rule(
    CHAPTER,
    claim="Go is fine “for 99% of web apps where <1ms pause is fine”",
    anchor="GC guide: GOGC and GOMEMLIMIT trade memory for CPU",
    tables=("live_heap", "live_heap_latency"),
)
def web_apps(t: claims.Tables) -> claims.Finding:
    runs = HeapRuns.from_tables(t)
    go, _ = go_and_rust_latency(runs)
    cycled = go[go.gc_cycles > 0].gc_cpu_fraction.dropna()
    share = (
        f"; the collector took {cycled.min():.0%}–{cycled.max():.0%} of CPU time where it ran"
        if not cycled.empty
        else ""
    )
    measured = (
        f"Go request p99 {go.p99_us.min() / 1e3:,.2f}–{go.p99_us.max() / 1e3:,.2f} ms across "
        f"heap sizes (median of runs), with natural pauses' p99 at most "
        f"{_us(paused_windows(runs.windows, NATURAL).pause_p99_s).max():,.0f} µs{share}."
    )
    return claims.Finding(measured, web_verdict(runs.windows))


def _ratio_text(ratio: stats.Ratio) -> str:
    return f"{ratio.value:.1f}× ({ratio.low:.1f}–{ratio.high:.1f}, {ratio.interval})"


@claims.rule(
    CHAPTER,
    claim="Rust is faster on allocation-heavy work (“Zero GC”)",
    anchor="Benchmarks Game binary-trees: the fastest Rust entries use arenas",
    tables=("binary_trees", "live_heap", "live_heap_latency"),
    source="course",
)
def allocation_heavy(t: claims.Tables) -> claims.Finding:
    trees = t["binary_trees"]
    go = of_variant(trees, DEFAULT)
    box = stats.ratio_of_medians(go.wall_s, of_variant(trees, BOX).wall_s)
    arena = stats.ratio_of_medians(go.wall_s, of_variant(trees, ARENA).wall_s)
    cpu = stats.ratio_of_medians(go.cpu_s, of_variant(trees, BOX).cpu_s)
    go_lat, rust_lat = go_and_rust_latency(HeapRuns.from_tables(t))
    memory = (go_lat.rss_mib / rust_lat.rss_mib).dropna()
    measured = (
        f"binary-trees at depth {int(trees.depth.iloc[0])}: Go at GOGC=100 took "
        f"{_ratio_text(box)} the wall time of Rust with Box and {_ratio_text(arena)} that of "
        f"Rust with an arena, and {_ratio_text(cpu)} Box's CPU time (user + system; Go's "
        f"collector works on a second core); Go used {memory.min():.1f}–{memory.max():.1f}× "
        "Rust's RSS for the same live records."
    )
    if box.above(1.1) and arena.above(1.1):
        verdict = "holds"
    elif box.below(0.9):
        verdict = "does not hold here: Go was faster than Rust with Box"
    else:
        verdict = "inconclusive here: Go and Rust with Box are within noise of each other"
    return claims.Finding(measured, verdict)
