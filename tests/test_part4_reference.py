"""Part 4 against the reference (gorust.agreement): its headline figures compute from the
recorded tables, doubling what one figure reads makes that figure, and only it, differ, and
every chart draws the reference's run beside this machine's only when it is given one."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from gorust import agreement, charts, part4
from gorust.part4 import ColdBuildTimes, LoadRuns, RebuildTimes
from tests.conftest import changed, headline_reference

CHAPTER = "part4"
# Each figure, the table it reads and the column doubled on Go's side.
PERTURBED = [
    ("Cold build time, Go ÷ Rust", "cold_build", "seconds"),
    ("Rebuild after a one-line change, Go ÷ Rust", "rebuild", "seconds"),
    ("Stripped binary size, Go ÷ Rust", "binary_size", "bytes"),
    ("Code lines (cloc), Go ÷ Rust", "source_lines", "code"),
    ("Read requests/s, Go ÷ Rust (sqlx's defaults)", "load", "requests_per_s"),
    ("Service CPU per read request, Go ÷ Rust (sqlx's defaults)", "load", "cpu_us_per_request"),
]


@pytest.fixture(scope="module")
def reference() -> dict[str, pd.DataFrame]:
    return headline_reference(CHAPTER)


def test_the_headline_figures_compute_from_the_recorded_tables(
    reference: dict[str, pd.DataFrame],
) -> None:
    figures = agreement.figures(CHAPTER, reference)
    assert [f.name for f in figures] == [name for name, _, _ in PERTURBED]
    for figure in figures:
        assert figure.low <= figure.value <= figure.high and figure.value > 0, figure
        assert figure.rules, f"{figure.name}: no claim rests on it"
    compared = agreement.compare(figures, figures)
    assert set(compared.agreement) == {agreement.AGREES}


def _double_go(column: str):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame[column] = frame[column].where(frame.language != "go", frame[column] * 2)
        return frame

    return change


@pytest.mark.parametrize(("name", "table", "column"), PERTURBED, ids=[p[2] for p in PERTURBED])
def test_doubling_what_a_figure_reads_makes_it_alone_differ(
    reference: dict[str, pd.DataFrame], name: str, table: str, column: str
) -> None:
    doubled = changed(reference, table, _double_go(column))
    compared = agreement.compare(
        agreement.figures(CHAPTER, doubled), agreement.figures(CHAPTER, reference)
    ).set_index("figure")
    assert compared.loc[name, "agreement"] == agreement.DIFFERS
    assert compared.loc[name, "live_over_reference"] == pytest.approx(2.0)
    others = compared.drop(index=name)
    assert set(others.agreement) == {agreement.AGREES}, others.agreement


def _data_rows(spec: dict) -> list[dict]:
    """Every row of every dataset the chart embeds."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _encodes_run(spec: object) -> bool:
    """Whether some mark's opacity is encoded by the run (the "Run" legend)."""
    if isinstance(spec, dict):
        opacity = spec.get("opacity")
        if isinstance(opacity, dict) and opacity.get("field") == charts.RUN_FIELD:
            return True
        return any(_encodes_run(value) for value in spec.values())
    if isinstance(spec, list):
        return any(_encodes_run(value) for value in spec)
    return False


def _charts(t: dict[str, pd.DataFrame], with_reference: bool) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter, drawn from ``t`` as this machine's run, and from ``t`` as
    the reference's too when ``with_reference``."""
    runs = LoadRuns.from_tables(t)
    ref = with_reference
    return {
        "contract": part4.contract_chart(t["contract"], t["contract"] if ref else None),
        "source": part4.source_lines_chart(t["source_lines"], t["source_lines"] if ref else None),
        "binary": part4.binary_chart(
            t["dependencies"],
            t["binary_size"],
            (t["dependencies"], t["binary_size"]) if ref else None,
        ),
        "builds": part4.build_times_chart(
            t["rebuild"],
            t["cold_build"],
            (RebuildTimes(t["rebuild"]), ColdBuildTimes(t["cold_build"])) if ref else None,
        ),
        "startup": part4.startup_chart(t["startup"], t["startup"] if ref else None),
        "load": part4.load_chart(runs.frame, runs if ref else None),
    }


@pytest.mark.parametrize("with_reference", [False, True], ids=["alone", "with reference"])
def test_every_chart_draws_the_reference_beside_this_run_only_when_given_it(
    reference: dict[str, pd.DataFrame], with_reference: bool
) -> None:
    for name, chart in _charts(reference, with_reference).items():
        spec = chart.to_dict()
        runs = {row[charts.RUN_FIELD] for row in _data_rows(spec) if charts.RUN_FIELD in row}
        if with_reference:
            assert runs == {charts.THIS_RUN, charts.REFERENCE_RUN}, name
            assert _encodes_run(spec), f"{name}: no Run encoding"
        else:
            assert runs == {charts.THIS_RUN}, name
            assert not _encodes_run(spec), f"{name}: a Run legend with one run"


def test_cold_builds_reused_from_an_earlier_run_are_no_figure_of_this_run(
    reference: dict[str, pd.DataFrame],
) -> None:
    reused = changed(reference, "cold_build", lambda f: f.assign(reused=True))
    compared = agreement.compare(
        agreement.figures(CHAPTER, reused), agreement.figures(CHAPTER, reference)
    ).set_index("figure")
    assert compared.loc["Cold build time, Go ÷ Rust", "agreement"] == agreement.NO_LIVE
    assert set(compared.drop(index="Cold build time, Go ÷ Rust").agreement) == {agreement.AGREES}
