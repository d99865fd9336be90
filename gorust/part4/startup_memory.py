"""Experiment 5 — start-up and idle memory: time from exec to the first successful query
on a fresh database (so every start migrates for real), and resident memory once idle."""

from __future__ import annotations

import re
import time
from pathlib import Path

import altair as alt
import pandas as pd

from gorust import charts, postgres
from gorust.experiments import experiment
from gorust.kernels import Kernel
from gorust.part4 import reproducing
from gorust.part4.common import (
    CHAPTER,
    EXPERIMENT,
    IDLE_WAIT_S,
    LANGUAGE_ORDER,
    _row,
    _wait_ok,
    run_encodings,
    series,
    series_order,
    with_runs,
)
from gorust.process import current_rss_bytes
from gorust.profile import Profile, current_profile
from gorust.runs import kernels


def _threads(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"Threads:\s+(\d+)", status).group(1))


def _start_once(pg: postgres.Cluster, kernel: Kernel, repetition: int) -> dict[str, object]:
    """One start on a fresh database: until the port line, until ready, then idle."""
    database = f"start_{kernel.language}_{repetition}"
    url = pg.create_database(database)
    reproducing.note_sql(pg, f'CREATE DATABASE "{database}"')
    started = time.perf_counter()
    with kernel.serve(EXPERIMENT, env={"DATABASE_URL": url}) as server:
        port_line_s = time.perf_counter() - started
        _wait_ok(f"http://127.0.0.1:{server.port}/users?limit=1")
        ready_s = time.perf_counter() - started
        time.sleep(IDLE_WAIT_S)
        idle_rss, threads = current_rss_bytes(server.pid), _threads(server.pid)
    stopped = server.stop()
    pg.drop_database(database)
    return _row(
        kernel.language,
        stopped.build.toolchain,
        repetition=repetition,
        port_line_s=port_line_s,
        ready_s=ready_s,
        idle_rss_bytes=idle_rss,
        threads=threads,
        exit_code=stopped.exit_code,
    )


@experiment(CHAPTER, programs=(EXPERIMENT,))
def startup(profile: Profile | None = None) -> pd.DataFrame:
    """Time from exec to the first successful query, and resident memory once idle.

    Each start gets a fresh database, so every start applies the migration for real.
    """
    profile = profile or current_profile()
    go, rust = kernels()
    for kernel in (go, rust):
        kernel.build(EXPERIMENT)
    with postgres.cluster() as pg:
        reproducing.note_postgres(pg)
        rows = [
            _start_once(pg, kernel, repetition)
            for repetition in range(profile.repetitions)
            for kernel in ((go, rust) if repetition % 2 == 0 else (rust, go))
        ]
    return pd.DataFrame(rows)


def startup_chart(start: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.Chart:
    """Time to ready and idle memory; with the reference's starts, a faded row under each
    language's."""
    frame = with_runs(start, reference)
    frame["series"] = series(frame, "Language")
    frame["ready_ms"] = frame.ready_s * 1e3
    frame["idle_rss_mib"] = frame.idle_rss_bytes / 2**20

    def panel(field: str, title: str) -> alt.Chart:
        base = alt.Chart(frame).encode(
            y=alt.Y("series:N", sort=series_order(LANGUAGE_ORDER), title=None),
            color=charts.language_color(),
            **run_encodings(frame),
        )
        tooltip = [
            "Language",
            "repetition",
            alt.Tooltip(f"{field}:Q", format=".2f"),
            *charts.run_tooltip(),
        ]
        dots_and_ticks = charts.dots_and_median(base, field, title, tooltip)
        return dots_and_ticks.properties(width=250, height=alt.Step(40))

    return alt.hconcat(
        panel("ready_ms", "start to first successful query (ms)"),
        panel("idle_rss_mib", "resident memory when idle (MiB)"),
    ).properties(
        title=alt.Title(
            "Start-up and idle memory",
            subtitle="fresh database each start (the migration runs); dots: starts, ticks: medians",
        ),
        description="Time to ready and idle RSS of the Go and Rust services",
    )
