"""Part 3 in replay mode (its summaries and charts from the reference), the sizing of the
memory-limited binary-trees variant, and flip tests: each claim rule, fed tables on both sides
of its thresholds, returns each verdict word it can."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gorust import part3
from gorust.part3 import prose, verdicts
from gorust.part3.trees import ARENA, BOX, DEFAULT, LIMITED
from tests.conftest import changed, has_rows, recorded_tables, verdict_word


def test_part3_summaries_and_charts_from_the_reference(replaying: Path) -> None:
    trees, heap = part3.binary_trees(), part3.live_heap()
    summary = part3.binary_trees_summary(trees)
    assert summary.variant.tolist() == list(part3.TREE_LABELS)
    pauses = part3.pause_summary(heap)
    assert {"stop_p99_us", "pause_p99_min_us", "pause_p99_max_us"} <= set(pauses.columns)
    for chart in (
        part3.binary_trees_chart(trees),
        part3.pause_chart(heap),
        part3.latency_chart(heap),
        part3.memory_chart(heap),
    ):
        has_rows(chart)


def test_the_memory_limit_is_twice_the_peak_live_heap_of_the_trees_plus_the_runtime() -> None:
    # Two trees of depth 21, 2^22 − 1 nodes each, 16 bytes a node: just under 128 MiB.
    assert part3.peak_live_bytes(21) == 2 * (2**22 - 1) * 16
    assert part3.memory_limit_bytes(21) == 2 * part3.peak_live_bytes(21) + 8 * 2**20
    limited = [v for v in part3.tree_variants(21) if v.label == LIMITED]
    assert dict(limited[0].env) == {"GOGC": "off", "GOMEMLIMIT": str(part3.memory_limit_bytes(21))}


def test_the_recorded_limited_variant_ran_with_the_limit_its_depth_gives() -> None:
    trees = recorded_tables("part3")["binary_trees"]
    limited = trees[trees.variant == LIMITED]
    assert not limited.empty
    assert (limited.memory_limit_bytes == limited.depth.map(part3.memory_limit_bytes)).all()


# -- helpers that change one side of a threshold ---------------------------------------------------
def _natural_go(frame: pd.DataFrame) -> pd.Series:
    return (frame.language == "go") & ~frame.variant.str.contains("runtime.GC", regex=False)


def _set(table: str, mask, **columns: float):
    """A change for ``changed``: set ``columns`` on the rows ``mask(frame)`` selects."""

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        rows = mask(frame)
        for column, value in columns.items():
            frame.loc[rows, column] = value
        return frame

    return table, change


def _with(tables, *changes):
    for table, change in changes:
        tables = changed(tables, table, change)
    return tables


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return recorded_tables("part3")


def _pauses(p99_s: float, gc_pauses: float = 4, max_s: float | None = None):
    return _set(
        "live_heap",
        _natural_go,
        pause_p99_s=p99_s,
        pause_max_s=p99_s if max_s is None else max_s,
        gc_pauses=gc_pauses,
    )


def test_gc_pauses_flips(tables) -> None:
    rule = verdicts.gc_pauses
    assert verdict_word(rule, _with(tables, _pauses(100e-6))) == "holds"
    assert verdict_word(rule, _with(tables, _pauses(800e-6))) == "does not hold"
    assert verdict_word(rule, _with(tables, _pauses(100e-6, max_s=3e-3))) == "depends"
    assert verdict_word(rule, _with(tables, _pauses(0, gc_pauses=0))) == "inconclusive here"

    def one_slow_window(frame: pd.DataFrame) -> pd.DataFrame:
        natural = frame.index[_natural_go(frame)]
        frame.loc[natural, ["pause_p99_s", "pause_max_s", "gc_pauses"]] = [100e-6, 100e-6, 4]
        frame.loc[natural[0], ["pause_p99_s", "pause_max_s"]] = [800e-6, 800e-6]
        return frame

    mixed = changed(tables, "live_heap", one_slow_window)
    assert verdict_word(rule, mixed) == "depends"
    # A large run-to-run spread is named in the verdict.
    assert (
        "varied" in rule(mixed).verdict
        and "varied" not in rule(_with(tables, _pauses(1e-4))).verdict
    )


def test_gc_frequency_flips(tables) -> None:
    rule = verdicts.gc_frequency
    often = _set("live_heap", _natural_go, gc_cycles=1_000, window_s=2.0)
    rarely = _set("live_heap", _natural_go, gc_cycles=1, window_s=2.0)
    assert verdict_word(rule, _with(tables, often)) == "holds here"
    assert verdict_word(rule, _with(tables, rarely)) == "does not hold"
    assert verdict_word(rule, _with(tables, _set("live_heap", _natural_go, gc_cycles=0))) == (
        "does not hold"
    )


def _rust(frame: pd.DataFrame) -> pd.Series:
    return frame.language == "rust"


def test_rust_flat_p99_flips(tables) -> None:
    rule = verdicts.rust_flat_p99
    go_slow = _set("live_heap", _natural_go, p99_ns=100_000.0)
    assert verdict_word(rule, _with(tables, go_slow, _set("live_heap", _rust, p99_ns=10e3))) == (
        "holds"
    )
    assert verdict_word(rule, _with(tables, go_slow, _set("live_heap", _rust, p99_ns=2e6))) == (
        "does not hold"
    )
    as_slow_as_go = _set("live_heap", _rust, p99_ns=500e3)
    assert verdict_word(rule, _with(tables, go_slow, as_slow_as_go)) == "inconclusive here"


def test_web_apps_flips(tables) -> None:
    rule = verdicts.web_apps
    fast = _set("live_heap", _natural_go, p99_ns=500e3)
    slow = _set("live_heap", _natural_go, p99_ns=5e6, gc_cycles=3)
    assert verdict_word(rule, _with(tables, _pauses(100e-6), fast)) == "holds"
    assert verdict_word(rule, _with(tables, _pauses(100e-6), slow)) == "depends"
    assert verdict_word(rule, _with(tables, _pauses(2e-3), fast)) == "does not hold"
    slow_without_collector = _set("live_heap", _natural_go, p99_ns=5e6, gc_cycles=0)
    assert verdict_word(rule, _with(tables, _pauses(100e-6), slow_without_collector)) == (
        "inconclusive here"
    )


def _go_default_wall(scale_of: str, factor: float):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        reference = frame[frame.variant == scale_of].wall_s.to_numpy()
        frame.loc[frame.variant == DEFAULT, "wall_s"] = reference * factor
        return frame

    return "binary_trees", change


def test_allocation_heavy_flips(tables) -> None:
    rule = verdicts.allocation_heavy
    assert verdict_word(rule, _with(tables, _go_default_wall(BOX, 3.0))) == "holds"
    assert verdict_word(rule, _with(tables, _go_default_wall(BOX, 0.5))) == "does not hold here"
    assert verdict_word(rule, _with(tables, _go_default_wall(BOX, 1.0))) == "inconclusive here"
    assert rule(tables).source == "course"


def test_the_glued_comparison_words_follow_the_data(tables) -> None:
    def facts(*changes) -> dict[str, str]:
        return prose.tree_facts(_with(tables, *changes))

    def rss(label: str, factor: float):
        def change(frame: pd.DataFrame) -> pd.DataFrame:
            box = frame[frame.variant == BOX].peak_rss_bytes.to_numpy()
            frame.loc[frame.variant == label, "peak_rss_bytes"] = box * factor
            return frame

        return "binary_trees", change

    assert facts(rss(ARENA, 0.5))["part3.arena_memory_phrase"] == "less peak memory than"
    assert facts(rss(ARENA, 1.0))["part3.arena_memory_phrase"] == "about the same peak memory as"
    assert facts(rss(ARENA, 2.0))["part3.arena_memory_phrase"] == "more peak memory than"

    def limited_wall(factor: float):
        def change(frame: pd.DataFrame) -> pd.DataFrame:
            default = frame[frame.variant == DEFAULT].wall_s.to_numpy()
            frame.loc[frame.variant == LIMITED, "wall_s"] = default * factor
            return frame

        return "binary_trees", change

    assert facts(limited_wall(0.5))["part3.limited_time_word"] == "less time"
    assert facts(limited_wall(2.0))["part3.limited_time_word"] == "more time"
    assert facts(limited_wall(1.0))["part3.limited_time_word"] == "about the same time"


def test_the_glued_pause_growth_follows_the_data(tables) -> None:
    def growth(p99_of_records) -> str:
        def change(frame: pd.DataFrame) -> pd.DataFrame:
            natural = _natural_go(frame)
            frame.loc[natural, "gc_pauses"] = 4
            frame.loc[natural, "pause_p99_s"] = p99_of_records(frame.loc[natural, "records"])
            return frame

        return prose.heap_facts(changed(tables, "live_heap", change))["part3.natural_growth"]

    assert growth(lambda records: records * 1e-10) == "grew with"
    assert growth(lambda records: records * 0 + 1e-4) == "did not grow with"
    one_size = _set(
        "live_heap", lambda f: _natural_go(f) & (f.records > f.records.min()), gc_pauses=0
    )
    assert prose.heap_facts(_with(tables, one_size))["part3.natural_growth"].startswith(
        "paused at one"
    )
