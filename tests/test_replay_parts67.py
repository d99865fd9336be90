"""Parts 6 and 7 in replay mode: every experiment returns the tables a live run recorded, with
no toolchain touched, and the summaries, checked outputs and claims come out as they did live.

The recorded tables are the committed data/part6 and data/part7, copied into a temporary data
folder so that nothing a test does can reach the repository's own.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest

from gorust import claims, data, part6, part7, paths, replay, runs
from gorust.profile import Profile

REPO_DATA = paths.DATA
CHAPTERS = paths.REPO / "chapters"


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("replay mode started a toolchain")


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data folder holding the recorded Parts 6 and 7, replay mode on, and every way to a
    compiler or a program (the kernels, interleaved runs, Part 7's own tools) made to fail."""
    for chapter in ("part6", "part7"):
        shutil.copytree(REPO_DATA / chapter, tmp_path / chapter)
    monkeypatch.setattr(paths, "DATA", tmp_path)
    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    for module in (runs, part7, claims):
        monkeypatch.setattr(module, "kernels", _refuse)
    for name in ("interleaved", "GoKernel", "run_child", "_tool"):
        monkeypatch.setattr(part7, name, _refuse)
    before = _snapshot(tmp_path)
    yield tmp_path
    assert _snapshot(tmp_path) == before, "replay mode wrote to the data folder"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


def _table(folder: Path, chapter: str, experiment: str) -> pd.DataFrame:
    return pd.read_csv(folder / chapter / f"{experiment}.csv")


def _claims_frame(found: list[claims.Claim]) -> pd.DataFrame:
    return pd.DataFrame([asdict(c) for c in found])


def _recorded_claims(folder: Path, chapter: str) -> pd.DataFrame:
    return _table(folder, chapter, "claims")[["claim", "measured", "anchor", "verdict"]]


def _checked_outputs(notebook: str) -> list[str]:
    """The committed outputs of a chapter's ``# NBVAL_CHECK_OUTPUT`` cells, in order."""
    cells = json.loads((CHAPTERS / notebook).read_text(encoding="utf-8"))["cells"]
    return [
        "".join("".join(out["text"]) for out in cell["outputs"] if out.get("name") == "stdout")
        for cell in cells
        if cell["cell_type"] == "code" and "# NBVAL_CHECK_OUTPUT" in "".join(cell["source"])
    ]


# -- Part 6 ------------------------------------------------------------------------------------
def test_read_states_returns_the_recorded_runs(recorded: Path) -> None:
    states = part6.read_states()
    pd.testing.assert_frame_equal(states.runs, _table(recorded, "part6", "read_states"))
    pd.testing.assert_frame_equal(states.bins, _table(recorded, "part6", "read_states_bins"))
    pd.testing.assert_frame_equal(states.cycles, _table(recorded, "part6", "read_states_gc_cycles"))
    assert states.settings == part6.settings(Profile(states.runs.profile.iloc[0]))


def test_part6_summaries_checked_output_and_claims_match_the_live_run(recorded: Path) -> None:
    states = part6.read_states()
    spikes = part6.spike_table(states)
    table = part6.summary(states)
    assert list(table.variant) == [v.label for v in part6.VARIANTS]
    assert table.runs.eq(states.settings.repetitions).all()
    assert spikes.bins_with_gc.sum() > 0  # the recorded cycles land on the recorded bins
    (agreement,) = _checked_outputs("06-discord-case-study.ipynb")
    assert "\n".join(part6.agreement_lines(states)) + "\n" == agreement
    found = part6.claims(states, table, spikes)
    pd.testing.assert_frame_equal(_claims_frame(found), _recorded_claims(recorded, "part6"))
    assert "Go's GC caused latency spikes" in claims.record("part6", found).data
    for chart in (part6.latency_over_time_chart, part6.memory_chart, part6.cpu_chart):
        assert chart(states).to_dict()["data"]


def test_read_states_refuses_a_recording_made_with_other_settings(recorded: Path) -> None:
    source = recorded / "part6" / "read_states.csv"
    frame = pd.read_csv(source)
    frame["entries"] = 8_000_000.0
    frame.to_csv(source, index=False)
    with pytest.raises(ValueError, match="other settings"):
        part6.read_states()
    shutil.copy2(REPO_DATA / "part6" / "read_states.csv", source)  # as the fixture expects


# -- Part 7 ------------------------------------------------------------------------------------
def test_service_check_returns_the_recorded_answers(recorded: Path) -> None:
    service = part7.service_check()
    pd.testing.assert_frame_equal(service, _table(recorded, "part7", "service_check"))
    report, *_ = _checked_outputs("07-ecosystem.ipynb")
    assert part7.service_report(service) + "\n" == report
    messages = part7.error_messages(service)
    assert "GET /quotes/99 (unknown quote)" in messages
    assert "Rust:" in messages and "Go:" in messages


def test_dependencies_are_the_recorded_lists(recorded: Path) -> None:
    go_deps, rust_deps = part7.dependencies()
    assert (go_deps, rust_deps) == (part7.go_dependencies(), part7.rust_dependencies())
    table = _table(recorded, "part7", "dependencies")
    rebuilt = part7.dependency_table([go_deps, rust_deps])
    recorded_names = table.names.fillna("")  # an empty list is an empty string, read as NaN
    assert rebuilt.names.tolist() == recorded_names.tolist()
    assert rebuilt["count"].tolist() == table["count"].tolist()
    assert len(rust_deps.transitive) > 50 and go_deps.std_packages > 100
    assert part7.crate_list(rust_deps).count(", ") == len(rust_deps.transitive) - 1
    _, lines, *_ = _checked_outputs("07-ecosystem.ipynb")
    assert "\n".join(part7.dependency_lines(go_deps, rust_deps)) + "\n" == lines


def test_dependencies_survive_the_csv_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "DATA", tmp_path)
    written = (
        part7.Dependencies("go", (), (), 42, ("golang.org/x/net v0.1.0",)),
        part7.Dependencies(
            "rust",
            ("tokio v1.0.0",),
            ("bytes v1.0.0", "tokio v1.0.0"),
            0,
            (),
            ("axum",),
            ("tokio",),
        ),
    )
    frame = part7.dependency_table(written).assign(toolchain="t")
    (tmp_path / "part7").mkdir()
    frame.to_csv(tmp_path / "part7" / "dependencies.csv", index=False)
    read = tuple(part7.recorded_dependencies(language) for language in ("go", "rust"))
    assert read == written


def test_service_costs_are_the_recorded_summary_and_builds(recorded: Path) -> None:
    go_deps, rust_deps = part7.dependencies()
    summary, builds = part7.service_costs(go_deps, rust_deps)
    pd.testing.assert_frame_equal(builds, _table(recorded, "part7", "service_builds"))
    recorded_summary = _table(recorded, "part7", "service_summary")
    added_when_saved = {"toolchain", *data.PROVENANCE_COLUMNS}
    assert list(summary) == [c for c in recorded_summary if c not in added_when_saved]
    assert "toolchain" not in summary and summary.cold_reused.dtype == bool
    assert summary.set_index("language").transitive_dependencies.to_dict() == {
        "go": len(go_deps.transitive),
        "rust": len(rust_deps.transitive),
    }
    assert part7.build_table(summary).shape == (13, 2)
    note = part7.cold_build_note(summary).data
    assert note.startswith("Cold builds: recorded") and "this machine" not in note
    assert part7.service_chart(summary).to_dict()["data"]


def test_json_throughput_is_the_recorded_runs(recorded: Path) -> None:
    runs_frame = part7.json_throughput()
    pd.testing.assert_frame_equal(runs_frame, _table(recorded, "part7", "json_throughput"))
    *_, payload, checks, _ = _checked_outputs("07-ecosystem.ipynb")
    assert part7.payload_facts(part7.make_payload()) + "\n" == payload
    assert part7.json_checks(runs_frame) + "\n" == checks
    stats = part7.json_summary(runs_frame)
    assert set(stats.api) >= {"encoding/json", "serde_json"}
    assert part7.json_notes(runs_frame).data.startswith("- **`serde_json`**")
    assert part7.json_chart(stats).to_dict()["data"]


def table_value(frame: pd.DataFrame, field: str) -> object:
    (value,) = frame[field].unique()
    return value


def test_wasm_builds_sizes_and_runs_are_recorded(recorded: Path) -> None:
    builds = part7.build_wasm()
    assert [b.language for b in builds] == ["go", "rust"] and all(b.ok for b in builds)
    table = _table(recorded, "part7", "wasm_builds")
    assert part7.wasm_build_report(builds) == "\n".join(
        f"{name}: built by {row.toolchain} for {row.target}"
        for name, row in zip(("Go", "Rust"), table.itertuples(), strict=True)
    )
    sizes, wasm = part7.wasm_sizes(builds), part7.wasm_runs(builds)
    pd.testing.assert_frame_equal(sizes, _table(recorded, "part7", "wasm_sizes"))
    pd.testing.assert_frame_equal(wasm, _table(recorded, "part7", "wasm_runs"))
    # The notebook's checked text is the quick profile's input; a recording may be full.
    agreement = part7.wasm_agreement(wasm)
    assert agreement.startswith("Every run gives the same answer: yes")
    for field in part7.RESULT_FIELDS:
        assert f"{field:<10} {table_value(wasm, field)}" in agreement
    stats = part7.wasm_summary(wasm)
    assert part7.wasm_table(sizes, stats).shape[0] == 4
    assert part7.wasm_chart(sizes, stats).to_dict()["vconcat"]


def test_a_recorded_failed_wasm_build_replays_as_failed(recorded: Path) -> None:
    source = recorded / "part7" / "wasm_builds.csv"
    table = pd.read_csv(source)
    table["error"] = [
        "no WASI standard library" if lang == "rust" else "" for lang in table.language
    ]
    table.to_csv(source, index=False)
    go, rust = part7.build_wasm()
    assert go.ok and go.error is None
    assert not rust.ok
    assert part7.wasm_build_report([go, rust]).endswith("NOT BUILT — no WASI standard library")
    shutil.copy2(REPO_DATA / "part7" / "wasm_builds.csv", source)  # as the fixture expects


def test_part7_claims_match_the_live_run(recorded: Path) -> None:
    service = part7.service_check()
    go_deps, rust_deps = part7.dependencies()
    summary, _ = part7.service_costs(go_deps, rust_deps)
    json_runs = part7.json_throughput()
    json_stats = part7.json_summary(json_runs)
    builds = part7.build_wasm()
    sizes, wasm = part7.wasm_sizes(builds), part7.wasm_runs(builds)
    found = part7.claims(
        service, summary, go_deps, rust_deps, json_runs, json_stats, builds, sizes, wasm
    )
    pd.testing.assert_frame_equal(_claims_frame(found), _recorded_claims(recorded, "part7"))
    assert claims.record("part7", found).data.startswith("| Claim |")


@pytest.mark.parametrize("chapter", ["part6", "part7"])
def test_footer_describes_the_recorded_run(recorded: Path, chapter: str) -> None:
    footer = runs.chapter_footer(chapter).data
    commits = _table(recorded, chapter, "claims")["commit"].unique()
    assert "in replay mode" in footer and all(commit in footer for commit in commits)
