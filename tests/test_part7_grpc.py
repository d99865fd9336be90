"""Part 7's Experiment 6: the grpc-go and tonic echo servers of one echo.proto, driven by the
fixed-rate gRPC client, and the rule on them, which flips when the servers' costs and the
rates they sustain do. Also: the two copies of echo.proto agree, and the Go code generated
from it is what protoc generates now."""

from __future__ import annotations

import filecmp
import shutil
import subprocess

import pandas as pd
import pytest

from gorust import paths
from gorust.kernels import GoKernel, RustKernel
from gorust.part7 import grpc, grpc_rules
from tests.conftest import changed_by, chart_runs, has_run_encoding, set_for, verdict_word

RATE, SECONDS = 500, 1.0
GO_PROTO = paths.GO_MODULE / "grpc_echo" / "echopb"


@pytest.fixture(scope="module")
def measured() -> dict[str, pd.DataFrame]:
    """Each server once, twice over, at a rate far below what either saturates at."""
    sizes = {
        k.language: grpc.binary_sizes(k.build(grpc.PROGRAM)) for k in (GoKernel(), RustKernel())
    }
    rows = []
    for repetition in range(2):
        for kernel in (GoKernel(), RustKernel()):
            row = grpc.run_once(kernel, RATE, SECONDS)
            rows.append({**row, **sizes[kernel.language], "repetition": repetition})
    return {"grpc_echo": pd.DataFrame(rows)}


def test_both_servers_answer_every_call_at_a_low_rate(measured) -> None:
    runs = measured["grpc_echo"]
    assert set(runs.language) == {"go", "rust"}
    assert (runs.completed == runs.scheduled).all() and (runs.scheduled == RATE * SECONDS).all()
    assert (runs.errors == 0).all() and (runs.unsent == 0).all()
    assert grpc_rules.both_sustained(runs) == [RATE]
    assert (runs.cpu_us_per_request > 0).all() and (runs.server_peak_rss_bytes > 0).all()
    assert (runs.stripped_bytes < runs.binary_bytes).all()


def test_a_server_that_is_not_there_is_every_call_an_error() -> None:
    go = GoKernel()
    with go.serve(grpc.PROGRAM) as server:
        closed = server.port
    ran = go.run(grpc.CLIENT, ["--target", f"127.0.0.1:{closed}", "--rate", 100,
                               "--duration-ms", 200, "--grace-ms", 500])  # fmt: skip
    summary = ran.records[-1]
    assert summary["completed"] == 0 and summary["errors"] + summary["unsent"] == 20


def test_the_client_refuses_bad_flags_with_a_message() -> None:
    finished = GoKernel().run(grpc.CLIENT, ["--rate", 10], check=False).finished
    assert finished.exit_code == 1 and "-target is required" in finished.stderr


def test_both_languages_compile_the_same_proto() -> None:
    rust_proto = paths.RUST_WORKSPACE / "grpc_echo" / "proto" / "echo.proto"
    assert filecmp.cmp(GO_PROTO / "echo.proto", rust_proto, shallow=False)


def test_the_committed_go_code_is_what_protoc_generates(tmp_path) -> None:
    """Regenerates echopb with `go generate` in a copy and compares it with the committed code."""
    copy = tmp_path / "echopb"
    shutil.copytree(GO_PROTO, copy)
    for generated in copy.glob("*.pb.go"):
        generated.unlink()
    go = GoKernel()
    # The copy stays inside the module (go tool resolves the plugins from go.mod); the
    # generator writes only into the copy.
    inside = paths.GO_MODULE / f".generate-check-{tmp_path.name}"
    shutil.copytree(copy, inside)
    try:
        subprocess.run(["go", "generate", "."], cwd=inside, env=go.env, check=True,
                       capture_output=True, timeout=300)  # fmt: skip
        for name in ("echo.pb.go", "echo_grpc.pb.go"):
            assert (inside / name).read_text() == (GO_PROTO / name).read_text(), name
    finally:
        shutil.rmtree(inside)


def _with(measured, *changes) -> dict[str, pd.DataFrame]:
    return changed_by(measured, "grpc_echo", *changes)


def test_grpc_services_flips(measured) -> None:
    rule = grpc_rules.grpc_services
    even = (
        set_for("go", cpu_us_per_request=50, p99_us=2_000),
        set_for("rust", cpu_us_per_request=50, p99_us=2_000),
    )
    assert verdict_word(rule, _with(measured, *even)) == "holds"
    costly_go = _with(measured, *even, set_for("go", cpu_us_per_request=100))
    assert verdict_word(rule, costly_go) == "depends"
    slow_go = _with(measured, *even, set_for("go", p99_us=8_000))
    assert verdict_word(rule, slow_go) == "depends"
    behind = _with(measured, *even, set_for("go", unsent=10))
    assert verdict_word(rule, behind) == "does not hold"
    nobody = _with(measured, *even, set_for("go", errors=1), set_for("rust", errors=1))
    assert verdict_word(rule, nobody) == "inconclusive here"


def test_the_prose_names_the_servers_and_the_rates(measured) -> None:
    facts = grpc_rules.grpc_facts(measured)
    assert facts["part7.grpc_rates"] == f"{RATE:,} calls/s"
    assert facts["part7.grpc_highest"] == f"grpc-go {RATE:,} calls/s, tonic {RATE:,} calls/s"
    assert (
        facts["part7.grpc_binary"].startswith("grpc-go ")
        and ", tonic " in facts["part7.grpc_binary"]
    )
    none = grpc_rules.grpc_facts(_with(measured, set_for("rust", errors=1)))
    assert none["part7.grpc_rates"] == "no rate" and "tonic none" in none["part7.grpc_highest"]


def test_the_chart_draws_the_reference_beside_this_run_only_when_given(measured) -> None:
    runs = measured["grpc_echo"]
    both = grpc.grpc_chart(runs, reference=runs.assign(max_us=runs.max_us * 2))
    assert chart_runs(both) == {"this machine", "reference"} and has_run_encoding(both)
    alone = grpc.grpc_chart(runs)
    assert chart_runs(alone) == set() and not has_run_encoding(alone)
