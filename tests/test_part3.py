"""Part 3 in replay mode: its summaries, charts and claims from the reference."""

from __future__ import annotations

from pathlib import Path

from gorust import part3
from tests.conftest import claims_match_recording, has_rows


def test_part3_summaries_charts_and_claims_from_the_reference(replaying: Path) -> None:
    trees, heap = part3.binary_trees(), part3.live_heap()

    summary = part3.binary_trees_summary(trees)
    assert summary.variant.tolist() == [v.label for v in part3.TREE_VARIANTS]
    pauses = part3.pause_summary(heap)
    latency = part3.latency_summary(heap)
    for chart in (
        part3.binary_trees_chart(trees),
        part3.pause_chart(pauses),
        part3.latency_chart(heap),
        part3.memory_chart(heap),
    ):
        has_rows(chart)
    claims_match_recording("part3", part3.claims(trees, pauses, latency))
