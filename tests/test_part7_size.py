"""Part 7's size-tuned builds: the rule on the Matrix's “~2MB”, which flips as the tuned Rust
service's size crosses "about 2 MB" and Go's size, and what the page shows of the four builds.
The builds themselves run in the chapter (the first size-tuned Rust build takes minutes)."""

from __future__ import annotations

import pandas as pd

from gorust.part7 import binary_sizes, facts, rules
from tests.conftest import verdict_word

RELEASE, TUNED = binary_sizes.RELEASE, binary_sizes.TUNED


def _sizes(go_tuned_mb: float, rust_tuned_mb: float) -> dict[str, pd.DataFrame]:
    rows = [
        ("go", RELEASE, 9.6, 6.7),
        ("go", TUNED, go_tuned_mb, go_tuned_mb),
        ("rust", RELEASE, 9.4, 7.5),
        ("rust", TUNED, rust_tuned_mb, rust_tuned_mb),
    ]
    frame = pd.DataFrame(
        [
            {
                "language": language,
                "build": build,
                "options": binary_sizes.OPTIONS[language, build],
                "binary_bytes": int(binary * 1e6),
                "stripped_bytes": int(stripped * 1e6),
            }
            for language, build, binary, stripped in rows
        ]
    )
    return {"size_builds": frame}


def test_size_tuned_flips() -> None:
    rule = rules.size_tuned
    assert verdict_word(rule, _sizes(6.5, 2.4)) == "holds"
    assert verdict_word(rule, _sizes(6.5, 4.9)) == "depends"
    assert verdict_word(rule, _sizes(4.0, 4.9)) == "does not hold"
    missing = _sizes(6.5, 2.4)
    missing["size_builds"] = missing["size_builds"].iloc[:3]
    assert verdict_word(rule, missing) == "inconclusive here"


def test_the_tuned_size_is_read_stripped_and_in_megabytes() -> None:
    frame = _sizes(6.5, 2.4)["size_builds"]
    assert binary_sizes.tuned_megabytes(frame, "rust") == 2.4
    assert binary_sizes.tuned_megabytes(frame.iloc[:3], "rust") is None
    assert "2.4 MB" in rules.size_tuned(_sizes(6.5, 2.4)).measured


def test_the_table_and_the_prose_show_both_builds_of_both_languages() -> None:
    tables = _sizes(6.5, 2.4)
    shown = binary_sizes.size_table(tables["size_builds"])
    assert list(shown.index) == [
        ("Go", RELEASE),
        ("Go", TUNED),
        ("Rust", RELEASE),
        ("Rust", TUNED),
    ]
    assert list(shown.columns) == ["options", "binary (MB)", "stripped (MB)"]
    said = facts.size_facts(tables)
    expected = "2.4 MB, from 7.5 MB stripped in the release build (68 % less)"
    assert said["part7.rust_size_tuned"] == expected
    assert (
        facts.size_facts({"size_builds": tables["size_builds"].iloc[:3]})["part7.rust_size_tuned"]
        == "not measured"
    )
