"""Part 3 — Memory & Performance: what the garbage collector costs in time, memory and tail
latency, against Rust's ownership.

- ``trees``: Experiment 1, binary-trees five ways (Go's GOMEMLIMIT sized from the live heap);
- ``heap``: Experiments 2 and 3, a live heap under requests, natural and forced collections;
- ``figures``: their charts;
- ``verdicts``: the claim rules; ``prose``: the numbers the chapter's prose glues.
"""

from gorust.part3 import headlines, prose, verdicts
from gorust.part3.figures import latency_chart, memory_chart, pause_chart
from gorust.part3.heap import (
    FORCED_GC_EVERY_MS,
    HEAP_VARIANTS,
    HeapRuns,
    cycle_intervals,
    latency_summary,
    live_heap,
    pause_summary,
)
from gorust.part3.trees import (
    TREE_LABELS,
    binary_trees,
    binary_trees_chart,
    binary_trees_summary,
    memory_limit_bytes,
    peak_live_bytes,
    tree_variants,
)

__all__ = [
    "FORCED_GC_EVERY_MS",
    "HEAP_VARIANTS",
    "TREE_LABELS",
    "HeapRuns",
    "binary_trees",
    "binary_trees_chart",
    "binary_trees_summary",
    "cycle_intervals",
    "headlines",
    "latency_chart",
    "latency_summary",
    "live_heap",
    "memory_chart",
    "memory_limit_bytes",
    "pause_chart",
    "pause_summary",
    "peak_live_bytes",
    "prose",
    "tree_variants",
    "verdicts",
]
