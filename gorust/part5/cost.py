"""Part 5, experiment 4: what the error path costs, per call, against the success path."""

from __future__ import annotations

import os

import altair as alt
import pandas as pd

from gorust import charts, stats
from gorust.experiments import experiment
from gorust.kernels import KernelError, RustKernel
from gorust.part5.pipeline import CHAPTER
from gorust.profile import Profile, current_profile
from gorust.runs import interleaved, kernels

# -- Experiment 4: the cost of the error path --------------------------------------------------
ANCHOR_ERROR_NS = 1.0  # xaionaro-go/benchmarks (2021): returning an error
ANCHOR_PANIC_NS = 213.0  # the same: panic + recover
BACKTRACE_SUFFIX = ", backtraces on"


@experiment(CHAPTER, programs=("error_cost",))
def error_cost(profile: Profile | None = None) -> pd.DataFrame:
    """ns per call of every error path: ``samples`` per process, ``repetitions`` processes."""
    profile = profile or current_profile()
    args = [
        "--samples",
        profile.pick(quick=7, full=15),
        "--target-ms",
        profile.pick(quick=15, full=40),
    ]
    go, _ = kernels()
    # anyhow captures a backtrace in every error when RUST_BACKTRACE or RUST_LIB_BACKTRACE ask
    # for one. The main runs switch that off, as a production service runs; a second set of
    # runs switches it on for the anyhow cases, to show what it costs.
    quiet = RustKernel(env={**os.environ, "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"})
    loud = RustKernel(env={**os.environ, "RUST_LIB_BACKTRACE": "1"})
    frame = interleaved("error_cost", args, rounds=profile.repetitions, languages=[go, quiet])
    extra = []
    for round_number in range(profile.repetitions):
        run = loud.run("error_cost", [*args, "--only", "anyhow"]).frame
        run["round"] = round_number
        extra.append(run)
    backtraced = pd.concat(extra, ignore_index=True)
    rust = frame[frame.language == "rust"]
    if rust.backtraces_captured.any() or not backtraced.backtraces_captured.all():
        raise KernelError("RUST_LIB_BACKTRACE did not switch anyhow's backtraces as intended")
    backtraced["case"] = backtraced["case"] + BACKTRACE_SUFFIX
    return pd.concat([frame, backtraced], ignore_index=True)


def cost_summary(cost: pd.DataFrame) -> pd.DataFrame:
    """Per case: median ns per call, quartiles, and the ratio to the same language's success."""
    rows = []
    for (language, case), group in cost.groupby(["language", "case"], sort=False):
        success = cost[(cost.language == language) & (cost.path == "success")].ns_per_op
        baseline = bool((group.path == "success").all())
        ratio = (
            stats.Ratio(1.0, float("nan"), float("nan"))
            if baseline
            else stats.ratio_of_medians(group.ns_per_op, success)
        )
        rows.append(
            {
                "language": language,
                "path": group.path.iloc[0],
                "case": case,
                "median_ns": group.ns_per_op.median(),
                "q1_ns": group.ns_per_op.quantile(0.25),
                "q3_ns": group.ns_per_op.quantile(0.75),
                "ratio_to_success": ratio.value,
                "ratio_low": ratio.low,
                "ratio_high": ratio.high,
                "verdict": "baseline" if baseline else stats.relative_cost_verdict(ratio),
                "samples": len(group),
            }
        )
    return charts.with_run_columns(pd.DataFrame(rows), cost)


def cost_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as the page shows it: medians and ratios, rounded."""
    columns = ["language", "case", "median_ns", "ratio_to_success", "ratio_low", "ratio_high"]
    return summary[[*columns, "verdict", "samples"]].round(
        {"median_ns": 1, "ratio_to_success": 2, "ratio_low": 2, "ratio_high": 2}
    )


def cost_chart(summary: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.LayerChart:
    """This run's costs; ``reference``: the reference's error_cost table (live pages only),
    whose medians and quartiles are drawn faded beside this run's, on a line of their own."""
    shown = None if reference is None else cost_summary(reference)
    frame = charts.with_language_names(
        summary if shown is None else charts.with_reference(summary, shown)
    )
    frame["label"] = frame.Language + ": " + frame.case
    order = list(dict.fromkeys(frame.label))
    log_scale = alt.Scale(type="log", domain=[0.5, max(5000.0, float(frame.q3_ns.max()) * 1.5)])
    x = alt.X("median_ns:Q", scale=log_scale, title="time per call (ns, log scale)")
    both = shown is not None
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
        opacity=charts.run_opacity(frame),
        **({"yOffset": alt.YOffset(f"{charts.RUN_FIELD}:N")} if both else {}),
    )
    estimates = charts.interval_dots(
        base,
        x=x,
        low="q1_ns",
        high="q3_ns",
        color=charts.language_color(),
        stroke_width=3,
        tooltip=[
            "Language",
            "path",
            "case",
            alt.Tooltip("median_ns:Q", title="median ns per call", format=",.1f"),
            alt.Tooltip("ratio_to_success:Q", title="× success path", format=",.2f"),
            alt.Tooltip("ratio_low:Q", title="interval low", format=",.2f"),
            alt.Tooltip("ratio_high:Q", title="interval high", format=",.2f"),
            "verdict",
            "samples",
            *(charts.run_tooltip() if both else []),
        ],
    )
    anchors = pd.DataFrame(
        {
            "ns": [ANCHOR_ERROR_NS, ANCHOR_PANIC_NS],
            "text": ["Go error return ~1 ns (2021)", "Go panic/recover ~213 ns (2021)"],
        }
    )
    anchor_rules = (
        alt.Chart(anchors)
        .mark_rule(color="#777", strokeDash=[4, 3])
        .encode(x=alt.X("ns:Q", scale=log_scale))
    )
    # Each anchor named along its own line, from the top of the plot down: beside the line,
    # not rows away from it. Nothing is measured that far to the right of either line there.
    anchor_text = [
        alt.Chart(anchors)
        .mark_text(angle=90, align="left", baseline="bottom", dy=-3, color="#555", fontSize=11)
        .encode(x=alt.X("ns:Q", scale=log_scale), y=alt.value(4), text="text:N")
    ]
    return alt.layer(anchor_rules, *anchor_text, estimates).properties(
        title=alt.Title(
            "What a failure costs on its way to the caller",
            subtitle="one non-inlined call per operation; median of all samples, bars: "
            "interquartile range (25th to 75th percentile); dashed: the public anchor",
        ),
        description="Nanoseconds per call of each error path, Go and Rust, log scale",
        height=alt.Step(22),
    )
