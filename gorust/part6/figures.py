"""Part 6's charts: latency over time with Go's collections, memory, and work time.

Live, each chart draws the reference's run beside this machine's (``reference``, the
reference's result). The two profiles serve different cache sizes for different durations in
different bins, so the runs never share an axis: each gets its own column of panels.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from gorust import charts
from gorust.part6.serving import VARIANTS, ReadStateRuns

COLLECTION = "a Go collection is running"
COLLECTION_COLOUR = "#f3e3a0"
COLLECTION_EDGE = "#d4a800"


def _latency_over_time_data(result: ReadStateRuns) -> pd.DataFrame:
    """The first run's p99 and max per bin, with Go's collections as spans: one data set for
    both layers, so that each facet shows its own variant's collections. Wide, one row per
    bin (the chart folds the two statistics): a full run beside the full reference stays
    within the rows Altair inlines."""
    first = charts.with_language_names(result.bins[result.bins.repetition == 0])
    first = first[["variant", "Language", "t_s", "p99_us", "max_us"]]
    cycles = result.cycles[result.cycles.repetition == 0]
    spans = cycles[["variant", "start_s", "end_s"]]
    return pd.concat([first, spans], ignore_index=True)


def both_runs(
    build: Callable[[ReadStateRuns], pd.DataFrame],
    result: ReadStateRuns,
    reference: ReadStateRuns | None,
) -> pd.DataFrame:
    """``build``'s frame of this run, and of the reference's when given, stacked and marked
    with their runs (charts.with_reference), each run described by its summary rows: the
    frames the charts draw keep no provenance column of their own."""
    if reference is None:
        return build(result)
    stacked = charts.with_reference(build(result), build(reference))
    details = {
        charts.THIS_RUN: charts.run_details(result.runs),
        charts.REFERENCE_RUN: charts.run_details(reference.runs),
    }
    stacked[charts.RUN_DETAILS_FIELD] = stacked[charts.RUN_FIELD].map(details)
    return stacked


def run_column() -> alt.Column:
    return alt.Column(
        f"{charts.RUN_FIELD}:N",
        sort=[charts.THIS_RUN, charts.REFERENCE_RUN],
        title=None,
        header=alt.Header(labelFontWeight="bold", labelFontSize=12),
    )


def run_tooltip(reference: ReadStateRuns | None) -> list[alt.Tooltip]:
    return charts.run_tooltip() if reference is not None else []


def _bins_words(result: ReadStateRuns, reference: ReadStateRuns | None) -> str:
    if reference is None:
        return f"per {result.settings.bin_ms} ms bin"
    return (
        f"per time bin ({result.settings.bin_ms} ms on this machine, "
        f"{reference.settings.bin_ms} ms in the reference)"
    )


def _collection_marks(
    base: alt.Chart, reference: ReadStateRuns | None
) -> tuple[alt.Chart, alt.Chart]:
    """Go's collections, named in the legend: each one's span shaded, and a 2-px rule where it
    starts, since a cycle of a millisecond is as wide as a hair on a four-minute axis."""
    collections = base.transform_filter("isValid(datum.start_s)").transform_calculate(
        shown=f"'{COLLECTION}'"
    )
    tooltip = [
        alt.Tooltip("start_s:Q", title="collection starts (s)", format=".3f"),
        alt.Tooltip("end_s:Q", title="ends (s)", format=".3f"),
        *run_tooltip(reference),
    ]
    shades = collections.mark_rect(opacity=0.8).encode(
        x="start_s:Q",
        x2="end_s:Q",
        fill=alt.Fill(
            "shown:N",
            scale=alt.Scale(domain=[COLLECTION], range=[COLLECTION_COLOUR]),
            legend=alt.Legend(orient="top", title=None, symbolType="square"),
        ),
        tooltip=tooltip,
    )
    starts = collections.mark_rule(strokeWidth=2, color=COLLECTION_EDGE).encode(
        x="start_s:Q", tooltip=tooltip
    )
    return shades, starts


def latency_over_time_chart(
    result: ReadStateRuns, reference: ReadStateRuns | None = None
) -> alt.Chart:
    order = [v.label for v in VARIANTS]
    base = alt.Chart(both_runs(_latency_over_time_data, result, reference))
    shades, starts = _collection_marks(base, reference)
    lines = (
        base.transform_filter("isValid(datum.t_s)")
        .transform_fold(["p99_us", "max_us"], as_=["statistic", "latency_us"])
        .transform_calculate(statistic="datum.statistic === 'p99_us' ? 'p99' : 'max'")
        .transform_calculate(series="datum.Language + ', ' + datum.statistic")
        .mark_line(strokeWidth=1.5, point=alt.OverlayMarkDef(size=10))
        .encode(
            x=alt.X("t_s:Q", title="time (s)"),
            y=alt.Y(
                "latency_us:Q",
                scale=alt.Scale(type="log"),
                title="latency (µs, log)",
                # Every other power of ten: six labels in an 85-px panel ran together.
                axis=alt.Axis(values=[1, 100, 10_000, 1_000_000], format="~s"),
            ),
            # One legend for colour and dash: "Go, max", "Go, p99", "Rust, max", "Rust, p99".
            **charts.language_series({"max": [1, 0], "p99": [4, 3]}),
            tooltip=[
                "variant:N",
                "statistic:N",
                alt.Tooltip("t_s:Q", title="bin start (s)"),
                alt.Tooltip("latency_us:Q", title="µs", format=",.1f"),
                *run_tooltip(reference),
            ],
        )
    )
    if reference is None:
        faceted = charts.one_row_per_variant(
            alt.layer(shades, starts, lines), order, width=600, height=85
        )
    else:
        # Each run on its own clock: seconds of the quick profile beside minutes of the full.
        faceted = (
            alt.layer(shades, starts, lines)
            .properties(width=380, height=85)
            .facet(
                row=alt.Row("variant:N", sort=order, title=None, header=charts.row_header()),
                column=run_column(),
            )
            .resolve_scale(x="independent")
        )
    return faceted.properties(
        title=alt.Title(
            f"Read-state latency over time, {_bins_words(result, reference)}",
            subtitle="first run of each variant; 20,000 requests per second; "
            "collections from GODEBUG=gctrace=1",
        ),
        description=f"p99 and max latency per time bin for {len(VARIANTS)} LRU cache variants, "
        "GC cycles shaded",
    )


def _memory_data(result: ReadStateRuns) -> pd.DataFrame:
    first = charts.with_language_names(result.bins[result.bins.repetition == 0])
    # Only what the chart draws: every bin row carries the run's provenance, which would
    # otherwise be inlined into the page once per point (megabytes with the full profile's).
    first = first.assign(rss_mib=first.rss_bytes / 2**20)
    return first[["variant", "Language", "t_s", "rss_mib"]]


def by_run(chart: alt.Chart, reference: ReadStateRuns | None, **sizes: int) -> alt.Chart:
    """``chart`` as it is, or with the reference: a column per run, each with its own axes
    (the runs' cache sizes and durations differ with their profiles)."""
    if reference is None:
        return chart
    return (
        chart.properties(**sizes)
        .facet(column=run_column())
        .resolve_scale(x="independent", y="independent")
    )


def memory_chart(result: ReadStateRuns, reference: ReadStateRuns | None = None) -> alt.Chart:
    """RSS over time, one panel per variant (the variants differ by layout, not by a dash
    pattern to decode), every axis from zero so that the panels compare at a glance."""
    order = [v.label for v in VARIANTS]
    chart = (
        alt.Chart(both_runs(_memory_data, result, reference))
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("t_s:Q", title="time (s)"),
            y=alt.Y(
                "rss_mib:Q",
                title="RSS (MiB)",
                scale=alt.Scale(zero=True),
                axis=alt.Axis(tickCount=2, titleFontSize=11),
            ),
            color=charts.language_color(),
            tooltip=[
                "variant",
                alt.Tooltip("t_s:Q", title="s"),
                alt.Tooltip("rss_mib:Q", title="MiB", format=",.0f"),
                *run_tooltip(reference),
            ],
        )
        .properties(width=560 if reference is None else 340, height=40)
    )
    rows = alt.Row("variant:N", sort=order, title=None, header=charts.row_header())
    faceted = (
        chart.facet(row=rows)
        if reference is None
        else chart.facet(row=rows, column=run_column()).resolve_scale(x="independent")
    )
    return faceted.properties(
        title=alt.Title(
            "Memory of the same cache",
            subtitle="RSS sampled during the first run of each variant; every axis from zero",
        ),
        description=f"Resident memory over time for {len(VARIANTS)} LRU cache variants",
    )


def _work_data(result: ReadStateRuns) -> pd.DataFrame:
    runs = charts.with_language_names(result.runs)
    long = runs.melt(
        id_vars=["variant", "Language", "repetition"],
        value_vars=["serving_s", "gc_cpu_s"],
        var_name="part",
        value_name="seconds",
    )
    long["part"] = long.part.map({"serving_s": "serving requests", "gc_cpu_s": "garbage collector"})
    return long.groupby(["variant", "Language", "part"], sort=False).seconds.median().reset_index()


def work_chart(result: ReadStateRuns, reference: ReadStateRuns | None = None) -> alt.Chart:
    chart = (
        alt.Chart(both_runs(_work_data, result, reference))
        .mark_bar()
        .encode(
            y=alt.Y(
                "variant:N",
                sort=[v.label for v in VARIANTS],
                title=None,
                axis=alt.Axis(labelLimit=420),
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
                # In the bars' own colour (Go's: only Go has a collector), not black and grey.
                legend=alt.Legend(
                    orient="top",
                    title=None,
                    symbolType="square",
                    symbolFillColor=charts.COLORS["Go"],
                ),
            ),
            tooltip=[
                "variant",
                "part",
                alt.Tooltip("seconds:Q", title="s", format=".3f"),
                *run_tooltip(reference),
            ],
        )
    )
    return by_run(chart, reference, width=260).properties(
        title=alt.Title(
            "Work: serving and collecting",
            subtitle="serving: wall time inside cache operations; collector: Go's "
            "/cpu/classes/gc/total:cpu-seconds",
        ),
        description="Work per variant split into serving time and garbage-collector CPU",
    )
