"""Part 4's defaults experiment (gorust.part4.defaults): its claim rule flips, its glued
words follow the tables, the baseline commit is required with a clear message, what counts
as the service's own lines, the probes' contract check, and replay from recorded tables."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest

from gorust import part4
from gorust.part4 import claim_check, default_probes, defaults, prose
from gorust.part4.default_probes import Answer, Case
from tests.conftest import verdict_word

CASES = ["truncated JSON", "array body", "lone surrogate", "database stopped"]
PROVENANCE = {
    "toolchain": "t",
    "measured_at": "2026-12-02T00:00:00+00:00",
    "profile": "quick",
    "commit": "abc",
    "cpu": "cpu",
    "os": "linux",
}


def _probes(failing: dict[str, set[str]]) -> pd.DataFrame:
    """Every case for both languages and builds; ``failing[language]``: the cases its
    default build breaks (the hardened builds meet every case)."""
    rows = []
    for language in ("go", "rust"):
        for build in ("default", "hardened"):
            for case in CASES:
                meets = build == "hardened" or case not in failing.get(language, set())
                rows.append(
                    {"language": language, "build": build, "case": case,
                     "meets_contract": meets, "behaviour": "x", **PROVENANCE}
                )  # fmt: skip
    return pd.DataFrame(rows)


def _lines(go: int, rust: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"language": "go", "path": "a.go", "kind": "source", "added": go, "deleted": 0},
            {"language": "rust", "path": "a.rs", "kind": "source", "added": rust - 1,
             "deleted": 1},
        ]
    ).assign(**PROVENANCE)  # fmt: skip


def _tables(failing: dict[str, set[str]], go: int = 100, rust: int = 140) -> dict:
    return {"defaults": _probes(failing), "hardening_lines": _lines(go, rust)}


# -- The claim rule and the glued words --------------------------------------------------------
def test_defaults_contract_flips():
    rule = claim_check.defaults_contract
    both_fail = _tables({"go": {"lone surrogate"}, "rust": {"array body"}})
    assert verdict_word(rule, both_fail) == "holds"
    assert "Go 100, Rust 140" in rule(both_fail).measured
    go_clean = _tables({"rust": {"array body"}})
    assert verdict_word(rule, go_clean) == "does not hold"
    assert "Go met every case" in rule(go_clean).verdict
    hardened_fails = _tables({"go": {"lone surrogate"}, "rust": {"array body"}})
    probes = hardened_fails["defaults"]
    probes.loc[(probes.build == "hardened") & (probes.language == "rust"), "meets_contract"] = [
        True, True, False, True
    ]  # fmt: skip
    assert verdict_word(rule, hardened_fails) == "inconclusive here"
    assert rule.source == "course"


def test_defaults_words_follow_the_tables():
    words = prose.defaults_words(
        _tables({"go": {"lone surrogate", "database stopped"}, "rust": {"database stopped"}})
    )
    assert words["part4.defaults_cases"] == "4 cases"
    assert words["part4.defaults_go"] == "2 of 4"
    assert words["part4.defaults_rust"] == "3 of 4"
    assert words["part4.defaults_go_only"] == "lone surrogate"
    assert words["part4.defaults_rust_only"] == "none"
    assert words["part4.defaults_both"] == "database stopped"
    assert words["part4.defaults_hardened"] == "both hardened services met all of them"
    assert words["part4.hardening_lines"] == "100 lines of Go and 140 of Rust"
    assert words["part4.hardening_more"] == "Rust took 1.4× Go's"
    fewer = prose.defaults_words(_tables({"go": {"array body"}}, go=200, rust=100))
    assert fewer["part4.hardening_more"] == "Go took 2.0× Rust's"


# -- The baseline commit -------------------------------------------------------------------------
def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com",
         *args],
        check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def shallow_clone(tmp_path: Path) -> Path:
    """A clone of a two-commit repository that holds only its last commit."""
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q")
    for n in range(2):
        (origin / "file").write_text(str(n))
        _git(origin, "add", "file")
        _git(origin, "commit", "-q", "-m", f"commit {n}")
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(tmp_path / "clone")],
        check=True, capture_output=True,
    )  # fmt: skip
    return tmp_path / "clone"


def test_a_shallow_clone_fails_with_a_clear_message(shallow_clone: Path):
    with pytest.raises(defaults.BaselineMissing, match=r"shallow clone.*git fetch --unshallow"):
        defaults.require_baseline(shallow_clone)
    with pytest.raises(defaults.BaselineMissing, match=defaults.BASELINE):
        defaults.baseline_tree(shallow_clone)


def test_the_experiment_fails_before_starting_anything_without_its_commit(
    monkeypatch: pytest.MonkeyPatch, live_results: Path
):
    monkeypatch.setattr(defaults, "BASELINE", "0" * 40)
    monkeypatch.setattr(subprocess, "Popen", _only_git)
    with pytest.raises(defaults.BaselineMissing, match="does not have"):
        part4.default_behaviour()
    assert not list(live_results.rglob("*.csv"))


_REAL_POPEN = subprocess.Popen


def _only_git(args, *rest, **options):
    """subprocess.Popen that lets git run and refuses anything else (a build, a server)."""
    assert args[0] == "git", f"the experiment started {args!r} before checking its commit"
    return _REAL_POPEN(args, *rest, **options)


def test_this_repository_has_the_baseline_and_the_unhardened_rust_package_is_renamed():
    tree = defaults.baseline_tree()
    rust = tree / "code" / "rust"
    manifest = (rust / defaults.RUST_DEFAULT_NAME / "Cargo.toml").read_text()
    assert f'name = "{defaults.RUST_DEFAULT_NAME}"' in manifest
    assert f'"{defaults.RUST_DEFAULT_NAME}"' in (rust / "Cargo.toml").read_text()
    assert f'name = "{defaults.RUST_DEFAULT_NAME}"\n' in (rust / "Cargo.lock").read_text()
    assert (tree / "code" / "go" / "crud_api" / "main.go").is_file()


@pytest.mark.parametrize(
    ("path", "counted"),
    [
        ("code/go/crud_api/input.go", True),
        ("code/go/crud_api/input_test.go", False),
        ("code/rust/crud_api/src/api.rs", True),
        ("code/rust/crud_api/tests/strict.rs", False),
        ("code/rust/Cargo.lock", False),
        ("code/go/go.sum", False),
        ("code/crud_api/openapi.yaml", False),
    ],
)
def test_only_the_services_own_files_count_as_hardening(path: str, counted: bool):
    assert defaults._counted(path) is counted


# -- The probes --------------------------------------------------------------------------------
def _answer(status: int | None, body: bytes, seconds: float = 0.01) -> Answer:
    return Answer(status, body, seconds, "application/json; charset=utf-8")


ERROR = b'{"error": {"code": "invalid_body", "message": "no"}}'


def test_a_case_is_met_by_its_status_its_error_shape_and_its_time():
    case = Case("x", "y", 422, "invalid_body", default_probes.lone_surrogate)
    assert case.meets(_answer(422, ERROR))
    assert not case.meets(_answer(201, b'{"id": 1}'))
    assert not case.meets(_answer(422, b'{"detail": "no"}'))  # not the error shape
    assert not case.meets(Answer(422, b"no", 0.01, "text/plain"))
    assert not case.meets(_answer(None, b""))
    bounded = default_probes.STOPPED
    unavailable = b'{"error": {"code": "unavailable", "message": "down"}}'
    assert bounded.meets(_answer(503, unavailable, 1.0))
    assert not bounded.meets(_answer(503, unavailable, 5.0))  # too late
    assert not bounded.meets(_answer(500, b'{"error": {"code": "internal", "message": "x"}}'))


def test_the_probes_say_what_came_back():
    assert default_probes.said(_answer(None, b"")).startswith("no answer")
    assert default_probes.said(_answer(422, ERROR)) == "422 invalid_body"
    assert default_probes.said(Answer(400, b"", 0.1)) == "400, empty body, not the error shape"
    plain = Answer(400, b"bad", 0.1, "text/plain; charset=utf-8")
    assert default_probes.said(plain) == "400, text/plain body, not the error shape"


# -- Replay ------------------------------------------------------------------------------------
def test_a_replayed_page_shows_the_recorded_tables(reference_copy: Path):
    tables = _tables({"go": {"lone surrogate"}, "rust": {"array body"}})
    probes = tables["defaults"].assign(expected="422 invalid_body")
    probes.to_csv(reference_copy / "part4" / "defaults.csv", index=False)
    tables["hardening_lines"].to_csv(reference_copy / "part4" / "hardening_lines.csv", index=False)
    result = part4.default_behaviour()  # replay: nothing built, started or written
    shown = part4.defaults_table(result)
    assert list(shown.columns[2:]) == ["Go default", "Go hardened", "Rust default", "Rust hardened"]
    row = shown.set_index("case").loc["lone surrogate"]
    assert row["Go default"].startswith("✗") and row["Rust default"].startswith("✓")
    lines = part4.lines_table(result).set_index("language").changed
    assert lines.to_dict() == {"go": 100, "rust": 140}


def test_a_slow_client_case_is_met_when_the_server_closes_in_time():
    slow = default_probes.SLOW
    window = default_probes.SLOW_WINDOW_S
    assert slow.meets(Answer(None, b"", 5.0))  # closed after 5 s, nothing sent
    assert slow.meets(Answer(408, b"HTTP/1.1 408", 5.0))
    assert not slow.meets(Answer(None, b"", window))  # still open when the window ended
    assert defaults._expected(slow) == f"closed within {window:g} s"
    assert defaults._expected(default_probes.STOPPED) == "503 unavailable"


def test_the_journal_says_how_to_build_the_unhardened_services_by_hand():
    from gorust import commands
    from gorust.kernels import GoKernel, RustKernel

    go, rust = GoKernel(), RustKernel()
    with commands.journal() as ran:
        defaults.note_baseline_builds(go, rust, "abc123")
    assert [(c.language, c.kind) for c in ran] == [("go", "build"), ("rust", "build")]
    for command in ran:
        assert "git archive abc123 code/go code/rust" in command.line
        assert f"_build/programs/default/{command.language}_crud_api" in command.line
