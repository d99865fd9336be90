"""Experiment 4 — the article's own snippet, run as written: a goroutine per request, each one
querying PostgreSQL (``go process(i)`` in a loop), and its Rust twin with tokio tasks on sqlx.

Three ways in each language, against one real PostgreSQL (the course's throwaway cluster,
pinned to its own core):

- **as printed**: the loop spawns and ``main`` returns; what finished by then is all that ran;
- **joined on the default pool**: what people write next (a WaitGroup, a JoinSet), on the
  pool each library gives by default: database/sql opens a connection for every query that
  finds none idle, with no limit; sqlx's pool holds at most 10;
- **the other pool**: Go with ``SetMaxOpenConns(10)`` (sqlx's default), Rust with
  ``max_connections`` as large as the number of tasks (database/sql's default), so each
  language is also run with the other's choice and the difference is seen to be the pool's.

Every query reads how many client connections the server holds while it runs; the programs
sample their own OS threads; the launcher reads their peak RSS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import altair as alt
import pandas as pd

from gorust import beside, charts, postgres
from gorust.experiments import experiment
from gorust.part4 import reproducing
from gorust.profile import Profile, current_profile
from gorust.runs import Variant

CHAPTER = "part2"
PROGRAM = "article_snippet"
# PostgreSQL on core 0, the program on core 1, as Experiment 3 pins its server and client.
SERVER_CPUS, PROGRAM_CPUS = "0", "1"
QUERY_MS = 5  # how long each query waits in the server: a short indexed lookup and a round trip
# Requests per run, in both profiles (the full one repeats more): the article spawns 100k, but a
# 2-core machine's PostgreSQL accepts new connections so slowly that the storm is there at a
# few thousand, and one run of 5,000 on the default pool took 112 s here.
SNIPPET_TASKS = 2_000
BOUNDED_POOL = 10  # sqlx's default max_connections, given to Go's SetMaxOpenConns too
RUN_TIMEOUT_S = 300
AS_PRINTED, DEFAULT_POOL, OTHER_POOL = "as printed", "joined, default pool", "joined, other pool"
# The quick profile leaves out Rust on a pool as large as the number of tasks: sqlx retries
# "too many clients" until its 30-second acquire timeout, so each run of it takes that long.
SNIPPET_VARIANTS = (
    Variant("go", AS_PRINTED, ("--mode", "printed")),
    Variant("go", DEFAULT_POOL, ("--mode", "waitgroup")),
    Variant("go", OTHER_POOL, ("--mode", "bounded", "--pool", str(BOUNDED_POOL))),
    Variant("rust", AS_PRINTED, ("--mode", "printed")),
    Variant("rust", DEFAULT_POOL, ("--mode", "joined")),
    Variant("rust", OTHER_POOL, ("--mode", "unbounded")),
)
# How each variant is written, for the table.
WRITTEN = {
    ("go", AS_PRINTED): "go process(i); main returns",
    ("go", DEFAULT_POOL): "sync.WaitGroup; sql.Open's pool (no limit)",
    ("go", OTHER_POOL): f"sync.WaitGroup; db.SetMaxOpenConns({BOUNDED_POOL})",
    ("rust", AS_PRINTED): "tokio::spawn(process(i)); main returns",
    ("rust", DEFAULT_POOL): f"JoinSet; PgPool::connect_lazy (at most {BOUNDED_POOL})",
    ("rust", OTHER_POOL): "JoinSet; max_connections(tasks)",
}


def snippet_variants(profile: Profile) -> tuple[Variant, ...]:
    """Every variant in the full profile; the quick one leaves out Rust's 30-second storm."""
    slow = Variant("rust", OTHER_POOL, ("--mode", "unbounded"))
    return tuple(v for v in SNIPPET_VARIANTS if profile.name == "full" or v != slow)


@experiment(CHAPTER, programs=(PROGRAM,))
def article_snippet(profile: Profile | None = None) -> pd.DataFrame:
    """One row per run: what the queries ended with, the server's connections, OS threads,
    peak RSS and wall time, per language, variant and repetition."""
    profile = profile or current_profile()
    tasks = SNIPPET_TASKS
    variants = snippet_variants(profile)
    for variant in variants:
        variant.kernel.build(PROGRAM)
    rows = []
    with postgres.cluster(cpus=SERVER_CPUS) as pg:
        reproducing.note_postgres(pg, SERVER_CPUS, experiment=PROGRAM)
        for repetition in range(profile.repetitions):
            # Each repetition reverses the order, so no variant always follows the storm.
            order = variants if repetition % 2 == 0 else variants[::-1]
            rows += [run_once(pg, variant, tasks, repetition) for variant in order]
    return pd.concat(rows, ignore_index=True)


def run_once(
    pg: postgres.Cluster,
    variant: Variant,
    tasks: int,
    repetition: int = 0,
    *,
    cpus: str | None = PROGRAM_CPUS,
    timeout_s: float = RUN_TIMEOUT_S,
) -> pd.DataFrame:
    """One run of ``variant`` against ``pg``: its row, labelled with the variant and the
    repetition, once the server has let go of the run's connections."""
    result = variant.kernel.run(
        PROGRAM,
        [*variant.args, "--tasks", tasks, "--query-ms", QUERY_MS],
        env={"DATABASE_URL": pg.url()},
        cpus=cpus,
        timeout_s=timeout_s,
    )
    _wait_for_disconnects(pg)
    return result.frame.assign(
        language=variant.language, variant=variant.label, repetition=repetition
    )


def _wait_for_disconnects(pg: postgres.Cluster, timeout_s: float = 30.0) -> None:
    """Until the server has let go of the last run's connections (a killed storm leaves
    backends exiting), so that the next run starts on an empty server."""
    deadline = time.monotonic() + timeout_s
    query = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
    while time.monotonic() < deadline:
        if int(pg.sql(query)[0][0]) <= 1:  # psql's own connection
            return
        time.sleep(0.1)


def snippet_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per language and variant, the median over repetitions: requests that finished, refused
    by the server ("too many clients"), other errors, the most client connections the server
    held, the most OS threads, peak RSS and wall time."""
    grouped = runs.groupby(["language", "variant"], sort=False)
    table = grouped.agg(
        tasks=("tasks", "max"),
        pool_limit=("pool_limit", "max"),
        finished=("ok", "median"),
        too_many_clients=("too_many_clients", "median"),
        other_errors=("other_errors", "median"),
        server_connections=("peak_server_connections", "median"),
        os_threads=("peak_threads", "median"),
        peak_rss_mib=("peak_rss_bytes", lambda s: s.median() / 2**20),
        wall_s=("wall_s", "median"),
        runs=("ok", "size"),
        first_error=("first_error", first_text),
    ).reset_index()
    table.insert(2, "written", [WRITTEN[(r.language, r.variant)] for r in table.itertuples()])
    return table


def first_text(texts: pd.Series) -> str:
    """The first non-empty text (a recorded table reads an empty one back as NaN)."""
    return next((text for text in texts.fillna("") if text), "")


def snippet_row(table: pd.DataFrame, language: str, variant: str) -> pd.Series | None:
    """One language's variant from ``snippet_table``, or None where it was not measured."""
    rows = table[(table.language == language) & (table.variant == variant)]
    return rows.iloc[0] if len(rows) else None


@dataclass(frozen=True)
class SnippetRows:
    """Each way the snippet ran, as ``snippet_table`` sums it up; None where it did not run
    (the quick profile leaves out ``rust_unbounded``). The rule and the prose both read these."""

    go_printed: pd.Series | None
    go_default: pd.Series | None
    go_bounded: pd.Series | None
    rust_printed: pd.Series | None
    rust_default: pd.Series | None
    rust_unbounded: pd.Series | None

    @classmethod
    def of(cls, runs: pd.DataFrame) -> SnippetRows:
        """From the ``article_snippet`` table."""
        table = snippet_table(runs)
        return cls(
            *(
                snippet_row(table, language, variant)
                for language in ("go", "rust")
                for variant in (AS_PRINTED, DEFAULT_POOL, OTHER_POOL)
            )
        )


def snippet_chart(runs: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.HConcatChart:
    """Per variant: the requests that failed, the server's connections at once and the wall
    time, one dot per run and a tick at the median (from the ``article_snippet`` table); live,
    the reference's runs in a faded row under each of this machine's."""
    stacked = beside.stacked(runs, reference)
    frame = charts.with_language_names(stacked.assign(failed=stacked.tasks - stacked.ok))
    frame["name"] = frame.Language + ", " + frame.variant
    names = [f"{charts.LANGUAGE_NAMES[v.language]}, {v.label}" for v in SNIPPET_VARIANTS]
    both = beside.both_runs(frame)
    frame["series"] = charts.run_series(frame, "name") if both else frame.name
    order = charts.run_series_order(names) if both else names

    def panel(field: str, title: str) -> alt.LayerChart:
        base = alt.Chart(frame).encode(
            y=alt.Y("series:N", sort=order, title=None),
            color=charts.language_color(),
            **beside.run_encodings(frame),
        )
        tooltip = [
            "series",
            "repetition",
            alt.Tooltip(f"{field}:Q", format=",.2f"),
            *beside.run_tooltip(frame),
        ]
        dots_and_ticks = charts.dots_and_median(base, field, title, tooltip)
        return dots_and_ticks.properties(width=170, height=alt.Step(24))

    return alt.hconcat(
        panel("failed", "requests that failed"),
        panel("peak_server_connections", "server connections at once"),
        panel("wall_s", "wall time (s)"),
    ).properties(
        title=alt.Title(
            "The article's snippet against a real PostgreSQL",
            subtitle="one query per task; dots: runs, ticks: medians",
        ),
        description="Failed requests, server connections and wall time per way of running it",
    )
