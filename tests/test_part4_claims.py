"""Part 4's claim rules flip when their tables cross a threshold (each test starts from the
recorded tables and changes one column on each side), and the prose's words follow."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust import claims
from gorust.part4 import claim_check, prose
from tests.conftest import changed, recorded_tables, verdict_word


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return recorded_tables("part4")


def _scale(column: str, language: str | None = None, factor: float = 1.0, **where: str):
    """A change that multiplies ``column`` of the rows of ``language`` (and ``where``)."""

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        rows = pd.Series(True, index=frame.index)
        if language is not None:
            rows &= frame.language == language
        for name, value in where.items():
            rows &= frame[name] == value
        frame[column] = frame[column].astype(float)
        frame.loc[rows, column] = frame.loc[rows, column] * factor
        return frame

    return change


def test_hours_flips(tables):
    assert verdict_word(claim_check.hours, tables) == "inconclusive here"
    three_times = changed(tables, "source_lines", _scale("code", "rust", 5.0))
    assert verdict_word(claim_check.hours, three_times) == "depends"

    def one_fails(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame.index[0], "outcome"] = "failed"
        return frame

    failing = changed(tables, "contract", one_fails)
    assert claim_check.hours(failing).verdict.startswith("inconclusive here: the two services")


def _markers(**counts: int):
    """Rust's demanded constructs set to ``counts`` and every other one to zero, so that the
    flip does not depend on what the recorded services happen to contain."""
    wanted = {name: counts.get(name, 0) for name in claim_check.DEMANDED}

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        for name, count in wanted.items():
            rows = (frame.language == "rust") & (frame.marker == claim_check.DEMANDED[name])
            frame.loc[rows, "count"] = count
        return frame

    return change


def test_annotations_flips(tables):
    none = changed(tables, "marker_counts", _markers())
    assert verdict_word(claim_check.annotations, none) == "does not hold"
    some = changed(tables, "marker_counts", _markers(lifetimes=2))
    assert verdict_word(claim_check.annotations, some) == "depends"
    every = changed(tables, "marker_counts", _markers(lifetimes=2, box_pin=1, bounds=3))
    assert verdict_word(claim_check.annotations, every) == "holds"


def _cold_rust_seconds(*seconds: float):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        rust = frame[frame.language == "rust"].iloc[[0] * len(seconds)].copy()
        rust["seconds"] = seconds
        return pd.concat([frame[frame.language == "go"], rust], ignore_index=True)

    return change


def test_compile_time_flips(tables):
    assert verdict_word(claim_check.compile_time, tables) == "does not hold"
    slow = changed(tables, "cold_build", _cold_rust_seconds(700, 800, 900))
    assert verdict_word(claim_check.compile_time, slow) == "holds"
    straddling = changed(tables, "cold_build", _cold_rust_seconds(300, 700, 900))
    assert verdict_word(claim_check.compile_time, straddling) == "inconclusive here"
    assert "n = 3 per language" in claim_check.compile_time(slow).measured
    assert claim_check.compile_time.key == "compile-time"


def test_binary_size_flips(tables):
    assert verdict_word(claim_check.binary_size, tables) == "holds"
    bigger = changed(tables, "binary_size", _scale("bytes", "rust", 20.0))
    assert verdict_word(claim_check.binary_size, bigger) == "does not hold"
    stripped_only = changed(tables, "binary_size", _scale("bytes", "go", 0.1, variant="as built"))
    assert verdict_word(claim_check.binary_size, stripped_only) == "depends"
    assert claim_check.binary_size.key == "binary-size"


def _libraries(language: str, libraries: str):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame.language == language, "shared_libraries"] = libraries
        return frame

    return change


def test_single_binary_flips(tables):
    assert verdict_word(claim_check.single_binary, tables) == "holds"
    assert claim_check.single_binary(tables).verdict.startswith("holds: for both")
    rust_extra = changed(tables, "binary_size", _libraries("rust", "libc.so.6, libssl.so.3"))
    assert claim_check.single_binary(rust_extra).verdict.startswith("holds: for Go")
    go_extra = changed(tables, "binary_size", _libraries("go", "libc.so.6, libpq.so.5"))
    assert verdict_word(claim_check.single_binary, go_extra) == "depends"


def _throughput(factor: float):
    """Every Rust run's requests/s multiplied by ``factor``, in both load tables."""

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        return _scale("requests_per_s", "rust", factor)(frame)

    return change


def _speed_tables(tables, factor: float) -> dict[str, pd.DataFrame]:
    return changed(changed(tables, "load", _throughput(factor)), "load_tuned", _throughput(factor))


def test_speed_flips(tables):
    words = {
        factor: verdict_word(claim_check.speed, _speed_tables(tables, factor))
        for factor in (3.0, 0.3)
    }
    assert words == {3.0: "holds", 0.3: "does not hold"}

    def noisy(frame: pd.DataFrame) -> pd.DataFrame:
        rust = frame.language == "rust"
        spread = [0.2 if i % 2 else 5.0 for i in range(int(rust.sum()))]
        frame["requests_per_s"] = frame["requests_per_s"].astype(float)
        frame.loc[rust, "requests_per_s"] = frame.loc[rust, "requests_per_s"] * spread
        return frame

    spread = changed(changed(tables, "load", noisy), "load_tuned", noisy)
    assert verdict_word(claim_check.speed, spread) == "inconclusive here"


def test_speed_says_the_database_sets_the_pace_only_when_the_services_leave_it_the_core(
    tables,
):
    share = claim_check.service_core_share(pd.concat([tables["load"], tables["load_tuned"]]))
    text = claim_check.speed(tables).verdict
    assert ("the database sets the pace" in text) == (share.max() < 0.5)
    assert "one CRUD service on one core" in text
    idle = changed(tables, "load", _scale("server_cpu_s", factor=1e-3))
    idle = changed(idle, "load_tuned", _scale("server_cpu_s", factor=1e-3))
    assert "the database sets the pace" in claim_check.speed(idle).verdict
    busy = changed(tables, "load", _scale("server_cpu_s", factor=1e3))
    assert "the database sets the pace" not in claim_check.speed(busy).verdict


def test_the_throughput_spread_is_computed_from_the_runs(tables):
    text = prose.load_words(tables)["part4.throughput_spread"]
    doubled = changed(tables, "load", _scale("requests_per_s", "go", 2.0, repetition=0))
    assert prose.load_words(doubled)["part4.throughput_spread"] != text


def test_the_prose_words_follow_the_tables(tables):
    assert prose.binary_words(tables)["part4.smaller_binary"].startswith("the Rust binary")
    bigger = changed(tables, "binary_size", _scale("bytes", "rust", 20.0))
    assert prose.binary_words(bigger)["part4.smaller_binary"].startswith("the Go binary")
    some = changed(tables, "marker_counts", _markers(box_pin=1))
    assert prose.demanded_constructs(some)["part4.demanded_in_rust"] == "1 of the three appear"
    none = changed(tables, "marker_counts", _markers(statics=4))
    assert prose.demanded_constructs(none)["part4.demanded_in_rust"] == "None of the three appears"


def test_every_rule_is_the_articles_claim():
    # Save the course's own finding about the services' defaults (gorust.part4.defaults).
    course = {"defaults_contract"}
    assert {r.source for r in claims.rules("part4") if r.name not in course} == {"article"}
    assert {r.name for r in claims.rules("part4") if r.source == "course"} == course
