"""Experiment 1: binary-trees, allocation-heavy work five ways (three Go collector settings,
Rust with Box and with an arena)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from gorust import beside, charts, stats
from gorust.experiments import experiment
from gorust.profile import Profile, current_profile
from gorust.runs import Variant

CHAPTER = "part3"

# Go's tree node is two pointers: 16 bytes, exactly a size class, so no rounding up.
GO_NODE_BYTES = 16
# GOMEMLIMIT is set to this multiple of the peak live heap: the same headroom GOGC=100 leaves
# at the peak (it lets the heap grow to twice what survived the last cycle)...
LIMIT_TIMES_LIVE = 2
# ...plus room for what the limit also counts besides the heap: the runtime's own memory
# (stacks, span and GC metadata), a few MiB. Without it a small tree's limit (8 MiB at depth 16)
# sat below what the process needs and the collector ran without pause: 3.3 s instead of 0.85 s.
RUNTIME_ALLOWANCE_BYTES = 8 * 2**20
DEFAULT = "Go, GOGC=100"
LIMITED = f"Go, GOGC=off + GOMEMLIMIT={LIMIT_TIMES_LIVE}× live heap + 8 MiB"
BOX, ARENA = "Rust, Box", "Rust, bumpalo arena"
TREE_LABELS = (DEFAULT, "Go, GOGC=400", LIMITED, BOX, ARENA)


def peak_live_bytes(depth: int) -> int:
    """The most the program keeps reachable at once: the long-lived tree of ``depth`` plus one
    short-lived tree as deep (or, before them, the stretch tree one level deeper, as many
    nodes), each with 2^(depth+1) − 1 nodes."""
    return 2 * (2 ** (depth + 1) - 1) * GO_NODE_BYTES


def memory_limit_bytes(depth: int) -> int:
    return LIMIT_TIMES_LIVE * peak_live_bytes(depth) + RUNTIME_ALLOWANCE_BYTES


def tree_variants(depth: int) -> tuple[Variant, ...]:
    limit = str(memory_limit_bytes(depth))  # GOMEMLIMIT takes a plain number of bytes
    return (
        Variant("go", DEFAULT, env=(("GOGC", "100"),)),
        Variant("go", "Go, GOGC=400", env=(("GOGC", "400"),)),
        Variant("go", LIMITED, env=(("GOGC", "off"), ("GOMEMLIMIT", limit))),
        Variant("rust", BOX, ("--alloc", "box")),
        Variant("rust", ARENA, ("--alloc", "arena")),
    )


@experiment(CHAPTER, programs=("binary_trees",))
def binary_trees(profile: Profile | None = None) -> pd.DataFrame:
    profile = profile or current_profile()
    depth = profile.pick(quick=16, full=21)
    frames = []
    for repetition in range(profile.repetitions):
        for variant in tree_variants(depth):
            result = variant.kernel.run(
                "binary_trees",
                ["--depth", depth, *variant.args],
                env=dict(variant.env),
                timeout_s=600,
            )
            frame = result.frame
            frame["variant"], frame["repetition"] = variant.label, repetition
            frame["cpu_s"] = frame.user_s + frame.system_s
            frame["peak_live_bytes"] = peak_live_bytes(depth)
            frame["memory_limit_bytes"] = (
                memory_limit_bytes(depth) if variant.label == LIMITED else None
            )
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def of_variant(trees: pd.DataFrame, label: str) -> pd.DataFrame:
    return trees[trees.variant == label]


def binary_trees_summary(trees: pd.DataFrame) -> pd.DataFrame:
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
    baseline = of_variant(trees, DEFAULT).wall_s
    summary["time_vs_go_default"] = [
        stats.ratio_of_medians(of_variant(trees, v).wall_s, baseline).value for v in summary.variant
    ]
    order = [label for label in TREE_LABELS if label in set(summary.variant)]
    return summary.set_index("variant").loc[order].reset_index()


def binary_trees_chart(trees: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.Chart:
    """Wall time, CPU time and peak RSS per variant; live, the reference's in a row of its own
    below, faded: the profiles build trees of different depths, so they cannot share an axis."""
    trees = beside.stacked(trees, reference)
    both = beside.both_runs(trees)
    long = trees.assign(peak_rss_mib=trees.peak_rss_bytes / 2**20).melt(
        id_vars=["variant", "language", "repetition", *beside.run_columns(trees)],
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
    base = alt.Chart(long).encode(
        # The longest variant name ("Go, GOGC=off + GOMEMLIMIT=…") whole, not cut at 180 px.
        y=alt.Y("variant:N", sort=list(TREE_LABELS), title=None, axis=alt.Axis(labelLimit=400))
    )
    bars = base.mark_bar().encode(
        x=alt.X("median(value):Q", title=None),
        color=charts.language_color(),
        **({"opacity": charts.run_opacity(long)} if both else {}),
        tooltip=[
            "variant",
            "metric",
            alt.Tooltip("median(value):Q", title="median", format=".3f"),
            alt.Tooltip("min(value):Q", title="min", format=".3f"),
            alt.Tooltip("max(value):Q", title="max", format=".3f"),
            *beside.run_tooltip(long),
        ],
    )
    spread = base.mark_rule(color="#333").encode(x="min(value):Q", x2="max(value):Q")
    rows = {}
    if both:
        rows["row"] = alt.Row(
            f"{charts.RUN_FIELD}:N",
            title=None,
            header=charts.row_header(),
            sort=[charts.THIS_RUN, charts.REFERENCE_RUN],
        )
    return (
        alt.layer(bars, spread)
        .properties(width=200, height=alt.Step(22))
        .facet(
            column=alt.Column(
                "metric:N",
                sort=list(names.values()),
                title=None,
                header=alt.Header(labelFontWeight="bold"),
            ),
            **rows,
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
