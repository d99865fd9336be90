"""Part 2 — Concurrency Models: what a waiting task costs, who gets preempted, and what a
connection costs an echo server."""

from __future__ import annotations

import re
import resource
import time
from collections.abc import Mapping
from dataclasses import dataclass

import altair as alt
import pandas as pd

from gorust import beside, charts, paths
from gorust.experiments import experiment
from gorust.part2 import pasted
from gorust.profile import Profile, current_profile
from gorust.runs import Variant, kernels

CHAPTER = "part2"
# (language, model, label) of every task model, in chart order.
TASK_MODELS = (
    ("go", "goroutine", "Go goroutines"),
    ("rust", "tokio", "Rust tokio tasks"),
    ("rust", "thread", "Rust OS threads"),
)
THREAD_LIMIT = 10_000  # OS threads are shown up to here, as the article's contrast
# Server on core 0, load client on core 1: they never compete for one core.
SERVER_CPUS, CLIENT_CPUS = "0", "1"


# -- Experiment 1: memory per task -------------------------------------------------------------
def task_counts(profile: Profile) -> list[int]:
    return profile.pick(
        quick=[0, 1_000, 10_000, 100_000], full=[0, 1_000, 10_000, 100_000, 1_000_000]
    )


@experiment(CHAPTER, programs=("task_memory",))
def task_memory(profile: Profile | None = None) -> pd.DataFrame:
    """Peak RSS, spawn and join time of N waiting tasks per model, repeated."""
    profile = profile or current_profile()
    go, rust = kernels()
    frames = []
    for repetition in range(profile.repetitions):
        for language, model, label in TASK_MODELS:
            kernel = go if language == "go" else rust
            for tasks in task_counts(profile):
                if model == "thread" and tasks > THREAD_LIMIT:
                    continue
                frame = kernel.run(
                    "task_memory", ["--model", model, "--tasks", tasks], timeout_s=300
                ).frame
                frame["label"] = label
                frame["repetition"] = repetition
                frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def bytes_per_task(memory: pd.DataFrame) -> pd.DataFrame:
    """Median peak RSS above the zero-task baseline, divided by the number of tasks; and, for
    tokio, the size of one task's future before it is spawned (``future_bytes``; empty in a
    recording made before the program reported it)."""
    if "future_bytes" not in memory:
        memory = memory.assign(future_bytes=float("nan"))
    runs = beside.run_columns(memory)  # a frame stacked with the reference keeps runs apart
    medians = (
        memory.groupby(["language", "label", "tasks", *runs], sort=False)
        .agg(
            peak_rss_bytes=("peak_rss_bytes", "median"),
            spawn_s=("spawn_s", "median"),
            join_s=("join_s", "median"),
            future_bytes=("future_bytes", "median"),
            runs=("peak_rss_bytes", "size"),
        )
        .reset_index()
    )
    baseline = medians[medians.tasks == 0][["label", *runs, "peak_rss_bytes"]]
    rows = medians[medians.tasks > 0].merge(
        baseline.rename(columns={"peak_rss_bytes": "baseline_rss_bytes"}),
        on=["label", *runs],
        how="left",
    )
    rows["bytes_per_task"] = (rows.peak_rss_bytes - rows.baseline_rss_bytes) / rows.tasks
    rows["spawn_us_per_task"] = rows.spawn_s / rows.tasks * 1e6
    return rows.reset_index(drop=True)


def task_memory_chart(memory: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.Chart:
    """Peak RSS against waiting tasks (from the ``task_memory`` table); live, the reference's
    table drawn beside it, faded."""
    frame = charts.with_language_names(bytes_per_task(beside.stacked(memory, reference)))
    runs = beside.run_encodings(frame)
    detail = [alt.Detail("label:N"), *([runs.pop("detail")] if "detail" in runs else [])]
    frame["peak_rss_mib"] = frame.peak_rss_bytes / 2**20
    # Colour and dash on one field, so one legend shows each model's colour and dash.
    labels = [label for _, _, label in TASK_MODELS]
    legend = alt.Legend(title=None, orient="top", symbolType="stroke", symbolStrokeWidth=2)
    colours = [charts.COLORS[charts.LANGUAGE_NAMES[language]] for language, _, _ in TASK_MODELS]
    model_color = alt.Color("label:N", scale=alt.Scale(domain=labels, range=colours), legend=legend)
    base = alt.Chart(frame).encode(
        # Powers of ten only: a log axis's default ticks print "3,0004,000" between them.
        x=alt.X(
            "tasks:Q",
            scale=alt.Scale(type="log"),
            title="waiting tasks (log scale)",
            axis=alt.Axis(values=charts.powers_of_ten(frame.tasks), format="~s"),
        ),
        y=alt.Y(
            "peak_rss_mib:Q",
            scale=alt.Scale(type="log"),
            title="peak RSS of the process (MiB, log scale)",
            axis=alt.Axis(values=charts.powers_of_ten(frame.peak_rss_mib), format="~s"),
        ),
        color=model_color,
        detail=detail,
        **runs,
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        strokeDash=alt.StrokeDash(
            "label:N", scale=alt.Scale(domain=labels, range=[[1, 0], [2, 2], [6, 3]]), legend=legend
        ),
        tooltip=[
            alt.Tooltip("label:N", title="model"),
            alt.Tooltip("tasks:Q", format=","),
            alt.Tooltip("peak_rss_mib:Q", title="peak RSS (MiB)", format=",.1f"),
            alt.Tooltip("bytes_per_task:Q", title="bytes per task", format=",.0f"),
            alt.Tooltip("spawn_us_per_task:Q", title="µs to start one", format=".2f"),
            "runs",
            *beside.run_tooltip(frame),
        ],
    )
    # Each line is named at its last point instead of in a legend (this machine's lines).
    if beside.both_runs(frame):
        frame = frame[frame[charts.RUN_FIELD] == charts.THIS_RUN]
    last = frame.tasks == frame.groupby("label").tasks.transform("max")
    names = (
        alt.Chart(frame[last])
        .mark_text(align="right", dx=-4, dy=-12, fontSize=12, fontWeight="bold")
        .encode(x="tasks:Q", y="peak_rss_mib:Q", text="label:N", color=model_color)
    )
    return (lines + names).properties(
        title=alt.Title(
            "Memory of N tasks that wait at one gate",
            subtitle="median peak RSS (wait4) over repeated runs; OS threads up to 10,000",
        ),
        description="Peak memory against waiting tasks: goroutines, tokio tasks, OS threads",
    )


# -- Experiment 2: preemption --------------------------------------------------------------------
PREEMPTION_VARIANTS = (
    Variant("go", "Go, GOMAXPROCS=1"),
    Variant("go", "Go, GODEBUG=asyncpreemptoff=1", env=(("GODEBUG", "asyncpreemptoff=1"),)),
    Variant("rust", "Rust tokio current_thread", ("--mode", "busy")),
    Variant("rust", "Rust + yield_now()", ("--mode", "yield_now")),
    Variant("rust", "Rust + spawn_blocking()", ("--mode", "spawn_blocking")),
)
BUSY_MS = 300


@experiment(CHAPTER, programs=("preemption",))
def preemption(profile: Profile | None = None) -> pd.DataFrame:
    """Every tick's lateness, per variant and repetition; busy-loop span in busy_* columns."""
    profile = profile or current_profile()
    frames = []
    for repetition in range(profile.repetitions):
        for variant in PREEMPTION_VARIANTS:
            kernel = variant.kernel
            args = [
                *variant.args,
                "--busy-ms",
                BUSY_MS,
                "--busy-start-ms",
                100,
                "--duration-ms",
                600,
            ]
            frame = kernel.run("preemption", args, env=dict(variant.env), timeout_s=60).frame
            span = frame.dropna(subset=["busy_start_ms"]).iloc[0]
            frame = frame.dropna(subset=["lateness_ms"]).copy()
            frame["busy_start_ms"], frame["busy_end_ms"] = span.busy_start_ms, span.busy_end_ms
            frame["variant"], frame["repetition"] = variant.label, repetition
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def preemption_summary(ticks: pd.DataFrame) -> pd.DataFrame:
    """Per variant: worst and typical lateness, and whether the ticker starved.

    A ticker "starved" when its worst wake-up in the median run came at least half the busy
    loop late: it could not run until the loop ended (or nearly). Go's 10 ms time slice and
    tokio's yields keep it far below that, so the verdict does not flip with noise.
    """
    per_run = ticks.groupby(["variant", "repetition"], sort=False).agg(
        max_ms=("lateness_ms", "max"),
        p99_ms=("lateness_ms", lambda s: s.quantile(0.99)),
        p50_ms=("lateness_ms", "median"),
        ticks=("lateness_ms", "size"),
        busy_ms=("busy_end_ms", "first"),
    )
    per_run["busy_ms"] -= ticks.groupby(["variant", "repetition"], sort=False).busy_start_ms.first()
    summary = per_run.groupby("variant", sort=False).median().reset_index()
    summary["starved"] = summary.max_ms >= summary.busy_ms / 2
    summary["language"] = summary.variant.map({v.label: v.language for v in PREEMPTION_VARIANTS})
    return summary


def preemption_verdicts(summary: pd.DataFrame) -> list[str]:
    return [
        f"{row.variant:<32} {'STARVED until the loop ended' if row.starved else 'not starved'}"
        for row in summary.itertuples()
    ]


def preemption_chart(ticks: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.Chart:
    """Every tick of each variant's first run; live, the reference's first run beside it,
    faded (both profiles run the same loop for the same time, so they share the axes)."""
    first_runs = beside.stacked(
        ticks[ticks.repetition == 0],
        None if reference is None else reference[reference.repetition == 0],
    )
    first = charts.with_language_names(first_runs)
    first = first.assign(lateness_plot=first.lateness_ms.clip(lower=0.01))
    order = [v.label for v in PREEMPTION_VARIANTS]
    base = alt.Chart(first)
    band = base.mark_rect(color="#f3e3a0", opacity=0.6).encode(
        x="min(busy_start_ms):Q",
        x2="min(busy_end_ms):Q",
        tooltip=[
            alt.Tooltip("min(busy_start_ms):Q", title="loop starts (ms)", format=".0f"),
            alt.Tooltip("min(busy_end_ms):Q", title="loop ends (ms)", format=".0f"),
        ],
    )
    line = base.mark_line(point=alt.OverlayMarkDef(size=12), strokeWidth=1.2).encode(
        x=alt.X("at_ms:Q", title="time since start (ms); shaded: the CPU-bound loop runs"),
        y=alt.Y(
            "lateness_plot:Q",
            scale=alt.Scale(type="log", domain=[0.01, 1000]),
            title="lateness (ms, log)",
        ),
        color=charts.language_color(),
        **beside.run_encodings(first),
        tooltip=[
            "variant",
            alt.Tooltip("at_ms:Q", title="at (ms)", format=".1f"),
            alt.Tooltip("lateness_ms:Q", title="late by (ms)", format=".3f"),
            *beside.run_tooltip(first),
        ],
    )
    return charts.one_row_per_variant(
        alt.layer(band, line), order, width=560, height=90
    ).properties(
        title=alt.Title(
            "A 1 ms ticker beside a 300 ms loop, on one worker",
            subtitle="lateness of every tick, first run of each variant",
        ),
        description="Tick lateness over time, Go and tokio, with and without the fixes",
    )


# -- Experiment 3: connections -------------------------------------------------------------------
def raise_open_file_limit() -> int:
    """Raise this process's soft limit on open files to the hard limit (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def connection_counts(profile: Profile, limit: int) -> list[int]:
    wanted = profile.pick(quick=[1_000, 5_000], full=[1_000, 5_000, 10_000, 20_000, 50_000])
    # Each side holds one descriptor per connection plus a few of its own.
    return [c for c in wanted if c + 200 <= limit]


@dataclass(frozen=True)
class ConnectionRuns:
    runs: pd.DataFrame  # one row per (server, connections, repetition): the client's summary
    latency: pd.DataFrame  # the client's percentile distribution of every run

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {"connections": self.runs, "connection_latency": self.latency}

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> ConnectionRuns:
        return cls(tables["connections"], tables["connection_latency"])


@experiment(
    CHAPTER,
    programs=("echo_server", "tools/echo_client"),
    tables=("connections", "connection_latency"),
    result=ConnectionRuns,
)
def connections(profile: Profile | None = None) -> ConnectionRuns:
    """Echo servers under C concurrent connections from one client on another core."""
    profile = profile or current_profile()
    limit = raise_open_file_limit()
    go, rust = kernels()
    client_args = [
        "--duration-ms",
        profile.pick(quick=2_000, full=10_000),
        "--interval-ms",
        100,
        "--message-bytes",
        64,
    ]
    go.build("tools/echo_client")
    rows, distributions = [], []
    for repetition in range(profile.repetitions):
        for count in connection_counts(profile, limit):
            for server_kernel in (go, rust) if repetition % 2 == 0 else (rust, go):
                arguments = ["--connections", count, *client_args]
                pasted.note_echo_run(server_kernel, go, arguments, cpus=(SERVER_CPUS, CLIENT_CPUS))
                with server_kernel.serve("echo_server", cpus=SERVER_CPUS) as server:
                    time.sleep(0.2)
                    idle_rss = server.rss_bytes()
                    client = go.run(
                        "tools/echo_client",
                        ["--port", server.port, *arguments],
                        cpus=CLIENT_CPUS,
                        timeout_s=120,
                    )
                    loaded_rss = server.rss_bytes()
                stopped = server.stop()
                records = client.frame
                summary = records.dropna(subset=["messages"]).iloc[0].to_dict()
                summary.update(
                    language=server_kernel.language,
                    toolchain=stopped.build.toolchain,
                    server_idle_rss_bytes=idle_rss,
                    server_loaded_rss_bytes=loaded_rss,
                    server_peak_rss_bytes=stopped.peak_rss_bytes,
                    server_cpu_s=stopped.finished.user_s + stopped.finished.system_s,
                    repetition=repetition,
                )
                rows.append(summary)
                percentiles = records.dropna(subset=["percentile"]).copy()
                percentiles["language"] = server_kernel.language
                percentiles["toolchain"] = stopped.build.toolchain
                percentiles["connections"], percentiles["repetition"] = count, repetition
                distributions.append(percentiles.dropna(axis="columns", how="all"))
    return ConnectionRuns(pd.DataFrame(rows), pd.concat(distributions, ignore_index=True))


def connection_summary(conns: pd.DataFrame) -> pd.DataFrame:
    conns = conns.assign(
        kib_per_connection=(conns.server_peak_rss_bytes - conns.server_idle_rss_bytes)
        / conns.connections
        / 1024
    )
    return (
        conns.groupby(["language", "connections"], sort=False)
        .agg(
            kib_per_connection=("kib_per_connection", "median"),
            server_peak_mib=("server_peak_rss_bytes", lambda s: s.median() / 2**20),
            p50_us=("p50_us", "median"),
            p99_us=("p99_us", "median"),
            p999_us=("p999_us", "median"),
            max_us=("max_us", "median"),
            messages=("messages", "median"),
            errors=("errors", "sum"),
            failed_dials=("failed_dials", "sum"),
            runs=("messages", "size"),
        )
        .reset_index()
    )


def latency_chart(conns: ConnectionRuns, reference: ConnectionRuns | None = None) -> alt.Chart:
    """Round-trip percentiles per connection count; live, the reference's at the counts this
    run measured too, faded."""
    latency = beside.stacked(
        conns.latency,
        beside.shared_facets(
            None if reference is None else reference.latency, conns.latency, "connections"
        ),
    )
    by = ["language", "connections", "percentile", *beside.run_columns(latency)]
    medians = latency.groupby(by, sort=False).latency_us.median().reset_index()
    return beside.percentiles_by_run(
        medians,
        facet="connections",
        facet_unit="connections",
        y_title="round-trip latency (µs, log)",
        width=300,
        height=260,
    ).properties(
        title=alt.Title(
            "Echo round trips under many idle-ish connections",
            subtitle="one message per connection every 100 ms; server and client on separate "
            "cores (taskset); median of runs",
        ),
        description="Latency percentile distribution of the Go and Rust echo servers",
    )


# -- Function colouring ---------------------------------------------------------------------------
def colouring_counts() -> pd.DataFrame:
    """What concurrency costs in source: `go` statements vs `async`/`.await` sites, counted."""
    rows = []
    for program in ("task_memory", "echo_server"):
        go_text = (paths.GO_MODULE / program / "main.go").read_text()
        rust_text = (paths.RUST_WORKSPACE / program / "src" / "main.rs").read_text()
        rows.append(
            {
                "program": program,
                "Go `go` statements": len(re.findall(r"^\s*go\s", go_text, re.M)),
                "Rust `async` items": len(re.findall(r"\basync\b", rust_text)),
                "Rust `.await` sites": len(re.findall(r"\.await\b", rust_text)),
                "Rust runtime set-up lines": len(
                    re.findall(r"#\[tokio::main\]|Builder::new_", rust_text)
                ),
            }
        )
    return pd.DataFrame(rows)


# Experiment 4, the article's snippet, and the claim check's rules and the prose's numbers
# (imported last: they use what is above, and the registry keeps the page's order).
from gorust.part2 import headlines as headlines  # noqa: E402
from gorust.part2 import prose as prose  # noqa: E402
from gorust.part2 import verdicts as verdicts  # noqa: E402
from gorust.part2.blocked import blocked_chart as blocked_chart  # noqa: E402
from gorust.part2.blocked import blocked_table as blocked_table  # noqa: E402
from gorust.part2.blocked import blocked_tasks as blocked_tasks  # noqa: E402
from gorust.part2.snippet import article_snippet as article_snippet  # noqa: E402
from gorust.part2.snippet import snippet_chart as snippet_chart  # noqa: E402
from gorust.part2.snippet import snippet_table as snippet_table  # noqa: E402
