"""Experiment 6 — the Verdict's “Choose Go if… You are building networked services
(Microservices, gRPC)”, measured on the smallest gRPC service: a unary echo of one
``echo.proto``, served by grpc-go and by tonic.

Each server runs alone on core 0; one load client, grpc-go's own client for both
(code/go/tools/grpc_rate), runs on core 1, sends calls at a fixed rate over a few HTTP/2
connections and times each from when it was due (gorust.fixed_rate). The server's CPU
time is read from the kernel when it stops; each row also carries the size of the release
binary that served, as built and stripped.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import altair as alt
import pandas as pd

from gorust import builds, fixed_rate, provenance
from gorust.experiments import experiment
from gorust.fixed_rate import GUARANTEED_MS
from gorust.part7.common import CHAPTER
from gorust.profile import Profile, current_profile
from gorust.runs import kernels

PROGRAM, CLIENT = "grpc_echo", "tools/grpc_rate"
CONNECTIONS = 4  # HTTP/2 connections from the client, used in turn
IN_FLIGHT = 64  # calls in flight at most


def grpc_rates(profile: Profile) -> list[int]:
    """Calls per second: the quick profile one rate both servers sustain here; the full one a
    sweep that stops short of the about 23,000 calls/s at which the load client, alone on one
    core, saturates here (past it, both servers would read as falling behind)."""
    return profile.pick(quick=[4_000], full=[2_000, 6_000, 12_000, 18_000])


def run_seconds(profile: Profile) -> float:
    return profile.pick(quick=2.0, full=3.0)


def binary_sizes(build) -> dict[str, int]:
    """The release binary's bytes as built and after GNU strip."""
    with tempfile.TemporaryDirectory(prefix="gorust-grpc-strip-") as folder:
        stripped = builds.stripped_size(build.binary, Path(folder) / "stripped")
    return {"binary_bytes": build.binary.stat().st_size, "stripped_bytes": stripped}


@experiment(CHAPTER, programs=(PROGRAM, CLIENT))
def grpc_echo(profile: Profile | None = None) -> pd.DataFrame:
    """One row per run: the client's latency percentiles from the due time, what it sent and
    served, the server's CPU time and peak RSS, and its binary's size, per language, rate and
    repetition."""
    profile = profile or current_profile()
    go, rust = kernels()
    go.build(CLIENT)
    sizes = {kernel.language: binary_sizes(kernel.build(PROGRAM)) for kernel in (go, rust)}
    rows = []
    for repetition in range(profile.repetitions):
        order = (go, rust) if repetition % 2 == 0 else (rust, go)
        for rate in grpc_rates(profile):
            for kernel in order:
                row = run_once(kernel, rate, run_seconds(profile))
                rows.append({**row, **sizes[kernel.language], "repetition": repetition})
    return pd.DataFrame(rows).assign(**provenance.host())


def run_once(kernel, rate: int, seconds: float) -> dict:
    """One server, started fresh, driven at ``rate`` calls per second for ``seconds``: the
    client's summary with the server's CPU time and memory."""

    def client_arguments(port: int) -> list[object]:
        return ["--target", f"127.0.0.1:{port}", "--rate", rate,
                "--duration-ms", int(seconds * 1000), "--connections", CONNECTIONS,
                "--in-flight", IN_FLIGHT]  # fmt: skip

    return fixed_rate.drive(kernel, (PROGRAM, []), (CLIENT, client_arguments), "server_")


def grpc_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per server and rate, medians over runs: calls served per second, latency percentiles
    (ms, from the due time), the server's CPU per call and peak RSS, and how many runs
    sustained the rate."""
    return fixed_rate.rate_table(runs, "server_")


def grpc_binaries(runs: pd.DataFrame) -> pd.DataFrame:
    """Per language, the release binary's size (MiB), as built and stripped."""
    sizes = runs.groupby("language")[["binary_bytes", "stripped_bytes"]].median() / 2**20
    return sizes.rename(columns=lambda c: c.replace("_bytes", "_mib")).reset_index()


def grpc_chart(runs: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.HConcatChart:
    """Per rate: p99 and the slowest call (log, against the 10 ms line), and the server's CPU
    per call, one dot per run and a tick at the median; live, the reference's runs faded in a
    row under this machine's."""
    return fixed_rate.rate_chart(
        runs,
        reference,
        panels=(
            ("p99_ms", "p99 (ms, log)", True),
            ("max_ms", "slowest call (ms, log)", True),
            ("cpu_us_per_request", "server CPU per call (µs)", False),
        ),
        title=alt.Title(
            "A gRPC unary echo at fixed call rates",
            subtitle=f"latency from each call's due time; dashed: {GUARANTEED_MS:g} ms; dots: "
            "runs, ticks: medians",
        ),
        description="p99, slowest call and CPU per call of the grpc-go and tonic servers",
    )
