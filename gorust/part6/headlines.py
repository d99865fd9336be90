"""Part 6's headline figures, this machine against the reference (gorust.agreement).

The quick profile serves 1M entries for seconds with a collection forced every 2 s, the full one
8M entries for minutes with the runtime's own collections, so no figure here is a total that
grows with the run: they are ratios (Go ÷ Rust, bins with a collection ÷ bins without) and the
count of collections a GOGC=off run makes, which is none in either profile when it works.
"""

from __future__ import annotations

import pandas as pd

from gorust import agreement, claims, stats
from gorust.part6.serving import CHAPTER, ReadStateRuns, with_gc_marks
from gorust.part6.verdicts import INDEXED, POINTER, RUST_HASHMAP, TABLES, TUNED, work_s

P999_RATIO = f"p99.9, {POINTER} ÷ {RUST_HASHMAP}"
WORK_RATIO = f"work, {POINTER} ÷ {RUST_HASHMAP}"
POINTER_SPIKE = f"p99 in bins with a collection ÷ without, {POINTER}"
INDEXED_SPIKE = f"p99 in bins with a collection ÷ without, {INDEXED}"
TUNED_CYCLES = f"collections while serving, per run, {TUNED}"


def idiomatic_ratio(runs: pd.DataFrame, value: pd.Series) -> stats.Ratio:
    """Go's natural cache ÷ Rust's, medians of ``value`` over their runs."""
    by = value.groupby(runs.variant)
    return stats.ratio_of_medians(
        by.get_group(POINTER).to_numpy(), by.get_group(RUST_HASHMAP).to_numpy()
    )


def spike_ratios(result: ReadStateRuns, variant: str) -> list[float]:
    """Per run of ``variant``: the median p99 of its bins while a collection ran over that of
    its other bins. A run without a collection in any bin has no such ratio."""
    marked = with_gc_marks(result.bins, result.cycles, result.settings.bin_ms / 1e3)
    ratios = []
    for _, run in marked[marked.variant == variant].groupby("repetition"):
        with_gc, without = run[run.gc_in_bin], run[~run.gc_in_bin]
        if len(with_gc) and len(without):
            ratios.append(float(with_gc.p99_us.median() / without.p99_us.median()))
    return ratios


def cycles_per_run(result: ReadStateRuns, variant: str) -> list[float]:
    """Collections while serving in each run of ``variant`` (zero for a run with none)."""
    served = result.runs[result.runs.variant == variant].repetition
    counts = result.cycles[result.cycles.variant == variant].groupby("repetition").size()
    return [float(counts.get(repetition, 0)) for repetition in served]


@agreement.headlines(CHAPTER, tables=TABLES)
def headline_figures(t: claims.Tables) -> list[agreement.Figure]:
    result = ReadStateRuns.from_tables(t)
    runs = result.runs
    figures = [
        agreement.Figure.of_ratio(
            P999_RATIO, idiomatic_ratio(runs, runs.p999_us), rules=("flat_line",)
        ),
        agreement.Figure.of_ratio(
            WORK_RATIO, idiomatic_ratio(runs, work_s(runs)), rules=("cpu_usage",)
        ),
    ]
    for name, variant, rule in (
        (POINTER_SPIKE, POINTER, "gc_spikes"),
        (INDEXED_SPIKE, INDEXED, "go_remedies"),
    ):
        # A run whose collections all fell outside serving has no ratio: the figure is left
        # out rather than made up, and the table shows the other run's alone.
        if ratios := spike_ratios(result, variant):
            figures.append(agreement.Figure.of_samples(name, ratios, unit="×", rules=(rule,)))
    figures.append(
        agreement.Figure.of_samples(
            TUNED_CYCLES, cycles_per_run(result, TUNED), rules=("go_remedies",)
        )
    )
    return figures
