"""Part 3's charts of the live-heap runs: pauses, request latency and memory."""

from __future__ import annotations

import altair as alt
import pandas as pd

from gorust import beside, charts
from gorust.part3.heap import RATE, HeapRuns, is_forced, pause_summary

ARTICLE_PAUSE_US = 500
GO18_PAUSE_US = 100
PAUSE_STATISTICS = {
    "pause_p99_us": "p99, whole pause",
    "stop_p99_us": "p99, stopping only",
    "pause_max_us": "worst of all runs",
}


def _pause_axes(long: pd.DataFrame) -> tuple[alt.X, alt.Y]:
    """Live heap and pause, both log scales ticked at powers of ten only: the default log ticks
    ran together ("1,0002,0004,000")."""
    x = alt.X(
        "live_heap_mib:Q",
        scale=alt.Scale(type="log", nice=False, padding=30),
        title="live heap after the cycle (MiB, log)",
        axis=alt.Axis(values=charts.powers_of_ten(long.live_heap_mib), format=",~g"),
    )
    y = alt.Y(
        "pause_us:Q",
        scale=alt.Scale(type="log"),
        title="stop-the-world pause (µs, log)",
        axis=alt.Axis(values=charts.powers_of_ten(long.pause_us), format=",~g"),
    )
    return x, y


def pause_chart(runs: HeapRuns, reference: HeapRuns | None = None) -> alt.FacetChart:
    """Go's pauses (pause_summary) against the live heap; live, the reference's beside them,
    faded (the live heap is the x axis, so both profiles' sizes share it)."""
    windows = beside.stacked(runs.windows, None if reference is None else reference.windows)
    pauses = pause_summary(HeapRuns(windows, runs.latency))
    long = pauses.melt(
        id_vars=["case", "live_heap_mib", *beside.run_columns(pauses)],
        value_vars=list(PAUSE_STATISTICS),
        var_name="statistic",
        value_name="pause_us",
    )
    long["statistic"] = long.statistic.map(PAUSE_STATISTICS)
    long = long[long.pause_us > 0]  # a log scale has no zero
    x, y = _pause_axes(long)
    lines = (
        alt.Chart()
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True))
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "statistic:N",
                sort=list(PAUSE_STATISTICS.values()),
                scale=alt.Scale(range=[charts.COLORS["Go"], "#7fb8c9", "#333"]),
                title=None,
            ),
            **beside.run_encodings(long),
            tooltip=[
                alt.Tooltip("live_heap_mib:Q", title="live heap (MiB)", format=",.0f"),
                "statistic",
                alt.Tooltip("pause_us:Q", title="µs", format=",.0f"),
                *beside.run_tooltip(long),
            ],
        )
    )
    references = (
        alt.Chart().mark_rule(color="#888", strokeDash=[5, 4]).encode(y=alt.datum(ARTICLE_PAUSE_US))
    )
    go18 = alt.Chart().mark_rule(color="#bbb", strokeDash=[2, 3]).encode(y=alt.datum(GO18_PAUSE_US))
    return (
        alt.layer(references, go18, lines, data=long)
        .properties(width=260, height=220)
        .facet(column=alt.Column("case:N", title=None, header=alt.Header(labelFontWeight="bold")))
        .properties(
            title=alt.Title(
                "Go's stop-the-world pauses as the live heap grows",
                subtitle=[
                    "runtime/metrics /sched/pauses/total/gc and /stopping/gc; median of runs' "
                    "p99 (worst: maximum of all runs)",
                    "dashed: the article's “<500 µs”; dotted: Go 1.8's “usually under 100 µs”",
                ],
            ),
            description="GC pause percentiles against live heap size, natural and forced "
            "collections, with the article's claim",
        )
    )


def latency_chart(runs: HeapRuns, reference: HeapRuns | None = None) -> alt.FacetChart:
    """Request latency percentiles per heap size; live, the reference's at the sizes this run
    measured too, faded."""
    latency = beside.stacked(
        runs.latency,
        beside.shared_facets(
            None if reference is None else reference.latency, runs.latency, "records"
        ),
    )
    plain = latency[~is_forced(latency)]
    by = ["language", "records", "percentile", *beside.run_columns(latency)]
    medians = plain.groupby(by, sort=False).latency_ns.median().reset_index()
    medians["latency_us"] = medians.latency_ns / 1e3
    return beside.percentiles_by_run(
        medians,
        facet="records",
        facet_unit="records",
        y_title="request latency (µs, log)",
        width=200,
        height=240,
    ).properties(
        title=alt.Title(
            f"Request latency against a live heap, {RATE:,} requests per second",
            subtitle="measured from when each request was due; Go at GOGC=100; median of runs",
        ),
        description="Latency percentile distributions, Go and Rust, per heap size",
    )


def memory_chart(runs: HeapRuns, reference: HeapRuns | None = None) -> alt.Chart:
    """Resident memory against live records; live, the reference's beside it, faded."""
    windows = beside.stacked(runs.windows, None if reference is None else reference.windows)
    plain = windows[~is_forced(windows)]
    by = ["language", "records", *beside.run_columns(windows)]
    frame = charts.with_language_names(
        plain.groupby(by, sort=False)
        .agg(rss_bytes=("rss_bytes", "median"), live_heap_bytes=("live_heap_bytes", "median"))
        .reset_index()
    )
    frame["rss_mib"] = frame.rss_bytes / 2**20
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True))
        .encode(
            # The axes end at the data (no empty decade out to 100M) and tick at powers of ten
            # (the default ticks ran together: "3,000,0005,000,000").
            x=alt.X(
                "records:Q",
                scale=alt.Scale(type="log", nice=False, padding=12),
                title="live records (log)",
                axis=alt.Axis(values=charts.log_ticks(frame.records), format="~s"),
            ),
            y=alt.Y(
                "rss_mib:Q",
                scale=alt.Scale(type="log", nice=False, padding=12),
                title="resident memory (MiB, log)",
                axis=alt.Axis(values=charts.log_ticks(frame.rss_mib), format=",~g"),
            ),
            color=charts.language_color(),
            **beside.run_encodings(frame),
            tooltip=[
                "Language",
                alt.Tooltip("records:Q", format=","),
                alt.Tooltip("rss_mib:Q", title="RSS (MiB)", format=",.0f"),
                alt.Tooltip("live_heap_bytes:Q", title="Go live heap (bytes)", format=","),
                *beside.run_tooltip(frame),
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
