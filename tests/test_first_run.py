"""A new user's first run: the preflight checks (and as root installs) every outside tool
before anything is built, and only the reference recorder writes data/."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from gorust import paths, preflight, provenance, reference, replay

PACKAGE = paths.REPO / "gorust"


def _hide(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *programs: str) -> dict[str, str]:
    hidden_path = replay.path_without_toolchains(os.environ["PATH"], tmp_path, programs)
    monkeypatch.setenv("PATH", hidden_path)
    monkeypatch.setenv(preflight.INSTALL_VARIABLE, "never")
    monkeypatch.delenv(replay.MODE_VARIABLE, raising=False)
    return dict(os.environ)


def test_make_book_names_a_missing_tool_and_stops_before_building(monkeypatch, tmp_path) -> None:
    env = _hide(monkeypatch, tmp_path / "shadow", "wrk")
    started = time.monotonic()
    finished = subprocess.run(
        ["make", "--no-print-directory", "book"],
        cwd=paths.REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.monotonic() - started
    output = finished.stdout + finished.stderr
    assert finished.returncode != 0, output
    assert re.search(r"^wrk\s+MISSING .*→ apt-get install wrk$", output, re.MULTILINE), output
    assert "Missing for `make book`: wrk" in output
    assert "jupyter-book build" not in output and "go build" not in output
    assert seconds < 60, f"the preflight took {seconds:.0f} s"


def test_each_missing_tool_is_listed_with_its_install_command(monkeypatch, capsys) -> None:
    monkeypatch.setenv(preflight.INSTALL_VARIABLE, "never")
    absent = preflight.Tool("frobnicate", "Part 9", lambda: None, "apt-get install frob", ("frob",))
    present = preflight.Tool("true", "Part 9", preflight._on_path("true"), "never shown")
    monkeypatch.setattr(preflight, "TOOLS", (present, absent))
    assert preflight.run("test") == 1
    out = capsys.readouterr().out
    assert re.search(r"^frobnicate\s+MISSING\s+-\s+Part 9\s+→ apt-get install frob$", out, re.M)
    assert re.search(r"^true\s+found\s", out, re.MULTILINE)
    assert "never shown" not in out


def test_as_root_the_preflight_installs_what_is_missing(monkeypatch, capsys) -> None:
    installed: list[str] = []
    state = {"there": False}
    tool = preflight.Tool(
        "frobnicate",
        "Part 9",
        lambda: preflight.Found("/usr/bin/frob", "1.0") if state["there"] else None,
        "apt-get install frob",
        ("frob",),
    )

    def install(tools):
        installed.extend(p for t in tools for p in t.debian)
        state["there"] = True

    monkeypatch.setattr(preflight, "TOOLS", (tool,))
    monkeypatch.setattr(preflight, "can_install", lambda: True)
    monkeypatch.setattr(preflight, "install", install)
    assert preflight.run("book") == 0
    assert installed == ["frob"]
    assert re.search(r"^frobnicate\s+found\s+1\.0", capsys.readouterr().out, re.MULTILINE)


def test_never_installs_when_told_not_to(monkeypatch) -> None:
    monkeypatch.setenv(preflight.INSTALL_VARIABLE, "never")
    assert not preflight.can_install()


def test_the_readme_tool_table_is_the_preflight_list() -> None:
    readme = (paths.REPO / "README.md").read_text(encoding="utf-8")
    assert preflight.markdown() in readme, "regenerate it: python -m gorust.preflight --markdown"


def test_only_the_reference_recorder_names_data_for_writing() -> None:
    """Modules that touch paths.DATA: the recorder writes it; the others only read it."""
    readers = {"paths", "replay", "sources", "data", "status"}
    touching = {
        module.stem
        for module in PACKAGE.glob("*.py")
        if "paths.DATA" in module.read_text(encoding="utf-8") or module.stem == "paths"
    }
    assert touching - readers == {"reference"}
    for module in touching - {"reference"}:
        text = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
        assert not re.search(r"paths\.DATA[^\n]*\.(write_|to_csv|mkdir|unlink)", text), module


@pytest.fixture
def reference_data(tmp_path, monkeypatch) -> Path:
    """A reference with two Parts, and a stand-in for executing a chapter that saves one table
    where a live run saves it (the recorder's staging folder)."""
    data = tmp_path / "data"
    for part, name in (("part1", "old"), ("part2", "kept")):
        (data / part).mkdir(parents=True)
        (data / part / f"{name}.csv").write_text("x\n1\n")
    monkeypatch.setattr(paths, "DATA", data)
    monkeypatch.setattr(reference, "staging_root", lambda: tmp_path / "staging")
    monkeypatch.setattr(reference, "_toolchains", lambda: {"go": "go1", "rust": "rustc 1"})

    def execute(notebook: Path) -> float:
        part = f"part{int(notebook.name[:2])}"
        folder = Path(os.environ[paths.RESULTS_VARIABLE]) / part
        folder.mkdir(parents=True, exist_ok=True)
        pd.DataFrame({"profile": [os.environ["GVR_PROFILE"]]}).to_csv(folder / "new.csv")
        return 1.5

    monkeypatch.setattr(reference, "execute", execute)
    return data


def test_recording_replaces_only_the_chosen_parts(reference_data, monkeypatch) -> None:
    monkeypatch.setattr(provenance, "tree_is_clean", lambda: True)
    assert reference.record(["part1"], "full", allow_dirty=False) == 0
    assert sorted(p.name for p in (reference_data / "part1").iterdir()) == ["new.csv"]
    assert pd.read_csv(reference_data / "part1" / "new.csv").profile.tolist() == ["full"]
    assert (reference_data / "part2" / "kept.csv").is_file()
    manifest = json.loads((reference_data / reference.MANIFEST).read_text())
    assert set(manifest) == {"part1"}
    assert manifest["part1"]["profile"] == "full" and manifest["part1"]["tree_clean"] is True
    assert manifest["part1"]["toolchains"] == {"go": "go1", "rust": "rustc 1"}


def test_recording_refuses_a_dirty_tree_unless_told(reference_data, monkeypatch) -> None:
    monkeypatch.setattr(provenance, "tree_is_clean", lambda: False)
    assert reference.record(["part1"], "full", allow_dirty=False) == 1
    assert (reference_data / "part1" / "old.csv").is_file()
    assert reference.record(["part1"], "quick", allow_dirty=True) == 0
    manifest = json.loads((reference_data / reference.MANIFEST).read_text())
    assert manifest["part1"]["tree_clean"] is False


def test_a_dirty_tree_marks_the_commit(monkeypatch) -> None:
    monkeypatch.setattr(provenance, "tree_is_clean", lambda: False)
    provenance.git_commit.cache_clear()
    try:
        assert provenance.git_commit().endswith("-dirty")
    finally:
        provenance.git_commit.cache_clear()
