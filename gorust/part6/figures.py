"""Part 6's charts: latency over time with Go's collections, memory, and work time."""

from __future__ import annotations

import altair as alt
import pandas as pd

from gorust import charts
from gorust.part6.serving import VARIANTS, ReadStateRuns


def _latency_over_time_data(result: ReadStateRuns) -> pd.DataFrame:
    """The first run's p99 and max per bin, long, with Go's collections as spans: one data set
    for both layers, so that each facet shows its own variant's collections."""
    first = charts.with_language_names(result.bins[result.bins.repetition == 0])
    first = first.melt(
        id_vars=["variant", "Language", "t_s"],
        value_vars=["p99_us", "max_us"],
        var_name="statistic",
        value_name="latency_us",
    )
    first["statistic"] = first.statistic.map({"p99_us": "p99", "max_us": "max"})
    cycles = result.cycles[result.cycles.repetition == 0]
    spans = cycles[["variant", "start_s", "end_s"]]
    return pd.concat([first, spans], ignore_index=True)


def latency_over_time_chart(result: ReadStateRuns) -> alt.Chart:
    order = [v.label for v in VARIANTS]
    base = alt.Chart(_latency_over_time_data(result))
    shades = (
        base.transform_filter("isValid(datum.start_s)")
        .mark_rect(color="#f3e3a0", opacity=0.8)
        .encode(
            x="start_s:Q",
            x2="end_s:Q",
            tooltip=[
                alt.Tooltip("start_s:Q", title="collection starts (s)", format=".2f"),
                alt.Tooltip("end_s:Q", title="ends (s)", format=".2f"),
            ],
        )
    )
    lines = (
        base.transform_filter("isValid(datum.latency_us)")
        .mark_line(strokeWidth=1.5, point=alt.OverlayMarkDef(size=10))
        .encode(
            x=alt.X("t_s:Q", title="time (s); shaded: a Go collection is running"),
            y=alt.Y("latency_us:Q", scale=alt.Scale(type="log"), title="latency (µs, log)"),
            color=charts.language_color(),
            strokeDash=alt.StrokeDash(
                "statistic:N",
                sort=["max", "p99"],
                legend=alt.Legend(
                    orient="top", title=None, symbolType="stroke", symbolStrokeWidth=2
                ),
            ),
            tooltip=[
                "variant",
                "statistic",
                alt.Tooltip("t_s:Q", title="bin start (s)"),
                alt.Tooltip("latency_us:Q", title="µs", format=",.1f"),
            ],
        )
    )
    return charts.one_row_per_variant(
        alt.layer(shades, lines), order, width=600, height=85
    ).properties(
        title=alt.Title(
            f"Read-state latency over time, per {result.settings.bin_ms} ms bin",
            subtitle="first run of each variant; 20,000 requests per second; "
            "collections from GODEBUG=gctrace=1",
        ),
        description=f"p99 and max latency per time bin for {len(VARIANTS)} LRU cache variants, "
        "GC cycles shaded",
    )


def memory_chart(result: ReadStateRuns) -> alt.Chart:
    first = charts.with_language_names(result.bins[result.bins.repetition == 0])
    first = first.assign(rss_mib=first.rss_bytes / 2**20)
    return (
        alt.Chart(first)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("t_s:Q", title="time (s)"),
            y=alt.Y("rss_mib:Q", title="resident memory (MiB)", scale=alt.Scale(zero=False)),
            color=charts.language_color(),
            strokeDash=alt.StrokeDash(
                "variant:N",
                sort=[v.label for v in VARIANTS],
                legend=alt.Legend(
                    orient="right",
                    title=None,
                    labelLimit=300,
                    symbolType="stroke",
                    symbolStrokeWidth=2,
                ),
            ),
            tooltip=[
                "variant",
                alt.Tooltip("t_s:Q", title="s"),
                alt.Tooltip("rss_mib:Q", title="MiB", format=",.0f"),
            ],
        )
        .properties(
            title=alt.Title("Memory of the same cache", subtitle="RSS sampled during the run"),
            description=f"Resident memory over time for {len(VARIANTS)} LRU cache variants",
        )
    )


def work_chart(result: ReadStateRuns) -> alt.Chart:
    runs = charts.with_language_names(result.runs)
    long = runs.melt(
        id_vars=["variant", "Language", "repetition"],
        value_vars=["serving_s", "gc_cpu_s"],
        var_name="part",
        value_name="seconds",
    )
    long["part"] = long.part.map({"serving_s": "serving requests", "gc_cpu_s": "garbage collector"})
    medians = (
        long.groupby(["variant", "Language", "part"], sort=False).seconds.median().reset_index()
    )
    return (
        alt.Chart(medians)
        .mark_bar()
        .encode(
            y=alt.Y(
                "variant:N",
                sort=[v.label for v in VARIANTS],
                title=None,
                axis=alt.Axis(labelLimit=300),
            ),
            x=alt.X(
                "seconds:Q", title="seconds of work during the run (median of runs)", stack=True
            ),
            color=charts.language_color(),
            opacity=alt.Opacity(
                "part:N",
                scale=alt.Scale(
                    domain=["serving requests", "garbage collector"], range=[1.0, 0.45]
                ),
                legend=alt.Legend(orient="top", title=None),
            ),
            tooltip=["variant", "part", alt.Tooltip("seconds:Q", title="s", format=".3f")],
        )
        .properties(
            title=alt.Title(
                "Work: serving and collecting",
                subtitle="serving: wall time inside cache operations; collector: Go's "
                "/cpu/classes/gc/total:cpu-seconds",
            ),
            description="Work per variant split into serving time and garbage-collector CPU",
        )
    )
