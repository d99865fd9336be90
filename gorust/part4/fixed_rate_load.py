"""Experiment 8 — the Verdict's “Choose Rust if… you need guaranteed <10ms latency”, on the
CRUD API: each service driven at fixed request rates (an open loop) instead of wrk's closed
one, every request timed from when it was due.

wrk (Experiment 6) sends a connection's next request only when the last one answered, so a
service that stalls also stalls the client, and the requests it would have sent meanwhile are
never timed: the tail is under-reported (coordinated omission). Here one Go client
(code/go/tools/http_rate) sends GET /users/{id} on the seeded rows at a fixed rate over the same
number of connections as wrk, each timed from its due time. The service and PostgreSQL share
core 0, as in Experiment 6; the client has core 1. Each run serves a fresh copy of the seeded
database, after the same warm-up.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from gorust import fixed_rate, postgres
from gorust.experiments import experiment
from gorust.kernels import Kernel
from gorust.part4 import reproducing
from gorust.part4.common import (
    CHAPTER,
    CLIENT_CPUS,
    EXPERIMENT,
    LOAD_CONNECTIONS,
    POOL_SIZE,
    SEED_ROWS,
    SERVER_CPUS,
    _row,
    cpu_seconds,
)
from gorust.part4.under_load import TEMPLATE_DATABASE, seed_template, warm_up
from gorust.profile import Profile, current_profile
from gorust.runs import kernels

CLIENT = "tools/http_rate"


def crud_rates(profile: Profile) -> list[int]:
    """Requests per second: the quick profile one rate both services sustain here; the full one
    a sweep up to about where Experiment 6's closed loop found the slower service's
    ceiling."""
    return profile.pick(quick=[1_000], full=[1_000, 2_000, 3_000, 4_000, 5_000])


def run_seconds(profile: Profile) -> float:
    return profile.pick(quick=2.0, full=3.0)


@experiment(CHAPTER, programs=(EXPERIMENT, CLIENT))
def crud_fixed_rate(profile: Profile | None = None) -> pd.DataFrame:
    """One row per run: the client's latency percentiles from the due time, what it sent and
    served, and the service's CPU per request and peak RSS, per language, rate and
    repetition (each language's libraries with their defaults: Gin + pgx, Axum + sqlx)."""
    profile = profile or current_profile()
    go, rust = kernels()
    for kernel, program in ((go, CLIENT), (go, EXPERIMENT), (rust, EXPERIMENT)):
        kernel.build(program)
    rows = []
    with postgres.cluster(cpus=SERVER_CPUS) as pg:
        reproducing.note_postgres(pg, cpus=SERVER_CPUS)
        seed_template(pg)
        for repetition in range(profile.repetitions):
            order = (go, rust) if repetition % 2 == 0 else (rust, go)
            for rate in crud_rates(profile):
                for kernel in order:
                    row = run_once(pg, kernel, rate, run_seconds(profile))
                    rows.append({**row, "repetition": repetition})
    return pd.DataFrame(rows)


def run_once(pg: postgres.Cluster, kernel: Kernel, rate: int, seconds: float) -> dict:
    """One service on a fresh copy of the seeded database, warmed up, then driven at ``rate``
    for ``seconds``: the client's summary with the service's CPU time and memory."""
    go, _ = kernels()
    database = f"fixed_rate_{kernel.language}_{rate}"
    url = pg.create_database(database, template=TEMPLATE_DATABASE)
    reproducing.note_sql(pg, f'CREATE DATABASE "{database}" TEMPLATE "{TEMPLATE_DATABASE}"')
    env = {"DATABASE_URL": url, "DB_MAX_CONNS": str(POOL_SIZE)}
    try:
        with kernel.serve(EXPERIMENT, env=env, cpus=SERVER_CPUS) as server:
            reproducing.note_warm_up(server.port, LOAD_CONNECTIONS * 10)
            warm_up(server.port)
            cpu_before = cpu_seconds(server.pid)
            client = go.run(
                CLIENT,
                ["--url", f"http://127.0.0.1:{server.port}/users/{{id}}", "--ids", SEED_ROWS,
                 "--rate", rate, "--duration-ms", int(seconds * 1000),
                 "--connections", LOAD_CONNECTIONS],
                cpus=CLIENT_CPUS,
                timeout_s=fixed_rate.RUN_TIMEOUT_S,
            )  # fmt: skip
            cpu_s = cpu_seconds(server.pid) - cpu_before
        stopped = server.stop()
    finally:
        pg.drop_database(database)
    summary = client.records[-1]
    return _row(
        kernel.language,
        stopped.build.toolchain,
        **summary,
        server_cpu_s=cpu_s,
        server_peak_rss_bytes=stopped.peak_rss_bytes,
        cpu_us_per_request=cpu_s / summary["completed"] * 1e6
        if summary["completed"]
        else float("nan"),
    )


def crud_rate_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per service and rate, medians over runs: requests served per second, latency
    percentiles (ms, from the due time), CPU per request and peak RSS, and how many runs
    sustained the rate."""
    return fixed_rate.rate_table(runs, "server_")


def crud_rate_chart(runs: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.HConcatChart:
    """Per rate: p99 and the slowest request (log, against the 10 ms line), and the service's
    CPU per request, one dot per run and a tick at the median; live, the reference's runs
    faded in a row under this machine's."""
    return fixed_rate.rate_chart(
        runs,
        reference,
        panels=(
            ("p99_ms", "p99 (ms, log)", True),
            ("max_ms", "slowest request (ms, log)", True),
            ("cpu_us_per_request", "service CPU per request (µs)", False),
        ),
        title=alt.Title(
            "The CRUD API at fixed request rates",
            subtitle=f"GET /users/{{id}}; latency from each request's due time; dashed: "
            f"{fixed_rate.GUARANTEED_MS:g} ms; dots: runs, ticks: medians",
        ),
        description="p99, slowest request and CPU per request of the Go and Rust CRUD services",
    )
