"""Part 1 against the reference: its headline figures compute from the recorded tables, a
figure whose table is perturbed differs from the reference while the others still agree, and
every chart draws the reference beside this run only when it is given one."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust import agreement, charts, claims, part1
from tests.conftest import (
    assert_only_its_figure_differs,
    chart_runs,
    has_run_encoding,
    headline_reference,
    recorded_tables,
)

GO_POINTER = "Go: area(pointer to Rect) generic ÷ hand-written, per call"
RUST_SIZE = "Rust: machine code per further type"
GO_LOST = "Go, unsynchronised counter: increments lost"


@pytest.fixture(scope="module")
def reference() -> dict[str, pd.DataFrame]:
    return headline_reference("part1")


def test_the_headline_figures_compute_from_the_recorded_tables(
    reference: dict[str, pd.DataFrame],
) -> None:
    figures = agreement.figures("part1", reference)
    rules = {rule.name for rule in claims.rules("part1")}
    assert {GO_POINTER, RUST_SIZE, GO_LOST} <= {f.name for f in figures}
    assert {rule for figure in figures for rule in figure.rules} <= rules
    by_name = {f.name: f for f in figures}
    assert by_name[GO_POINTER].unit == "×" and by_name[GO_POINTER].low < by_name[GO_POINTER].high
    assert by_name[RUST_SIZE].unit == "KiB" and by_name[GO_LOST].unit == "%"


def _slower_go_pointer_case(frame: pd.DataFrame) -> pd.DataFrame:
    case = (
        (frame.language == "go")
        & (frame.function == "area")
        & (frame.element == "pointer to Rect")
        & (frame["style"] == "generic")
    )
    return frame.assign(ns_per_call=frame.ns_per_call.where(~case, frame.ns_per_call * 2))


def _bigger_rust_types(frame: pd.DataFrame) -> pd.DataFrame:
    grown = (frame.language == "rust") & (frame.instantiations > 0)
    return frame.assign(text_bytes=frame.text_bytes + grown * frame.instantiations * 4096)


def _no_lost_updates(frame: pd.DataFrame) -> pd.DataFrame:
    unsync = frame["run"] == part1.UNSYNC
    return frame.assign(count=frame["count"].where(~unsync, frame.expected))


@pytest.mark.parametrize(
    ("table", "change", "figure"),
    [
        ("generics_cost", _slower_go_pointer_case, GO_POINTER),
        ("generic_size", _bigger_rust_types, RUST_SIZE),
        ("data_race", _no_lost_updates, GO_LOST),
    ],
)
def test_a_perturbed_table_makes_its_figure_differ_and_the_others_agree(
    reference: dict[str, pd.DataFrame], table: str, change, figure: str
) -> None:
    assert_only_its_figure_differs("part1", reference, table, change, figure)


def test_the_charts_draw_the_reference_beside_this_run_only_when_given_it() -> None:
    tables = recorded_tables("part1")
    cost, sizes = tables["generics_cost"], tables["generic_size"]
    ratios = part1.generics_ratios(cost)
    for alone, beside in (
        (part1.generics_chart(ratios), part1.generics_chart(ratios, reference=cost)),
        (part1.size_chart(sizes), part1.size_chart(sizes, reference=sizes)),
    ):
        assert chart_runs(beside) == {charts.THIS_RUN, charts.REFERENCE_RUN}
        assert has_run_encoding(beside) and not has_run_encoding(alone)
        assert chart_runs(alone) == set()
