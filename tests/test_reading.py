"""Tables, claim checks and charts formatted for people (gorust.readable, gorust.claim_view,
gorust.charts): the parts a browser need not check."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from gorust import charts, claim_view, claims, readable


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("spawn_us_per_task", "Spawn (µs per task)"),
        ("idle_rss_bytes", "Idle RSS (bytes)"),
        ("p999_us", "p99.9 (µs)"),
        ("median_ns", "Median (ns)"),
        ("gc_cpu_s", "GC CPU (s)"),
        ("bytes_per_task", "Bytes per task"),
        ("Go `go` statements", "Go `go` statements"),
    ],
)
def test_headers_are_words_with_their_units(name: str, shown: str) -> None:
    assert readable.header(name) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1000.0, "1,000"), (2.71828, "2.72"), (1594.2, "1,594"), (0.00123, "0.00123"), (12.3, "12.3")],
)
def test_numbers_have_three_significant_digits_and_integers_stay_whole(
    value: float, shown: str
) -> None:
    assert readable.number(value) == shown


def test_a_results_table_reads_as_people_write_it() -> None:
    frame = pd.DataFrame(
        {
            "language": ["go", "rust"],
            "samples": [1000.0, 20.0],
            "p99_us": [12.345, float("nan")],
            "ok": [np.True_, False],
        }
    )
    shown = readable.html_table(frame)
    assert shown.startswith(f'<div class="{readable.SCROLL_CLASS}">')
    assert "1000.0" not in shown and ">1,000<" in shown and ">20<" in shown
    assert ">p99 (µs)<" in shown and ">Samples<" in shown and "_" not in shown
    assert ">12.3<" in shown and ">–<" in shown and ">yes<" in shown
    assert shown.count('class="gvr-num"') == 3  # numbers right-aligned, the NaN and text not


def test_a_grouped_index_becomes_a_column() -> None:
    frame = pd.DataFrame({"language": ["go", "rust"], "ready_s": [0.01, 0.02]})
    shown = readable.html_table(frame.groupby("language").median())
    assert ">Language<" in shown and ">go<" in shown


def test_a_verdict_column_shows_the_claim_checks_badges() -> None:
    frame = pd.DataFrame({"case": ["a", "b"], "verdict": ["holds", "does not hold: slower"]})
    shown = readable.html_table(frame)
    assert "gvr-verdict-holds" in shown and "gvr-verdict-does-not-hold" in shown
    assert ": slower" in shown


def test_every_verdict_label_has_its_own_colour() -> None:
    assert tuple(claim_view.VERDICT_COLOURS) == claims.VERDICTS
    assert len(set(claim_view.VERDICT_COLOURS.values())) == len(claims.VERDICTS)
    # The badge follows the verdict's word, not a prefix of it ("does not hold" ≠ "holds").
    assert "gvr-verdict-does-not-hold" in claim_view.badge("does not hold: 3× slower")
    assert "gvr-verdict-inconclusive-here" in claim_view.badge("inconclusive here: noisy")


def _claim(verdict: str, measured: str = "Go 3 ms; Rust 1 ms. More.") -> claims.Claim:
    return claims.Claim("Rust is faster", measured, "Someone (2021): 2×", verdict)


def test_a_claim_row_has_a_badge_one_sentence_and_the_numbers_folded() -> None:
    shown = claim_view.claims_html([_claim("holds: Rust `3×` faster"), _claim("depends")])
    assert shown.count("<details") == 2 and shown.count("gvr-verdict ") == 2
    assert "Rust <code>3×</code> faster" in shown
    # Without a reason after the verdict, the sentence is the measurement's first.
    assert "depends</span> Go 3 ms; Rust 1 ms." in shown
    folded = re.search(r"<details.*?</details>", shown, re.S)
    assert folded and "Go 3 ms; Rust 1 ms. More." in folded[0] and "Someone (2021)" in folded[0]


def test_the_claim_check_keeps_its_markdown_and_adds_html() -> None:
    checked = claims.ClaimCheck([_claim("holds")], "| a | b |\n|---|---|\n| 1 | 2 |")
    assert checked.data.startswith("| Claim |")
    shown = checked._repr_html_()
    assert "gvr-claims" in shown and shown.count('class="gvr-table-scroll"') == 2


def test_a_chart_stops_shrinking_where_its_smallest_text_reaches_9_px() -> None:
    svg = '<svg class="marks" width="600" height="300"><text font-size="12px">a</text>'
    assert charts.min_width_style(svg + '<text font-size="10px">b</text></svg>') == (
        "--gvr-min-width: 540px"
    )
    assert charts.min_width_style(svg + "</svg>") == "--gvr-min-width: 450px"
    # Text already at 9 px or less: the chart never shrinks.
    assert charts.min_width_style(svg + '<text font-size="8px">c</text>') == (
        "--gvr-min-width: 600px"
    )


def test_log_ticks_add_twos_and_fives_only_when_few_powers_of_ten_show() -> None:
    assert charts.log_ticks(pd.Series([1.0, 5e5])) == [1, 10, 100, 1e3, 1e4, 1e5, 1e6]
    narrow = charts.log_ticks(pd.Series([150.0, 4000.0]))
    assert 200 in narrow and 500 in narrow and 2000 in narrow


def test_colour_and_dash_share_one_legend() -> None:
    encodings = charts.language_series({"max": [1, 0], "p99": [4, 3]})
    colour, dash = (encodings[c].to_dict() for c in ("color", "strokeDash"))
    assert colour["field"] == dash["field"] and colour["legend"] == dash["legend"]
    assert colour["scale"]["domain"] == ["Go, max", "Go, p99", "Rust, max", "Rust, p99"]
    assert colour["scale"]["range"][:2] == [charts.COLORS["Go"]] * 2
