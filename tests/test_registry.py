"""The experiment registry: every declared experiment replays from the reference, starting
nothing and writing nothing, and live it saves exactly the tables it declares."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust import experiments, paths, replay
from gorust.reference import MEASURING_PARTS

DECLARED = [e for part in MEASURING_PARTS for e in experiments.of(part)]


@pytest.mark.parametrize("declared", DECLARED, ids=lambda e: f"{e.chapter}.{e.name}")
def test_every_experiment_replays_from_the_reference_alone(declared, replaying) -> None:
    public = getattr(__import__(f"gorust.{declared.chapter}", fromlist=["_"]), declared.name)
    value = public()
    tables = {declared.tables[0]: value} if declared.result is None else value.to_tables()
    for table, frame in tables.items():
        recorded = replay.recorded(declared.chapter, table)
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), recorded, check_dtype=False)


@pytest.mark.parametrize("declared", DECLARED, ids=lambda e: f"{e.chapter}.{e.name}")
def test_every_experiment_names_programs_that_exist(declared) -> None:
    for program in declared.programs:
        roots = (paths.GO_MODULE, paths.RUST_WORKSPACE, paths.CODE)
        assert any((root / program).is_dir() for root in roots), program


def test_a_live_run_saves_what_it_declares(monkeypatch, live_results) -> None:
    monkeypatch.setenv(replay.MODE_VARIABLE, "live")
    row = {c: "v" for c in ("profile", "cpu", "cores", "os", "commit", "measured_at")}
    frame = pd.DataFrame([{**row, "language": "go", "toolchain": "go1", "x": 1}])

    @experiments.experiment("part0", programs=())
    def probe() -> pd.DataFrame:
        return frame

    try:
        assert probe() is frame
        saved = pd.read_csv(live_results / "part0" / "probe.csv")
        assert saved.x.tolist() == [1]
        # It ran no program: its journal of commands is saved, empty, with the provenance.
        journal = pd.read_csv(live_results / "part0" / "probe.commands.csv")
        assert journal.empty and {"kind", "line", "commit"} <= set(journal.columns)
        monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
        monkeypatch.setattr(paths, "DATA", live_results)
        assert probe().x.tolist() == [1]  # replayed from the tables, not run
    finally:
        experiments.REGISTRY.pop("part0", None)


def test_every_measuring_chapter_declares_its_experiments() -> None:
    for part in MEASURING_PARTS:
        assert experiments.of(part), f"{part} declares no experiment"


@pytest.mark.parametrize("part", MEASURING_PARTS)
def test_banner_and_footer_describe_the_recording(replaying, part: str) -> None:
    from gorust import runs

    assert "replay mode" in runs.chapter_footer(part).data
    assert f"data/{part}/" in replay.banner(part).data


@pytest.mark.parametrize("declared", DECLARED, ids=lambda e: f"{e.chapter}.{e.name}")
def test_a_missing_recording_says_how_to_make_it(declared, reference_copy) -> None:
    table = declared.tables[-1]
    (reference_copy / declared.chapter / f"{table}.csv").unlink()
    with pytest.raises(replay.RecordingMissing, match=f"{declared.chapter}/{table}"):
        declared.replayed()
