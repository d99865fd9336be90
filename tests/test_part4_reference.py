"""Part 4 against the reference (gorust.agreement): its headline figures compute from the
recorded tables, and doubling what one figure reads makes that figure, and only it, differ."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust import agreement
from tests.conftest import changed

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
    tables = agreement.reference_tables(CHAPTER)
    assert tables is not None, "data/part4 lacks a table the headline figures read"
    return tables


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
