"""Experiment 6 — under load: wrk against each service variant on a fresh copy of a seeded
database, read-heavy and mixed, the service and PostgreSQL pinned to one core and wrk to
another, repeated with the variants' order alternating."""

from __future__ import annotations

import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import altair as alt
import pandas as pd
import requests

from gorust import charts, postgres
from gorust.charts import RUN_DETAILS_FIELD, RUN_FIELD
from gorust.experiments import experiment
from gorust.kernels import Kernel, KernelError
from gorust.part4 import reproducing
from gorust.part4.common import (
    CHAPTER,
    CLIENT_CPUS,
    CONTRACT,
    EXPERIMENT,
    LOAD_CONNECTIONS,
    LOAD_SCRIPT,
    POOL_SIZE,
    SEED_ROWS,
    SERVER_CPUS,
    _row,
    _tool,
    cpu_seconds,
    migration_files,
    run_encodings,
    series,
    series_order,
    with_runs,
)
from gorust.process import current_rss_bytes, run_child
from gorust.profile import Profile, current_profile
from gorust.runs import kernels

TEMPLATE_DATABASE = "load_template"
SCENARIOS = ("read", "mixed")


def seed_template(pg: postgres.Cluster) -> None:
    seed = (
        "INSERT INTO users (email, name) SELECT 'user' || g || '@example.com', 'User ' || g "
        f"FROM generate_series(1, {SEED_ROWS}) AS g"
    )
    reproducing.note_sql(pg, f'CREATE DATABASE "{TEMPLATE_DATABASE}"')
    reproducing.note_sql_file(pg, migration_files()[0], TEMPLATE_DATABASE)
    reproducing.note_sql(pg, seed, TEMPLATE_DATABASE)
    pg.create_database(TEMPLATE_DATABASE)
    pg.sql(migration_files()[0].read_text(), TEMPLATE_DATABASE)
    pg.sql(seed, TEMPLATE_DATABASE)


def _wrk(port: int, seconds: float, scenario: str, tag: str) -> dict[str, float]:
    wrk = _tool("wrk", "wrk")
    argv = [
        _tool("taskset", "util-linux"),
        "-c",
        CLIENT_CPUS,
        wrk,
        "-t1",
        f"-c{LOAD_CONNECTIONS}",
        f"-d{seconds:g}s",
        "--timeout",
        "5s",
        "-s",
        str(LOAD_SCRIPT),
        f"http://127.0.0.1:{port}",
        "--",
        str(SEED_ROWS),
        scenario,
        tag,
    ]
    reproducing.note_wrk([LOAD_SCRIPT.name if a == str(LOAD_SCRIPT) else a for a in argv[4:]])
    finished = run_child(argv, cwd=CONTRACT, timeout_s=seconds + 30)
    if finished.exit_code != 0 or finished.timed_out:
        raise KernelError(f"wrk failed (exit {finished.exit_code}):\n{finished.stderr[-2000:]}")
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise KernelError(f"wrk printed no summary:\n{finished.stdout[-2000:]}")
    return json.loads(lines[-1])


def warm_up(port: int) -> None:
    """Open the service's pool connections and touch the data before the measured run."""

    def get(i: int) -> None:
        with requests.Session() as http:
            for j in range(10):
                http.get(f"http://127.0.0.1:{port}/users/{(i * 10 + j) % SEED_ROWS + 1}", timeout=5)

    with ThreadPoolExecutor(LOAD_CONNECTIONS) as pool:
        list(pool.map(get, range(LOAD_CONNECTIONS)))


def load_settings(profile: Profile | None = None) -> dict[str, float]:
    profile = profile or current_profile()
    return {
        "seconds": profile.pick(quick=2, full=15),
        "connections": LOAD_CONNECTIONS,
        "pool": POOL_SIZE,
        "rows": SEED_ROWS,
    }


@dataclass(frozen=True)
class LoadVariant:
    language: str
    label: str
    env: tuple[tuple[str, str], ...] = ()
    default: bool = True  # the libraries' default configuration

    def scenarios(self, profile: Profile) -> tuple[str, ...]:
        """The tuned variant runs only the read workload in the quick profile (time budget)."""
        return SCENARIOS if self.default else profile.pick(quick=("read",), full=SCENARIOS)


# sqlx's pool pings a connection every time it hands one out (`test_before_acquire`, on by
# default); pgxpool pings only connections that sat idle for over a second. The third variant
# is the same Rust service with that ping switched off, as sqlx's documentation allows.
LOAD_VARIANTS = (
    LoadVariant("go", "Go: Gin + pgx"),
    LoadVariant("rust", "Rust: Axum + sqlx"),
    LoadVariant(
        "rust",
        "Rust: sqlx without ping on acquire",
        (("DB_TEST_BEFORE_ACQUIRE", "false"),),
        default=False,
    ),
)
VARIANT_ORDER = [v.label for v in LOAD_VARIANTS]


@dataclass(frozen=True)
class LoadRuns:
    """Every load run, in the order they ran: by repetition and workload, the variants
    forwards on even repetitions and backwards on odd ones. Runs with the libraries'
    defaults are saved as load.csv, the tuned variant's as load_tuned.csv."""

    frame: pd.DataFrame

    def to_tables(self) -> dict[str, pd.DataFrame]:
        default = self.frame.default_config.astype(bool)
        return {"load": self.frame[default], "load_tuned": self.frame[~default]}

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> LoadRuns:
        """The frame as it was when the two tables were saved: rows back in the order they
        ran (the frame's order is what the chart's data and a rerun see)."""
        frame = pd.concat([tables["load"], tables["load_tuned"]], ignore_index=True)
        variant_rank = frame.variant.map({label: i for i, label in enumerate(VARIANT_ORDER)})
        order = pd.DataFrame(
            {
                "repetition": frame.repetition,
                "scenario": frame.scenario.map({name: i for i, name in enumerate(SCENARIOS)}),
                "variant": variant_rank.where(frame.repetition % 2 == 0, -variant_rank),
            }
        )
        ran = order.sort_values(list(order.columns), kind="stable").index
        return cls(frame.loc[ran].reset_index(drop=True))


@dataclass(frozen=True)
class _LoadRun:
    """One measured run: which variant, which workload, which repetition."""

    variant: LoadVariant
    scenario: str
    repetition: int
    number: int  # the variant's place in this repetition's order

    @property
    def database(self) -> str:
        return f"load_{self.scenario}_{self.repetition}_{self.number}"


def _measure(
    pg: postgres.Cluster, kernel: Kernel, run: _LoadRun, settings: dict[str, float]
) -> dict[str, object]:
    """Serve a fresh copy of the seeded database, warm the pool, then time wrk against it."""
    url = pg.create_database(run.database, template=TEMPLATE_DATABASE)
    reproducing.note_sql(pg, f'CREATE DATABASE "{run.database}" TEMPLATE "{TEMPLATE_DATABASE}"')
    env = {"DATABASE_URL": url, "DB_MAX_CONNS": str(POOL_SIZE), **dict(run.variant.env)}
    with kernel.serve(EXPERIMENT, env=env, cpus=SERVER_CPUS) as server:
        pid = server.pid
        reproducing.note_warm_up(server.port, LOAD_CONNECTIONS * 10)
        warm_up(server.port)
        cpu_before = cpu_seconds(pid)
        result = _wrk(server.port, settings["seconds"], run.scenario, f"r{run.repetition}")
        cpu_used = cpu_seconds(pid) - cpu_before
        rss_after = current_rss_bytes(pid)
    stopped = server.stop()
    pg.drop_database(run.database)
    seconds = result["duration_us"] / 1e6
    return _row(
        kernel.language,
        stopped.build.toolchain,
        variant=run.variant.label,
        default_config=run.variant.default,
        scenario=run.scenario,
        repetition=run.repetition,
        **result,
        requests_per_s=result["requests"] / seconds,
        errors=sum(v for k, v in result.items() if k.startswith("errors_")),
        server_cpu_s=cpu_used,
        cpu_us_per_request=cpu_used / max(result["requests"], 1) * 1e6,
        rss_after_load_bytes=rss_after,
        peak_rss_bytes=stopped.peak_rss_bytes,
        connections=settings["connections"],
        pool=settings["pool"],
    )


def _schedule(profile: Profile) -> list[_LoadRun]:
    """The runs in order: the variants forwards on even repetitions, backwards on odd ones."""
    runs = []
    for repetition in range(profile.repetitions):
        for scenario in SCENARIOS:
            order = LOAD_VARIANTS if repetition % 2 == 0 else LOAD_VARIANTS[::-1]
            for number, variant in enumerate(order):
                if scenario in variant.scenarios(profile):
                    runs.append(_LoadRun(variant, scenario, repetition, number))
    return runs


@experiment(CHAPTER, programs=(EXPERIMENT,), tables=("load", "load_tuned"), result=LoadRuns)
def load_runs(profile: Profile | None = None) -> LoadRuns:
    """wrk against each service variant, read-heavy and mixed, pinned apart, repeated."""
    profile = profile or current_profile()
    settings = load_settings(profile)
    go, rust = kernels()
    kernel_of = {"go": go, "rust": rust}
    for kernel in (go, rust):
        kernel.build(EXPERIMENT)
    with postgres.cluster(cpus=SERVER_CPUS) as pg:
        reproducing.note_postgres(pg, cpus=SERVER_CPUS)
        seed_template(pg)
        rows = [
            _measure(pg, kernel_of[run.variant.language], run, settings)
            for run in _schedule(profile)
        ]
    return LoadRuns(pd.DataFrame(rows))


def load(profile: Profile | None = None) -> pd.DataFrame:
    """Every load run in the order they ran (see LoadRuns); ``variant`` tells them apart."""
    return load_runs(profile).frame


def load_summary(runs: pd.DataFrame) -> pd.DataFrame:
    frame = runs.assign(variant=pd.Categorical(runs.variant, VARIANT_ORDER, ordered=True))
    return (
        frame.groupby(["scenario", "variant"], sort=False, observed=True)
        .agg(
            rps=("requests_per_s", "median"),
            rps_min=("requests_per_s", "min"),
            rps_max=("requests_per_s", "max"),
            p50_ms=("latency_p50_us", lambda s: s.median() / 1e3),
            p99_ms=("latency_p99_us", lambda s: s.median() / 1e3),
            p999_ms=("latency_p999_us", lambda s: s.median() / 1e3),
            max_ms=("latency_max_us", lambda s: s.median() / 1e3),
            cpu_us_per_request=("cpu_us_per_request", "median"),
            peak_rss_mib=("peak_rss_bytes", lambda s: s.median() / 2**20),
            errors=("errors", "sum"),
            runs=("requests", "size"),
        )
        .reset_index()
        .sort_values(
            ["scenario", "variant"],
            key=lambda s: s.map({name: i for i, name in enumerate([*SCENARIOS, *VARIANT_ORDER])}),
        )
        .reset_index(drop=True)
    )


# The latency columns wrk's summary gives, and their names on the chart's axis.
PERCENTILES = {
    "latency_p50_us": "p50",
    "latency_p90_us": "p90",
    "latency_p99_us": "p99",
    "latency_p999_us": "p99.9",
    "latency_max_us": "max",
}


def _variant_legend() -> alt.Legend:
    return alt.Legend(title=None, orient="bottom", symbolStrokeWidth=2, labelLimit=320)


def _variant_color() -> alt.Color:
    """Each variant in its language's colour, on the variant field: with the shape and dash on
    the same field, one legend shows every colour, shape and dash."""
    colours = [charts.COLORS[charts.LANGUAGE_NAMES[v.language]] for v in LOAD_VARIANTS]
    return alt.Color(
        "variant:N",
        sort=VARIANT_ORDER,
        scale=alt.Scale(domain=VARIANT_ORDER, range=colours),
        legend=_variant_legend(),
    )


def _variant_shape() -> alt.Shape:
    """Circles for the libraries' defaults, diamonds for sqlx without its ping."""
    return alt.Shape(
        "variant:N",
        sort=VARIANT_ORDER,
        scale=alt.Scale(domain=VARIANT_ORDER, range=["circle", "circle", "diamond"]),
        legend=_variant_legend(),
    )


def _throughput_panel(frame: pd.DataFrame) -> alt.LayerChart:
    """Requests per second: one dot per run, a tick at the median."""
    base = alt.Chart(frame).encode(
        y=alt.Y("scenario:N", sort=list(SCENARIOS), title=None),
        yOffset=alt.YOffset("series:N", sort=series_order(VARIANT_ORDER)),
        color=_variant_color(),
        shape=_variant_shape(),
        **run_encodings(frame),
    )
    dots = base.mark_point(filled=True, size=60, opacity=0.7).encode(
        x=alt.X("requests_per_s:Q", title="requests per second (one core)"),
        tooltip=[
            "variant",
            "scenario",
            "repetition",
            alt.Tooltip("requests_per_s:Q", format=",.0f"),
            alt.Tooltip("cpu_us_per_request:Q", title="service CPU µs/request", format=".1f"),
            *charts.run_tooltip(),
        ],
    )
    medians = base.mark_tick(thickness=3, size=10).encode(x="median(requests_per_s):Q")
    return (dots + medians).properties(width=250, height=alt.Step(14))


def _latency_medians(frame: pd.DataFrame) -> pd.DataFrame:
    """The median over runs of each latency percentile, in ms, one row per percentile."""
    long = frame.melt(
        id_vars=["Language", "variant", "scenario", "repetition", RUN_FIELD, RUN_DETAILS_FIELD],
        value_vars=list(PERCENTILES),
        var_name="percentile",
        value_name="us",
    )
    long["percentile"] = long.percentile.map(PERCENTILES)
    long["ms"] = long.us / 1e3
    return (
        long.groupby(
            ["Language", "variant", "scenario", "percentile", RUN_FIELD, RUN_DETAILS_FIELD],
            sort=False,
        )
        .ms.median()
        .reset_index()
    )


def _latency_panel(medians: pd.DataFrame) -> alt.FacetChart:
    """Median latency by percentile, one panel per workload, log scale."""
    dashes = alt.StrokeDash(
        "variant:N",
        sort=VARIANT_ORDER,
        scale=alt.Scale(domain=VARIANT_ORDER, range=[[1, 0], [1, 0], [5, 3]]),
        legend=_variant_legend(),
    )
    percentile = alt.X(
        "percentile:N",
        sort=list(PERCENTILES.values()),
        title=None,
        axis=alt.Axis(labelAngle=0),
    )
    lines = (
        alt.Chart(medians)
        .mark_line(point=alt.OverlayMarkDef(size=40, filled=True))
        .encode(
            x=percentile,
            y=alt.Y("ms:Q", scale=alt.Scale(type="log"), title="latency (ms, log scale)"),
            color=_variant_color(),
            shape=_variant_shape(),
            strokeDash=dashes,
            detail=f"{RUN_FIELD}:N",
            tooltip=[
                "variant",
                "scenario",
                "percentile",
                alt.Tooltip("ms:Q", format=".2f"),
                *charts.run_tooltip(),
            ],
            **run_encodings(medians),
        )
        .properties(width=190, height=200)
    )
    workload = alt.Column(
        "scenario:N", sort=list(SCENARIOS), title=None, header=alt.Header(labelFontWeight="bold")
    )
    return lines.facet(column=workload)


def load_chart(runs: pd.DataFrame, reference: LoadRuns | None = None) -> alt.Chart:
    """Throughput and latency; with the reference's runs, faded beside this machine's (the
    reference's runs may last longer: requests per second and percentiles compare)."""
    frame = with_runs(runs, reference.frame if reference is not None else None)
    frame["series"] = series(frame, "variant")
    return alt.hconcat(
        _throughput_panel(frame), _latency_panel(_latency_medians(frame))
    ).properties(
        title=alt.Title(
            "Under load from wrk: throughput and latency",
            subtitle=[
                f"{LOAD_CONNECTIONS} connections; service and PostgreSQL on core 0, wrk on core 1",
                "dots: runs; ticks and lines: medians; diamonds and dashes: sqlx without its "
                "ping on acquire",
            ],
        ),
        description="Requests per second and latency percentiles of the Go and Rust services",
    )
