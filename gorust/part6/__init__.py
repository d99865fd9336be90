"""Part 6 — Case study: Discord's Read States. An LRU cache of read states served at a fixed
rate, in two Go layouts (with and without GC tuning) and two Rust ones, latency over time.

- ``serving``: the experiment (``read_states``), its settings and its summaries;
- ``figures``: the charts;
- ``verdicts``: the claim check, rules over the recorded tables;
- ``facts``: the numbers and comparison words the prose glues;
- ``headlines``: the figures set against the reference's when the chapter runs live.
"""

from gorust.part6 import facts, headlines, verdicts  # noqa: F401 (they declare rules, facts, figures)
from gorust.part6.figures import latency_over_time_chart, memory_chart, work_chart
from gorust.part6.serving import (
    CHAPTER,
    FORCED_PERIOD_S,
    VARIANTS,
    ReadStateRuns,
    Settings,
    agreement_lines,
    agreement_verdict,
    gc_cycles,
    read_states,
    settings,
    spike_table,
    summary,
    with_gc_marks,
)

__all__ = [
    "CHAPTER",
    "FORCED_PERIOD_S",
    "VARIANTS",
    "ReadStateRuns",
    "Settings",
    "agreement_lines",
    "agreement_verdict",
    "gc_cycles",
    "latency_over_time_chart",
    "memory_chart",
    "read_states",
    "settings",
    "spike_table",
    "summary",
    "with_gc_marks",
    "work_chart",
]
