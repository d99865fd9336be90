"""Part 2's claim check: rules over the recorded tables (gorust.claims), so that every verdict
and comparison word follows the data. The numbers its prose shows are in ``gorust.part2.prose``."""

from __future__ import annotations

import pandas as pd

from gorust import claims
from gorust.part2 import (
    BUSY_MS,
    blocked,
    bytes_per_task,
    connection_summary,
    preemption_summary,
    snippet,
)

CHAPTER = "part2"
GOROUTINE, TOKIO, THREAD = "Go goroutines", "Rust tokio tasks", "Rust OS threads"
# "Start size: ~bytes": a future under a kibibyte is "bytes", not kilobytes.
BYTES_NOT_KILOBYTES = 1024
# "Zero allocations essentially": a spawned task that weighs no more than its future plus a
# few words has no allocation overhead worth the name.
NEGLIGIBLE_OVERHEAD_BYTES = 64
# "Trivially": the claim's 100k goroutines started in under this many seconds.
CLAIMED_TASKS = 100_000
TRIVIAL_SPAWN_S = 2.0
C10M = 10_000_000
# "A few OS threads": at most this many, however many goroutines wait (8 per core here).
FEW_THREADS = 16


def largest(t: claims.Tables) -> pd.DataFrame:
    """Per task model, the per-task summary at the largest count it ran, indexed by label."""
    per_task = bytes_per_task(t["task_memory"])
    at_max = per_task.groupby("label").tasks.transform("max") == per_task.tasks
    return per_task[at_max].set_index("label")


@claims.rule(
    CHAPTER,
    claim="Goroutine “Start size: ~2KB RAM”",
    anchor="2,048-byte initial stacks since Go 1.4; pkolaczk: 2,658 MB for 1M goroutines "
    "(≈2.7 KB each)",
    tables=("task_memory",),
)
def goroutine_size(t: claims.Tables) -> claims.Finding:
    go = largest(t).loc[GOROUTINE]
    kib = go.bytes_per_task / 1024
    measured = f"{kib:.2f} KiB of peak RSS per waiting goroutine at {int(go.tasks):,}."
    if 1.5 <= kib <= 4.0:
        verdict = "holds: about 2 KiB of stack plus the runtime's per-goroutine record"
    else:
        verdict = f"does not hold: {kib:.1f} KiB each"
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="Futures: “Start size: ~bytes (Zero allocations essentially)”",
    anchor="pkolaczk: 213.6 MB for 1M tokio tasks (≈214 B each); hez2010 (2024): 439.1 MB",
    tables=("task_memory",),
)
def future_size(t: claims.Tables) -> claims.Finding:
    rows = largest(t)
    tokio, go = rows.loc[TOKIO], rows.loc[GOROUTINE]
    task = tokio.bytes_per_task
    future = tokio.future_bytes
    ratio = go.bytes_per_task / task
    measured = (
        f"{task:,.0f} bytes of peak RSS per spawned, waiting tokio task at {int(tokio.tasks):,} "
        f"({ratio:.1f}× {'less' if ratio >= 1 else 'more'} than a goroutine)"
    )
    if pd.isna(future):
        return claims.Finding(
            measured + ".", "inconclusive here: the future's own size was not recorded"
        )
    measured += f"; the future itself (std::mem::size_of_val) is {future:,.0f} bytes."
    if future >= BYTES_NOT_KILOBYTES:
        verdict = f"does not hold: the future alone is {future / 1024:.1f} KiB"
    elif task - future < NEGLIGIBLE_OVERHEAD_BYTES:
        verdict = "holds: a future is bytes, and spawning it adds next to nothing"
    else:
        verdict = (
            f"depends: the future is {future:,.0f} bytes and allocates nothing by itself, but "
            f"each spawned task is one heap allocation of about {task:,.0f} bytes in all"
        )
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="“Spawns 100k threads trivially” (goroutines)",
    anchor="pkolaczk: Rust threads could not launch 100k",
    tables=("task_memory",),
)
def spawn_100k(t: claims.Tables) -> claims.Finding:
    """Judged at the claim's own count, 100,000 goroutines; a larger count is reported beside
    it but does not decide (a million goroutines is ten times the work the claim names)."""
    per_task = bytes_per_task(t["task_memory"])
    rows = largest(t)
    most, thread = rows.loc[GOROUTINE], rows.loc[THREAD]
    at_claim = per_task[(per_task.label == GOROUTINE) & (per_task.tasks == CLAIMED_TASKS)]
    threads = (
        f"{int(thread.tasks):,} OS threads took {thread.spawn_s * 1e3:,.0f} ms and "
        f"{thread.bytes_per_task / 1024:.1f} KiB each."
    )
    if at_claim.empty:
        return claims.Finding(
            f"{int(most.tasks):,} goroutines at most; {threads}",
            f"inconclusive here: {CLAIMED_TASKS:,} goroutines were not started",
        )
    go = at_claim.iloc[0]
    larger = (
        f"; {int(most.tasks):,} took {most.spawn_s * 1e3:,.0f} ms"
        if most.tasks > CLAIMED_TASKS
        else ""
    )
    measured = (
        f"{CLAIMED_TASKS:,} goroutines started in {go.spawn_s * 1e3:,.0f} ms "
        f"({go.peak_rss_bytes / 2**20:,.0f} MiB){larger}; {threads}"
    )
    if go.spawn_s < TRIVIAL_SPAWN_S:
        verdict = "holds"
    else:
        verdict = f"does not hold: starting them took {go.spawn_s:.1f} s"
    return claims.Finding(measured, verdict)


def _starved(t: claims.Tables) -> pd.DataFrame:
    return preemption_summary(t["preemption"]).set_index("variant")


def _state(starved: bool) -> str:
    return "starved" if starved else "not starved"


@claims.rule(
    CHAPTER,
    claim="Go “is Preemptive. If a goroutine loops forever, the scheduler pauses it”",
    anchor="Asynchronous preemption since Go 1.14; 10 ms time slice (go.dev/doc/go1.14)",
    tables=("preemption",),
)
def go_preemption(t: claims.Tables) -> claims.Finding:
    summary = _starved(t)
    on, off = summary.loc["Go, GOMAXPROCS=1"], summary.loc["Go, GODEBUG=asyncpreemptoff=1"]
    measured = (
        f"Worst tick lateness beside a {BUSY_MS} ms loop: {on.max_ms:.1f} ms "
        f"({_state(on.starved)}); with asyncpreemptoff: {off.max_ms:.0f} ms "
        f"({_state(off.starved)})."
    )
    if on.starved:
        verdict = "does not hold: the ticker starved until the loop ended"
    elif off.starved:
        verdict = "holds: since Go 1.14; without asynchronous preemption the ticker starves"
    else:
        verdict = "inconclusive here: the ticker ran even without asynchronous preemption"
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="tokio “is Cooperative. You must await to yield control”",
    anchor="tokio docs: tasks must yield; spawn_blocking for CPU-bound work",
    tables=("preemption",),
)
def tokio_cooperative(t: claims.Tables) -> claims.Finding:
    summary = _starved(t)
    busy = summary.loc["Rust tokio current_thread"]
    fixes = summary.loc[["Rust + yield_now()", "Rust + spawn_blocking()"]]
    measured = (
        f"Worst tick lateness: {busy.max_ms:.0f} ms ({_state(busy.starved)}); "
        + ", ".join(
            f"with {variant.removeprefix('Rust + ')} {row.max_ms:.1f} ms ({_state(row.starved)})"
            for variant, row in fixes.iterrows()
        )
        + "."
    )
    if not busy.starved:
        verdict = "does not hold: the ticker ran beside a loop that never awaits"
    elif fixes.starved.any():
        verdict = "inconclusive here: a fix did not bring the ticker back"
    else:
        verdict = "holds: and the fixes work"
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="Both “handle the C10M problem (10 million connections)”",
    anchor="C10M needs kernel tuning and many cores; TechEmpower measures throughput, "
    "not 10M sockets",
    tables=("connections",),
)
def c10m(t: claims.Tables) -> claims.Finding:
    summary = connection_summary(t["connections"])
    biggest = int(summary.connections.max())
    at_biggest = summary[summary.connections == biggest].set_index("language")
    kib = at_biggest.kib_per_connection
    measured = (
        f"At {biggest:,} loopback connections: Go {kib['go']:.1f} KiB and Rust "
        f"{kib['rust']:.1f} KiB of server memory per connection; 10M would need "
        f"≈{kib['go'] * C10M / 2**20:,.0f} GiB (Go) and ≈{kib['rust'] * C10M / 2**20:,.0f} GiB "
        "(Rust) for that alone."
    )
    failed = at_biggest.errors + at_biggest.failed_dials
    if biggest < C10M:
        lighter = "Rust" if kib["rust"] < kib["go"] else "Go"
        verdict = (
            f"inconclusive here: {biggest:,} connections measured, not 10M; per-connection "
            f"memory, the part measured, favours {lighter}"
        )
    elif (failed == 0).all():
        verdict = "holds: both served 10M connections without errors"
    else:
        verdict = "does not hold: " + ", ".join(failed[failed > 0].index) + " had errors"
    return claims.Finding(measured, verdict)


def failed(row: pd.Series) -> int:
    return int(row.tasks - row.finished)


@claims.rule(
    CHAPTER,
    claim="The article's snippet, `go process(i)` with `db.Query` inside: “This blocks, but only "
    "this goroutine” … “Spawns 100k threads trivially”, in a backend",
    anchor="database/sql: no limit on open connections unless SetMaxOpenConns; sqlx: 10 by "
    "default; PostgreSQL: max_connections",
    tables=("article_snippet",),
)
def article_snippet(t: claims.Tables) -> claims.Finding:
    rows = snippet.SnippetRows.of(t["article_snippet"])
    printed, storm, bounded = rows.go_printed, rows.go_default, rows.go_bounded
    rust = rows.rust_default
    if any(row is None for row in (printed, storm, bounded, rust)):
        return claims.Finding("The snippet was not run in every way.", "inconclusive here")
    tasks = int(storm.tasks)
    measured = (
        f"{tasks:,} requests. As printed, {int(printed.finished):,} finished before main "
        f"returned. Joined on database/sql's default pool: {failed(storm):,} failed, the server "
        f"held up to {int(storm.server_connections):,} connections, {storm.wall_s:.1f} s. With "
        f"SetMaxOpenConns({snippet.BOUNDED_POOL}): {failed(bounded):,} failed, "
        f"{bounded.wall_s:.1f} s. Rust on sqlx's default pool: {failed(rust):,} failed, "
        f"{rust.wall_s:.1f} s."
    )
    storming = failed(storm) > 0 or storm.server_connections > 2 * snippet.BOUNDED_POOL
    if failed(bounded) > 0:
        verdict = "does not hold: queries failed even on a bounded pool"
    elif not storming:
        verdict = "holds: the default pool served every request without a connection storm"
    else:
        what = f"{failed(storm):,} queries failed and " if failed(storm) else ""
        verdict = (
            f"depends: spawning is trivial, but on database/sql's default pool {what}the server "
            f"held {int(storm.server_connections):,} connections at once; bounded to "
            f"{snippet.BOUNDED_POOL}, every request finished"
        )
    return claims.Finding(measured, verdict)


def _blocked_measured(rows: blocked.BlockedRows) -> str:
    sockets, calls = rows.go_socket, rows.go_syscall_finished
    text = (
        f"{int(sockets.tasks):,} goroutines waiting on sockets: {sockets.os_threads:.0f} OS "
        f"threads. {int(calls.tasks):,} goroutines blocked in read(2): "
        f"{calls.os_threads:,.0f} threads."
    )
    if blocked.crashed(rows.go_syscall):
        text += (
            f" At {int(rows.go_syscall.tasks):,} the runtime stopped: {rows.go_syscall.message}."
        )
    return text


@claims.rule(
    CHAPTER,
    claim="“The Go Runtime (M:N scheduler) maps thousands of Goroutines onto a few OS threads”",
    anchor="Go's network poller parks goroutines without a thread; a blocking system call "
    "holds one (runtime/debug.SetMaxThreads: 10,000 by default)",
    tables=("blocked_tasks",),
)
def few_os_threads(t: claims.Tables) -> claims.Finding:
    """Holds if thousands of goroutines wait on a few threads (at most ``FEW_THREADS``) both on
    sockets and in blocking system calls; depends if only on sockets; does not hold if even the
    socket waiters needed more."""
    rows = blocked.BlockedRows.of(t["blocked_tasks"])
    sockets, calls = rows.go_socket, rows.go_syscall_finished
    if sockets is None or calls is None:
        return claims.Finding("Goroutines were not blocked both ways.", "inconclusive here")
    measured = _blocked_measured(rows)
    if sockets.os_threads > FEW_THREADS:
        return claims.Finding(
            measured, f"does not hold: goroutines on sockets took {sockets.os_threads:.0f} threads"
        )
    if calls.os_threads <= FEW_THREADS and not blocked.crashed(rows.go_syscall):
        return claims.Finding(measured, "holds: on sockets and in system calls alike")
    stopped = (
        f", and at {int(rows.go_syscall.tasks):,} the runtime stopped the program"
        if blocked.crashed(rows.go_syscall)
        else ""
    )
    return claims.Finding(
        measured,
        f"depends: {int(sockets.tasks):,} goroutines waiting on sockets ran on "
        f"{sockets.os_threads:.0f} threads, but each goroutine blocked in a system call held a "
        f"thread of its own{stopped}",
    )


@claims.rule(
    CHAPTER,
    claim="The snippet's comment on `db.Query`: “This blocks, but only this goroutine, not the "
    "OS thread”",
    anchor="database/sql waits on a socket, which Go's network poller watches; tokio: a "
    "blocking call inside a task blocks its worker (use spawn_blocking)",
    tables=("blocked_tasks",),
)
def blocks_only_this_goroutine(t: claims.Tables) -> claims.Finding:
    """Judged on sockets, which is what a database query waits on: holds if every goroutine
    got to block at once on at most ``FEW_THREADS`` threads; does not hold otherwise. A blocking
    system call, which holds its thread, is reported beside it, as is tokio's task that makes
    one directly."""
    rows = blocked.BlockedRows.of(t["blocked_tasks"])
    sockets, in_task = rows.go_socket, rows.tokio_in_task
    if sockets is None or rows.go_syscall_finished is None:
        return claims.Finding("Goroutines were not blocked both ways.", "inconclusive here")
    measured = _blocked_measured(rows)
    if in_task is not None:
        measured += (
            f" Tokio tasks calling read(2) directly: {in_task.waiting_at_once:,.0f} of "
            f"{int(in_task.tasks):,} got to run while the others waited."
        )
    if sockets.waiting_at_once < sockets.tasks:
        return claims.Finding(
            measured,
            f"does not hold: only {sockets.waiting_at_once:,.0f} of {int(sockets.tasks):,} "
            "goroutines got to wait at once",
        )
    if sockets.os_threads > FEW_THREADS:
        return claims.Finding(
            measured, f"does not hold: the waiting goroutines held {sockets.os_threads:.0f} threads"
        )
    return claims.Finding(
        measured,
        f"holds: on a socket, {int(sockets.tasks):,} goroutines blocked at once on "
        f"{sockets.os_threads:.0f} OS threads (in a system call a goroutine blocks its thread "
        "too, and the runtime starts another)",
    )
