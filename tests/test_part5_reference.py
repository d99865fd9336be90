"""Part 5 against the reference: its headline figures compute from the recorded tables, a
figure whose table is perturbed differs from the reference while the others still agree, and
every chart draws the reference beside this run only when it is given one."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gorust import agreement, charts, claims, part5
from tests.conftest import changed, recorded_tables

GO_PANIC = "Go: panic + recover ÷ sentinel error"
GO_LINES = "Go: code lines about errors"
MATCHED = "Pipeline failures a Rust caller told apart by a match"


@pytest.fixture(scope="module")
def reference() -> dict[str, pd.DataFrame]:
    tables = agreement.reference_tables("part5")
    assert tables is not None
    return tables


def test_the_headline_figures_compute_from_the_recorded_tables(
    reference: dict[str, pd.DataFrame],
) -> None:
    figures = agreement.figures("part5", reference)
    rules = {rule.name for rule in claims.rules("part5")}
    assert {GO_PANIC, GO_LINES, MATCHED} <= {f.name for f in figures}
    assert 3 <= len(figures) <= 6
    for figure in figures:
        assert figure.low <= figure.value <= figure.high, figure
        assert figure.rules and set(figure.rules) <= rules, figure
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
    live = changed(reference, table, change)
    compared = agreement.compare(
        agreement.figures("part5", live), agreement.figures("part5", reference)
    ).set_index("figure")
    assert compared.loc[figure, "agreement"] == agreement.DIFFERS
    assert (compared.drop(index=figure).agreement == agreement.AGREES).all()


def _runs(chart: object) -> set[str]:
    spec = chart.to_dict()
    return {
        row[charts.RUN_FIELD]
        for rows in spec["datasets"].values()
        for row in rows
        if charts.RUN_FIELD in row
    }


def _has_run_encoding(chart: object) -> bool:
    return '"field": "Run"' in json.dumps(chart.to_dict())


def test_the_charts_draw_the_reference_beside_this_run_only_when_given_it() -> None:
    tables = recorded_tables("part5")
    cost, shares = tables["error_cost"], tables["line_shares"]
    summary = part5.cost_summary(cost)
    for alone, beside in (
        (part5.cost_chart(summary), part5.cost_chart(summary, reference=cost)),
        (part5.line_share_chart(shares), part5.line_share_chart(shares, reference=shares)),
    ):
        assert _runs(beside) == {charts.THIS_RUN, charts.REFERENCE_RUN}
        assert _has_run_encoding(beside) and not _has_run_encoding(alone)
        assert _runs(alone) == set()
