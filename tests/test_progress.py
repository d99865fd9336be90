"""The progress line a long experiment shows while it runs live (gorust.progress)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from gorust import experiments, progress


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> io.StringIO:
    """Progress on, written to a buffer, timings kept in a scratch cache."""
    monkeypatch.setenv("GVR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(progress.SWITCH, "1")
    written = io.StringIO()
    monkeypatch.setattr(progress, "_output", lambda: written)
    return written


def _two_runs() -> None:
    progress.step("building", "go", "read_states")
    progress.step("running", "go", "read_states")
    progress.step("running", "go", "read_states")


def test_progress_is_off_unless_switched_on(monkeypatch, tmp_path):
    monkeypatch.setenv("GVR_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(progress.SWITCH, raising=False)
    created = []
    monkeypatch.setattr(progress, "Progress", lambda *a: created.append(a))
    with progress.experiment("part2", "read_states", "quick"):
        _two_runs()
    assert created == []
    assert not progress.timings_file("quick").exists()


def test_a_first_run_names_its_steps_and_says_it_has_no_estimate(shown):
    with progress.experiment("part2", "read_states", "quick"):
        _two_runs()
    text = shown.getvalue()
    assert "Part 2 · read_states: building Go read_states 1" in text
    assert "running Go read_states 2" in text
    assert "no estimate yet" in text
    kept = json.loads(progress.timings_file("quick").read_text())["part2/read_states"]
    assert kept["steps"] == {"building Go read_states": 1, "running Go read_states": 2}


def test_the_next_run_counts_against_the_last_one_and_estimates(shown):
    for _ in range(2):
        with progress.experiment("part2", "read_states", "quick"):
            _two_runs()
    text = shown.getvalue()
    assert "running Go read_states 2/2" in text
    assert "left" in text and "no estimate yet" in text  # the second run has an estimate


def test_the_estimate_is_per_profile(shown):
    with progress.experiment("part2", "read_states", "quick"):
        _two_runs()
    with progress.experiment("part2", "read_states", "full"):
        _two_runs()
    assert "running Go read_states 2/2" not in shown.getvalue()


def test_a_failed_run_leaves_no_estimate(shown):
    with pytest.raises(RuntimeError), progress.experiment("part2", "read_states", "quick"):
        _two_runs()
        raise RuntimeError("the program failed")
    assert not progress.timings_file("quick").exists()


def test_the_line_is_removed_when_the_experiment_ends(shown):
    with progress.experiment("part2", "read_states", "quick"):
        _two_runs()
    assert shown.getvalue().endswith("\r")  # tqdm's last write of a line that does not stay


def test_an_experiment_of_the_registry_shows_its_progress(shown, monkeypatch):
    @experiments.experiment("part9")
    def counted() -> pd.DataFrame:
        progress.step("running", "rust", "counted")
        columns = ("profile", "cpu", "cores", "os", "commit", "measured_at", "toolchain")
        return pd.DataFrame({"language": ["rust"], "value": [1], **{c: ["-"] for c in columns}})

    try:
        counted()
    finally:
        experiments.REGISTRY.pop("part9", None)
    assert "Part 9 · counted: running Rust counted 1" in shown.getvalue()


def test_a_kernel_run_is_a_step(shown, kernel):
    with progress.experiment("part1", "generic_size", "quick"):
        kernel.run("generic_size")
    name = {"go": "Go", "rust": "Rust"}[kernel.language]
    assert f"building {name} generic_size 1" in shown.getvalue()
    assert f"running {name} generic_size 1" in shown.getvalue()
