"""Parts 1–3 in replay mode: every experiment returns what a real run recorded under data/,
without a toolchain or a process, and the chapters' summaries and claims come out as the run
that recorded them computed them."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from gorust import claims, part1, part2, part3, paths, replay, runs
from gorust.kernels import Build, CompileDiagnostics, RunResult
from gorust.process import Finished
from gorust.profile import Profile

# The committed recordings, found before any test points paths.DATA elsewhere.
RECORDED = paths.DATA
PARTS = ("part1", "part2", "part3")


def _forbidden(what: str) -> Callable[..., object]:
    def fail(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"replay mode {what}")

    return fail


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data/ that replay.recorded and data.save use instead of the repository's."""
    monkeypatch.setattr(paths, "REPO", tmp_path)  # replay names missing tables relative to it
    monkeypatch.setattr(paths, "DATA", tmp_path / "data")
    # A live run here saves where replay reads, as if recorded as the reference.
    monkeypatch.setenv(paths.RESULTS_VARIABLE, str(paths.DATA))
    paths.DATA.mkdir()
    return paths.DATA


@pytest.fixture
def replaying(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Replay mode over a copy of the committed recordings of Parts 1–3, where asking for a
    kernel or starting any process fails the test."""
    for part in PARTS:
        shutil.copytree(RECORDED / part, data_dir / part)
    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    no_kernels = _forbidden("asked for the Go and Rust kernels")
    for module in (runs, claims, part1, part2):
        monkeypatch.setattr(module, "kernels", no_kernels)
    monkeypatch.setattr(subprocess, "Popen", _forbidden("started a process"))
    return data_dir


def _claims_match_recording(part: str, computed: list[claims.Claim]) -> None:
    """The claims rebuilt from the recorded tables are those the recording run saved."""
    recorded = replay.recorded(part, "claims")[["claim", "measured", "anchor", "verdict"]]
    assert_frame_equal(pd.DataFrame([asdict(c) for c in computed]), recorded)
    # Rendering the claim check in replay neither saves nor asks for toolchain versions.
    assert "| Claim |" in claims.record(part, computed).data


def _has_rows(chart: object) -> None:
    """The chart's spec carries data rows (altair inlines them as datasets)."""
    datasets = chart.to_dict()["datasets"]
    assert datasets and all(datasets.values())


# -- Part 1 ------------------------------------------------------------------------------------
def test_part1_replays_its_recorded_tables_and_claims(replaying: Path) -> None:
    cost = part1.generics_cost()
    assert_frame_equal(cost, pd.read_csv(replaying / "part1" / "generics_cost.csv"))
    sizes = part1.generic_size()
    assert_frame_equal(sizes, pd.read_csv(replaying / "part1" / "generic_size.csv"))
    race = part1.data_race()
    assert_frame_equal(race.table, pd.read_csv(replaying / "part1" / "data_race.csv"))

    ratios = part1.generics_ratios(cost)
    growth = part1.size_growth(sizes)
    _has_rows(part1.generics_chart(ratios))
    _has_rows(part1.size_chart(sizes))
    # What the page shows of the tools comes from the recording, not from a compiler.
    assert race.rust_refusal.text.strip() and race.rust_refusal.error_codes
    assert race.verdict_lines()[3] == f"rustc: {race.rust_refusal.first_error}"
    assert race.fixed_lines() and all(line.endswith("exact") for line in race.fixed_lines())
    assert race.go_lost_updates["count"].dtype == "int64"
    _claims_match_recording("part1", part1.claims(ratios, growth, race))


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
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race experiment run live (by stand-in kernels), saved, then replayed: the page's
    lines, tables and claim come out the same, rustc's text included."""
    binary = data_dir / "binary"
    binary.write_bytes(b"\0" * 10)
    fakes = (_FakeKernel("go", binary), _FakeKernel("rust", binary))
    monkeypatch.setattr(part1, "kernels", lambda: fakes)
    monkeypatch.setenv(replay.MODE_VARIABLE, "live")
    live = part1.data_race(Profile("quick"))
    assert (data_dir / "part1" / "data_race.csv").is_file()

    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    monkeypatch.setattr(part1, "kernels", _forbidden("asked for the Go and Rust kernels"))
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


def test_part1_data_race_needs_its_recorded_diagnostics(replaying: Path) -> None:
    """A recording without rustc's refusal is reported, not shown as an empty refusal."""
    table = pd.read_csv(replaying / "part1" / "data_race.csv")
    table[table["run"] != part1.RUST_COMPILE].to_csv(replaying / "part1" / "data_race.csv")
    with pytest.raises(ValueError, match="0 rust_compile rows"):
        part1.data_race().verdict_lines()


# -- Part 2 ------------------------------------------------------------------------------------
def test_part2_replays_its_recorded_tables_and_claims(replaying: Path) -> None:
    memory = part2.task_memory()
    assert_frame_equal(memory, pd.read_csv(replaying / "part2" / "task_memory.csv"))
    ticks = part2.preemption()
    assert_frame_equal(ticks, pd.read_csv(replaying / "part2" / "preemption.csv"))
    conns = part2.connections()
    assert_frame_equal(conns.runs, pd.read_csv(replaying / "part2" / "connections.csv"))
    latency = pd.read_csv(replaying / "part2" / "connection_latency.csv")
    assert_frame_equal(conns.latency, latency)

    per_task = part2.bytes_per_task(memory)
    summary = part2.preemption_summary(ticks)
    _has_rows(part2.task_memory_chart(per_task))
    _has_rows(part2.preemption_chart(ticks))
    _has_rows(part2.latency_chart(conns))
    assert summary.starved.dtype == bool
    assert len(part2.preemption_verdicts(summary)) == len(part2.PREEMPTION_VARIANTS)
    per_connection = part2.connection_summary(conns.runs)
    _claims_match_recording("part2", part2.claims(per_task, summary, per_connection))


# -- Part 3 ------------------------------------------------------------------------------------
def test_part3_replays_its_recorded_tables_and_claims(replaying: Path) -> None:
    trees = part3.binary_trees()
    assert_frame_equal(trees, pd.read_csv(replaying / "part3" / "binary_trees.csv"))
    heap = part3.live_heap()
    assert_frame_equal(heap.windows, pd.read_csv(replaying / "part3" / "live_heap.csv"))
    assert_frame_equal(heap.latency, pd.read_csv(replaying / "part3" / "live_heap_latency.csv"))

    summary = part3.binary_trees_summary(trees)
    assert summary.variant.tolist() == [v.label for v in part3.TREE_VARIANTS]
    pauses = part3.pause_summary(heap)
    latency = part3.latency_summary(heap)
    for chart in (
        part3.binary_trees_chart(trees),
        part3.pause_chart(pauses),
        part3.latency_chart(heap),
        part3.memory_chart(heap),
    ):
        _has_rows(chart)
    _claims_match_recording("part3", part3.claims(trees, pauses, latency))


# -- Every part ----------------------------------------------------------------------------------
@pytest.mark.parametrize("part", PARTS)
def test_footer_and_banner_describe_the_recording(replaying: Path, part: str) -> None:
    assert "replay mode" in runs.chapter_footer(part).data
    assert f"data/{part}/" in replay.banner(part).data


@pytest.mark.parametrize(
    ("experiment", "table"),
    [
        (part1.generics_cost, "part1/generics_cost"),
        (part1.data_race, "part1/data_race"),
        (part2.connections, "part2/connection_latency"),
        (part3.live_heap, "part3/live_heap_latency"),
    ],
)
def test_a_missing_recording_says_how_to_make_it(
    replaying: Path, experiment: Callable[[], object], table: str
) -> None:
    (replaying / f"{table}.csv").unlink()
    with pytest.raises(replay.RecordingMissing, match=table):
        experiment()
