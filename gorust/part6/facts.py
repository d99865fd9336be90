"""The numbers and comparison words of Part 6's prose, computed from its saved tables
(``@claims.facts``); the chapter shows them with ``{glue:text}`part6.…```."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gorust import claims
from gorust.part6.serving import CHAPTER, NOISY_P99_US, ReadStateRuns
from gorust.part6.verdicts import (
    INDEXED,
    NO_PREEMPTION,
    POINTER,
    TABLES,
    TUNED,
    go_over_rust,
    is_calm,
    pairings,
    ratio_words,
    served_cycles,
    spikes_of,
    work_s,
)

# Go's variants that ran no collection while serving, or whose collections leave no mark.
CALM_GO = (TUNED, INDEXED)
# A share of stalls at or above this "mostly" begins with a move to another thread.
MOSTLY = 0.5
# Go's loop stalls "more often" than Rust's beyond this factor.
MORE_OFTEN = 1.5
# A stall this many times likelier right after a move to another thread ties the two.
LIKELIER = 10


def duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:,.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:,.1f} ms"
    return f"{seconds * 1e6:,.0f} µs"


def _span(values_us: pd.Series) -> str:
    """ "0.5–1.7 ms": the range of some runs' values, in one unit."""
    low, high = values_us.min() / 1e6, values_us.max() / 1e6
    return f"{duration(low)}–{duration(high)}" if low != high else duration(low)


def _collection_s(cycles: pd.DataFrame, variant: str) -> float:
    return float(cycles[cycles.variant == variant].duration_s.median())


@claims.facts(CHAPTER, tables=TABLES)
def collection_facts(t: claims.Tables) -> dict[str, str]:
    runs = ReadStateRuns.from_tables(t)
    pointer_s = _collection_s(runs.cycles, POINTER)
    indexed_s = _collection_s(runs.cycles, INDEXED)
    tuned = served_cycles(runs.cycles, TUNED)
    return {
        "part6.entries": f"{runs.settings.entries:,}",
        "part6.pointer_gc": duration(pointer_s),
        "part6.indexed_gc": duration(indexed_s),
        "part6.indexed_gc_vs": (
            f"{pointer_s / indexed_s:,.0f}× shorter than the pointer LRU's"
            if indexed_s < pointer_s
            else "no shorter than the pointer LRU's"
        ),
        "part6.indexed_mark": (
            "they leave no mark on latency"
            if is_calm(spikes_of(t).loc[INDEXED])
            else "they still show in latency"
        ),
        "part6.tuned_words": (
            "the forced collection never happened at all"
            if tuned == 0
            else f"{tuned} collections still ran while serving"
        ),
    }


def _median_per_run(runs: pd.DataFrame, labels: tuple[str, ...], column: str) -> float:
    return float(runs[runs.variant.isin(labels)][column].median())


@dataclass(frozen=True)
class StallRisk:
    """How often a request of Go's calm variants stalled right after the loop changed OS
    thread, against the other requests: a comparison within the same runs, so it holds on a
    busy machine too."""

    stalls: int
    moves: int  # requests that ran on another thread than the request before
    stalls_on_move: int
    requests: int

    @classmethod
    def of(cls, calm: pd.DataFrame) -> StallRisk:
        return cls(
            int(calm.stalls.sum()),
            int(calm.thread_changes.sum()),
            int(calm.stalls_on_new_thread.sum()),
            int(calm.requests.sum()),
        )

    @property
    def after_move(self) -> float:
        return self.stalls_on_move / self.moves if self.moves else 0.0

    @property
    def otherwise(self) -> float:
        return (self.stalls - self.stalls_on_move) / (self.requests - self.moves)

    @property
    def likelier(self) -> float:
        """How many times likelier a stall is right after a move."""
        return self.after_move / self.otherwise if self.otherwise else float("inf")

    @property
    def share(self) -> float:
        """The share of stalls that began with a move."""
        return self.stalls_on_move / self.stalls if self.stalls else 0.0


SCHEDULER = (
    "the request loop never blocks (it spins until the next request is due), so Go's sysmon "
    "preempts the goroutine when it has run too long, and the scheduler may resume it on "
    "another OS thread, which then has to wait for a processor. A Rust loop is one thread "
    "and never moves. It is Go's scheduler meeting this harness's spinning loop, not the "
    "collector: a real service's goroutine blocks on the network instead."
)


def _tail_cause(risk: StallRisk, go_stalls: float, rust_stalls: float, noisy: bool) -> str:
    moves_matter = risk.moves > 0 and risk.likelier >= LIKELIER
    if moves_matter and risk.share >= MOSTLY and not noisy:
        return f"Most of Go's stalls begin with such a move: {SCHEDULER}"
    words = [
        f"A move made a stall {risk.likelier:,.0f}× likelier, but most of Go's stalls began "
        "without one."
        if moves_matter
        else "Moves do not make stalls likelier."
    ]
    if noisy:
        words.append("The machine was busy during this recording, and other load made most stalls.")
    elif go_stalls <= MORE_OFTEN * rust_stalls:
        words.append(
            "Go's loop stalls about as often as Rust's: what separates their tails here is not "
            "a stall the Go runtime adds."
        )
    else:
        words.append(
            "Go's loop stalls more often than Rust's all the same. What Go has and Rust's loop "
            "has not is the runtime's other threads sharing two cores with the loop, sysmon "
            "first among them: the next variant tests it."
        )
    return " ".join(words)


def _times(count: float) -> str:
    return f"{count:g} time{'' if count == 1 else 's'}"


def preemption_cause(runs: pd.DataFrame, rust: tuple[str, ...]) -> str:
    """What switching off asynchronous preemption did to the same loop, in words: whether
    sysmon preempting the spinning loop is what makes Go's remaining tail."""
    with_it = runs[runs.variant == TUNED]
    without = runs[runs.variant == NO_PREEMPTION]
    if with_it.empty or without.empty:
        return "This run did not measure the loop without asynchronous preemption."
    stalls = (with_it.stalls.median(), without.stalls.median())
    moves = (with_it.thread_changes.median(), without.thread_changes.median())
    p999 = (with_it.p999_us.median(), without.p999_us.median())
    rust_p999 = runs[runs.variant.isin(rust)].p999_us.median()
    measured = (
        f"with it switched off (`GODEBUG=asyncpreemptoff=1`), the same loop and cache stalled "
        f"{_times(stalls[1])} per run against {stalls[0]:g}, changed OS thread "
        f"{_times(moves[1])} against {moves[0]:g}, and its median p99.9 was "
        f"{p999[1]:,.0f} µs against {p999[0]:,.0f} µs (Rust: {rust_p999:,.0f} µs)"
    )
    if stalls[1] < stalls[0] and p999[1] <= p999[0] / MORE_OFTEN:
        return (
            f"Asynchronous preemption is the cause: {measured}. The runtime's monitor "
            "(sysmon) preempts a goroutine that has run 10 ms without yielding, and this "
            "harness's loop spins between requests and never yields; the scheduler then "
            "resumes it, often on another OS thread. A service that blocks on its network "
            "between requests does not pay this."
        )
    if stalls[1] >= stalls[0] and p999[1] >= p999[0] / MORE_OFTEN:
        return f"Asynchronous preemption is not the cause here: {measured}."
    return f"Inconclusive here: {measured}."


@claims.facts(CHAPTER, tables=("read_states",))
def tail_facts(t: claims.Tables) -> dict[str, str]:
    runs = t["read_states"]
    rust = tuple(runs[runs.language == "rust"].variant.unique())
    calm = runs[runs.variant.isin(CALM_GO)]
    go_stalls = _median_per_run(runs, CALM_GO, "stalls")
    rust_stalls = _median_per_run(runs, rust, "stalls")
    risk = StallRisk.of(calm)
    # A quiet machine serves Rust's requests in microseconds, even at its p99.
    noisy = bool(runs[runs.variant.isin(rust)].p99_us.median() > NOISY_P99_US)
    return {
        "part6.go_calm_p999": _span(calm.p999_us),
        "part6.rust_p999": _span(runs[runs.variant.isin(rust)].p999_us),
        "part6.go_stalls": f"{go_stalls:g}",
        "part6.rust_stalls": f"{rust_stalls:g}",
        "part6.go_thread_changes": f"{_median_per_run(runs, CALM_GO, 'thread_changes'):g}",
        "part6.stalls_on_new_thread": f"{risk.stalls_on_move:,} of {risk.stalls:,}",
        "part6.stall_after_move": f"{risk.after_move:.1%}",
        "part6.stall_otherwise": f"{risk.otherwise:.3%}",
        "part6.tail_cause": _tail_cause(risk, go_stalls, rust_stalls, noisy),
        "part6.preemption_cause": preemption_cause(runs, rust),
        "part6.requests": f"{runs.requests.median():,.0f}",
        "part6.p999_rank": f"{runs.requests.median() / 1000:,.0f}",
    }


@claims.facts(CHAPTER, tables=("read_states",))
def pairing_facts(t: claims.Tables) -> dict[str, str]:
    runs = t["read_states"]
    tail = go_over_rust(runs, runs.p999_us)
    work = go_over_rust(runs, work_s(runs))
    best_go, best_rust = pairings(runs, runs.p999_us)["best of each"]
    return {
        "part6.tail_idiomatic": ratio_words(tail["idiomatic"]),
        "part6.tail_best": ratio_words(tail["best of each"]),
        "part6.tail_best_pair": f"{best_go} against {best_rust}",
        "part6.work_idiomatic": ratio_words(work["idiomatic"]),
        "part6.work_best": ratio_words(work["best of each"]),
    }
