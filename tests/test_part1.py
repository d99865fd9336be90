"""Part 1 in replay mode: its summaries, charts and claims from the reference, and the data-race
experiment's round trip from a live run (by stand-in kernels) to a replayed page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from gorust import claims, part1, paths, replay
from gorust.kernels import Build, CompileDiagnostics, RunResult
from gorust.part1 import verdicts
from gorust.process import Finished
from gorust.profile import Profile
from tests.conftest import changed, has_rows, recorded_tables, verdict_word


def test_part1_summaries_charts_and_claims_from_the_reference(replaying: Path) -> None:
    cost, sizes, race = part1.generics_cost(), part1.generic_size(), part1.data_race()

    ratios = part1.generics_ratios(cost)
    growth = part1.size_growth(sizes)
    has_rows(part1.generics_chart(ratios))
    has_rows(part1.size_chart(sizes))
    # What the page shows of the tools comes from the recording, not from a compiler.
    assert race.rust_refusal.text.strip() and race.rust_refusal.error_codes
    assert race.verdict_lines()[3] == f"rustc: {race.rust_refusal.first_error}"
    assert race.fixed_lines() and all(line.endswith("exact") for line in race.fixed_lines())
    assert race.go_lost_updates["count"].dtype == "int64"
    assert set(ratios.interval) == {"95% bootstrap interval"}
    assert not growth.empty
    assert "| Claim |" in claims.check("part1").data


def _fake_result(language: str, binary: Path, records: list[dict], stderr: str = "") -> RunResult:
    build = Build(language, "data_race", (), binary, "key", f"{language} test", True, 0.0)
    code = 66 if stderr else 0  # what a Go binary built with -race exits with after a race
    finished = Finished((), code, "", stderr, 0.01, 2_000_000, 0.01, 0.0, False)
    return RunResult(build, finished, records)


class _FakeKernel:
    """Runs data_race without a compiler: unsynchronised counts lose half the updates."""

    def __init__(self, language: str, binary: Path) -> None:
        self.language, self.binary = language, binary

    def toolchain(self) -> object:
        return type("Toolchain", (), {"version": f"{self.language} test"})()

    def run(self, experiment: str, args: list, *, race: bool = False, **_: object) -> RunResult:
        options = dict(zip(args[::2], args[1::2], strict=True))
        expected = options["--workers"] * options["--increments"]
        count = expected // 2 if options["--mode"] == "unsync" else expected
        record = {**{k.strip("-"): v for k, v in options.items()}, "expected": expected}
        record.update(count=count, exact=count == expected)
        stderr = "==================\nWARNING: DATA RACE\nWrite at 0x00c by goroutine 7:\n"
        return _fake_result(self.language, self.binary, [record], stderr if race else "")

    def expect_compile_error(self, experiment: str, features: list[str]) -> CompileDiagnostics:
        # Quotes, commas and blank lines, as rustc prints them, must survive the CSV.
        text = (
            'error[E0499]: cannot borrow `counter` as mutable, "twice"\n\n'
            " --> data_race/src/main.rs:20:13\n"
            "error[E0502]: cannot borrow `counter` as immutable\n"
        )
        return CompileDiagnostics(
            "rust", experiment, tuple(features), Path("x"), 101, text, ("E0499", "E0502")
        )


def test_part1_data_race_replays_what_the_live_run_saw(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race experiment run live (by stand-in kernels), saved, then replayed from what it
    saved as if recorded: the page's lines, tables and claim come out the same, rustc's text
    included."""
    data_dir = tmp_path / "data"
    monkeypatch.setattr(paths, "DATA", data_dir)
    monkeypatch.setenv(paths.RESULTS_VARIABLE, str(data_dir))
    binary = tmp_path / "binary"
    binary.write_bytes(b"\0" * 10)
    fakes = (_FakeKernel("go", binary), _FakeKernel("rust", binary))
    monkeypatch.setattr(part1, "kernels", lambda: fakes)
    monkeypatch.setenv(replay.MODE_VARIABLE, "live")
    live = part1.data_race(Profile("quick"))
    assert (data_dir / "part1" / "data_race.csv").is_file()

    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    monkeypatch.setattr(part1, "kernels", None)  # replay must not ask for the kernels
    replayed = part1.data_race()

    assert replayed.verdict_lines() == live.verdict_lines()
    assert replayed.verdict_lines()[1:] == [
        "Go's race detector (go build -race) at run time: reports WARNING: DATA RACE, "
        "exit status 66",
        "Rust compiles the unsynchronised counter: no",
        'rustc: error[E0499]: cannot borrow `counter` as mutable, "twice"',
        "rustc error codes: E0499, E0502",
    ]
    assert replayed.fixed_lines() == live.fixed_lines()
    assert replayed.fixed_lines()[0] == "go   mutex : 4,000,000 of 4,000,000 — exact"
    assert replayed.rust_refusal == live.rust_refusal
    assert replayed.rust_refusal.text == fakes[1].expect_compile_error("data_race", []).text
    assert_frame_equal(replayed.go_lost_updates, live.go_lost_updates)
    assert replayed.go_lost_updates.lost.tolist() == [2_000_000] * 3
    assert_frame_equal(replayed.timing(), live.timing())


def test_part1_data_race_needs_its_recorded_diagnostics(reference_copy: Path) -> None:
    """A recording without rustc's refusal is reported, not shown as an empty refusal."""
    table = pd.read_csv(reference_copy / "part1" / "data_race.csv")
    table[table["run"] != part1.RUST_COMPILE].to_csv(reference_copy / "part1" / "data_race.csv")
    with pytest.raises(ValueError, match="0 rust_compile rows"):
        part1.data_race().verdict_lines()


# -- Flip tests: each rule's verdict moves when the data crosses its threshold ---------------------
@pytest.fixture(scope="module")
def recorded() -> dict[str, pd.DataFrame]:
    return recorded_tables("part1")


def _scaled(cost: pd.DataFrame, language: str, style: str, factor: float, function: str = ""):
    """generics_cost with one language's ``style`` cases (of ``function``, if given) slowed."""
    rows = (cost.language == language) & (cost["style"] == style)
    if function:
        rows &= cost.function == function
    cost.loc[rows, "ns_per_call"] *= factor
    return cost


def _noisy(cost: pd.DataFrame, language: str, function: str) -> pd.DataFrame:
    """Generic samples half at 0.8×, half at 1.25× the hand-written median: a ratio near 1 with
    an interval too wide to call it equal or apart."""
    for element in cost.element.unique():
        case = (cost.language == language) & (cost.function == function)
        case &= cost.element == element
        generic = case & (cost["style"] == "generic")
        median = cost[case & (cost["style"] == "concrete")].ns_per_call.median()
        cost.loc[generic, "ns_per_call"] = median * np.resize([0.8, 1.25], int(generic.sum()))
    return cost


def _as_hand_written(cost: pd.DataFrame, language: str) -> pd.DataFrame:
    """Every generic sample of ``language`` set to its hand-written twin's median (the
    pointer case's twin is the value case's hand-written code)."""
    own = cost.language == language
    concrete = cost[own & (cost["style"] == "concrete")]
    by_case = concrete.groupby(["function", "element"]).ns_per_call.median()
    by_function = concrete.groupby("function").ns_per_call.median()
    for index in cost.index[own & (cost["style"] == "generic")]:
        function, element = cost.at[index, "function"], cost.at[index, "element"]
        cost.at[index, "ns_per_call"] = by_case.get((function, element), by_function[function])
    return cost


def test_go_generics_flips(recorded: dict) -> None:
    rule = verdicts.go_generics
    # Only the method call through a constraint slowed: some cases free, some not.
    mixed = changed(
        recorded,
        "generics_cost",
        lambda c: _scaled(_as_hand_written(c, "go"), "go", "generic", 3.0, "area"),
    )
    assert verdict_word(rule, mixed) == "depends"
    # Every generic case as fast as the hand-written one: none costs anything.
    free = changed(recorded, "generics_cost", lambda c: _as_hand_written(c, "go"))
    assert verdict_word(rule, free) == "does not hold"
    # Every generic case slowed: all are limited.
    slow = changed(recorded, "generics_cost", lambda c: _scaled(c, "go", "generic", 3.0))
    assert verdict_word(rule, slow) == "holds"
    noisy = changed(recorded, "generics_cost", lambda c: _noisy(c, "go", "sum"))
    assert verdict_word(rule, noisy) == "inconclusive here"


def test_rust_generics_flips(recorded: dict) -> None:
    rule = verdicts.rust_generics
    assert verdict_word(rule, recorded) == "depends"

    def equal_max(cost: pd.DataFrame) -> pd.DataFrame:
        # Every generic max sample replaced by its hand-written twin's: the same machine code.
        for element in ("int64", "float64"):
            rows = (cost.language == "rust") & (cost.function == "max") & (cost.element == element)
            generic, concrete = (
                rows & (cost["style"] == "generic"),
                rows & (cost["style"] == "concrete"),
            )
            cost.loc[generic, "ns_per_call"] = cost.loc[concrete, "ns_per_call"].to_numpy()
        return cost

    assert verdict_word(rule, changed(recorded, "generics_cost", equal_max)) == "holds"
    assert "no dispatch cost" in rule(recorded).verdict
    dispatch = changed(
        recorded, "generics_cost", lambda c: _scaled(c, "rust", "generic", 2.0, "area")
    )
    assert verdict_word(rule, dispatch) == "depends"
    assert "a trait-bound method call costs area(Rect) generic 2" in rule(dispatch).verdict
    noisy = changed(recorded, "generics_cost", lambda c: _noisy(c, "rust", "sum"))
    assert verdict_word(rule, noisy) == "inconclusive here"


def test_code_size_flips(recorded: dict) -> None:
    rule = verdicts.code_size
    assert rule(recorded).source == "course"
    assert verdict_word(rule, recorded) == "holds"

    def grow(language: str, bytes_per_type: int):
        def change(sizes: pd.DataFrame) -> pd.DataFrame:
            rows = sizes.language == language
            sizes.loc[rows, "text_bytes"] += sizes.loc[rows, "instantiations"] * bytes_per_type
            return sizes

        return change

    assert verdict_word(rule, changed(recorded, "generic_size", grow("go", 100_000))) == (
        "does not hold"
    )


def test_data_race_flips(recorded: dict) -> None:
    rule = verdicts.data_race
    assert verdict_word(rule, recorded) == "depends"
    assert "exact in both" in rule(recorded).measured

    def compiled(race: pd.DataFrame) -> pd.DataFrame:
        rows = race["run"] == part1.RUST_COMPILE
        race.loc[rows, "exit_code"] = 0
        race.loc[rows, "error_codes"] = np.nan
        return race

    accepted = changed(recorded, "data_race", compiled)
    assert verdict_word(rule, accepted) == "does not hold"
    assert "rustc accepts it" in rule(accepted).measured

    def miscounted(race: pd.DataFrame) -> pd.DataFrame:
        rows = (race["run"] == part1.FIXED) & (race["mode"] == "mutex") & (race.language == "go")
        race.loc[rows, "count"] -= 1
        race.loc[rows, "exact"] = False
        return race

    broken = changed(recorded, "data_race", miscounted)
    assert verdict_word(rule, broken) == "inconclusive here"
    assert "miscounted: go mutex" in rule(broken).measured


def test_the_prose_numbers_follow_the_tables(recorded: dict) -> None:
    glued = claims.glued_values("part1", recorded)
    assert glued["part1.fixed_exact"] == "give the exact count in both languages"
    assert glued["part1.race_refused"].startswith("rustc refused it")
    slower_go = changed(
        recorded,
        "generic_size",
        lambda s: s.assign(
            text_bytes=s.text_bytes * (1 + 10 * (s.language == "go") * s.instantiations)
        ),
    )
    assert claims.glued_values("part1", slower_go)["part1.faster_growth"] == "Go's"
