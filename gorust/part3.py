"""Part 3 — Memory & Performance: what the garbage collector costs in time, memory and tail
latency, against Rust's ownership."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import altair as alt
import pandas as pd

from gorust import charts, stats
from gorust.claims import Claim
from gorust.experiments import experiment
from gorust.profile import Profile, current_profile
from gorust.runs import Variant

CHAPTER = "part3"


TREE_VARIANTS = (
    Variant("go", "Go, GOGC=100", env=(("GOGC", "100"),)),
    Variant("go", "Go, GOGC=400", env=(("GOGC", "400"),)),
    Variant(
        "go", "Go, GOGC=off + GOMEMLIMIT=64MiB", env=(("GOGC", "off"), ("GOMEMLIMIT", "64MiB"))
    ),
    Variant("rust", "Rust, Box", ("--alloc", "box")),
    Variant("rust", "Rust, bumpalo arena", ("--alloc", "arena")),
)
FORCED_GC_EVERY_MS = 100
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
ARTICLE_PAUSE_US = 500
GO18_PAUSE_US = 100


# -- Experiment 1: binary trees ------------------------------------------------------------------
@experiment(CHAPTER, programs=("binary_trees",))
def binary_trees(profile: Profile | None = None) -> pd.DataFrame:
    profile = profile or current_profile()
    depth = profile.pick(quick=16, full=21)
    frames = []
    for repetition in range(profile.repetitions):
        for variant in TREE_VARIANTS:
            kernel = variant.kernel
            result = kernel.run(
                "binary_trees",
                ["--depth", depth, *variant.args],
                env=dict(variant.env),
                timeout_s=600,
            )
            frame = result.frame
            frame["variant"], frame["repetition"] = variant.label, repetition
            frame["cpu_s"] = frame.user_s + frame.system_s
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def binary_trees_summary(trees: pd.DataFrame) -> pd.DataFrame:
    order = [v.label for v in TREE_VARIANTS]
    summary = (
        trees.groupby(["variant", "language"], sort=False)
        .agg(
            wall_s=("wall_s", "median"),
            wall_min=("wall_s", "min"),
            wall_max=("wall_s", "max"),
            cpu_s=("cpu_s", "median"),
            peak_rss_mib=("peak_rss_bytes", lambda s: s.median() / 2**20),
            runs=("wall_s", "size"),
            checks=("checks", "first"),
        )
        .reset_index()
    )
    baseline = trees[trees.variant == order[0]].wall_s
    summary["time_vs_go_default"] = [
        stats.ratio_of_medians(trees[trees.variant == v].wall_s, baseline).value
        for v in summary.variant
    ]
    return summary.set_index("variant").loc[order].reset_index()


def binary_trees_chart(trees: pd.DataFrame) -> alt.Chart:
    long = trees.assign(peak_rss_mib=trees.peak_rss_bytes / 2**20).melt(
        id_vars=["variant", "language", "repetition"],
        value_vars=["wall_s", "cpu_s", "peak_rss_mib"],
        var_name="metric",
    )
    long = charts.with_language_names(long)
    names = {
        "wall_s": "wall time (s)",
        "cpu_s": "CPU time, all threads (s)",
        "peak_rss_mib": "peak RSS (MiB)",
    }
    long["metric"] = long.metric.map(names)
    order = [v.label for v in TREE_VARIANTS]
    base = alt.Chart(long).encode(y=alt.Y("variant:N", sort=order, title=None))
    bars = base.mark_bar().encode(
        x=alt.X("median(value):Q", title=None),
        color=charts.language_color(),
        tooltip=[
            "variant",
            "metric",
            alt.Tooltip("median(value):Q", title="median", format=".3f"),
            alt.Tooltip("min(value):Q", title="min", format=".3f"),
            alt.Tooltip("max(value):Q", title="max", format=".3f"),
        ],
    )
    spread = base.mark_rule(color="#333").encode(x="min(value):Q", x2="max(value):Q")
    return (
        alt.layer(bars, spread)
        .properties(width=200, height=alt.Step(22))
        .facet(
            column=alt.Column(
                "metric:N",
                sort=list(names.values()),
                title=None,
                header=alt.Header(labelFontWeight="bold"),
            )
        )
        .resolve_scale(x="independent")
        .properties(
            title=alt.Title(
                "binary-trees: the same allocation-heavy work five ways",
                subtitle="bars: median of repeated runs; lines: min to max",
            ),
            description="Wall time, CPU time and peak memory of binary-trees in Go and Rust",
        )
    )


# -- Experiments 2 and 3: a live heap under requests ----------------------------------------------
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
        "--window-ms",
        profile.pick(quick=800, full=10_000),
        "--rate",
        50_000,
        "--response-bytes",
        4096,
    ]
    windows, latency = [], []
    for repetition in range(profile.repetitions):
        for variant in HEAP_VARIANTS:
            kernel = variant.kernel
            frame = kernel.run(
                "live_heap", [*args, *variant.args], env=dict(variant.env), timeout_s=900
            ).frame
            frame["variant"], frame["repetition"] = variant.label, repetition
            is_percentile = frame.percentile.notna()
            latency.append(frame[is_percentile].dropna(axis="columns", how="all"))
            windows.append(frame[~is_percentile].drop(columns=["percentile", "latency_ns"]))
    return HeapRuns(pd.concat(windows, ignore_index=True), pd.concat(latency, ignore_index=True))


def pause_summary(runs: HeapRuns) -> pd.DataFrame:
    """Go's stop-the-world pauses per heap size: medians over repetitions of each window's
    pause percentiles (upper bounds of runtime/metrics histogram buckets)."""
    go = runs.windows[runs.windows.language == "go"]
    summary = (
        go.groupby(["variant", "records"], sort=False)
        .agg(
            live_heap_mib=("live_heap_bytes", lambda s: s.median() / 2**20),
            gc_cycles=("gc_cycles", "median"),
            gc_pauses=("gc_pauses", "median"),
            pause_p50_us=("pause_p50_s", lambda s: s.median() * 1e6),
            pause_p99_us=("pause_p99_s", lambda s: s.median() * 1e6),
            pause_max_us=("pause_max_s", lambda s: s.max() * 1e6),
            gc_cpu_fraction=("gc_cpu_fraction", "median"),
            window_s=("requests", lambda s: s.median() / 50_000),
        )
        .reset_index()
    )
    return summary


def pause_chart(pauses: pd.DataFrame) -> alt.Chart:
    forced = pauses[pauses.variant.str.contains("runtime.GC")]
    long = forced.melt(
        id_vars=["live_heap_mib"],
        value_vars=["pause_p50_us", "pause_p99_us", "pause_max_us"],
        var_name="statistic",
        value_name="pause_us",
    )
    long["statistic"] = long.statistic.map(
        {"pause_p50_us": "p50", "pause_p99_us": "p99", "pause_max_us": "worst of all runs"}
    )
    x = alt.X(
        "live_heap_mib:Q",
        scale=alt.Scale(type="log", nice=False, padding=40),
        title="live heap after the cycle (MiB, log)",
    )
    y = alt.Y("pause_us:Q", scale=alt.Scale(type="log"), title="stop-the-world pause (µs, log)")
    lines = (
        alt.Chart(long)
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True), color=charts.COLORS["Go"])
        .encode(
            x=x,
            y=y,
            strokeDash=alt.StrokeDash("statistic:N", legend=None),
            tooltip=[
                alt.Tooltip("live_heap_mib:Q", title="live heap (MiB)", format=",.0f"),
                "statistic",
                alt.Tooltip("pause_us:Q", title="µs", format=",.0f"),
            ],
        )
    )
    # Each line is named at its last point instead of in a legend.
    last = long[long.live_heap_mib == long.live_heap_mib.max()]
    names = (
        alt.Chart(last)
        .mark_text(align="left", dx=8, color=charts.COLORS["Go"], fontWeight="bold")
        .encode(x=x, y=y, text="statistic:N")
    )
    references = pd.DataFrame(
        {
            "pause_us": [ARTICLE_PAUSE_US, GO18_PAUSE_US],
            "label": ["the article: “<500 µs”", "Go 1.8: “usually under 100 µs”"],
        }
    )
    rules = alt.Chart(references).mark_rule(color="#888", strokeDash=[5, 4]).encode(y="pause_us:Q")
    labels = (
        alt.Chart(references)
        .mark_text(align="left", dy=-7, color="#555")
        .encode(y="pause_us:Q", x=alt.value(4), text="label:N")
    )
    return (rules + labels + lines + names).properties(
        title=alt.Title(
            "Go's stop-the-world pauses as the live heap grows",
            subtitle="runtime/metrics /sched/pauses/total/gc:seconds; a collection forced every "
            f"{FORCED_GC_EVERY_MS} ms; median of runs (worst: maximum of all runs)",
        ),
        description="GC pause percentiles against live heap size, with the article's claim",
    )


def latency_summary(runs: HeapRuns) -> pd.DataFrame:
    plain = runs.windows[~runs.windows.variant.str.contains("runtime.GC")]
    return (
        plain.groupby(["variant", "records"], sort=False)
        .agg(
            p50_us=("p50_ns", lambda s: s.median() / 1e3),
            p99_us=("p99_ns", lambda s: s.median() / 1e3),
            p999_us=("p999_ns", lambda s: s.median() / 1e3),
            max_us=("max_ns", lambda s: s.median() / 1e3),
            rss_mib=("rss_bytes", lambda s: s.median() / 2**20),
            gc_cycles=("gc_cycles", "median"),
            runs=("p99_ns", "size"),
        )
        .reset_index()
    )


def latency_chart(runs: HeapRuns) -> alt.Chart:
    plain = runs.latency[~runs.latency.variant.str.contains("runtime.GC")]
    medians = (
        plain.groupby(["language", "records", "percentile"], sort=False)
        .latency_ns.median()
        .reset_index()
    )
    medians["latency_us"] = medians.latency_ns / 1e3
    return charts.percentile_distribution(
        medians,
        facet="records",
        facet_unit="records",
        y_title="request latency (µs, log)",
        width=200,
        height=240,
    ).properties(
        title=alt.Title(
            "Request latency against a live heap, 50,000 requests per second",
            subtitle="measured from when each request was due; Go at GOGC=100; median of runs",
        ),
        description="Latency percentile distributions, Go and Rust, per heap size",
    )


def memory_chart(runs: HeapRuns) -> alt.Chart:
    plain = runs.windows[~runs.windows.variant.str.contains("runtime.GC")]
    frame = charts.with_language_names(
        plain.groupby(["language", "records"], sort=False)
        .agg(rss_bytes=("rss_bytes", "median"), live_heap_bytes=("live_heap_bytes", "median"))
        .reset_index()
    )
    frame["rss_mib"] = frame.rss_bytes / 2**20
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True))
        .encode(
            x=alt.X("records:Q", scale=alt.Scale(type="log"), title="live records (log)"),
            y=alt.Y("rss_mib:Q", scale=alt.Scale(type="log"), title="resident memory (MiB, log)"),
            color=charts.language_color(),
            tooltip=[
                "Language",
                alt.Tooltip("records:Q", format=","),
                alt.Tooltip("rss_mib:Q", title="RSS (MiB)", format=",.0f"),
                alt.Tooltip("live_heap_bytes:Q", title="Go live heap (bytes)", format=","),
            ],
        )
        .properties(
            title=alt.Title(
                "Memory for the same live data",
                subtitle="RSS at the end of each request window (median of runs)",
            ),
            description="Resident memory against live records, Go and Rust",
        )
    )


# -- Claim check -----------------------------------------------------------------------------------
def claims(trees: pd.DataFrame, pauses: pd.DataFrame, latency: pd.DataFrame) -> list[Claim]:
    go_lat = latency[latency.variant.str.startswith("Go")].set_index("records")
    rust_lat = latency[latency.variant.str.startswith("Rust")].set_index("records")
    return [
        *_pause_claims(pauses),
        *_latency_claims(go_lat, rust_lat),
        _allocation_claim(trees, go_lat, rust_lat),
    ]


def _pause_claims(pauses: pd.DataFrame) -> list[Claim]:
    forced = pauses[pauses.variant.str.contains("runtime.GC")]
    natural = pauses[~pauses.variant.str.contains("runtime.GC")]
    worst_p99 = forced.pause_p99_us.max()
    worst = forced.pause_max_us.max()
    biggest = forced.live_heap_mib.max()
    cycles = natural.assign(
        every_ms=natural.window_s * 1e3 / natural.gc_cycles.where(natural.gc_cycles > 0)
    )
    if worst_p99 < ARTICLE_PAUSE_US and worst < ARTICLE_PAUSE_US:
        pause_verdict = "holds"
    elif worst_p99 < ARTICLE_PAUSE_US:
        pause_verdict = (
            f"depends: p99 stayed under 500 µs at every heap size; the single worst "
            f"pause was {worst:,.0f} µs"
        )
    else:
        pause_verdict = "does not hold here"
    slowest = cycles.every_ms.min()
    return [
        Claim(
            "Go: “In 2025, pauses are tiny (<500 microseconds)”",
            f"Stop-the-world pauses up to {biggest:,.0f} MiB of live heap: p99 at most "
            f"{worst_p99:,.0f} µs at any size; worst single pause {worst:,.0f} µs.",
            "Go 1.8: “usually under 100 microseconds”; GC guide",
            pause_verdict,
        ),
        Claim(
            "Go: “Stop the World”. “Every few milliseconds, the GC runs”",
            "At ~200 MB/s of allocation, a cycle started every "
            + ", ".join(
                f"{ms:,.0f} ms" if pd.notna(ms) else "— (none in the window)"
                for ms in cycles.every_ms
            )
            + f" at {', '.join(f'{r:,}' for r in cycles.records)} live records; each stops the "
            "world twice, briefly; marking runs concurrently.",
            "GC guide: a cycle starts when the heap reaches live × (1 + GOGC/100)",
            "does not hold: cycles come every tens or hundreds of milliseconds or less often, "
            "and only the short pauses stop the world"
            if pd.isna(slowest) or slowest > 10
            else "holds here: cycles every few milliseconds at this allocation rate",
        ),
    ]


def _latency_claims(go_lat: pd.DataFrame, rust_lat: pd.DataFrame) -> list[Claim]:
    ratio = (go_lat.p99_us / rust_lat.p99_us).dropna()
    return [
        Claim(
            "Rust: “No GC pauses. Tail latency (p99) is flat”",
            "Request p99, Go ÷ Rust, per heap size: "
            + ", ".join(f"{r:,.0f}× at {n:,}" for n, r in ratio.items())
            + f"; Rust's p99 ranged {rust_lat.p99_us.min():,.1f}–{rust_lat.p99_us.max():,.1f} µs.",
            "Discord 2020: Rust “no spikes”",
            "holds: Rust's p99 stayed in microseconds at every heap size, growing only with cache "
            "misses"
            if (ratio > 1).all() and rust_lat.p99_us.max() < 1000
            else "inconclusive here",
        ),
        Claim(
            "Go is fine “for 99% of web apps where <1ms pause is fine”",
            f"Go request p99: {go_lat.p99_us.min() / 1e3:,.2f}–{go_lat.p99_us.max() / 1e3:,.2f} ms "
            "across heap sizes, with pauses far below that: the tail comes from the collector's "
            "concurrent work (assists, CPU share) as much as from pauses.",
            "GC guide: GOGC and GOMEMLIMIT trade memory for CPU",
            "depends: on the allocation rate and the CPU headroom for concurrent marking, "
            "not on pause length",
        ),
    ]


def _allocation_claim(trees: pd.DataFrame, go_lat: pd.DataFrame, rust_lat: pd.DataFrame) -> Claim:
    go_default = trees[trees.variant == "Go, GOGC=100"].wall_s
    box = stats.ratio_of_medians(go_default, trees[trees.variant == "Rust, Box"].wall_s)
    arena = stats.ratio_of_medians(go_default, trees[trees.variant == "Rust, bumpalo arena"].wall_s)
    memory_ratio = (go_lat.rss_mib / rust_lat.rss_mib).dropna()
    return Claim(
        "Rust is faster on allocation-heavy work (“Zero GC”)",
        f"binary-trees: Go at GOGC=100 took {box.value:.1f}× the time of Rust with Box and "
        f"{arena.value:.1f}× that of Rust with an arena; Go used "
        f"{memory_ratio.min():.1f}–{memory_ratio.max():.1f}× Rust's RSS for the same live "
        "records.",
        "Benchmarks Game binary-trees: the fastest Rust entries use arenas",
        "holds"
        if box.above(1.1) and arena.above(1.1)
        else "does not hold here"
        if box.below(0.9)
        else "inconclusive here: Go and Rust with Box are within noise of each other",
    )
