"""Replay mode's core: when it is on, what it reads, what it refuses, what it tells the reader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from gorust import data, paths, preflight, provenance, replay, runs


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data/ folder holding one recorded table of Part 1."""
    monkeypatch.setattr(paths, "DATA", tmp_path)
    frame = pd.DataFrame(
        {
            "language": ["go", "rust"],
            "toolchain": ["go version go1.26.8 linux/amd64", "cargo 1.95.0 (f2d3ce0bd)"],
            "ns_per_call": [2.0, 1.5],
            **{column: "x" for column in data.PROVENANCE_COLUMNS},
        }
    )
    frame["profile"] = "full"
    frame["measured_at"] = "2026-11-28T10:00:00+00:00"
    frame["commit"] = "abc1234"
    (tmp_path / "part1").mkdir()
    frame.to_csv(tmp_path / "part1" / "generics_cost.csv", index=False)
    return tmp_path


def test_the_mode_follows_path_unless_it_is_set(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(replay.MODE_VARIABLE, raising=False)
    monkeypatch.setenv(
        "PATH", replay.path_without_toolchains(__import__("os").environ["PATH"], tmp_path)
    )
    assert replay.missing_toolchains() == ["go", "cargo"]
    assert replay.active()
    monkeypatch.setenv(replay.MODE_VARIABLE, "live")
    assert not replay.active()
    monkeypatch.setenv(replay.MODE_VARIABLE, "sometimes")
    with pytest.raises(ValueError, match="not a mode"):
        replay.mode()


def test_hiding_the_toolchains_keeps_every_other_program(tmp_path) -> None:
    import os

    hidden = replay.path_without_toolchains(os.environ["PATH"], tmp_path)
    assert shutil.which("go", path=hidden) is None
    assert shutil.which("cargo", path=hidden) is None
    for program in ("python3", "cc", "git"):
        found = shutil.which(program)
        if found:  # still there, perhaps through a shadow folder's link
            assert Path(shutil.which(program, path=hidden)).resolve() == Path(found).resolve()


def test_replay_reads_the_recorded_table(recorded, monkeypatch) -> None:
    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    frame = replay.recorded("part1", "generics_cost")
    assert list(frame.ns_per_call) == [2.0, 1.5]


def test_a_missing_recording_says_how_to_make_it(recorded, monkeypatch) -> None:
    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    with pytest.raises(replay.RecordingMissing, match="make book"):
        replay.recorded("part1", "data_race")
    with pytest.raises(replay.RecordingMissing, match="data/part9/"):
        replay.recordings("part9")


def test_replay_never_overwrites_recorded_data(recorded, monkeypatch) -> None:
    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    before = (recorded / "part1" / "generics_cost.csv").read_bytes()
    with pytest.raises(RuntimeError, match="never writes"):
        data.save(replay.recorded("part1", "generics_cost"), "part1", "generics_cost")
    assert (recorded / "part1" / "generics_cost.csv").read_bytes() == before


def test_the_banner_and_footer_name_the_recorded_run(recorded, monkeypatch) -> None:
    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    banner = replay.banner("part1").data
    assert "replay mode" in banner and "`GVR_MODE=replay` is set" in banner
    assert "full profile, measured 2026-11-28" in banner
    assert "`abc1234`" in banner and "`data/part1/`" in banner
    footer = runs.chapter_footer("part1").data
    assert "go version go1.26.8" in footer and "cargo 1.95.0" in footer
    assert "replay mode, from data/" in footer
    monkeypatch.setenv(replay.MODE_VARIABLE, "live")
    assert replay.banner("part1") is None


def test_the_recorded_footer_lists_each_toolchain_once() -> None:
    recordings = pd.DataFrame(
        {
            "toolchain": ["go1", "go1", "cargo 2 (abc)", "go1; cargo 2 (abc)"],
            "cpu": "cpu",
            "cores": 2,
            "os": "os",
            "profile": "quick",
            "measured_at": "2026-11-28T10:00:00",
            "commit": "abc",
        }
    )
    text = provenance.recorded_footer(recordings).data
    assert "| Toolchains (recorded) | cargo 2, go1 |" in text


def test_make_book_goes_on_in_replay_mode_but_make_test_does_not(monkeypatch, tmp_path, capsys):
    import os

    monkeypatch.setenv("PATH", replay.path_without_toolchains(os.environ["PATH"], tmp_path))
    monkeypatch.setenv(preflight.INSTALL_VARIABLE, "never")
    monkeypatch.delenv(replay.MODE_VARIABLE, raising=False)
    assert preflight.run("test") == 1
    assert "MISSING" in capsys.readouterr().out
    assert preflight.run("book") == 0
    assert "replay mode" in capsys.readouterr().out
