"""Part 7's charts: what the service takes to build, JSON throughput, WebAssembly sizes and
run times (WASI), and the same count loaded and run in the browser."""

from __future__ import annotations

import altair as alt
import pandas as pd

from gorust import charts
from gorust.part7.browser_runs import PHASES, with_first_answer
from gorust.part7.json_speed import json_summary
from gorust.part7.service_summary import ServiceCosts
from gorust.part7.wasm_speed import wasm_summary

_ROW_HEADER = alt.Header(
    labelAngle=0, labelOrient="top", labelAnchor="start", labelFontWeight="bold"
)

# The service chart's panels: summary column, title, and how its value is written.
_METRICS = (
    ("transitive_dependencies", "third-party modules / crates built", "{:,.0f}"),
    ("source_lines", "lines of code (service)", "{:,.0f}"),
    ("cold_wall_s", "cold build, wall (s)", "{:,.1f}"),
    ("cold_cpu_s", "cold build, CPU (s)", "{:,.1f}"),
    ("warm_wall_s", "rebuild after a one-line change (s)", "{:,.1f}"),
    ("binary_mb", "binary (MB)", "{:,.1f}"),
    ("stripped_mb", "binary, stripped (MB)", "{:,.1f}"),
)


_RUN = f"{charts.RUN_FIELD}:N"


def both_runs(frame: pd.DataFrame) -> bool:
    """Does the frame hold the reference's rows beside this machine's?"""
    return frame.get(charts.RUN_FIELD, pd.Series()).nunique() > 1


def run_offset(frame: pd.DataFrame) -> dict[str, alt.YOffset]:
    """Each run's mark beside the other's in one band (none with one run: the chart as ever)."""
    if not both_runs(frame):
        return {}
    return {"yOffset": alt.YOffset(_RUN, sort=[charts.THIS_RUN, charts.REFERENCE_RUN])}


def _saved_summary(costs: ServiceCosts | pd.DataFrame) -> pd.DataFrame:
    """The summary with its provenance, which says which run it is."""
    return costs.saved_summary if isinstance(costs, ServiceCosts) else costs


def _service_metrics(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary long: one row per run, language and metric, with its value written out."""
    frame = charts.with_language_names(summary)
    frame["binary_mb"] = frame.binary_bytes / 1e6
    frame["stripped_mb"] = frame.stripped_bytes / 1e6
    long = frame.melt(
        id_vars=["Language", charts.RUN_FIELD, charts.RUN_DETAILS_FIELD],
        value_vars=[name for name, _, _ in _METRICS],
        var_name="metric",
        value_name="value",
    )
    titles = {name: title for name, title, _ in _METRICS}
    formats = {name: fmt for name, _, fmt in _METRICS}
    long["label"] = [formats[m].format(v) for m, v in zip(long.metric, long.value, strict=True)]
    long["metric"] = long.metric.map(titles)
    return long


def _service_panel(long: pd.DataFrame) -> alt.LayerChart:
    """One metric's bars, with their values written beside them."""
    y = alt.Y("Language:N", title=None, sort=["Go", "Rust"])
    offset = run_offset(long)
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("value:Q", title=None, axis=alt.Axis(labels=False, ticks=False)),
            color=charts.language_color(),
            opacity=charts.run_opacity(long),
            tooltip=[
                "Language",
                "metric",
                alt.Tooltip("label:N", title="value"),
                *charts.run_tooltip(),
            ],
            **offset,
        )
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=4, fontSize=12 if not offset else 10, color="#333")
        .encode(y=y, x="value:Q", text="label:N", **offset)
    )
    baseline = alt.Chart().mark_rule(color="#888").encode(x=alt.datum(0))
    return alt.layer(bars, baseline, labels, data=long)


def service_chart(
    summary: ServiceCosts | pd.DataFrame, reference: ServiceCosts | pd.DataFrame | None = None
) -> alt.FacetChart:
    """The service's costs; live, with the reference's bars (faded) beside this machine's."""
    order = [title for _, title, _ in _METRICS]
    runs = charts.with_reference(
        _saved_summary(summary), None if reference is None else _saved_summary(reference)
    )
    return (
        _service_panel(_service_metrics(runs))
        .properties(width=480, height=alt.Step(20))
        .facet(
            row=alt.Row("metric:N", sort=order, title=None, header=_ROW_HEADER),
            spacing=6,
        )
        .resolve_scale(x="independent")
        .properties(
            title=alt.Title(
                "One small HTTP+JSON service: what it takes to build",
                subtitle=[
                    "Go: standard library only; Rust: tokio, axum, serde, reqwest (defaults)",
                    "build times are medians; each panel has its own scale",
                ],
            ),
            description="Dependencies, lines, build times and binary sizes of the Go and Rust "
            "services",
        )
    )


def json_chart(summary: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.FacetChart:
    """Throughput per library and operation; live, with the reference's (its runs, as
    ``json_throughput`` returns them) faded beside this machine's: one payload, so the same
    axis."""
    frame = charts.with_language_names(
        charts.with_reference(summary, None if reference is None else json_summary(reference))
    )
    apis = list(dict.fromkeys(frame.api))
    y = alt.Y("api:N", title=None, sort=apis, axis=alt.Axis(labelLimit=260))
    base = alt.Chart().encode(y=y, opacity=charts.run_opacity(frame), **run_offset(frame))
    estimates = charts.interval_dots(
        base,
        x=alt.X("mb_per_s:Q", title="throughput (MB/s, median of all samples)"),
        low="q1",
        high="q3",
        color=charts.language_color(),
        stroke_width=3,
        tooltip=[
            "api",
            "operation",
            alt.Tooltip("mb_per_s:Q", title="MB/s", format=",.0f"),
            alt.Tooltip("ns_per_op:Q", title="ns per operation", format=",.0f"),
            alt.Tooltip("serde_speedup:Q", title="serde_json ÷ this", format=".2f"),
            "samples",
            *charts.run_tooltip(),
        ],
    )
    labels = base.mark_text(align="left", dx=4, dy=-10, fontSize=11, color="#333").encode(
        x="mb_per_s:Q", text=alt.Text("mb_per_s:Q", format=",.0f")
    )
    return (
        alt.layer(estimates, labels, data=frame)
        .properties(width=330, height=alt.Step(26))
        .facet(
            row=alt.Row(
                "operation:N",
                title=None,
                sort=["decode typed", "encode typed", "decode untyped"],
                header=_ROW_HEADER,
            ),
            spacing=8,
        )
        .properties(
            title=alt.Title(
                "JSON throughput on one payload of orders",
                subtitle="MB of JSON text per second (higher is better); bars: quartiles of "
                "all samples",
            ),
            description="JSON decode and encode throughput, Go encoding/json and Rust serde_json",
        )
    )


def _module_sizes(sizes: pd.DataFrame) -> pd.DataFrame:
    """One row per language and kind (as built, stripped), in KB, labelled."""
    frame = charts.with_language_names(sizes).melt(
        id_vars=["Language", charts.RUN_FIELD, charts.RUN_DETAILS_FIELD],
        value_vars=["plain_bytes", "stripped_bytes"],
        var_name="kind",
        value_name="bytes",
    )
    frame["kind"] = frame.kind.map({"plain_bytes": "as built", "stripped_bytes": "stripped"})
    frame["kb"] = frame.bytes / 1e3
    frame["label"] = frame.kb.map(lambda kb: f"{kb:,.0f} KB")
    frame["row"] = frame.Language + ", " + frame.kind
    return frame


def _size_opacity(frame: pd.DataFrame) -> alt.Opacity | alt.OpacityValue:
    """Faded marks say the reference when both runs show; with one, the module as built."""
    if both_runs(frame):
        return charts.run_opacity(frame)
    return alt.Opacity(
        "kind:N",
        scale=alt.Scale(domain=["as built", "stripped"], range=[0.5, 1.0]),
        legend=alt.Legend(title=None, orient="top", symbolType="square", symbolFillColor="#777"),
    )


def _wasm_sizes_panel(sizes: pd.DataFrame) -> alt.LayerChart:
    """Module sizes on a log scale, with the public anchors as dashed rules; sizes do not
    depend on the profile, so both runs share the axis."""
    size_frame = _module_sizes(sizes)
    offset = run_offset(size_frame)
    anchors = pd.DataFrame(
        {"kb": [2_000.0, 10.0], "text": ["Go wiki: ~2 MB minimum", "Rust: tens of KB"]}
    )
    size_scale = alt.Scale(type="log", domain=[5, 20_000])
    y_rows = alt.Y("row:N", title=None, sort=list(size_frame.row))
    size_bars = (
        alt.Chart(size_frame)
        .mark_bar(height=16 if not offset else 10)
        .encode(
            y=y_rows,
            x=alt.X("kb:Q", scale=size_scale, title="module size (KB, log scale)"),
            x2=alt.datum(5),
            color=charts.language_color(),
            opacity=_size_opacity(size_frame),
            tooltip=["Language", "kind", alt.Tooltip("bytes:Q", format=","), *charts.run_tooltip()],
            **offset,
        )
    )
    size_labels = (
        alt.Chart(size_frame)
        .mark_text(align="left", dx=4, fontSize=11, color="#333")
        .encode(y=y_rows, x=alt.X("kb:Q", scale=size_scale), text="label:N", **offset)
    )
    anchor_rules = (
        alt.Chart(anchors)
        .mark_rule(color="#555", strokeDash=[4, 3])
        .encode(x=alt.X("kb:Q", scale=size_scale), tooltip=["text"])
    )
    anchor_text = (
        alt.Chart(anchors)
        .mark_text(align="left", baseline="bottom", dx=3, dy=-2, fontSize=10, color="#555")
        .encode(x=alt.X("kb:Q", scale=size_scale), y=alt.value(0), text="text:N")
    )
    return alt.layer(size_bars, anchor_rules, anchor_text, size_labels).properties(
        width=400, height=alt.Step(28), title="Module size (dashed: public anchors)"
    )


def _wasm_time_frame(summary: pd.DataFrame) -> pd.DataFrame:
    time_frame = charts.with_language_names(summary)
    time_frame["row"] = time_frame.Language + ", " + time_frame["mode"]
    # The profiles count words in texts of different sizes: each run gets its own panel.
    time_frame["panel"] = [
        f"{run} ({mb:g} MB of text)" if pd.notna(mb) else run
        for run, mb in zip(time_frame[charts.RUN_FIELD], time_frame.input_mb, strict=True)
    ]
    return time_frame


def _wasm_time_panel(summary: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Each language and mode's work time: median and quartiles, on a log scale."""
    time_frame = _wasm_time_frame(summary)
    time_rows = list(time_frame.sort_values(["Language", "mode"]).row.unique())
    time_scale = alt.Scale(type="log")
    work = alt.Chart().encode(
        y=alt.Y("row:N", title=None, sort=time_rows), opacity=charts.run_opacity(time_frame)
    )
    work_estimates = charts.interval_dots(
        work,
        x=alt.X("work_ms:Q", scale=time_scale, title="counting the words (ms, log scale)"),
        low="work_q1_ms",
        high="work_q3_ms",
        color=charts.language_color(),
        stroke_width=3,
        tooltip=[
            "Language",
            "mode",
            alt.Tooltip("work_ms:Q", title="work (ms)", format=",.1f"),
            alt.Tooltip("compile_ms:Q", title="wasmtime compile (ms)", format=",.0f"),
            alt.Tooltip("run_ms:Q", title="instantiate + run (ms)", format=",.1f"),
            "runs",
            *charts.run_tooltip(),
        ],
    )
    work_labels = work.mark_text(align="left", dx=4, dy=-10, fontSize=11, color="#333").encode(
        x=alt.X("work_ms:Q", scale=time_scale), text=alt.Text("work_ms:Q", format=",.0f")
    )
    layered = alt.layer(work_estimates, work_labels, data=time_frame)
    title = "Run time, wasm against native"
    if not both_runs(time_frame):
        return layered.properties(width=400, height=alt.Step(28), title=title)
    panels = [p for p in dict.fromkeys(time_frame.panel)]
    return (
        layered.properties(width=220, height=alt.Step(28))
        .facet(column=alt.Column("panel:N", title=None, sort=panels), spacing=12)
        .resolve_scale(x="independent")
        .properties(title=title)
    )


def wasm_chart(
    sizes: pd.DataFrame,
    summary: pd.DataFrame,
    reference: pd.DataFrame | None = None,
    reference_sizes: pd.DataFrame | None = None,
) -> alt.VConcatChart:
    """Module sizes and run times; live, with the reference's: ``reference`` is its runs (as
    ``wasm_runs`` returns them), ``reference_sizes`` its sizes (as ``wasm_sizes`` does)."""
    sizes = charts.with_reference(sizes, reference_sizes)
    summary = charts.with_reference(summary, None if reference is None else wasm_summary(reference))
    return alt.vconcat(_wasm_sizes_panel(sizes), _wasm_time_panel(summary), spacing=24).properties(
        title=alt.Title(
            "One word-count program, compiled to WebAssembly (WASI) by both",
            subtitle="sizes of the modules; the program's own timing of its work, median and "
            "quartiles",
        ),
        description="WebAssembly module sizes and run times, Go and Rust",
    )


# -- Experiment 4: the browser -----------------------------------------------------------------
_BROWSER_PHASES = (*PHASES, ("first_answer_ms", "to the first answer"))


def _browser_pages(runs: pd.DataFrame, reference: pd.DataFrame | None) -> pd.DataFrame:
    """Every page of both runs (the reference's marked), with what it downloads in KB."""
    stacked = charts.with_reference(
        with_first_answer(runs), None if reference is None else with_first_answer(reference)
    )
    frame = charts.with_language_names(stacked)
    frame["download_kb"] = frame.download_bytes / 1e3
    return frame


def _download_panel(pages: pd.DataFrame) -> alt.LayerChart:
    """What each language's page downloads (module and support script, gzipped): one bar a
    run, on a log scale."""
    sizes = pages.drop_duplicates(["Language", charts.RUN_FIELD]).copy()
    sizes["label"] = sizes.download_kb.map(lambda kb: f"{kb:,.0f} KB")
    offset = run_offset(sizes)
    scale = alt.Scale(type="log", domain=[1, 5_000])
    y = alt.Y("Language:N", title=None, sort=["Go", "Rust"])
    bars = (
        alt.Chart(sizes)
        .mark_bar(height=16 if not offset else 10)
        .encode(
            y=y,
            x=alt.X("download_kb:Q", scale=scale, title="download, gzipped (KB, log scale)"),
            x2=alt.datum(1),
            color=charts.language_color(),
            opacity=charts.run_opacity(sizes),
            tooltip=[
                "Language",
                alt.Tooltip("gzip_bytes:Q", title="module, gzipped (bytes)", format=","),
                alt.Tooltip("support_js_gzip_bytes:Q", title="support script (bytes)", format=","),
                alt.Tooltip("stripped_bytes:Q", title="module, stripped (bytes)", format=","),
                *charts.run_tooltip(),
            ],
            **offset,
        )
    )
    labels = (
        alt.Chart(sizes)
        .mark_text(align="left", dx=4, fontSize=11, color="#333")
        .encode(y=y, x=alt.X("download_kb:Q", scale=scale), text="label:N", **offset)
    )
    return alt.layer(bars, labels).properties(
        width=400, height=alt.Step(28), title="What the page downloads (module + support script)"
    )


def _phase_panel(pages: pd.DataFrame) -> alt.LayerChart:
    """Each phase's time, one dot per page and a tick at the median, on a log scale."""
    long = pages.melt(
        id_vars=["Language", charts.RUN_FIELD, charts.RUN_DETAILS_FIELD, "repetition"],
        value_vars=[name for name, _ in _BROWSER_PHASES],
        var_name="phase",
        value_name="ms",
    )
    long["phase"] = long.phase.map(dict(_BROWSER_PHASES))
    long["row"] = long.Language + ", " + long.phase
    order = [f"{lang}, {title}" for _, title in _BROWSER_PHASES for lang in ("Go", "Rust")]
    scale = alt.Scale(type="log")
    base = alt.Chart(long).encode(
        y=alt.Y("row:N", title=None, sort=order, axis=alt.Axis(labelLimit=300)),
        color=charts.language_color(),
        opacity=charts.run_opacity(long),
        **run_offset(long),
    )
    dots = base.mark_point(filled=True, size=50).encode(
        x=alt.X("ms:Q", scale=scale, title="time in the page (ms, log scale)"),
        tooltip=["Language", "phase", alt.Tooltip("ms:Q", format=",.1f"), "repetition",
                 *charts.run_tooltip()],
    )  # fmt: skip
    medians = base.mark_tick(thickness=3, size=18).encode(x=alt.X("median(ms):Q", scale=scale))
    return alt.layer(dots, medians).properties(
        width=400, height=alt.Step(22), title="Load and call times, one dot per page"
    )


def browser_chart(runs: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.VConcatChart:
    """What each page downloads and how long it takes, in headless Chromium; live, with the
    reference's pages (as ``browser_wasm`` returns them) faded beside this machine's."""
    pages = _browser_pages(runs, reference)
    return alt.vconcat(_download_panel(pages), _phase_panel(pages), spacing=24).properties(
        title=alt.Title(
            "The word count in the browser: Go (js/wasm) and Rust (wasm32-unknown-unknown)",
            subtitle="headless Chromium, served from 127.0.0.1; a fresh browser context per page",
        ),
        description="WebAssembly download sizes and load and call times in Chromium, Go and Rust",
    )
