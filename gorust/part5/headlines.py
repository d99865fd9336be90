"""Part 5's headline figures (gorust.agreement): what the claim check rests on, in forms a
quick run and the full reference can share (ratios of one error path to another, shares of
lines, counts of failures), each with the spread its run gives."""

from __future__ import annotations

from gorust import agreement, claims
from gorust.part5.cost import cost_summary
from gorust.part5.pipeline import CHAPTER, VARIANTS
from gorust.part5.verdicts import panic_ratios, told_apart

# The implementations whose share of lines spent on errors the two line verdicts weigh.
SHARE_FIGURES = (VARIANTS[("go", "standard library")], VARIANTS[("rust", "standard library")])


def _cost_figures(t: claims.Tables) -> list[agreement.Figure]:
    cost = t["error_cost"]
    go_panic, rust_panic = panic_ratios(cost)
    summary = cost_summary(cost)
    sentinel = summary[(summary.language == "go") & (summary.case == "sentinel error")].iloc[0]
    return [
        agreement.Figure(
            "Go: sentinel error ÷ success, per call",
            float(sentinel.ratio_to_success),
            float(sentinel.ratio_low),
            float(sentinel.ratio_high),
            "×",
            ("cheap_errors",),
        ),
        agreement.Figure.of_ratio(
            "Go: panic + recover ÷ sentinel error", go_panic, rules=("cheap_errors",)
        ),
        agreement.Figure.of_ratio(
            "Rust: panic + catch_unwind ÷ Err(enum)", rust_panic, rules=("cheap_errors",)
        ),
    ]


def _line_figures(t: claims.Tables) -> list[agreement.Figure]:
    """Shares of a source file's lines: counted, not timed, so the spread is the point."""
    shares = t["line_shares"].set_index("implementation")
    return [
        agreement.Figure.of_samples(
            f"{name}: code lines about errors",
            [100 * float(shares.loc[name, "error_share"])],
            unit="%",
            rules=("verbose", "propagation"),
        )
        for name in SHARE_FIGURES
    ]


def _pipeline_figure(t: claims.Tables) -> agreement.Figure:
    pipeline = t["error_pipeline"]
    counted = told_apart(pipeline[~pipeline.ok.astype(bool)])
    return agreement.Figure.of_samples(
        "Pipeline failures a Rust caller told apart by a match",
        [counted["rust_match"]],
        unit="failures",
        rules=("typed",),
    )


@agreement.headlines(CHAPTER, tables=("error_cost", "line_shares", "error_pipeline"))
def headline_figures(t: claims.Tables) -> list[agreement.Figure]:
    return [*_cost_figures(t), *_line_figures(t), _pipeline_figure(t)]
