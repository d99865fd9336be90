"""Part 6's claim check: rules over the recorded tables (gorust.claims), so that every verdict
follows the data. The numbers the prose shows are in gorust.part6.facts."""

from __future__ import annotations

import pandas as pd

from gorust import claims, stats
from gorust.part6.serving import (
    CHAPTER,
    FORCED_PERIOD_S,
    NOISY_P99_US,
    VARIANTS,
    ReadStateRuns,
    settings,
    spike_table,
)
from gorust.profile import Profile

POINTER = "Go, pointer LRU"
TUNED = "Go, pointer LRU, GOGC=off + GOMEMLIMIT"
INDEXED = "Go, pointer-free LRU"
# The same cache and settings as TUNED, with the runtime's asynchronous preemption switched off:
# it tests whether sysmon preempting the spinning request loop makes Go's remaining tail.
NO_PREEMPTION = "Go, pointer LRU, GOGC=off + GOMEMLIMIT, asyncpreemptoff=1"
RUST_HASHMAP = "Rust, HashMap LRU (lru crate)"
TABLES = ("read_states", "read_states_bins", "read_states_gc_cycles")
# A bin's p99 this many times the bins' without a collection is a spike; under CALM_FACTOR,
# the collection leaves no mark.
SPIKE_FACTOR = 10
CALM_FACTOR = 3
# Collections of the runtime's own this close to forcegcperiod apart are "every 2 minutes".
PERIOD_TOLERANCE = 0.25
# A ratio of medians whose whole interval is above this is "clearly" higher.
CLEARLY = 1.1


def spikes_of(t: claims.Tables) -> pd.DataFrame:
    return spike_table(ReadStateRuns.from_tables(t)).set_index("variant")


def is_noisy(spikes: pd.DataFrame) -> bool:
    """Even the bins without a collection are slow: other load hides what the collector does."""
    return bool(spikes.p99_us_without_gc.median() > NOISY_P99_US)


def natural_gaps(cycles: pd.DataFrame, variant: str = POINTER) -> pd.Series:
    """Seconds between consecutive collections the runtime started by itself (not forced by
    the program's runtime.GC()) while serving, within each run of ``variant``."""
    own = cycles[(cycles.variant == variant) & ~cycles.forced.astype(bool)]
    own = own.dropna(subset=["start_s"]).sort_values(["repetition", "start_s"])
    return own.groupby("repetition").start_s.diff().dropna()


def served_cycles(cycles: pd.DataFrame, variant: str) -> int:
    """Collections of ``variant`` that ran while it served."""
    return int((cycles.variant == variant).sum())


def is_spiky(row: pd.Series) -> bool:
    return bool(row.bins_with_gc > 0 and row.p99_us_with_gc > SPIKE_FACTOR * row.p99_us_without_gc)


def is_calm(row: pd.Series) -> bool:
    return bool(row.bins_with_gc == 0 or row.p99_us_with_gc < CALM_FACTOR * row.p99_us_without_gc)


def _how_forced(runs: ReadStateRuns) -> str:
    if runs.settings.force_every_s:
        return (
            f"a collection forced every {runs.settings.force_every_s:g} s by the program "
            f"(standing in for the runtime's every {FORCED_PERIOD_S} s)"
        )
    return "only the runtime's own collections"


def _period_words(gaps: pd.Series) -> str:
    if gaps.empty:
        return "no two collections of the runtime's own were observed, so no period"
    return f"the runtime's own collections came {gaps.median():.0f} s apart (median of {len(gaps)})"


def _period_verdict(gaps: pd.Series, forced_by_program: bool) -> str:
    if gaps.empty:
        why = (
            "this run forced them itself"
            if forced_by_program
            else "this run saw fewer than two of the runtime's own"
        )
        return (
            f"inconclusive here: a forced collection makes a spike, but {why} and never "
            "observed the runtime's own two-minute period"
        )
    if abs(gaps.median() - FORCED_PERIOD_S) <= PERIOD_TOLERANCE * FORCED_PERIOD_S:
        return f"holds: the runtime's own collection, every {gaps.median():.0f} s, makes the spike"
    return f"depends: collections make spikes, but here they came every {gaps.median():.0f} s"


@claims.rule(
    CHAPTER,
    claim="“Go's GC caused latency spikes every 2 minutes”",
    anchor="Discord 2020: spikes every ~2 minutes from the forced collection scanning the cache",
    tables=TABLES,
)
def gc_spikes(t: claims.Tables) -> claims.Finding:
    runs = ReadStateRuns.from_tables(t)
    spikes = spikes_of(t)
    pointer = spikes.loc[POINTER]
    gaps = natural_gaps(runs.cycles)
    measured = (
        f"Go pointer LRU, {runs.settings.entries:,} entries, {_how_forced(runs)}: p99 "
        f"{pointer.p99_us_with_gc / 1e3:,.2f} ms in bins while a collection ran against "
        f"{pointer.p99_us_without_gc / 1e3:,.3f} ms in the others (medians over bins); "
        f"{_period_words(gaps)}."
    )
    if is_noisy(spikes):
        verdict = "inconclusive here: the machine was too busy to tell"
    elif not is_spiky(pointer):
        verdict = "does not hold here: no spike stands out in the bins with a collection"
    else:
        verdict = _period_verdict(gaps, bool(runs.settings.force_every_s))
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="What a Go engineer can do today",
    anchor="GC guide (Go 1.19+): GOMEMLIMIT; maps and slices without pointers are not scanned",
    tables=TABLES,
    source="course",
)
def go_remedies(t: claims.Tables) -> claims.Finding:
    runs = ReadStateRuns.from_tables(t)
    spikes = spikes_of(t)
    indexed = spikes.loc[INDEXED]
    tuned_cycles = served_cycles(runs.cycles, TUNED)
    measured = (
        f"Pointer-free layout: p99 {indexed.p99_us_with_gc / 1e3:,.3f} ms in bins with a "
        f"collection vs {indexed.p99_us_without_gc / 1e3:,.3f} ms without; "
        f"GOGC=off + GOMEMLIMIT: {tuned_cycles} collections while serving, in all its runs."
    )
    if is_noisy(spikes):
        verdict = "inconclusive here: the machine was too busy to tell"
    elif is_calm(indexed) and tuned_cycles == 0:
        verdict = "holds: both remove the spike"
    else:
        failed = [
            name
            for name, fails in (
                ("the pointer-free layout still spikes", not is_calm(indexed)),
                ("GOGC=off still collected", tuned_cycles > 0),
            )
            if fails
        ]
        verdict = "depends: " + " and ".join(failed)
    return claims.Finding(measured, verdict)


def _best(runs: pd.DataFrame, language: str, value: pd.Series) -> str:
    """The language's variant with the lowest median ``value``."""
    labels = [v.label for v in VARIANTS if v.language == language]
    medians = value.groupby(runs.variant).median().reindex(labels)
    return str(medians.idxmin())


def pairings(runs: pd.DataFrame, value: pd.Series) -> dict[str, tuple[str, str]]:
    """Like with like: each language's natural cache, and each language's best one."""
    return {
        "idiomatic": (POINTER, RUST_HASHMAP),
        "best of each": (_best(runs, "go", value), _best(runs, "rust", value)),
    }


def go_over_rust(runs: pd.DataFrame, value: pd.Series) -> dict[str, stats.Ratio]:
    """Go ÷ Rust medians of ``value`` per run, for both pairings."""
    by = value.groupby(runs.variant)
    return {
        name: stats.ratio_of_medians(by.get_group(go).to_numpy(), by.get_group(rust).to_numpy())
        for name, (go, rust) in pairings(runs, value).items()
    }


def ratio_words(ratio: stats.Ratio) -> str:
    if ratio.n < 2:  # the full profile serves the variants besides the idiomatic pair once
        return f"{ratio.value:,.1f}× (one run a side: no interval)"
    return f"{ratio.value:,.1f}× ({ratio.interval}: {ratio.low:,.1f}–{ratio.high:,.1f}×)"


def _pairing_text(runs: pd.DataFrame, value: pd.Series) -> str:
    ratios = go_over_rust(runs, value)
    return "; ".join(
        f"{name} ({go} ÷ {rust}): {ratio_words(ratios[name])}"
        for name, (go, rust) in pairings(runs, value).items()
    )


def _lower_verdict(ratios: dict[str, stats.Ratio], what: str) -> str:
    """Rust's ``what`` is lower than Go's in both pairings, only against Go's natural cache,
    not at all, or the intervals cannot tell."""
    idiomatic, best = ratios["idiomatic"], ratios["best of each"]
    if idiomatic.above(CLEARLY) and best.above(CLEARLY):
        return f"holds: Rust's {what} is lower than Go's in both pairings"
    if idiomatic.above(CLEARLY):
        return (
            f"depends: on the Go layout — Rust's {what} is lower than the pointer LRU's, "
            "not clearly lower than Go's best layout's"
        )
    if idiomatic.below(1 / CLEARLY):
        return f"does not hold: Rust's {what} is not lower than Go's natural cache's"
    return f"inconclusive here: the runs' spread cannot tell whether Rust's {what} is lower"


@claims.rule(
    CHAPTER,
    claim="Rust: “Latency became a flat line. No more spikes.”",
    anchor="Discord 2020: Rust version with no spikes, cache raised to 8M entries",
    tables=("read_states",),
)
def flat_line(t: claims.Tables) -> claims.Finding:
    runs = t["read_states"]
    ratios = go_over_rust(runs, runs.p999_us)
    measured = "p99.9, Go ÷ Rust: " + _pairing_text(runs, runs.p999_us) + "."
    return claims.Finding(measured, _lower_verdict(ratios, "p99.9"))


def work_s(runs: pd.DataFrame) -> pd.Series:
    """Each run's work: wall time inside cache operations plus Go's collector CPU. Not the
    process's CPU time: the request loops spin between requests, a core each, in every
    variant."""
    return runs.serving_s + runs.gc_cpu_s.fillna(0.0)


@claims.rule(
    CHAPTER,
    claim="“CPU usage dropped”",
    anchor="Discord 2020: Rust used less CPU",
    tables=("read_states",),
)
def cpu_usage(t: claims.Tables) -> claims.Finding:
    runs = t["read_states"]
    work = work_s(runs)
    measured = (
        "Work (wall time inside cache operations + Go's collector CPU), Go ÷ Rust: "
        + _pairing_text(runs, work)
        + "."
    )
    return claims.Finding(measured, _lower_verdict(go_over_rust(runs, work), "work"))


# "Guaranteed <10ms latency": no request, in any run, took this long.
GUARANTEED_MS = 10.0
GO_REMEDIES = (TUNED, INDEXED)


def worst_ms(runs: pd.DataFrame, variant: str) -> float | None:
    """The slowest single request of ``variant`` over all its runs (ms), or None if not run."""
    chosen = runs[runs.variant == variant]
    return None if chosen.empty else float(chosen.max_us.max() / 1e3)


@claims.rule(
    CHAPTER,
    claim="The Verdict: “Choose Rust if… You need guaranteed <10ms latency”",
    anchor="Part 8 of the article; the request rate and timing are this chapter's (each request "
    "timed from when it was due, so a stall is charged to every request it delays)",
    tables=("read_states",),
)
def under_10ms(t: claims.Tables) -> claims.Finding:
    """Holds if every run of Rust's idiomatic cache stayed under ``GUARANTEED_MS`` and no Go
    variant did; depends if a Go remedy (GOMEMLIMIT, the pointer-free layout) did too while Go's
    natural cache did not; does not hold if Rust went over, or Go's natural cache stayed under."""
    runs = t["read_states"]
    rust, go = worst_ms(runs, RUST_HASHMAP), worst_ms(runs, POINTER)
    remedies = {name: worst_ms(runs, name) for name in GO_REMEDIES}
    if rust is None or go is None:
        return claims.Finding("The idiomatic pair was not served.", "inconclusive here")
    profile = Profile(str(runs.profile.iloc[0]))
    rate = runs.requests.median() / settings(profile).duration_s
    measured = (
        f"Slowest single request over all runs, at {rate:,.0f} requests/s on "
        f"{int(runs.entries.max()):,} entries (in one process, no network): Rust "
        f"{rust:.1f} ms, Go {go:.1f} ms"
        + "".join(f"; {name} {ms:.1f} ms" for name, ms in remedies.items() if ms is not None)
        + "."
    )
    under = {name: ms for name, ms in remedies.items() if ms is not None and ms < GUARANTEED_MS}
    if rust >= GUARANTEED_MS:
        verdict = f"does not hold: Rust's slowest request took {rust:.1f} ms"
    elif go < GUARANTEED_MS:
        verdict = f"does not hold: Go's natural cache stayed under {GUARANTEED_MS:g} ms too"
    elif under:
        name, ms = min(under.items(), key=lambda item: item[1])
        verdict = (
            f"depends: Rust stayed under {GUARANTEED_MS:g} ms and Go's natural cache did not "
            f"({go:.0f} ms), but a Go remedy did ({name}: {ms:.1f} ms)"
        )
    else:
        verdict = f"holds: Rust stayed under {GUARANTEED_MS:g} ms in every run; no Go variant did"
    return claims.Finding(measured, verdict)
