"""Part 2 in replay mode: its summaries, charts and claims from the reference."""

from __future__ import annotations

from pathlib import Path

from gorust import part2
from tests.conftest import claims_match_recording, has_rows


def test_part2_summaries_charts_and_claims_from_the_reference(replaying: Path) -> None:
    memory, ticks, conns = part2.task_memory(), part2.preemption(), part2.connections()

    per_task = part2.bytes_per_task(memory)
    summary = part2.preemption_summary(ticks)
    has_rows(part2.task_memory_chart(per_task))
    has_rows(part2.preemption_chart(ticks))
    has_rows(part2.latency_chart(conns))
    assert summary.starved.dtype == bool
    assert len(part2.preemption_verdicts(summary)) == len(part2.PREEMPTION_VARIANTS)
    per_connection = part2.connection_summary(conns.runs)
    claims_match_recording("part2", part2.claims(per_task, summary, per_connection))
