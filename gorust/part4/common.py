"""What every Part 4 experiment shares: the service's folders, the contract's files, the
rows they record and the tools they need."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import altair as alt
import pandas as pd
import requests

from gorust import builds, charts, paths, provenance
from gorust.kernels import KernelError

CHAPTER = "part4"
EXPERIMENT = "crud_api"  # code/go/crud_api, code/rust/crud_api and the contract in code/crud_api
CONTRACT = paths.CODE / "crud_api"
OPENAPI = CONTRACT / "openapi.yaml"
LOAD_SCRIPT = CONTRACT / "load.lua"
CONTRACT_TESTS = paths.REPO / "tests" / "test_part4_api.py"
# The service and its database on core 0, the load generator on core 1.
SERVER_CPUS, CLIENT_CPUS = "0", "1"
SEED_ROWS = 1_000
LOAD_CONNECTIONS = 16
POOL_SIZE = 10
SCHEMATHESIS_SEED = 20250101
IDLE_WAIT_S = 0.5
GO_SOURCES = paths.GO_MODULE / EXPERIMENT
RUST_SOURCES = paths.RUST_WORKSPACE / EXPERIMENT
LANGUAGE_ORDER = ["Go", "Rust"]


def _tool(name: str, package: str) -> str:
    return builds.require_tool(name, package, needed_by="Part 4")


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    return charts.with_language_names(frame)


def migration_files() -> tuple[Path, Path]:
    """The schema each service embeds (they must be the same file)."""
    name = Path("migrations") / "001_users.sql"
    return GO_SOURCES / name, RUST_SOURCES / name


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a running process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _wait_ok(url: str, deadline_s: float = 30.0) -> None:
    """Poll ``url`` until it answers 200."""
    deadline = time.monotonic() + deadline_s
    with requests.Session() as http:
        while True:
            with contextlib.suppress(requests.ConnectionError):
                if http.get(url, timeout=5).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise KernelError(f"{url} did not answer 200 within {deadline_s:g} s")
            time.sleep(0.002)


def _row(language: str, toolchain: str, **values: object) -> dict[str, object]:
    return {"language": language, "toolchain": toolchain, **values, **provenance.host()}


# -- This machine's run beside the reference's, on every chart --------------------------------


def with_runs(
    live: pd.DataFrame,
    reference: pd.DataFrame | None,
    summarise: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Both runs stacked (charts.with_reference), each ``summarise``d on its own, with
    language names."""
    both = charts.with_reference(live, reference)
    if summarise is not None:
        details = charts.RUN_DETAILS_FIELD
        both = pd.concat(
            [
                summarise(rows.drop(columns=[charts.RUN_FIELD, details])).assign(
                    **{charts.RUN_FIELD: run, details: rows[details].iloc[0]}
                )
                for run, rows in both.groupby(charts.RUN_FIELD, sort=False)
            ],
            ignore_index=True,
        )
    return _named(both) if "language" in both else both


# One band per run on a chart's y axis (shared with Part 2's snippet chart).
series = charts.run_series
series_order = charts.run_series_order


def run_encodings(frame: pd.DataFrame) -> dict[str, alt.Opacity]:
    """The faded reference with its "Run" legend when both runs show; nothing otherwise, so
    that a chart of one run looks as it always did."""
    if frame[charts.RUN_FIELD].nunique() < 2:
        return {}
    return {"opacity": charts.run_opacity(frame)}
