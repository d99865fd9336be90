"""Part 5's claim rules flip when their tables cross a threshold: each test starts from the
recorded tables and changes one column on each side."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust import claims
from gorust.part5 import prose, verdicts
from gorust.part5.lines import CHECKS, TYPES
from tests.conftest import changed, recorded_tables, verdict_word

TABLES = recorded_tables("part5")


def _set(frame: pd.DataFrame, where: pd.Series, column: str, value: object) -> pd.DataFrame:
    frame.loc[where, column] = value
    return frame


def _shares(implementation: str, **values: object):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        for column, value in values.items():
            frame = _set(frame, frame.implementation == implementation, column, value)
        return frame

    return change


def test_verbose_flips():
    assert verdict_word(verdicts.verbose, TABLES) == "depends"
    go_heavier = changed(TABLES, "line_shares", _shares("Go", error_share=0.99))
    assert verdict_word(verdicts.verbose, go_heavier) == "holds"
    go_light = changed(TABLES, "line_shares", _shares("Go", **{CHECKS: 0, "error_share": 0.1}))
    assert verdict_word(verdicts.verbose, go_light) == "does not hold"


def test_propagation_flips():
    assert verdict_word(verdicts.propagation, TABLES) == "holds"
    rust_heavy = changed(TABLES, "line_shares", _shares("Rust, std only", **{CHECKS: 40}))
    assert verdict_word(verdicts.propagation, rust_heavy) == "does not hold"


def test_forgetting_flips():
    assert verdict_word(verdicts.forgetting, TABLES) == "does not hold"

    def vet_reports(frame: pd.DataFrame) -> pd.DataFrame:
        return _set(frame, frame.check == "go vet", "exit_code", 1)

    vetted = changed(TABLES, "forgotten_error_checks", vet_reports)
    assert verdict_word(verdicts.forgetting, vetted) == "holds"

    def errcheck_silent(frame: pd.DataFrame) -> pd.DataFrame:
        return _set(frame, frame.check == "errcheck", "stdout", "")

    unseen = changed(TABLES, "forgotten_error_checks", errcheck_silent)
    assert verdict_word(verdicts.forgetting, unseen) == "inconclusive here"


def _kinds(implementation: str, kind: str):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        failed = (frame.implementation == implementation) & ~frame.ok.astype(bool)
        return _set(frame, failed, "kind", kind)

    return change


def test_typed_flips():
    assert verdict_word(verdicts.typed, TABLES) == "depends"
    all_match = changed(
        TABLES, "error_pipeline", _kinds("Rust, thiserror + anyhow", "match Anyhow(Other)")
    )
    assert verdict_word(verdicts.typed, all_match) == "holds"
    no_match = changed(
        TABLES, "error_pipeline", _kinds("Rust, std only", "downcast_ref::<io::Error>")
    )
    assert verdict_word(verdicts.typed, no_match) == "does not hold"
    unclassified = changed(TABLES, "error_pipeline", _kinds("Go", "unclassified"))
    assert verdict_word(verdicts.typed, unclassified) == "inconclusive here"


def _scaled(language: str, case: str, factor: float):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        rows = (frame.language == language) & (frame["case"] == case)
        frame.loc[rows, "ns_per_op"] = frame.loc[rows, "ns_per_op"] * factor
        return frame

    return change


def test_cheap_errors_flips():
    assert verdict_word(verdicts.cheap_errors, TABLES) == "holds"
    dear_error = changed(TABLES, "error_cost", _scaled("go", "sentinel error", 5))
    assert verdict_word(verdicts.cheap_errors, dear_error) == "does not hold"
    cheap_panic = changed(TABLES, "error_cost", _scaled("go", "panic + recover", 0.05))
    assert verdict_word(verdicts.cheap_errors, cheap_panic) == "inconclusive here"


def test_cheap_errors_is_the_course_finding_not_the_article_claim():
    assert verdicts.cheap_errors.source == "course"
    assert {r.source for r in claims.rules("part5") if r.name != "cheap_errors"} == {"article"}


@pytest.mark.parametrize("factor, word", [(1.0, "free"), (3.0, "not free")])
def test_the_error_value_words_follow_the_costs(factor: float, word: str):
    tables = changed(TABLES, "error_cost", _scaled("rust", "Err(enum)", factor))
    assert prose.cost_words(tables)["part5.error_value"].startswith(f"An error value is {word}")


def test_the_interval_the_page_names_is_the_one_the_ratios_have():
    few = changed(TABLES, "error_cost", lambda f: f.groupby(["language", "case"]).head(3))
    assert prose.cost_words(few)["part5.cost_interval"] == "min–max range, n = 3"
    assert prose.cost_words(TABLES)["part5.cost_interval"] == "95% bootstrap interval"


def test_the_line_words_follow_the_counts():
    assert prose.line_words(TABLES)["part5.types_vs_go"].startswith("outweigh")
    fewer = changed(TABLES, "line_shares", _shares("Rust, std only", **{TYPES: 1}))
    assert prose.line_words(fewer)["part5.types_vs_go"].startswith("do not outweigh")
