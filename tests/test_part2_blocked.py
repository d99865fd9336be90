"""Part 2's Experiment 5: tasks blocked on sockets and in a blocking system call, in both
languages, with their OS threads counted; and the two rules on it, which flip when the counts
do."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust.kernels import GoKernel, RustKernel
from gorust.part2 import blocked, prose, verdicts
from tests.conftest import chart_runs, has_run_encoding, verdict_word

TASKS = 600  # more than tokio's blocking pool of 512 threads, well under Go's 10,000
GO_THREAD_LIMIT = 10_000  # runtime/debug.SetMaxThreads's default


@pytest.fixture(scope="module")
def measured() -> dict[str, pd.DataFrame]:
    """Every variant once with TASKS tasks, and Go in read(2) once at its thread limit."""
    blocked.raise_open_file_limit()
    rows = [blocked.run_once(variant, TASKS) for variant in blocked.BLOCKED_VARIANTS]
    rows.append(blocked.run_once(blocked.GO_SYSCALL, GO_THREAD_LIMIT))
    return {"blocked_tasks": pd.DataFrame(rows)}


def _row(measured: dict[str, pd.DataFrame], variant, tasks: int = TASKS) -> pd.Series:
    table = blocked.blocked_table(measured["blocked_tasks"])
    rows = table[(table.variant == variant.label) & (table.tasks == tasks)]
    assert len(rows) == 1, f"{variant.label} at {tasks} was not measured"
    return rows.iloc[0]


def test_tasks_on_sockets_all_wait_at_once_on_a_few_threads(measured) -> None:
    for variant in (blocked.GO_SOCKET, blocked.TOKIO_SOCKET):
        row = _row(measured, variant)
        assert (row.finished_runs, row.waiting_at_once) == (1, TASKS)
        assert row.os_threads <= verdicts.FEW_THREADS


def test_each_goroutine_in_a_blocking_system_call_holds_a_thread(measured) -> None:
    row = _row(measured, blocked.GO_SYSCALL)
    assert row.waiting_at_once == TASKS
    assert TASKS <= row.os_threads <= TASKS + verdicts.FEW_THREADS


def test_go_stops_at_its_thread_limit(measured) -> None:
    row = _row(measured, blocked.GO_SYSCALL, GO_THREAD_LIMIT)
    assert (row.finished_runs, row.crashed_runs) == (0, 1)
    assert "10000-thread limit" in row.message


def test_tokio_queues_blocking_calls_behind_its_pool_or_its_workers(measured) -> None:
    pool = _row(measured, blocked.TOKIO_POOL)
    assert pool.finished_runs == 1
    assert pool.waiting_at_once == 512  # tokio's default max_blocking_threads
    assert 512 < pool.os_threads <= 512 + verdicts.FEW_THREADS
    in_task = _row(measured, blocked.TOKIO_IN_TASK)
    assert in_task.finished_runs == 1
    assert 1 <= in_task.waiting_at_once <= verdicts.FEW_THREADS  # one per worker thread


def test_an_unknown_way_to_wait_is_an_error_that_says_so() -> None:
    for kernel in (GoKernel(), RustKernel()):
        finished = kernel.run(blocked.PROGRAM, ["--wait", "nap"], check=False).finished
        assert finished.exit_code == 1
        assert "unknown" in finished.stderr and "socket" in finished.stderr


def _set(variant, **values: object):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        rows = frame.variant == variant.label
        for column, value in values.items():
            frame.loc[rows, column] = value
        return frame

    return change


def _changed(measured, *changes) -> dict[str, pd.DataFrame]:
    frame = measured["blocked_tasks"]
    for change in changes:
        frame = change(frame)
    return {"blocked_tasks": frame}


NO_CRASH = _set(blocked.GO_SYSCALL, outcome=blocked.FINISHED, message="")


def test_few_os_threads_flips(measured) -> None:
    rule = verdicts.few_os_threads
    assert verdict_word(rule, measured) == "depends"
    few = _changed(measured, NO_CRASH, _set(blocked.GO_SYSCALL, threads_waiting=6))
    assert verdict_word(rule, few) == "holds"
    many = _changed(measured, _set(blocked.GO_SOCKET, threads_waiting=TASKS))
    assert verdict_word(rule, many) == "does not hold"
    only_sockets = _changed(measured, lambda f: f[f.variant != blocked.GO_SYSCALL.label])
    assert verdict_word(rule, only_sockets) == "inconclusive here"


def test_blocks_only_this_goroutine_flips(measured) -> None:
    rule = verdicts.blocks_only_this_goroutine
    assert verdict_word(rule, measured) == "holds"
    stuck = _changed(measured, _set(blocked.GO_SOCKET, waiting_at_once=2))
    assert verdict_word(rule, stuck) == "does not hold"
    threads = _changed(measured, _set(blocked.GO_SOCKET, threads_waiting=TASKS))
    assert verdict_word(rule, threads) == "does not hold"


def test_the_prose_names_the_crash_and_what_did_not_run(measured) -> None:
    facts = prose.blocked_facts(measured)
    assert "10000-thread limit" in facts["part2.blocked_limit"]
    assert facts["part2.blocked_not_run"] == "every count ran"
    skipped = blocked._row(blocked.GO_SOCKET, 100_000, 0, outcome=blocked.NOT_RUN, message="no fds")
    with_skip = {"blocked_tasks": pd.concat([measured["blocked_tasks"], pd.DataFrame([skipped])])}
    assert (
        "100,000 tasks on sockets did not run: no fds"
        in prose.blocked_facts(with_skip)["part2.blocked_not_run"]
    )
    calm = prose.blocked_facts(_changed(measured, NO_CRASH))
    assert "no count run here reached" in calm["part2.blocked_limit"]


def test_the_chart_draws_the_reference_beside_this_run_only_when_given(measured) -> None:
    runs = measured["blocked_tasks"]
    both = blocked.blocked_chart(runs, reference=runs.assign(threads_waiting=runs.threads_waiting))
    assert chart_runs(both) == {"this machine", "reference"} and has_run_encoding(both)
    alone = blocked.blocked_chart(runs)
    assert chart_runs(alone) == set() and not has_run_encoding(alone)
