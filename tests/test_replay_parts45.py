"""Parts 4 and 5 in replay mode: every experiment returns what data/ recorded, nothing runs.

The recorded tables are copied into a temporary data folder; the kernels, PostgreSQL and every
child process are made to fail, so a function that measures instead of replaying fails its test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from IPython.display import Markdown

from gorust import claims, part4, part5, paths, postgres, replay, runs

CHAPTERS = paths.REPO / "chapters"


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("replay mode ran a toolchain, a service or a process")


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/part4 and data/part5, replay mode on, and nothing allowed to run."""
    for chapter in ("part4", "part5"):
        shutil.copytree(paths.DATA / chapter, tmp_path / chapter)
    monkeypatch.setattr(paths, "DATA", tmp_path)
    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    for module in (runs, claims, part4, part5):
        monkeypatch.setattr(module, "kernels", _refuse)
    monkeypatch.setattr(part5, "interleaved", _refuse)
    monkeypatch.setattr(part5, "RustKernel", _refuse)
    monkeypatch.setattr(postgres, "cluster", _refuse)
    monkeypatch.setattr(subprocess, "Popen", _refuse)
    return tmp_path


def _table(folder: Path, chapter: str, experiment: str) -> pd.DataFrame:
    return pd.read_csv(folder / chapter / f"{experiment}.csv")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


def _checked_output(notebook: str, call: str) -> str:
    """What the committed notebook's ``# NBVAL_CHECK_OUTPUT`` cell calling ``call`` printed."""
    cells = json.loads((CHAPTERS / notebook).read_text())["cells"]
    for cell in cells:
        source = "".join(cell["source"])
        if source.startswith("# NBVAL_CHECK_OUTPUT") and call in source:
            return "".join("".join(output["text"]) for output in cell["outputs"])
    raise AssertionError(f"{notebook} has no checked cell that calls {call}")


def _as_recorded(found: list[claims.Claim], table: pd.DataFrame) -> None:
    columns = ["claim", "measured", "anchor", "verdict"]
    computed = pd.DataFrame([vars(claim) for claim in found], columns=columns)
    pd.testing.assert_frame_equal(computed, table[columns])


# -- Part 4 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("function", "experiment"),
    [
        ("contract", "contract"),
        ("source_lines", "source_lines"),
        ("dependencies", "dependencies"),
        ("binary_sizes", "binary_size"),
        ("startup", "startup"),
    ],
)
def test_part4_experiments_return_their_recorded_tables(recorded, function, experiment):
    replayed = getattr(part4, function)()
    pd.testing.assert_frame_equal(replayed, _table(recorded, "part4", experiment))


def test_part4_load_holds_both_recorded_tables_in_the_order_they_ran(recorded):
    load = part4.load()
    default, tuned = _table(recorded, "part4", "load"), _table(recorded, "part4", "load_tuned")
    assert len(load) == len(default) + len(tuned)
    assert load.measured_at.is_monotonic_increasing
    assert load.default_config.dtype == bool
    pd.testing.assert_frame_equal(load[load.default_config].reset_index(drop=True), default)
    pd.testing.assert_frame_equal(load[~load.default_config].reset_index(drop=True), tuned)
    # Even repetitions ran the variants forwards, odd ones backwards.
    first = load[(load.repetition == 0) & (load.scenario == "read")].variant.tolist()
    second = load[(load.repetition == 1) & (load.scenario == "read")].variant.tolist()
    assert first == part4.VARIANT_ORDER
    assert second == part4.VARIANT_ORDER[::-1]


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_part4_builds_are_the_recorded_ones_labelled_with_when_in_every_profile(
    recorded, monkeypatch, profile
):
    monkeypatch.setenv("GVR_PROFILE", profile)
    rebuild, cold = part4.rebuilds(), part4.cold_builds()
    for replayed, experiment in ((rebuild, "rebuild"), (cold, "cold_build")):
        table = _table(recorded, "part4", experiment)
        pd.testing.assert_frame_equal(replayed.drop(columns="when"), table)
        assert replayed.when.tolist() == [
            f"recorded {at[:10]}, {table.profile[0]} profile, commit {commit}"
            for at, commit in zip(table.measured_at, table.commit, strict=True)
        ]
    summary = part4.build_summary(rebuild, cold)
    assert not summary.when.str.contains("this run").any()
    assert summary.builds.sum() == len(rebuild) + len(cold)


def test_part4_page_from_recorded_tables_says_what_the_live_page_said(recorded):
    before = _snapshot(recorded)
    suite = part4.contract()
    lines = part4.source_lines()
    deps = part4.dependencies()
    sizes = part4.binary_sizes()
    rebuild = part4.rebuilds()
    cold = part4.cold_builds()
    start = part4.startup()
    load = part4.load()
    assert part4.contract_counts(suite) + "\n" == _checked_output(
        "04-velocity-crud.ipynb", "contract_counts"
    )
    summary = part4.load_summary(load)
    assert len(summary) == load.groupby(["scenario", "variant"]).ngroups
    assert summary.errors.sum() == load.errors.sum()
    assert not part4.build_summary(rebuild, cold).empty
    assert set(part4.schemathesis_counts(suite).Language) == {"Go", "Rust"}
    for chart in (
        part4.contract_chart(suite),
        part4.source_lines_chart(lines),
        part4.binary_chart(deps, sizes),
        part4.build_times_chart(rebuild, cold),
        part4.startup_chart(start),
        part4.load_chart(load),
    ):
        assert chart.to_dict()
    found = part4.claims(suite, lines, deps, rebuild, cold, sizes, load)
    _as_recorded(found, _table(recorded, "part4", "claims"))
    assert isinstance(claims.record("part4", found), Markdown)
    assert isinstance(runs.chapter_footer("part4"), Markdown)
    assert _snapshot(recorded) == before


# -- Part 5 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("experiment", ["error_pipeline", "error_cost"])
def test_part5_experiments_return_their_recorded_tables(recorded, experiment):
    replayed = getattr(part5, experiment)()
    pd.testing.assert_frame_equal(replayed, _table(recorded, "part5", experiment))


def test_part5_forgotten_error_shows_the_recorded_toolchain_messages(recorded):
    forgotten = part5.forgotten_error()
    checks = _table(recorded, "part5", "forgotten_error_checks").set_index("check")
    assert forgotten.go_vet.command == checks.loc[part5.GO_VET, "command"]
    assert forgotten.errcheck.stdout == checks.loc[part5.ERRCHECK_CHECK, "stdout"]
    assert forgotten.rust_warning.stderr == checks.loc[part5.RUSTC_WARNS, "stderr"]
    assert forgotten.rust_refusal.text == checks.loc[part5.RUSTC_DENIES, "stderr"]
    assert forgotten.rust_refusal.first_error.startswith("error")
    assert "\n".join(forgotten.verdict_lines()) + "\n" == _checked_output(
        "05-error-handling.ipynb", "verdict_lines"
    )
    assert f"$ {forgotten.go_vet.command}" in forgotten.raw_go()


def test_forgotten_error_reads_a_live_frame_and_its_csv_alike(tmp_path):
    """Live, the runs' frames hold NaN where a program printed no error and "" where a tool
    printed nothing; read back from CSV both are NaN. Both must give the same result."""
    run = {"features": "", "exit_code": 0, "toolchain": "t"}
    live_runs = pd.DataFrame(
        [
            {"error_seen": False, "mode": "forget", "report_exists": False, "language": "go"},
            {"error_seen": True, "mode": "handle", "report_exists": True, "language": "go"},
            {"error_seen": False, "mode": "forget", "report_exists": False, "language": "rust"},
            {"error_seen": True, "mode": "handle", "report_exists": False, "language": "rust"},
        ]
    ).assign(**run)
    live_runs["error"] = [float("nan"), "open x: denied", float("nan"), "writing x: denied"]
    live_checks = pd.DataFrame(
        [
            (part5.GO_VET, "go", "go vet ./x", 0, "", ""),
            (part5.ERRCHECK_CHECK, "go", "go run errcheck ./x", 1, "x/main.go:3:4:\tf()\n", ""),
            (part5.RUSTC_WARNS, "rust", "cargo build", 0, "", "warning: unused `Result`\n"),
            (part5.RUSTC_DENIES, "rust", "cargo build", 101, "", "error: unused `Result`\n"),
        ],
        columns=["check", "language", "command", "exit_code", "stdout", "stderr"],
    )
    read_back = []
    for frame in (live_runs, live_checks):
        path = tmp_path / "table.csv"
        frame.to_csv(path, index=False)
        read_back.append(pd.read_csv(path))
    live = part5._forgotten(live_runs, live_checks)
    assert part5._forgotten(*read_back) == live
    assert live.go_vet.stdout == "" and live.go_forget.error == ""
    assert live.errcheck_findings == [{"file": "x/main.go", "line": "3", "col": "4", "code": "f()"}]


def test_part5_page_from_recorded_tables_says_what_the_live_page_said(recorded):
    before = _snapshot(recorded)
    pipeline = part5.error_pipeline()
    assert pipeline.ok.dtype == bool
    assert part5.pipeline_report(pipeline) + "\n" == _checked_output(
        "05-error-handling.ipynb", "pipeline_report"
    )
    shares = part5.line_shares()
    forgotten = part5.forgotten_error()
    cost = part5.error_cost()
    summary = part5.cost_summary(cost)
    assert set(summary.case) == set(cost.case)
    assert not part5.cost_table(summary).empty
    assert part5.cost_chart(summary).to_dict()
    found = part5.claims(shares, pipeline, forgotten, cost, summary)
    _as_recorded(found, _table(recorded, "part5", "claims"))
    assert isinstance(claims.record("part5", found), Markdown)
    assert isinstance(runs.chapter_footer("part5"), Markdown)
    assert _snapshot(recorded) == before


def test_a_missing_recording_is_named_instead_of_measured(recorded, monkeypatch):
    # The message names the file relative to the repository: here, the temporary folder.
    monkeypatch.setattr(paths, "REPO", recorded)
    (recorded / "part5" / "forgotten_error_checks.csv").unlink()
    (recorded / "part4" / "load_tuned.csv").unlink()
    with pytest.raises(replay.RecordingMissing, match="forgotten_error_checks"):
        part5.forgotten_error()
    with pytest.raises(replay.RecordingMissing, match="load_tuned"):
        part4.load()
