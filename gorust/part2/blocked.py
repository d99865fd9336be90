"""Experiment 5 — the snippet's comments, checked: “This blocks, but only this goroutine, not the
OS thread” and “maps thousands of Goroutines onto a few OS threads”.

N tasks each block until released, in one of two ways, and the programs count their OS threads
while every task waits:

- **on a socket**: a read from a UDP socket of its own, which Go's network poller and tokio's
  reactor both watch with epoll, so a waiting task holds no thread;
- **in a blocking system call**: read(2) on a pipe, which no poller can take over (a stand-in
  for a disk read, a C library call, or DNS through libc). Go gives each such goroutine its own
  OS thread; tokio runs such calls on its blocking pool (``spawn_blocking``, at most 512 threads,
  the rest queued), and a call made straight inside an async task holds its worker thread.

A run that crashes (Go's runtime stops at 10,000 threads) is kept as a row with its message.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from gorust import beside, charts, provenance
from gorust.experiments import experiment
from gorust.part2 import raise_open_file_limit
from gorust.part2.snippet import first_text
from gorust.profile import Profile, current_profile
from gorust.runs import Variant

CHAPTER = "part2"
PROGRAM = "blocked_tasks"
SOCKET, SYSCALL = "socket", "syscall"
GO_SOCKET = Variant("go", "Go goroutines on sockets", ("--wait", SOCKET))
TOKIO_SOCKET = Variant("rust", "Rust tokio tasks on sockets", ("--wait", SOCKET, "--model", "task"))
GO_SYSCALL = Variant("go", "Go goroutines in read(2)", ("--wait", SYSCALL))
TOKIO_POOL = Variant(
    "rust", "Rust spawn_blocking, read(2)", ("--wait", SYSCALL, "--model", "spawn_blocking")
)
TOKIO_IN_TASK = Variant(
    "rust", "Rust tokio tasks in read(2)", ("--wait", SYSCALL, "--model", "task")
)
BLOCKED_VARIANTS = (GO_SOCKET, TOKIO_SOCKET, GO_SYSCALL, TOKIO_POOL, TOKIO_IN_TASK)
DESCRIPTORS_SPARE = 200  # what a program holds besides one socket per task
RUN_TIMEOUT_S = 120
FINISHED, CRASHED, NOT_RUN = "finished", "crashed", "not run"


def blocked_counts(profile: Profile) -> list[int]:
    """Tasks per run: the quick profile stops at 10,000, where Go's runtime already reaches its
    thread limit; the full one adds 5,000 (below it) and the article's 100,000."""
    return profile.pick(quick=[1_000, 10_000], full=[1_000, 5_000, 10_000, 100_000])


def wait_of(variant: Variant) -> str:
    return variant.args[1]


@experiment(CHAPTER, programs=(PROGRAM,))
def blocked_tasks(profile: Profile | None = None) -> pd.DataFrame:
    """One row per run: how many tasks blocked at once, the OS threads while they waited, peak
    RSS, and whether the run finished, crashed, or could not run here (and why)."""
    profile = profile or current_profile()
    descriptors = raise_open_file_limit()
    for variant in BLOCKED_VARIANTS:
        variant.kernel.build(PROGRAM)
    rows = []
    for repetition in range(profile.repetitions):
        order = BLOCKED_VARIANTS if repetition % 2 == 0 else BLOCKED_VARIANTS[::-1]
        for tasks in blocked_counts(profile):
            for variant in order:
                if wait_of(variant) == SOCKET and tasks + DESCRIPTORS_SPARE > descriptors:
                    reason = f"needs {tasks:,} sockets; ulimit -n allows {descriptors:,} here"
                    rows.append(_row(variant, tasks, repetition, outcome=NOT_RUN, message=reason))
                    continue
                rows.append(run_once(variant, tasks, repetition))
    frame = pd.DataFrame(rows)
    # A row that did not run has no process of its own; it was still recorded on this host.
    for column, value in provenance.host().items():
        frame[column] = frame[column].fillna(value) if column in frame else value
    return frame


def run_once(variant: Variant, tasks: int, repetition: int = 0) -> dict:
    """One run of ``variant`` with ``tasks`` tasks: the program's record, or, where the program
    ended with an error (Go's thread limit), the first lines it wrote on stderr."""
    result = variant.kernel.run(
        PROGRAM, [*variant.args, "--tasks", tasks], timeout_s=RUN_TIMEOUT_S, check=False
    )
    process = result.process_columns()
    if result.exit_code == 0 and result.records:
        return _row(variant, tasks, repetition, **{**process, **result.records[-1]})
    crash = {"outcome": CRASHED, "message": crash_message(result.stderr), "finished": 0}
    return _row(variant, tasks, repetition, **{**process, **crash})


def crash_message(stderr: str) -> str:
    """The first two lines a crashed program wrote: Go prints why, then ``fatal error: …``,
    before a stack trace of every goroutine."""
    return "; ".join(line.strip() for line in stderr.strip().splitlines()[:2]) or "no message"


def _row(variant: Variant, count: int, repetition: int, **fields: object) -> dict:
    row: dict[str, object] = {"outcome": FINISHED, "message": ""}
    row.update(fields)
    row.update(
        language=variant.language,
        variant=variant.label,
        wait=wait_of(variant),
        tasks=count,
        repetition=repetition,
    )
    return row


def blocked_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per variant and task count, over repetitions: the runs that finished and crashed, the
    median tasks blocked at once, OS threads while they waited and peak RSS, and the first
    message of a run that did not finish."""
    table = (
        runs.groupby(["language", "variant", "tasks"], sort=False)
        .agg(
            finished_runs=("outcome", lambda s: int((s == FINISHED).sum())),
            crashed_runs=("outcome", lambda s: int((s == CRASHED).sum())),
            waiting_at_once=("waiting_at_once", "median"),
            os_threads=("threads_waiting", "median"),
            peak_rss_mib=("peak_rss_bytes", lambda s: s.median() / 2**20),
            message=("message", first_text),
        )
        .reset_index()
    )
    order = {variant.label: index for index, variant in enumerate(BLOCKED_VARIANTS)}
    return table.sort_values(["variant", "tasks"], key=lambda c: c.map(order) if c.name ==
                             "variant" else c).reset_index(drop=True)  # fmt: skip


@dataclass(frozen=True)
class BlockedRows:
    """Each variant of Experiment 5 at the most tasks it ran (``blocked_table``); Go in read(2)
    at the fewest tasks that crashed it (else the most it ran), and at the most tasks it
    finished with; None where it did not run."""

    go_socket: pd.Series | None
    tokio_socket: pd.Series | None
    go_syscall: pd.Series | None
    go_syscall_finished: pd.Series | None
    tokio_pool: pd.Series | None
    tokio_in_task: pd.Series | None

    @classmethod
    def of(cls, runs: pd.DataFrame) -> BlockedRows:
        table = blocked_table(runs)

        def most(variant: Variant, finished_only: bool = False) -> pd.Series | None:
            ran = table.finished_runs if finished_only else table.finished_runs + table.crashed_runs
            rows = table[(table.variant == variant.label) & (ran > 0)]
            return rows.iloc[-1] if len(rows) else None

        crashes = table[(table.variant == GO_SYSCALL.label) & (table.crashed_runs > 0)]
        first_crash = crashes.iloc[0] if len(crashes) else None
        return cls(
            most(GO_SOCKET, True),
            most(TOKIO_SOCKET, True),
            first_crash if first_crash is not None else most(GO_SYSCALL),
            most(GO_SYSCALL, True),
            most(TOKIO_POOL, True),
            most(TOKIO_IN_TASK, True),
        )


def crashed(row: pd.Series | None) -> bool:
    return row is not None and row.crashed_runs > 0


def blocked_chart(runs: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.HConcatChart:
    """Tasks blocked at once and OS threads against tasks started, per variant (from the
    ``blocked_tasks`` table); a crashed count marked ✕ at the top; live, the reference's runs
    beside this machine's, faded."""
    stacked = beside.stacked(runs, reference)
    frame = stacked[stacked.outcome == FINISHED]
    by = ["language", "variant", "tasks", *beside.run_columns(frame)]
    medians = charts.with_language_names(
        frame.groupby(by, sort=False)[["waiting_at_once", "threads_waiting"]].median().reset_index()
    )
    crashed = charts.with_language_names(
        stacked[stacked.outcome == CRASHED].drop_duplicates(["variant", "tasks"])
    )
    labels = [variant.label for variant in BLOCKED_VARIANTS]
    dashes = [[1, 0], [1, 0], [6, 3], [6, 3], [2, 2]]
    style = {
        "color": charts.language_color(),
        "strokeDash": alt.StrokeDash(
            "variant:N", scale=alt.Scale(domain=labels, range=dashes), legend=_legend()
        ),
    }
    x = alt.X(
        "tasks:Q",
        scale=alt.Scale(type="log"),
        title="tasks started (log scale)",
        axis=alt.Axis(values=charts.powers_of_ten(stacked.tasks), format="~s"),
    )

    runs = beside.run_encodings(medians)
    detail = [alt.Detail("variant:N"), *([runs.pop("detail")] if "detail" in runs else [])]

    def panel(field: str, title: str) -> alt.LayerChart:
        lines = (
            alt.Chart(medians)
            .mark_line(point=alt.OverlayMarkDef(size=60, filled=True))
            .encode(
                x=x,
                y=alt.Y(f"{field}:Q", scale=alt.Scale(type="log"), title=title),
                detail=detail,
                tooltip=["variant", alt.Tooltip("tasks:Q", format=","),
                         alt.Tooltip(f"{field}:Q", format=",.0f"), *beside.run_tooltip(medians)],
                **style,
                **runs,
            )
        )  # fmt: skip
        marks = (
            alt.Chart(crashed)
            .mark_text(text="✕ crashed", fontSize=12, fontWeight="bold", align="right", dy=-4)
            .encode(x=x, y=alt.value(8), color=charts.language_color(), tooltip=["variant",
                    alt.Tooltip("tasks:Q", format=","), "message"])
        )  # fmt: skip
        return alt.layer(lines, marks).properties(width=260, height=220)

    return alt.hconcat(
        panel("waiting_at_once", "tasks blocked at once (log)"),
        panel("threads_waiting", "OS threads while they wait (log)"),
    ).properties(
        title=alt.Title(
            "N tasks blocked on a socket or in a system call",
            subtitle="median over runs; ✕: the runtime stopped the program at this count",
        ),
        description="Tasks blocked at once and OS threads against tasks started, per variant",
    )


def _legend() -> alt.Legend:
    """The variants' dashes, drawn in grey: the colour legend says the language."""
    return alt.Legend(
        title=None,
        orient="bottom",
        columns=2,
        symbolType="stroke",
        symbolStrokeColor="#555",
        symbolStrokeWidth=2,
    )
