"""Part 5 against the reference: its headline figures compute from the recorded tables, a
figure whose table is perturbed differs from the reference while the others still agree, and
every chart draws the reference beside this run only when it is given one."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust import agreement, charts, claims, part5
from tests.conftest import (
    assert_only_its_figure_differs,
    chart_runs,
    has_run_encoding,
    headline_reference,
    recorded_tables,
)

GO_PANIC = "Go: panic + recover ÷ sentinel error"
GO_LINES = "Go: code lines about errors"
MATCHED = "Pipeline failures a Rust caller told apart by a match"


@pytest.fixture(scope="module")
def reference() -> dict[str, pd.DataFrame]:
    return headline_reference("part5")


def test_the_headline_figures_compute_from_the_recorded_tables(
    reference: dict[str, pd.DataFrame],
) -> None:
    figures = agreement.figures("part5", reference)
    rules = {rule.name for rule in claims.rules("part5")}
    assert {GO_PANIC, GO_LINES, MATCHED} <= {f.name for f in figures}
    assert {rule for figure in figures for rule in figure.rules} <= rules
    by_name = {f.name: f for f in figures}
    assert by_name[GO_PANIC].unit == "×" and by_name[GO_PANIC].low < by_name[GO_PANIC].high
    assert by_name[GO_LINES].unit == "%" and by_name[MATCHED].value > 0


def _dearer_go_panic(frame: pd.DataFrame) -> pd.DataFrame:
    panic = (frame.language == "go") & (frame["case"] == "panic + recover")
    return frame.assign(ns_per_op=frame.ns_per_op.where(~panic, frame.ns_per_op * 2))


def _terser_go(frame: pd.DataFrame) -> pd.DataFrame:
    go = frame.language == "go"
    return frame.assign(error_share=frame.error_share.where(~go, frame.error_share / 2))


def _rust_downcasts(frame: pd.DataFrame) -> pd.DataFrame:
    matched = frame.kind.fillna("").str.startswith("match ")
    return frame.assign(kind=frame.kind.where(~matched, "downcast_ref::<E>"))


@pytest.mark.parametrize(
    ("table", "change", "figure"),
    [
        ("error_cost", _dearer_go_panic, GO_PANIC),
        ("line_shares", _terser_go, GO_LINES),
        ("error_pipeline", _rust_downcasts, MATCHED),
    ],
)
def test_a_perturbed_table_makes_its_figure_differ_and_the_others_agree(
    reference: dict[str, pd.DataFrame], table: str, change, figure: str
) -> None:
    assert_only_its_figure_differs("part5", reference, table, change, figure)


def test_the_charts_draw_the_reference_beside_this_run_only_when_given_it() -> None:
    tables = recorded_tables("part5")
    cost, shares = tables["error_cost"], tables["line_shares"]
    summary = part5.cost_summary(cost)
    for alone, beside in (
        (part5.cost_chart(summary), part5.cost_chart(summary, reference=cost)),
        (part5.line_share_chart(shares), part5.line_share_chart(shares, reference=shares)),
    ):
        assert chart_runs(beside) == {charts.THIS_RUN, charts.REFERENCE_RUN}
        assert has_run_encoding(beside) and not has_run_encoding(alone)
        assert chart_runs(alone) == set()
