"""Part 7's claim rules flip: each one, fed the recorded tables changed on either side of its
threshold, gives every verdict word it can give."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust.part7 import facts, rules
from tests.conftest import changed, recorded_tables, verdict_word


@pytest.fixture(scope="module")
def recorded() -> dict[str, pd.DataFrame]:
    return recorded_tables("part7")


def _set(frame: pd.DataFrame, where: pd.Series, column: str, value: object) -> pd.DataFrame:
    """``frame`` with ``column`` set to ``value`` where ``where`` holds (any dtype)."""
    return frame.assign(**{column: frame[column].astype(object).where(~where, value)})


def _summary(language: str, column: str, value: float):
    return lambda f: _set(f, f.language == language, column, value)


def _dependency(language: str, kind: str, names: str):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        where = (frame.language == language) & (frame.kind == kind)
        frame.loc[where, "names"] = names
        frame.loc[where, "count"] = len(names.split("; ")) if names else 0
        return frame

    return change


def test_standard_library_flips(recorded) -> None:
    assert verdict_word(rules.standard_library, recorded) == "holds"
    with_module = changed(
        recorded, "dependencies", _dependency("go", "transitive", "github.com/gorilla/mux")
    )
    assert verdict_word(rules.standard_library, with_module) == "does not hold"
    answered_differently = changed(
        recorded,
        "service_check",
        lambda f: _set(f, (f.language == "rust") & (f.step == 0), "status", 500),
    )
    assert verdict_word(rules.standard_library, answered_differently) == "inconclusive here"


def test_crates_flips(recorded) -> None:
    assert verdict_word(rules.crates, recorded) == "holds"
    without_reqwest = changed(recorded, "dependencies", _dependency("rust", "transitive", "tokio"))
    assert verdict_word(rules.crates, without_reqwest) == "depends"


def test_build_time_flips(recorded) -> None:
    assert verdict_word(rules.build_time, recorded) == "holds"
    rust = recorded["service_summary"].set_index("language").loc["rust"]
    as_fast = changed(
        changed(recorded, "service_summary", _summary("go", "cold_wall_s", rust.cold_wall_s)),
        "service_summary",
        _summary("go", "cold_cpu_s", rust.cold_cpu_s),
    )
    assert verdict_word(rules.build_time, as_fast) == "does not hold"
    cpu_only = changed(recorded, "service_summary", _summary("go", "cold_wall_s", rust.cold_wall_s))
    assert verdict_word(rules.build_time, cpu_only) == "inconclusive here"


def test_build_time_says_minutes_or_seconds_from_the_data(recorded) -> None:
    slow = changed(recorded, "service_summary", _summary("rust", "cold_wall_s", 900.0))
    assert "ten minutes or longer" in rules.build_time(slow).verdict
    fast = changed(recorded, "service_summary", _summary("rust", "cold_wall_s", 45.0))
    # Go's cold build well under Rust's too, so wall and CPU time agree whatever was recorded.
    fast = changed(fast, "service_summary", _summary("go", "cold_wall_s", 5.0))
    assert "in 45 seconds (under the article's ten minutes)" in rules.build_time(fast).verdict


def test_binary_size_flips(recorded) -> None:
    go = recorded["service_summary"].set_index("language").loc["go"]

    def rust_stripped(factor: float) -> dict[str, pd.DataFrame]:
        return changed(
            recorded,
            "service_summary",
            _summary("rust", "stripped_bytes", go.stripped_bytes / factor),
        )

    assert verdict_word(rules.binary_size, rust_stripped(1.0)) == "does not hold"
    assert verdict_word(rules.binary_size, rust_stripped(2.0)) == "depends"
    assert verdict_word(rules.binary_size, rust_stripped(5.0)) == "holds"
    assert "about the size of Go's" in rules.binary_size(rust_stripped(1.0)).verdict


def test_runtime_flips(recorded) -> None:
    assert verdict_word(rules.runtime, recorded) == "holds"
    both = changed(recorded, "dependencies", _dependency("rust", "runtimes", "tokio; async-std"))
    assert verdict_word(rules.runtime, both) == "depends"


def _json_serde_time(factor: float):
    """serde_json's times set to Go v1's, times ``factor`` (per operation)."""

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        for operation, group in frame[frame.api == "encoding/json"].groupby("operation"):
            serde = (frame.api == "serde_json") & (frame.operation == operation)
            frame.loc[serde, "ns_per_op"] = group.ns_per_op.median() * factor
        return frame

    return change


def test_json_speed_flips(recorded) -> None:
    assert verdict_word(rules.json_speed, recorded) == "depends"
    as_fast = changed(recorded, "json_throughput", _json_serde_time(1.0))
    assert verdict_word(rules.json_speed, as_fast) == "holds"
    assert "about as fast" in rules.json_speed(as_fast).verdict
    not_identical = changed(
        recorded,
        "json_throughput",
        lambda f: _set(f, f.check.eq("round trip") & (f.api == "serde_json"), "identical", False),
    )
    assert verdict_word(rules.json_speed, not_identical) == "inconclusive here"


def _wasm_work(language: str, factor: float):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        where = (frame.language == language) & (frame["mode"] == "wasm (wasmtime)")
        scale = where.map({True: factor, False: 1.0})
        return frame.assign(work_ns=frame.work_ns * scale)

    return change


def test_wasm_flips(recorded) -> None:
    assert verdict_word(rules.wasm, recorded) == "holds"
    runs = recorded["wasm_runs"]
    go_ns = runs[(runs.language == "go") & (runs["mode"] == "wasm (wasmtime)")].work_ns.median()
    rust_ns = runs[(runs.language == "rust") & (runs["mode"] == "wasm (wasmtime)")].work_ns.median()
    rust_as_slow = changed(recorded, "wasm_runs", _wasm_work("rust", 2 * go_ns / rust_ns))
    assert verdict_word(rules.wasm, rust_as_slow) == "depends"
    same_size = changed(
        recorded,
        "wasm_sizes",
        lambda f: _set(f, f.language == "rust", "stripped_bytes", f.stripped_bytes.max()),
    )
    assert verdict_word(rules.wasm, same_size) == "inconclusive here"
    not_built = changed(
        recorded,
        "wasm_builds",
        lambda f: f.assign(error=f.language.map({"rust": "no WASI standard library"})),
    )
    assert rules.wasm(not_built).verdict.startswith("inconclusive here: one side")


def test_facts_follow_the_tables(recorded) -> None:
    values = facts.service_facts(recorded)
    go = recorded["service_summary"].set_index("language").loc["go"]
    same = changed(
        recorded, "service_summary", _summary("rust", "stripped_bytes", go.stripped_bytes)
    )
    assert facts.service_facts(same)["part7.binary_compared"].startswith("about the size")
    assert values["part7.binary_verdict"] == rules.binary_size(recorded).verdict
    slow_go = changed(recorded, "json_throughput", _json_serde_time(1.0))
    assert facts.json_facts(slow_go)["part7.serde_decode"] == "about as fast"
