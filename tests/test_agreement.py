"""This machine against the reference (gorust.agreement): figures agree when their spreads
overlap, differ beyond them otherwise, and a verdict that flips between the runs is flagged."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from gorust import agreement, claims, stats
from gorust.agreement import Figure
from tests.conftest import changed

IDIOMATIC_GO = "Go, pointer LRU"


def test_a_ratio_keeps_its_interval_and_a_single_sample_is_its_own_spread() -> None:
    ratio = stats.ratio_of_medians([2.0, 2.2, 2.4], [1.0, 1.0, 1.1])
    figure = Figure.of_ratio("time, Go ÷ Rust", ratio)
    assert (figure.low, figure.value, figure.high) == (ratio.low, ratio.value, ratio.high)
    single = Figure.of_ratio("one run", stats.ratio_of_medians([3.0], [1.5]))
    assert single.low == single.value == single.high == 2.0
    samples = Figure.of_samples("p99", [10, 30, 20, math.nan], unit="µs")
    assert (samples.low, samples.value, samples.high) == (10, 20, 30)


def test_figures_agree_when_their_spreads_overlap_and_differ_when_they_do_not() -> None:
    here = Figure("p99", 20, 15, 25, "µs")
    assert agreement.agreement(here, Figure("p99", 28, 24, 40, "µs")) == agreement.AGREES
    assert agreement.agreement(here, Figure("p99", 40, 30, 50, "µs")) == agreement.DIFFERS
    assert agreement.agreement(here, None) == agreement.NO_REFERENCE


def _idiomatic_go_p99(t: claims.Tables) -> list[Figure]:
    runs = t["read_states"]
    own = runs[runs.variant == IDIOMATIC_GO]
    return [Figure.of_samples("p50, Go's pointer LRU", own.p50_us, unit="µs", rules=("spikes",))]


@pytest.fixture
def only_the_test_headline(monkeypatch: pytest.MonkeyPatch) -> None:
    agreement.headlines_of("part6")  # imports Part 6 before its declarations are replaced
    monkeypatch.setitem(agreement.HEADLINES, "part6", [])
    agreement.headlines("part6", tables=("read_states",))(_idiomatic_go_p99)


def test_doubling_a_live_latency_makes_its_figure_differ_from_the_reference(
    only_the_test_headline: None,
) -> None:
    reference = agreement.reference_tables("part6")
    assert reference is not None
    (figure,) = agreement.figures("part6", reference)
    assert figure.high < 2 * figure.low, "the recorded runs spread too far for this test"
    same = agreement.live_table("part6", reference, reference)
    assert "| agrees |" in same and agreement.DIFFERS not in same
    doubled = changed(reference, "read_states", lambda f: f.assign(p50_us=f.p50_us * 2))
    compared = agreement.compare(
        agreement.figures("part6", doubled), agreement.figures("part6", reference)
    )
    assert list(compared.agreement) == [agreement.DIFFERS]
    assert compared.live_over_reference.iloc[0] == pytest.approx(2.0)
    assert f"| 2× | {agreement.DIFFERS} |" in agreement.live_table("part6", doubled, reference)


def test_a_verdict_that_flips_between_the_machines_is_flagged(
    monkeypatch: pytest.MonkeyPatch, only_the_test_headline: None
) -> None:
    def p99_under_a_millisecond(t: claims.Tables) -> claims.Finding:
        own = t["read_states"][t["read_states"].variant == IDIOMATIC_GO]
        fast = own.p99_us.median() < 1000
        return claims.Finding(f"{own.p99_us.median():.0f} µs", "holds" if fast else "does not hold")

    rule = claims.Rule("part6", "spikes", "p99 under 1 ms", "none", ("read_states",), "course",
                       "", p99_under_a_millisecond)  # fmt: skip
    monkeypatch.setitem(claims.RULES, "part6", [rule])
    reference = agreement.reference_tables("part6")
    assert reference is not None
    slow = changed(reference, "read_states", lambda f: f.assign(p99_us=5000.0))
    fast = changed(reference, "read_states", lambda f: f.assign(p99_us=50.0))
    judged = agreement.verdicts("part6", slow, fast)
    assert list(judged.flips) == [True]
    text = agreement.live_table("part6", slow, fast)
    assert "⚑ 1 flip between them" in text and "| ⚑ flips |" in text
    assert "0 of 1 verdicts are the same" in text
    assert not agreement.verdicts("part6", fast, fast).flips.any()


def test_a_replayed_page_shows_the_reference_alone_and_says_so(
    replaying, only_the_test_headline: None
) -> None:
    text = agreement.table("part6").data
    assert "This page replays the reference" in text
    assert "This machine" not in text and "| Headline figure | Reference (spread) |" in text


def test_every_chapter_with_headlines_computes_them_from_its_recorded_tables() -> None:
    for chapter in (f"part{n}" for n in range(1, 8)):
        if not agreement.headlines_of(chapter):
            continue
        reference = agreement.reference_tables(chapter)
        assert reference is not None, f"{chapter}: the reference lacks a headline table"
        found = agreement.figures(chapter, reference)
        assert 3 <= len(found) <= 6, f"{chapter}: {len(found)} headline figures, want 3 to 6"
        for figure in found:
            assert figure.low <= figure.value <= figure.high, figure
            assert figure.rules, f"{chapter}: {figure.name}: no claim rests on it"
            rules = {r.name for r in claims.rules(chapter)}
            assert set(figure.rules) <= rules, f"{figure.name}: unknown rules {figure.rules}"
        table = agreement.compare(found, found)
        assert (table.agreement == agreement.AGREES).all()


def test_number_formatting_keeps_three_significant_digits_and_the_unit() -> None:
    assert agreement.number(1.2345, "×") == "1.23×"
    assert agreement.number(12345.6, "µs") == "12,346 µs"
    assert agreement.number(float("nan"), "µs") == "–"
    assert pd.isna(agreement.compare([Figure("x", 1, 1, 1)], None).reference.iloc[0])


def test_a_figure_only_the_reference_has_is_shown_as_missing_from_this_run() -> None:
    both = Figure("p99.9 ratio", 3.0, 2.0, 4.0, "×")
    only_reference = Figure("spike ratio", 1500.0, 1400.0, 1600.0, "×")
    table = agreement.compare([both], [both, only_reference])
    assert list(table.figure) == ["p99.9 ratio", "spike ratio"]
    assert list(table.agreement) == [agreement.AGREES, agreement.NO_LIVE]
    assert pd.isna(table.live.iloc[1]) and table.reference.iloc[1] == 1500.0


def test_a_missing_figure_reads_as_a_dash_and_is_not_counted_among_the_compared() -> None:
    assert agreement.with_spread(math.nan, math.nan, math.nan, "×") == "–"
