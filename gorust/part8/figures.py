"""The Verdict's charts: every comparison as a ratio bar, and a weighted overall ratio."""

from __future__ import annotations

import altair as alt
import pandas as pd

from gorust import charts
from gorust.part8.comparisons import IDIOMATIC

CHAPTER_TITLES = {
    "part1": "Part 1 — The Philosophies",
    "part2": "Part 2 — Concurrency",
    "part3": "Part 3 — Memory & GC",
    "part4": "Part 4 — CRUD API",
    "part5": "Part 5 — Error handling",
    "part6": "Part 6 — Discord",
    "part7": "Part 7 — Ecosystem",
}


def _labelled(dims: pd.DataFrame) -> pd.DataFrame:
    """Each bar's label names its pairing where it is not the idiomatic one."""
    named = dims.dimension + " (" + dims.pairing + ")"
    return dims.assign(dimension=dims.dimension.where(dims.pairing == IDIOMATIC, named))


def ratio_chart(dims: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.Chart:
    """Go ÷ Rust per dimension as bars from parity; live, the reference's ratio of the same
    dimension as a hollow grey mark on each bar."""
    frame = _labelled(dims).assign(
        cheaper=dims.ratio.map(lambda r: "Go" if r < 1 else "Rust"),
        chapter_title=dims.chapter.map(CHAPTER_TITLES),
    )
    bars = (
        alt.Chart(frame)
        .transform_calculate(parity="1")
        .mark_bar()
        .encode(
            x2="parity:Q",
            y=alt.Y(
                "dimension:N",
                sort=alt.EncodingSortField("ratio", order="descending"),
                title=None,
                axis=alt.Axis(labelLimit=340),
            ),
            x=alt.X(
                "ratio:Q",
                scale=alt.Scale(type="log"),
                title="what Go needs ÷ what Rust needs (log; right of 1: Rust needs less)",
            ),
            color=alt.Color(
                "cheaper:N",
                scale=alt.Scale(domain=list(charts.COLORS), range=list(charts.COLORS.values())),
                legend=alt.Legend(title="needs less", orient="top"),
            ),
            tooltip=[
                "dimension",
                "chapter_title",
                alt.Tooltip("go:Q", title="Go", format=",.3g"),
                alt.Tooltip("rust:Q", title="Rust", format=",.3g"),
                "unit",
                alt.Tooltip("go_variant:N", title="Go variant"),
                alt.Tooltip("rust_variant:N", title="Rust variant"),
                alt.Tooltip("ratio:Q", title="Go ÷ Rust", format=".2f"),
            ],
        )
    )
    parity = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#333").encode(x="x:Q")
    layers = [bars, parity]
    if reference is not None and not reference.empty:
        layers.append(_reference_marks(frame, _labelled(reference)))
    return alt.layer(*layers).properties(
        title=alt.Title(
            "Go against Rust, every measured dimension",
            subtitle="medians from the chapters' data; bars start at parity",
        ),
        description="Go to Rust ratios per measured dimension on a log scale",
        height=alt.Step(22),
    )


def _reference_marks(shown: pd.DataFrame, reference: pd.DataFrame) -> alt.Chart:
    """The reference's ratio of each dimension this page shows, as a hollow grey diamond."""
    # Sorted by this page's ratio, as the bars are, so the two layers share one order.
    marks = reference[["dimension", "ratio"]].rename(columns={"ratio": "reference_ratio"})
    marks = marks.merge(shown[["dimension", "ratio"]], on="dimension").assign(
        **{charts.RUN_FIELD: charts.REFERENCE_RUN,
           charts.RUN_DETAILS_FIELD: "the reference recorded in data/"}
    )  # fmt: skip
    return (
        alt.Chart(marks)
        .mark_point(shape="diamond", filled=False, size=110, color="#555", strokeWidth=1.5)
        .encode(
            y=alt.Y("dimension:N", sort=alt.EncodingSortField("ratio", order="descending")),
            x=alt.X("reference_ratio:Q", scale=alt.Scale(type="log")),
            shape=alt.Shape(
                f"{charts.RUN_FIELD}:N",
                scale=alt.Scale(domain=[charts.REFERENCE_RUN], range=["diamond"]),
                legend=alt.Legend(title="Run", orient="top"),
            ),
            tooltip=[
                "dimension",
                alt.Tooltip("reference_ratio:Q", title="Go ÷ Rust", format=".2f"),
                *charts.run_tooltip(),
            ],
        )
    )


def weights_chart(dims: pd.DataFrame) -> alt.Chart:
    """Sliders weight each dimension; the bar is the weighted geometric mean of the ratios."""
    dims = _labelled(dims)
    params = [
        alt.param(
            name=f"w{i}",
            # Best-of-each pairs start at 0: each quantity counts once unless you say so.
            value=1 if row.pairing == IDIOMATIC else 0,
            bind=alt.binding_range(min=0, max=3, step=1, name=f"{row.dimension}: "),
        )
        for i, row in enumerate(dims.itertuples())
    ]
    weight = " : ".join(
        f"datum.key == '{row.key}' ? w{i}" for i, row in enumerate(dims.itertuples())
    )
    return (
        alt.Chart(dims)
        .add_params(*params)
        .transform_calculate(weight=f"{weight} : 0", log_ratio="log(datum.ratio)")
        .transform_calculate(weighted="datum.weight * datum.log_ratio")
        .transform_aggregate(total="sum(weighted)", weights="sum(weight)")
        .transform_calculate(
            overall="datum.weights > 0 ? exp(datum.total / datum.weights) : 1",
            label="datum.weights > 0 ? (datum.overall >= 1 ? 'Go needs ' + format(datum.overall, '.2f') + '× what Rust needs' : 'Rust needs ' + format(1 / datum.overall, '.2f') + '× what Go needs') : 'no dimension weighted'",  # noqa: E501
        )
        .mark_text(fontSize=18, fontWeight="bold", align="left")
        .encode(text="label:N", x=alt.value(0), y=alt.value(20))
        .properties(
            width=560,
            height=40,
            title=alt.Title(
                "Your verdict: weight what matters to you",
                subtitle="weighted geometric mean of the ratios above; 0 leaves a dimension out "
                "(best-of-each pairs start at 0)",
            ),
            description="Weighted overall ratio of Go to Rust, adjustable with sliders",
        )
    )
