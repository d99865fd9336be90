import os
import re
import shutil
import stat
import time
from pathlib import Path

import pytest

from gorust import (
    CompileError,
    GoKernel,
    KernelError,
    ProgramFailed,
    ProtocolError,
    RunTimeout,
    RustKernel,
    ToolchainMissing,
    UnexpectedCompileSuccess,
    paths,
)
from gorust.data import PROVENANCE_COLUMNS
from gorust.toolchains import GO
from tests.conftest import is_running


def test_both_trees_hold_the_same_experiments():
    assert GoKernel().experiments() == RustKernel().experiments()
    assert "generics_cost" in GoKernel().experiments()


def test_run_returns_json_lines_with_process_and_provenance_columns(kernel):
    result = kernel.run("kernel_selftest", ["--mode", "emit", "--records", 4])
    frame = result.frame
    assert list(frame["index"]) == [0, 1, 2, 3]
    assert list(frame["square"]) == [0, 1, 4, 9]
    assert set(frame["language"]) == {kernel.language}
    for column in (*PROVENANCE_COLUMNS, "toolchain", "wall_s", "exit_code", "peak_rss_bytes"):
        assert column in frame
    assert frame["exit_code"].eq(0).all()
    assert frame["peak_rss_bytes"].gt(100_000).all()
    assert result.build.binary_bytes > 100_000
    assert "emitted 4 records" in result.stderr


def test_an_unchanged_program_is_not_rebuilt(kernel):
    first = kernel.build("kernel_selftest")
    again = kernel.build("kernel_selftest")
    assert again.cached
    assert again.binary == first.binary


def test_a_changed_source_is_rebuilt(tmp_path):
    root = tmp_path / "go"
    shutil.copytree(GoKernel().root, root)
    kernel = GoKernel(root=root, cache=tmp_path / "cache")
    before = kernel.build("kernel_selftest")
    assert not before.cached
    assert kernel.build("kernel_selftest").cached
    main = root / "kernel_selftest" / "main.go"
    main.write_text(main.read_text() + "\n// a change\n")
    after = kernel.build("kernel_selftest")
    assert not after.cached
    assert after.content_hash != before.content_hash


def test_non_zero_exit_shows_the_childs_stderr(kernel):
    with pytest.raises(ProgramFailed) as failure:
        kernel.run("kernel_selftest", ["--mode", "fail"])
    message = str(failure.value)
    assert "exited with status 3" in message
    assert "failing on purpose" in message
    unchecked = kernel.run("kernel_selftest", ["--mode", "fail"], check=False)
    assert unchecked.exit_code == 3


def test_bad_input_to_a_program_is_reported_by_the_program(kernel):
    with pytest.raises(ProgramFailed, match="unknown"):
        kernel.run("kernel_selftest", ["--mode", "no-such-mode"])


def test_stdout_that_is_not_json_lines_is_a_protocol_error(kernel):
    with pytest.raises(ProtocolError, match="not JSON"):
        kernel.run("kernel_selftest", ["--mode", "not-json"])


def test_timeout_kills_the_program_and_its_children(kernel):
    started = time.monotonic()
    with pytest.raises(RunTimeout) as timeout:
        kernel.run("kernel_selftest", ["--mode", "hang"], timeout_s=3)
    assert time.monotonic() - started < 30
    assert "nothing of it is left running" in str(timeout.value)
    grandchild = int(timeout.value.finished.stdout.split('"grandchild_pid":')[1].strip(" }\n"))
    assert not is_running(grandchild)


def test_compile_error_fails_with_the_compilers_diagnostics(kernel):
    with pytest.raises(CompileError) as failure:
        kernel.build("kernel_selftest", features=["broken"])
    message = str(failure.value)
    assert "broken" in message  # the file the error is in
    expected = "cannot use" if kernel.language == "go" else "error[E0308]: mismatched types"
    assert expected in message
    assert "\x1b[" not in message  # readable: no terminal colour codes


def test_expected_compile_error_returns_diagnostics_and_codes():
    refusal = RustKernel().expect_compile_error("data_race", features=["unsync"])
    assert refusal.error_codes == ("E0499",)
    assert refusal.first_error.startswith("error[E0499]: cannot borrow `counter` as mutable")
    assert "unsync.rs" in refusal.text


def test_expected_compile_error_that_compiles_is_an_error(kernel):
    with pytest.raises(UnexpectedCompileSuccess):
        kernel.expect_compile_error("kernel_selftest")


def test_go_race_detector_reports_the_race():
    result = GoKernel().run(
        "data_race", ["--mode", "unsync", "--increments", 10_000], race=True, check=False
    )
    assert result.exit_code == 66
    assert "WARNING: DATA RACE" in result.stderr


def test_rust_has_no_race_build():
    with pytest.raises(KernelError, match="compile time"):
        RustKernel().build("data_race", race=True)


def test_unknown_experiment_names_the_known_ones(kernel):
    with pytest.raises(KernelError, match="generics_cost"):
        kernel.build("no_such_experiment")


@pytest.mark.parametrize(
    ("kernel_class", "tool", "minimum", "hint"),
    [(GoKernel, "go", "1.26", "go.dev/dl"), (RustKernel, "cargo", "1.88", "rustup")],
)
def test_missing_toolchain_says_what_to_install(tmp_path, kernel_class, tool, minimum, hint):
    kernel = kernel_class(env={"PATH": str(tmp_path), "HOME": os.environ.get("HOME", "/")})
    with pytest.raises(ToolchainMissing) as missing:
        kernel.build("kernel_selftest")
    message = str(missing.value)
    assert f"`{tool}` was not found on PATH" in message
    assert f"{tool} {minimum} or newer" in message
    assert hint in message


def test_too_old_toolchain_is_refused(tmp_path):
    fake_go = tmp_path / "go"
    fake_go.write_text("#!/bin/sh\necho 'go version go1.17.13 linux/amd64'\n")
    fake_go.chmod(fake_go.stat().st_mode | stat.S_IEXEC)
    kernel = GoKernel(env={"PATH": str(tmp_path)})
    with pytest.raises(ToolchainMissing, match=r"go 1\.17 .* is too old"):
        kernel.toolchain()


def test_build_cache_lives_outside_the_repository():
    kernel = RustKernel()
    repo = Path(__file__).resolve().parents[1]
    assert repo not in kernel.target_dir.parents


def test_serve_starts_a_server_on_a_free_port_and_stops_it_cleanly(kernel):
    import socket

    with kernel.serve("echo_server") as server:
        assert server.port > 0
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
            conn.sendall(b"ping")
            assert conn.recv(16) == b"ping"
        pid = server.pid
        # The pid and the memory are the server program's, not its launcher's.
        assert os.readlink(f"/proc/{pid}/exe") == str(server.build.binary)
        assert server.rss_bytes() > 0
    result = server.stop()
    assert result.exit_code == 0  # SIGTERM is a graceful stop for both servers
    assert result.peak_rss_bytes > 0
    assert not is_running(pid)


def test_a_server_that_never_gets_ready_is_stopped_with_its_stderr(kernel):
    with pytest.raises(KernelError, match="did not report that it was ready") as failure:
        kernel.serve("kernel_selftest", ["--mode", "fail"], ready_timeout_s=10)
    assert "failing on purpose" in str(failure.value)


def test_tools_build_from_their_own_folder():
    build = GoKernel().build("tools/echo_client")
    assert build.binary.name == "echo_client"
    assert "tools" not in GoKernel().experiments()


def test_the_go_minimum_is_the_modules_go_line():
    go_line = re.search(r"^go (\d+)\.(\d+)", (paths.GO_MODULE / "go.mod").read_text(), re.M)
    assert go_line is not None
    assert GO.minimum == (int(go_line[1]), int(go_line[2]))
