"""Part 1 against the reference: its headline figures compute from the recorded tables, a
figure whose table is perturbed differs from the reference while the others still agree, and
every chart draws the reference beside this run only when it is given one."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gorust import agreement, charts, claims, part1
from tests.conftest import changed, recorded_tables

GO_POINTER = "Go: area(pointer to Rect) generic ÷ hand-written, per call"
RUST_SIZE = "Rust: machine code per further type"
GO_LOST = "Go, unsynchronised counter: increments lost"


@pytest.fixture(scope="module")
def reference() -> dict[str, pd.DataFrame]:
    tables = agreement.reference_tables("part1")
    assert tables is not None
    return tables


def test_the_headline_figures_compute_from_the_recorded_tables(
    reference: dict[str, pd.DataFrame],
) -> None:
    figures = agreement.figures("part1", reference)
    rules = {rule.name for rule in claims.rules("part1")}
    assert {GO_POINTER, RUST_SIZE, GO_LOST} <= {f.name for f in figures}
    assert 3 <= len(figures) <= 6
    for figure in figures:
        assert figure.low <= figure.value <= figure.high, figure
        assert figure.rules and set(figure.rules) <= rules, figure
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
    live = changed(reference, table, change)
    compared = agreement.compare(
        agreement.figures("part1", live), agreement.figures("part1", reference)
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
    tables = recorded_tables("part1")
    cost, sizes = tables["generics_cost"], tables["generic_size"]
    ratios = part1.generics_ratios(cost)
    for alone, beside in (
        (part1.generics_chart(ratios), part1.generics_chart(ratios, reference=cost)),
        (part1.size_chart(sizes), part1.size_chart(sizes, reference=sizes)),
    ):
        assert _runs(beside) == {charts.THIS_RUN, charts.REFERENCE_RUN}
        assert _has_run_encoding(beside) and not _has_run_encoding(alone)
        assert _runs(alone) == set()
