"""Part 6 in replay mode: the read-state runs rebuilt from the reference with the recorded
profile's settings, and the page's summaries, checked output and claims as the live run had
them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gorust import claims, part6
from gorust.profile import Profile
from tests.conftest import checked_outputs


def test_read_states_replays_with_the_recorded_profile_settings(replaying: Path) -> None:
    states = part6.read_states()
    assert states.settings == part6.settings(Profile(states.runs.profile.iloc[0]))


def test_part6_summaries_checked_output_and_claims_match_the_live_run(replaying: Path) -> None:
    states = part6.read_states()
    spikes = part6.spike_table(states)
    table = part6.summary(states)
    assert list(table.variant) == [v.label for v in part6.VARIANTS]
    assert list(table.runs) == [states.settings.runs_of(v) for v in table.variant]
    assert spikes.bins_with_gc.sum() > 0  # the recorded cycles land on the recorded bins
    (agreement,) = checked_outputs("06-discord-case-study.ipynb")
    assert part6.agreement_verdict(states) + "\n" == agreement
    assert part6.agreement_lines(states)[-1] == part6.agreement_verdict(states)
    assert len(part6.agreement_lines(states)) == len(part6.VARIANTS) + 1
    assert table.stalls.notna().all() and table.thread_changes.notna().all()
    assert "Go's GC caused latency spikes" in claims.check("part6").data
    for chart in (part6.latency_over_time_chart, part6.memory_chart, part6.work_chart):
        assert chart(states).to_dict()["data"]


def test_read_states_refuses_a_recording_made_with_other_settings(reference_copy: Path) -> None:
    source = reference_copy / "part6" / "read_states.csv"
    frame = pd.read_csv(source)
    frame["entries"] = frame["entries"] * 2  # neither profile serves this many
    frame.to_csv(source, index=False)
    with pytest.raises(ValueError, match="other settings"):
        part6.read_states()


def test_a_variant_keeps_its_own_godebug_options_next_to_gctrace() -> None:
    quick = part6.settings(Profile("quick"))
    by_label = {v.label: v for v in part6.VARIANTS}
    _, env = part6.serving.invocation(
        by_label["Go, pointer LRU, GOGC=off + GOMEMLIMIT, asyncpreemptoff=1"], quick
    )
    assert env["GODEBUG"] == "asyncpreemptoff=1,gctrace=1"
    _, env = part6.serving.invocation(by_label["Go, pointer LRU"], quick)
    assert env["GODEBUG"] == "gctrace=1"
    _, env = part6.serving.invocation(by_label["Rust, HashMap LRU (lru crate)"], quick)
    assert "GODEBUG" not in env


def test_both_profiles_repeat_the_idiomatic_pair_and_serve_the_others_once() -> None:
    full = part6.settings(Profile("full"))
    runs = {v.label: full.runs_of(v.label) for v in part6.VARIANTS}
    assert {label: runs[label] for label in part6.serving.IDIOMATIC} == dict.fromkeys(
        part6.serving.IDIOMATIC, 2
    )
    assert sum(runs.values()) == 8
    quick = part6.settings(Profile("quick"))
    runs = {v.label: quick.runs_of(v.label) for v in part6.VARIANTS}
    assert {label: runs[label] for label in part6.serving.IDIOMATIC} == dict.fromkeys(
        part6.serving.IDIOMATIC, quick.repetitions
    )
    assert sum(runs.values()) == 2 * quick.repetitions + len(part6.VARIANTS) - 2
