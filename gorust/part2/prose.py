"""The numbers and comparison words Part 2's prose shows (glued with ``{glue:text}``), each
computed from the chapter's tables (gorust.claims.facts)."""

from __future__ import annotations

import pandas as pd

from gorust import claims
from gorust.part2 import (
    blocked,
    bytes_per_task,
    connection_summary,
    preemption_summary,
    snippet,
)
from gorust.part2.verdicts import (
    CHAPTER,
    GOROUTINE,
    THREAD,
    TOKIO,
    failed,
    largest,
)

# Two medians within this factor of each other are "about the same".
SAME = 1.25
# Server and client together keep at least this share of the machine's cores busy: saturated.
SATURATED = 0.8
# Public per-task anchors (pkolaczk, 2023: 2,658 MB and 213.6 MB for one million tasks).
PUBLIC_BYTES_PER_TASK = {GOROUTINE: 2_658.0, TOKIO: 213.6}
NAMES = {"go": "Go", "rust": "Rust"}


def compare(a: float, b: float, lower: str, higher: str) -> str:
    """How ``a`` compares with ``b``: "about the same", or the word for lower / higher."""
    if max(a, b) <= SAME * min(a, b):
        return "about the same"
    return lower if a < b else higher


def span(values: pd.Series, unit: str = "", digits: int = 1) -> str:
    """A range of values ("1.6–1.9 µs"), or one value where they round alike."""
    low, high = f"{values.min():,.{digits}f}", f"{values.max():,.{digits}f}"
    return (low if low == high else f"{low}–{high}") + (f" {unit}" if unit else "")


def duration(microseconds: pd.Series, largest: float | None = None) -> str:
    """A range of latencies in the unit that suits the ``largest`` of those it is compared
    with (ms below a second, else s), to three significant digits or so."""
    largest = microseconds.max() if largest is None else largest
    if largest >= 1e6:
        return span(microseconds / 1e6, "s", 2)
    values = microseconds / 1e3
    return span(values, "ms", 2 if largest < 1e4 else 1 if largest < 1e5 else 0)


@claims.facts(CHAPTER, tables=("task_memory",))
def task_facts(t: claims.Tables) -> dict[str, str]:
    rows = largest(t)
    per_task = bytes_per_task(t["task_memory"])
    go, tokio, thread = rows.loc[GOROUTINE], rows.loc[TOKIO], rows.loc[THREAD]
    go_kib = go.bytes_per_task / 1024
    stack = "less than" if go_kib < 2 else "a little over" if go_kib <= 3 else "well over"
    ratio = go.bytes_per_task / tokio.bytes_per_task

    def spawn_us(label: str) -> str:
        return span(per_task[per_task.label == label].spawn_us_per_task, "µs")

    public = {
        label: rows.loc[label].bytes_per_task / public
        for label, public in PUBLIC_BYTES_PER_TASK.items()
    }
    return {
        "part2.goroutine_kib": f"{go_kib:.2f} KiB",
        "part2.goroutine_vs_stack": f"{stack} its 2 KiB initial stack",
        "part2.tokio_bytes": f"{tokio.bytes_per_task:,.0f} bytes",
        "part2.future_bytes": (
            "not recorded" if pd.isna(tokio.future_bytes) else f"{tokio.future_bytes:,.0f} bytes"
        ),
        "part2.tokio_vs_go": f"{ratio:.1f}× {'smaller' if ratio >= 1 else 'larger'}",
        "part2.thread_kib": f"{thread.bytes_per_task / 1024:.1f} KiB",
        "part2.thread_spawn_us": spawn_us(THREAD),
        "part2.goroutine_spawn_us": spawn_us(GOROUTINE),
        "part2.tokio_spawn_us": spawn_us(TOKIO),
        "part2.vs_public": (
            f"{public[GOROUTINE]:.0%} (Go) and {public[TOKIO]:.0%} (tokio) of the 2023 "
            f"per-task figures, at {int(go.tasks):,} tasks"
        ),
    }


def _than_go(summary: pd.DataFrame, variant: str, go_ms: float) -> str:
    word = compare(summary.loc[variant, "p50_ms"], go_ms, "finer", "coarser")
    return f"{word} {'as' if word == 'about the same' else 'than'} Go's"


@claims.facts(CHAPTER, tables=("preemption",))
def preemption_facts(t: claims.Tables) -> dict[str, str]:
    summary = preemption_summary(t["preemption"]).set_index("variant")
    go = summary.loc["Go, GOMAXPROCS=1", "p50_ms"]
    fixes = [
        f"{summary.loc[variant, 'p50_ms']:.2f} ms with {name} ({_than_go(summary, variant, go)})"
        for variant, name in (
            ("Rust + yield_now()", "yield_now"),
            ("Rust + spawn_blocking()", "spawn_blocking"),
        )
    ]
    off = summary.loc["Go, GODEBUG=asyncpreemptoff=1", "starved"]
    tokio = summary.loc["Rust tokio current_thread", "starved"]
    fixed = not summary.loc[["Rust + yield_now()", "Rust + spawn_blocking()"], "starved"].any()
    return {
        "part2.asyncpreemptoff": (
            "the ticker waits for the loop"
            + (", exactly as it does under tokio" if off == tokio else "")
            if off
            else "yet here the ticker did not wait for the loop"
        ),
        "part2.fixes": "Both fixes bring the ticker back" if fixed else "Not both fixes worked",
        "part2.go_worst_ms": f"{summary.loc['Go, GOMAXPROCS=1', 'max_ms']:.1f} ms",
        "part2.fix_lateness": f"a median lateness of {' and '.join(fixes)}, "
        f"against {go:.2f} ms under Go",
    }


def _median_latency(runs: pd.DataFrame, count: int) -> str:
    here = runs[runs.connections == count]
    go, rust = (here[here.language == lang].p50_us for lang in ("go", "rust"))
    word = compare(go.median(), rust.median(), "Go answers faster", "Rust answers faster")
    apart = go.max() < rust.min() or rust.max() < go.min()
    every = f" in all {min(len(go), len(rust))} runs" if word != "about the same" and apart else ""
    top = max(go.max(), rust.max())
    return (
        f"at {count:,} connections {word}: Go's p50 {duration(go, top)} against Rust's "
        f"{duration(rust, top)}{every}"
    )


def _busy(runs: pd.DataFrame) -> pd.DataFrame:
    """Per server and count: the share of the machine's cores that server and client kept
    busy (their CPU time over the client's wall time), median of runs."""
    cpu = runs.server_cpu_s + runs.user_s + runs.system_s
    share = cpu / (runs.wall_s * runs.cores.astype(float))
    return runs.assign(busy=share).groupby(["connections", "language"]).busy.median().unstack()


def _saturation(runs: pd.DataFrame) -> str:
    busy = _busy(runs)
    saturated = busy[(busy >= SATURATED).all(axis="columns")]
    cores = int(runs.cores.max())
    if saturated.empty:
        return (
            f"server and client by themselves never kept the machine's {cores} cores "
            f"{SATURATED:.0%} busy (at most {busy.max().max():.0%}), so no slow round trip here "
            "comes from the servers saturating it"
        )
    counts = " and ".join(f"{int(c):,}" for c in saturated.index)
    shares = ", ".join(f"{NAMES[lang]} {saturated[lang].min():.0%}" for lang in saturated.columns)
    return (
        f"at {counts} connections server and client kept the machine's {cores} cores "
        f"{SATURATED:.0%} or more busy ({shares}): a saturated regime, where a round trip "
        "measures the queue behind a busy core, not the server's own speed"
    )


@claims.facts(CHAPTER, tables=("connections",))
def connection_facts(t: claims.Tables) -> dict[str, str]:
    runs = t["connections"]
    counts = sorted(int(c) for c in runs.connections.unique())
    summary = connection_summary(runs).set_index(["language", "connections"])
    kib = summary.kib_per_connection.xs(counts[-1], level="connections")
    p99 = summary.p99_us
    heavier = kib.idxmax()
    return {
        "part2.median_latency": "; ".join(_median_latency(runs, c) for c in counts),
        "part2.saturation": _saturation(runs),
        "part2.tails": "; ".join(
            f"{NAMES[lang]}'s median p99 goes from {duration(p99[[(lang, counts[0])]])} at "
            f"{counts[0]:,} connections to {duration(p99[[(lang, counts[-1])]])} at "
            f"{counts[-1]:,}"
            for lang in ("go", "rust")
        ),
        "part2.connection_memory": (
            f"the {NAMES[heavier]} server more than the {NAMES[kib.idxmin()]} one: "
            f"{kib['go']:.1f} KiB against {kib['rust']:.1f} KiB per connection for Go and "
            f"Rust at {counts[-1]:,} connections"
        ),
        "part2.c10m_gib": (
            f"≈{kib['go'] * 1e7 / 2**20:,.0f} GiB for Go and "
            f"≈{kib['rust'] * 1e7 / 2**20:,.0f} GiB for Rust"
        ),
    }


def _ended(row: pd.Series) -> str:
    """How a snippet variant's requests ended: all finished, or how many failed and why."""
    tasks, failed = int(row.tasks), int(row.tasks - row.finished)
    if failed == 0:
        return f"all {tasks:,} requests finished in {row.wall_s:.1f} s"
    refused = int(row.too_many_clients)
    why = f"; {refused:,} refused with “too many clients”" if refused else ""
    return (
        f"{failed:,} of {tasks:,} requests failed (medians over runs{why}), in {row.wall_s:.1f} s"
    )


def _pace(seconds: float, other_seconds: float) -> str:
    """ "3.1× faster than", "about as fast as" or "1.4× slower than" the other time."""
    if max(seconds, other_seconds) <= SAME * min(seconds, other_seconds):
        return "about as fast as"
    if seconds < other_seconds:
        return f"{other_seconds / seconds:.1f}× faster than"
    return f"{seconds / other_seconds:.1f}× slower than"


def _threads(go: pd.Series, rust: pd.Series) -> str:
    """The most OS threads each program had while its tasks waited on the database, and
    whether that is far below one per task (a thread per blocked task would be ``tasks``)."""
    most = max(go.os_threads, rust.os_threads)
    held = (
        "far fewer threads than waiting tasks: a task blocked on a socket did not hold one"
        if most * 10 <= go.tasks
        else "about one thread per waiting task or more"
    )
    return (
        f"Go peaked at {int(go.os_threads):,} OS threads and Rust at {int(rust.os_threads):,} "
        f"for {int(go.tasks):,} tasks, {held}"
    )


@claims.facts(CHAPTER, tables=("article_snippet",))
def snippet_facts(t: claims.Tables) -> dict[str, str]:
    rows = snippet.SnippetRows.of(t["article_snippet"])
    printed, storm, bounded = rows.go_printed, rows.go_default, rows.go_bounded
    rust_printed, rust, rust_other = rows.rust_printed, rows.rust_default, rows.rust_unbounded
    return {
        "part2.snippet_printed": (
            f"{int(printed.finished):,} of its {int(printed.tasks):,} queries in Go and "
            f"{int(rust_printed.finished):,} of {int(rust_printed.tasks):,} in Rust"
        ),
        "part2.snippet_storm": (
            f"{_ended(storm)}; the server held up to {int(storm.server_connections):,} client "
            f"connections at once and the program peaked at {storm.peak_rss_mib:.0f} MiB"
        ),
        "part2.snippet_bounded": (
            f"{_ended(bounded)} ({_pace(bounded.wall_s, storm.wall_s)} the default pool), on "
            f"{int(bounded.server_connections):,} connections and {bounded.peak_rss_mib:.0f} MiB"
        ),
        "part2.snippet_rust": (
            f"{_ended(rust)} on {int(rust.server_connections):,} connections and "
            f"{rust.peak_rss_mib:.0f} MiB"
        ),
        "part2.snippet_rust_unbounded": (
            "was left out of this run (the quick profile skips it: each run waits out sqlx's "
            "30-second acquire timeout)"
            if rust_other is None
            else f"{'lost requests' if failed(rust_other) else 'lost none'}: "
            f"{_ended(rust_other)}, with the server at "
            f"{int(rust_other.server_connections):,} connections"
        ),
        "part2.snippet_threads": _threads(storm, rust),
    }


@claims.facts(CHAPTER, tables=("blocked_tasks",))
def blocked_facts(t: claims.Tables) -> dict[str, str]:
    runs = t["blocked_tasks"]
    rows = blocked.BlockedRows.of(runs)
    sockets, tokio, calls = rows.go_socket, rows.tokio_socket, rows.go_syscall_finished
    pool, in_task, limit = rows.tokio_pool, rows.tokio_in_task, rows.go_syscall
    not_run = runs[runs.outcome == blocked.NOT_RUN].drop_duplicates(["tasks"])
    return {
        "part2.blocked_sockets": (
            f"{int(sockets.tasks):,} goroutines waited on {sockets.os_threads:.0f} OS threads, "
            f"and {int(tokio.tasks):,} tokio tasks on {tokio.os_threads:.0f}"
        ),
        "part2.blocked_syscall": (
            f"{int(calls.tasks):,} goroutines blocked in read(2) held {calls.os_threads:,.0f} OS "
            f"threads and {calls.peak_rss_mib:.0f} MiB"
        ),
        "part2.blocked_limit": (
            f"at {int(limit.tasks):,} the runtime stopped the program: “{limit.message}”"
            if blocked.crashed(limit)
            else "no count run here reached the runtime's limit of 10,000 threads"
        ),
        "part2.blocked_pool": (
            f"ran {pool.waiting_at_once:,.0f} of its {int(pool.tasks):,} calls at once, on "
            f"{pool.os_threads:,.0f} OS threads, and queued the rest"
        ),
        "part2.blocked_in_task": (
            f"only {in_task.waiting_at_once:,.0f} of {int(in_task.tasks):,} tasks got to run "
            f"(the process had {in_task.os_threads:.0f} OS threads)"
        ),
        "part2.blocked_not_run": (
            "every count ran"
            if not_run.empty
            else "; ".join(
                f"{int(row.tasks):,} tasks on sockets did not run: {row.message}"
                for row in not_run.itertuples()
            )
        ),
    }
