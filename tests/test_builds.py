"""gorust.builds without compiling anything: the one-line edit, the environments, the scratch
copies of a Cargo workspace and the choice of what a cold Go build times."""

from __future__ import annotations

from pathlib import Path

import pytest

from gorust import builds
from gorust.kernels import GoKernel, KernelError, RustKernel

EDIT = builds.OneLineEdit(
    Path("svc") / "src" / "api.rs",
    'json!({ "status": "ok" })',
    'json!({ "status": "ok", "build": "TOKEN" })',
)
SOURCE = 'fn health() {\n    json!({ "status": "ok" })\n}\n'


def test_an_edit_changes_one_line_with_its_token_and_can_be_undone():
    edited = EDIT.applied(SOURCE, "c0ffee")
    assert edited == 'fn health() {\n    json!({ "status": "ok", "build": "c0ffee" })\n}\n'
    assert EDIT.undone(edited) == SOURCE
    assert EDIT.undone(SOURCE) == SOURCE


def test_an_edit_whose_line_is_gone_says_so():
    with pytest.raises(KernelError, match="not in the source any more"):
        EDIT.applied("fn main() {}\n", "abc")


def test_tokens_are_fresh_and_match_what_undone_reverts():
    first, second = builds.fresh_token(), builds.fresh_token()
    assert first != second
    assert EDIT.undone(EDIT.applied(SOURCE, first)) == SOURCE


def test_undone_bytes_touches_only_the_edited_file():
    edited = EDIT.applied(SOURCE, "abc").encode()
    assert EDIT.undone_bytes(EDIT.file, edited) == SOURCE.encode()
    assert EDIT.undone_bytes(Path("other.rs"), edited) == edited


def test_go_env_never_downloads_a_toolchain_and_offline_no_modules(tmp_path):
    go = GoKernel(env={"PATH": "/usr/bin", "GOFLAGS": "-race", "GOPROXY": "direct"})
    env = builds.go_env(go, GOCACHE=str(tmp_path))
    assert env["GOTOOLCHAIN"] == "local" and env["GOFLAGS"] == ""
    assert env["GOPROXY"] == "off" and env["GOCACHE"] == str(tmp_path)
    assert env["PATH"] == "/usr/bin"
    assert builds.go_env(go, offline=False)["GOPROXY"] == "direct"


def test_cargo_env_builds_quietly_into_the_kernels_target_unless_told(tmp_path):
    rust = RustKernel(env={"PATH": "/usr/bin"}, cache=tmp_path)
    env = builds.cargo_env(rust)
    assert env["CARGO_TARGET_DIR"] == str(rust.target_dir)
    assert env["CARGO_TERM_PROGRESS_WHEN"] == "never" and env["CARGO_TERM_COLOR"] == "never"
    assert builds.cargo_env(rust, target_dir=tmp_path / "t")["CARGO_TARGET_DIR"] == str(
        tmp_path / "t"
    )


def _workspace(root: Path) -> Path:
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["svc", "other"]\n',
        "Cargo.lock": '[[package]]\nname = "other"\n\n[[package]]\nname = "svc"\n',
        "svc/Cargo.toml": '[package]\nname = "svc"\n',
        "svc/src/api.rs": SOURCE,
        "other/Cargo.toml": '[package]\nname = "other"\n',
        "target/release/svc": "binary",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_workspace_files_rename_the_package_in_its_manifest_and_the_lock(tmp_path):
    files = builds.workspace_files(_workspace(tmp_path / "ws"), "svc", renamed="svc_copy")
    assert Path("target/release/svc") not in files
    assert Path("other/Cargo.toml") in files
    assert files[Path("svc/Cargo.toml")] == b'[package]\nname = "svc_copy"\n'
    assert b'name = "svc_copy"\n' in files[Path("Cargo.lock")]
    assert b'name = "other"\n' in files[Path("Cargo.lock")]


def test_a_workspace_of_one_member_keeps_its_lock(tmp_path):
    files = builds.workspace_files(_workspace(tmp_path / "ws"), "svc", only_member=True)
    assert set(files) == {
        Path("Cargo.toml"),
        Path("Cargo.lock"),
        Path("svc/Cargo.toml"),
        Path("svc/src/api.rs"),
    }
    assert files[Path("Cargo.toml")] == b'[workspace]\nmembers = ["svc"]\n'


def test_sync_tree_rewrites_only_what_differs_once_an_old_edit_is_undone(tmp_path):
    files = builds.workspace_files(_workspace(tmp_path / "ws"), "svc")
    copy = builds.sync_tree(files, tmp_path / "copy", normalise=EDIT.undone_bytes)
    edited = copy / EDIT.file
    edited.write_text(EDIT.applied(SOURCE, "abc"))  # what an earlier run left
    manifest = copy / "svc" / "Cargo.toml"
    manifest.write_text('[package]\nname = "changed"\n')
    builds.sync_tree(files, copy, normalise=EDIT.undone_bytes)
    assert '"build": "abc"' in edited.read_text()  # the same once undone: left alone
    assert manifest.read_text() == '[package]\nname = "svc"\n'  # differed: rewritten


def test_the_go_std_choice_is_explicit_and_stated():
    assert builds.GO_STD_CHOICES == ("prebuilt", "timed")
    assert "untimed" in builds.go_std_note("prebuilt")
    assert "includes compiling the standard packages" in builds.go_std_note("timed")
    with pytest.raises(ValueError, match="go_std"):
        builds.go_std_note("cached")  # type: ignore[arg-type]


def test_a_missing_tool_names_its_package(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(builds.ToolMissing, match="apt-get install binutils"):
        builds.require_tool("strip", "binutils", needed_by="Part 4")


def test_a_sources_key_changes_with_any_file_its_path_or_a_fact(tmp_path):
    source, lock = tmp_path / "main.rs", tmp_path / "Cargo.lock"
    source.write_text("fn main() {}\n")
    lock.write_text("version = 4\n")
    key = builds.sources_key([source, lock], tmp_path, "rustc 1.95")
    assert key == builds.sources_key([lock, source], tmp_path, "rustc 1.95")  # any order
    assert key != builds.sources_key([source, lock], tmp_path, "rustc 1.96")
    lock.write_text("version = 3\n")
    assert key != builds.sources_key([source, lock], tmp_path, "rustc 1.95")
    lock.write_text("version = 4\n")
    moved = tmp_path / "src"
    moved.mkdir()
    source.rename(moved / "main.rs")
    assert key != builds.sources_key([moved / "main.rs", lock], tmp_path, "rustc 1.95")
