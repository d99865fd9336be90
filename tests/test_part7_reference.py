"""Part 7 against the reference: its headline figures compute from the recorded tables, and
changing the table a figure reads makes that figure, and only that one, differ; live, every
chart draws the reference's run beside this machine's, and replayed, this run alone."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gorust import agreement, charts, part7, replay
from gorust.experiments import reference_of
from gorust.part7 import headlines
from tests.conftest import assert_only_its_figure_differs, table


@pytest.fixture(scope="module")
def reference() -> dict[str, pd.DataFrame]:
    return agreement.load("part7", replay.recorded)


def slower(frame: pd.DataFrame, language: str, column: str) -> pd.DataFrame:
    """``column`` three times larger for ``language``'s rows."""
    frame.loc[frame.language == language, column] *= 3
    return frame


def slower_page(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """Every phase to ``language``'s first answer three times longer."""
    for column in ("compile_ms", "instantiate_ms", "first_call_ms"):
        frame = slower(frame, language, column)
    return frame


def slower_json(frame: pd.DataFrame, operation: str) -> pd.DataFrame:
    """encoding/json three times slower at ``operation`` only."""
    frame.loc[(frame.api == "encoding/json") & (frame.operation == operation), "ns_per_op"] *= 3
    return frame


# For each figure, a change of the one table it reads that moves it far beyond both spreads.
PERTURBATIONS = {
    headlines.REBUILD: ("service_builds", lambda f: slower(f, "rust", "wall_s")),
    headlines.BINARY: ("service_builds", lambda f: slower(f, "go", "stripped_bytes")),
    headlines.JSON_DECODE: ("json_throughput", lambda f: slower_json(f, "decode typed")),
    headlines.WASM_WORK: ("wasm_runs", lambda f: slower(f, "go", "work_ns")),
    headlines.BROWSER_DOWNLOAD: ("browser_wasm", lambda f: slower(f, "rust", "gzip_bytes")),
    headlines.BROWSER_FIRST: ("browser_wasm", lambda f: slower_page(f, "go")),
}


def test_headline_figures_compute_from_the_recorded_tables(reference) -> None:
    figures = agreement.figures("part7", reference)
    assert [f.name for f in figures] == list(PERTURBATIONS)
    for figure in figures:
        assert 0 < figure.low <= figure.value <= figure.high
        assert figure.unit == "×" and figure.rules


@pytest.mark.parametrize("name", list(PERTURBATIONS))
def test_a_changed_table_makes_only_its_figure_differ(reference, name: str) -> None:
    table, change = PERTURBATIONS[name]
    assert_only_its_figure_differs("part7", reference, table, change, name)


# -- The reference on every chart --------------------------------------------------------------
def chart_rows(chart) -> list[dict]:
    return [row for rows in chart.to_dict()["datasets"].values() for row in rows]


def runs_in(chart) -> set[str]:
    return {row.get(charts.RUN_FIELD) for row in chart_rows(chart)} - {None}


def encodings(spec: object) -> list[dict]:
    """Every encoding block anywhere in a Vega-Lite spec (layers, facets, concatenations)."""
    if isinstance(spec, list):
        return [e for item in spec for e in encodings(item)]
    if not isinstance(spec, dict):
        return []
    found = [spec["encoding"]] if isinstance(spec.get("encoding"), dict) else []
    return found + [e for key, value in spec.items() if key != "datasets" for e in encodings(value)]


def has_run_encoding(chart) -> bool:
    """Does a mark's opacity (the faded reference, with the legend "Run") encode the run?"""
    return any(
        encoding.get("opacity", {}).get("field") == charts.RUN_FIELD
        for encoding in encodings(chart.to_dict())
    )


def part7_charts(reference: bool) -> list:
    """The chapter's four charts from the recorded tables, with those tables (rebuilt as
    ``reference_of`` returns them) as the reference, or without one."""
    summary = table("part7", "service_summary")
    json_runs = table("part7", "json_throughput")
    sizes, wasm_runs = table("part7", "wasm_sizes"), table("part7", "wasm_runs")
    browser_runs = table("part7", "browser_wasm")
    if not reference:
        return [
            part7.service_chart(summary),
            part7.json_chart(part7.json_summary(json_runs)),
            part7.wasm_chart(sizes, part7.wasm_summary(wasm_runs)),
            part7.browser_chart(browser_runs),
        ]
    costs = part7.ServiceCosts(summary, table("part7", "service_builds"))
    return [
        part7.service_chart(costs, reference=costs),
        part7.json_chart(part7.json_summary(json_runs), reference=json_runs),
        part7.wasm_chart(
            sizes, part7.wasm_summary(wasm_runs), reference=wasm_runs, reference_sizes=sizes
        ),
        part7.browser_chart(browser_runs, reference=browser_runs),
    ]


def test_with_the_reference_every_chart_draws_both_runs() -> None:
    for chart in part7_charts(reference=True):
        assert runs_in(chart) == {charts.THIS_RUN, charts.REFERENCE_RUN}
        assert has_run_encoding(chart)
        assert '"Run details"' in json.dumps(chart.to_dict())  # in the tooltip


def test_without_a_reference_every_chart_draws_one_run_without_a_run_legend() -> None:
    for chart in part7_charts(reference=False):
        assert runs_in(chart) == {charts.THIS_RUN}
        assert not has_run_encoding(chart)


def test_the_wasm_times_get_a_panel_per_run_naming_its_text() -> None:
    """The profiles count different texts, so the run times do not share an axis."""
    with_reference, alone = part7_charts(True)[2], part7_charts(False)[2]
    panels = {row["panel"] for row in chart_rows(with_reference) if "panel" in row}
    assert len(panels) == 2 and all("MB of text" in p for p in panels)
    assert "facet" in json.dumps(with_reference.to_dict()["vconcat"][1])
    assert "facet" not in json.dumps(alone.to_dict()["vconcat"][1])


def test_the_charts_follow_the_mode(replaying) -> None:
    """Replayed, ``reference_of`` gives None: the page shows the reference alone."""
    assert reference_of(part7.json_throughput) is None
    assert reference_of(part7.wasm_runs) is None
    assert reference_of(part7.browser_wasm) is None
