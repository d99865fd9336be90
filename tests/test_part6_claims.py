"""Part 6's rules flip: each is fed the recorded tables changed on both sides of its
threshold, and its verdict word follows."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust.part6 import facts, verdicts
from gorust.part6.serving import settings, with_gc_marks
from gorust.profile import Profile
from tests.conftest import changed, recorded_tables, verdict_word

POINTER, TUNED, INDEXED = verdicts.POINTER, verdicts.TUNED, verdicts.INDEXED
RUST_HASHMAP = verdicts.RUST_HASHMAP


@pytest.fixture(scope="module")
def recorded() -> dict[str, pd.DataFrame]:
    return recorded_tables("part6")


def _bin_s(recorded: dict) -> float:
    """The recorded profile's time bin, in seconds."""
    return settings(Profile(str(recorded["read_states"].profile.iloc[0]))).bin_ms / 1000


def _two_runs_each(runs: pd.DataFrame) -> pd.DataFrame:
    """Every variant with at least two runs (the full profile serves most of them once): a
    variant's only run, twice, so that its ratios have a range to judge."""
    once = runs.groupby("variant").variant.transform("size").eq(1)
    return pd.concat([runs, runs[once].assign(repetition=1)], ignore_index=True)


def _bins_p99(bins: pd.DataFrame, variant: str | None, p99_us: float) -> pd.DataFrame:
    """Every bin of ``variant`` (of all variants when None) with this p99."""
    chosen = bins.variant.eq(variant) if variant else slice(None)
    bins.loc[chosen, "p99_us"] = p99_us
    return bins


def _own_cycles(cycles: pd.DataFrame, gap_s: float) -> pd.DataFrame:
    """The pointer LRU's collections started by the runtime itself, ``gap_s`` apart: the
    second of each run moved ``gap_s`` after the first."""
    cycles["forced"] = False
    for _, run in cycles[cycles.variant == POINTER].groupby("repetition"):
        first, *later = run.index
        for n, index in enumerate(later, start=1):
            for column in ("start_s", "end_s"):
                cycles.loc[index, column] = cycles.loc[first, column] + n * gap_s
    return cycles


def _spiky(recorded: dict) -> dict:
    """The pointer LRU with a clear spike in the bins with a collection, calm elsewhere."""
    bins = recorded["read_states_bins"]
    marked = with_gc_marks(bins, recorded["read_states_gc_cycles"], _bin_s(recorded))
    quiet = changed(recorded, "read_states_bins", lambda b: _bins_p99(b, None, 20.0))
    spike = marked.gc_in_bin & (marked.variant == POINTER)
    quiet["read_states_bins"].loc[spike, "p99_us"] = 5_000.0
    return quiet


def test_gc_spikes_flips(recorded: dict) -> None:
    rule = verdicts.gc_spikes
    spiky = _spiky(recorded)
    # Every collection forced (by the program, or before serving): a spike, but no period of
    # the runtime's own.
    forced = changed(spiky, "read_states_gc_cycles", lambda c: c.assign(forced=True))
    assert rule(forced).verdict.startswith("inconclusive here: a forced collection makes")
    every_2_min = changed(spiky, "read_states_gc_cycles", lambda c: _own_cycles(c, 121.0))
    assert verdict_word(rule, every_2_min) == "holds"
    every_30_s = changed(spiky, "read_states_gc_cycles", lambda c: _own_cycles(c, 30.0))
    assert verdict_word(rule, every_30_s) == "depends"
    flat = changed(every_2_min, "read_states_bins", lambda b: _bins_p99(b, None, 20.0))
    assert verdict_word(rule, flat) == "does not hold here"
    busy = changed(every_2_min, "read_states_bins", lambda b: _bins_p99(b, None, 5_000.0))
    assert rule(busy).verdict.startswith("inconclusive here: the machine was too busy")


def _one_tuned_cycle(cycles: pd.DataFrame) -> pd.DataFrame:
    extra = cycles[cycles.variant == POINTER].head(1).assign(variant=TUNED)
    return pd.concat([cycles, extra], ignore_index=True)


def test_go_remedies_flips(recorded: dict) -> None:
    rule = verdicts.go_remedies
    calm = _spiky(recorded)
    assert verdict_word(rule, calm) == "holds"
    collected = changed(calm, "read_states_gc_cycles", _one_tuned_cycle)
    assert rule(collected).verdict == "depends: GOGC=off still collected"
    marked = with_gc_marks(
        calm["read_states_bins"], calm["read_states_gc_cycles"], _bin_s(recorded)
    )
    spiky_index = calm["read_states_bins"].copy()
    spiky_index.loc[marked.gc_in_bin & (marked.variant == INDEXED), "p99_us"] = 5_000.0
    indexed_spikes = {**calm, "read_states_bins": spiky_index}
    assert rule(indexed_spikes).verdict == "depends: the pointer-free layout still spikes"
    busy = changed(calm, "read_states_bins", lambda b: _bins_p99(b, None, 5_000.0))
    assert verdict_word(rule, busy) == "inconclusive here"


def _scaled(runs: pd.DataFrame, column: str, language: str, factors: list[float]) -> pd.DataFrame:
    """``column`` of each of the language's variants: its runs set to Go's pointer-free
    runs' median times ``factors``, in turn."""
    base = runs[runs.variant == INDEXED][column].median()
    for variant in runs[runs.language == language].variant.unique():
        chosen = runs.variant == variant
        runs.loc[chosen, column] = [base * factors[i % len(factors)] for i in range(chosen.sum())]
    return runs


def _go_fixed(runs: pd.DataFrame, column: str) -> pd.DataFrame:
    """Every Go run: the pointer LRU 10× the pointer-free layout, the others equal to it."""
    base = runs[runs.variant == INDEXED][column].median()
    runs.loc[runs.language == "go", column] = base
    runs.loc[runs.variant == POINTER, column] = 10 * base
    return runs


def _assert_lower_in_rust_flips(rule, column: str, recorded: dict) -> None:
    fixed = changed(recorded, "read_states", lambda r: _go_fixed(_two_runs_each(r), column))
    fixed["read_states"]["gc_cpu_s"] = 0.0  # work is serving only: the column decides

    def rust(factors: list[float]) -> dict:
        return changed(fixed, "read_states", lambda r: _scaled(r, column, "rust", factors))

    assert verdict_word(rule, rust([0.2, 0.3])) == "holds"
    assert verdict_word(rule, rust([1.0, 0.98])) == "depends"
    assert verdict_word(rule, rust([20.0, 25.0])) == "does not hold"
    # Rust's runs spread across the pointer LRU's: the range cannot tell.
    assert verdict_word(rule, rust([2.0, 30.0, 2.5])) == "inconclusive here"


def test_flat_line_flips(recorded: dict) -> None:
    _assert_lower_in_rust_flips(verdicts.flat_line, "p999_us", recorded)


def test_cpu_usage_flips(recorded: dict) -> None:
    _assert_lower_in_rust_flips(verdicts.cpu_usage, "serving_s", recorded)


def test_the_tail_cause_follows_the_stall_counts(recorded: dict) -> None:
    def cause(go: int, rust: int, on_move: int, moves: int = 100, rust_p99_us: float = 5.0) -> str:
        """The explanation when each Go run stalled ``go`` times, ``on_move`` of them right
        after one of its ``moves`` to another thread, and each Rust run ``rust`` times."""

        def change(runs: pd.DataFrame) -> pd.DataFrame:
            is_go = runs.language == "go"
            runs.loc[~is_go, "p99_us"] = rust_p99_us
            runs["requests"] = 100_000
            runs["stalls"] = [go if g else rust for g in is_go]
            runs["stalls_on_new_thread"] = [on_move if g else 0 for g in is_go]
            runs["thread_changes"] = [moves if g else 0 for g in is_go]
            return runs

        return facts.tail_facts(changed(recorded, "read_states", change))["part6.tail_cause"]

    # 3 of 100 moves stall, against 1 in 100,000 other requests.
    assert cause(4, 0, 3).startswith("Most of Go's stalls begin with such a move")
    assert cause(30, 0, 3).startswith("A move made a stall")
    assert "more often than Rust's" in cause(30, 0, 3)
    assert "busy" in cause(4, 0, 3, rust_p99_us=5_000.0)
    # A move stalls as often as any request.
    assert "stalls about as often as Rust's" in cause(3, 3, 0)
    assert "more often than Rust's" in cause(30, 3, 0)
    assert cause(30, 3, 0).startswith("Moves do not make stalls likelier")
    assert "busy" in cause(30, 3, 0, rust_p99_us=5_000.0)
    assert "more often than Rust's" in cause(30, 3, 0, moves=0)


def test_the_preemption_sentence_follows_the_two_variants_stalls_and_tails() -> None:
    from gorust.part6 import facts
    from gorust.part6.verdicts import NO_PREEMPTION, TUNED

    def runs(stalls: tuple[int, int], p999: tuple[float, float]) -> pd.DataFrame:
        return pd.DataFrame({
            "variant": [TUNED, NO_PREEMPTION, "Rust, HashMap LRU (lru crate)"],
            "stalls": [stalls[0], stalls[1], 0], "thread_changes": [50, 0, 0],
            "p999_us": [p999[0], p999[1], 30.0],
        })  # fmt: skip

    rust = ("Rust, HashMap LRU (lru crate)",)
    cause = facts.preemption_cause(runs((3, 0), (500.0, 35.0)), rust)
    assert cause.startswith("Asynchronous preemption is the cause: ")
    assert "stalled 0 times per run against 3" in cause and "35 µs against 500 µs" in cause
    assert facts.preemption_cause(runs((3, 3), (500.0, 480.0)), rust).startswith(
        "Asynchronous preemption is not the cause here"
    )
    assert facts.preemption_cause(runs((3, 1), (500.0, 480.0)), rust).startswith("Inconclusive")
    assert facts.preemption_cause(runs((3, 1), (500.0, 480.0)).iloc[[0, 2]], rust).startswith(
        "This run did not measure"
    )


def _worst(variants: tuple[str, ...], max_ms: float):
    """A change for ``changed``: every run of ``variants`` with this slowest request."""

    def change(runs: pd.DataFrame) -> pd.DataFrame:
        runs.loc[runs.variant.isin(variants), "max_us"] = max_ms * 1e3
        return runs

    return change


def test_under_10ms_flips(recorded) -> None:
    rule = verdicts.under_10ms
    fast, slow = verdicts.GUARANTEED_MS / 2, verdicts.GUARANTEED_MS * 3
    rust_fast = _worst((RUST_HASHMAP,), fast)
    go_slow = _worst((POINTER, TUNED, INDEXED), slow)
    cases = {
        "holds": [rust_fast, go_slow],
        "depends": [rust_fast, go_slow, _worst((TUNED,), fast)],
        "does not hold": [rust_fast, _worst((POINTER,), fast)],
    }
    for word, changes in cases.items():
        tables = recorded
        for change in changes:
            tables = changed(tables, "read_states", change)
        assert verdict_word(rule, tables) == word, word
    rust_slow = changed(recorded, "read_states", _worst((RUST_HASHMAP,), slow))
    assert verdict_word(rule, rust_slow) == "does not hold"
    no_rust = changed(recorded, "read_states", lambda r: r[r.variant != RUST_HASHMAP])
    assert verdict_word(rule, no_rust) == "inconclusive here"
