"""The Verdict is computed from the chapters' tables: prove it with small synthetic data sets,
and check that the reference yields every comparison the selection rule promises."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gorust import part8, paths
from gorust.part8 import advice, claim_ledger, closing, comparisons, coverage, matrix


def _write(root: Path, chapter: str, name: str, rows: list[dict]) -> None:
    (root / chapter).mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(root / chapter / f"{name}.csv", index=False)


def _trees(root: Path, go: float, go_tuned: float, rust: float) -> None:
    rows = [
        {"language": "go", "variant": "Go, GOGC=100", "wall_s": go, "cpu_s": go},
        {"language": "go", "variant": "Go, GOGC=400", "wall_s": go_tuned, "cpu_s": go_tuned},
        {"language": "rust", "variant": "Rust, Box", "wall_s": rust, "cpu_s": rust},
    ]
    _write(root, "part3", "binary_trees", rows)


def _claim(chapter: str, claim: str, verdict: str, source: str = "article", key: str = "") -> dict:
    return {
        "chapter": chapter, "claim": claim, "measured": f"{chapter} measured", "anchor": "a",
        "verdict": verdict, "source": source, "key": key, "profile": "quick",
        "measured_at": "2026-01-01T00:00:00",
    }  # fmt: skip


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    _trees(tmp_path, go=3.0, go_tuned=3.2, rust=1.0)
    _write(
        tmp_path,
        "part4",
        "rebuild",
        [
            {"language": "go", "build": "incremental", "seconds": 1.0},
            {"language": "rust", "build": "incremental", "seconds": 10.0},
        ],
    )
    _write(
        tmp_path,
        "part1",
        "claims",
        [_claim("part1", "Rust: “If it compiles, it works”", "depends: for data races")],
    )
    return tmp_path


def test_dimensions_are_computed_from_the_data(data_dir: Path) -> None:
    dims = part8.dimensions(data_dir).set_index("key")
    assert set(dims.index) == {"alloc", "alloc-cpu", "rebuild"}  # only what the data hold
    assert dims.loc["alloc", "ratio"] == pytest.approx(3.0)
    assert dims.loc["rebuild", "ratio"] == pytest.approx(0.1)


def test_a_best_of_each_pair_appears_only_where_it_differs_from_the_idiomatic_one(
    data_dir: Path,
) -> None:
    _trees(data_dir, go=3.0, go_tuned=2.0, rust=1.0)
    dims = part8.dimensions(data_dir).set_index("key")
    assert dims.loc["alloc-best", "pairing"] == comparisons.BEST
    assert dims.loc["alloc-best", "go_variant"] == "Go, GOGC=400"
    assert dims.loc["alloc-best", "ratio"] == pytest.approx(2.0)
    assert dims.loc["alloc", "ratio"] == pytest.approx(3.0)


def test_the_verdict_changes_when_the_data_change(data_dir: Path) -> None:
    before = part8.summary_matrix(part8.dimensions(data_dir), part8.ledger(data_dir)).data
    assert "idiomatic: Rust needs less in 2, Go in 0" in before
    _trees(data_dir, go=1.0, go_tuned=1.2, rust=2.0)
    after = part8.summary_matrix(part8.dimensions(data_dir), part8.ledger(data_dir)).data
    assert "idiomatic: Rust needs less in 0, Go in 2" in after


def test_the_ledger_holds_every_recorded_claim(data_dir: Path) -> None:
    claims = part8.ledger(data_dir)
    assert list(claims.chapter) == ["part1"]
    counts = part8.verdict_counts(claims).set_index("verdict")
    assert counts.loc["depends", "article claims"] == 1
    assert counts["article claims"].sum() == 1 and counts["course findings"].sum() == 0
    table = part8.ledger_table(claims).data
    assert "{ref}`part1`" in table and "gvr-verdict-depends" in table


def test_a_claim_judged_in_two_chapters_is_one_row_and_depends_when_they_disagree(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "part4", "claims", [_claim("part4", "binary size", "holds", key="size")])
    _write(tmp_path, "part7", "claims", [
        _claim("part7", "binary size", "does not hold: larger", key="size"),
        _claim("part7", "own finding", "holds", source="course"),
    ])  # fmt: skip
    claims = part8.ledger(tmp_path)
    assert list(claims.chapter) == ["part4, part7", "part7"]
    assert claims.verdict[0] == "depends: part4 finds it holds; part7 finds it does not hold"
    assert claims.measured[0] == "part4: part4 measured part7: part7 measured"
    counts = part8.verdict_counts(claims).set_index("verdict")
    assert counts.loc["depends", "article claims"] == 1
    assert counts.loc["holds", "course findings"] == 1
    assert "{ref}`part4`, {ref}`part7`" in part8.ledger_table(claims).data
    agreeing = claims.assign(verdict=["holds", "holds"]).iloc[:1]
    assert claim_ledger.merged_verdict(agreeing.assign(chapter="part4")) == "holds"


def test_verdict_words_are_the_four_whatever_reason_follows() -> None:
    assert claim_ledger.verdict_word("holds (since Go 1.14: without it ...)") == "holds"
    assert claim_ledger.verdict_word("does not hold here: larger") == "does not hold"


def test_the_safety_reading_follows_the_two_bug_classes_without_the_bug_table() -> None:
    supports = matrix.safety_reading(None, "depends: data races only", "does not hold: compiled")
    assert "supports the row" in supports
    assert "do not support" in matrix.safety_reading(None, "does not hold: it compiled", "holds")
    assert matrix.safety_reading(None, "holds", "holds").startswith("inconclusive here")
    assert matrix.safety_reading(None, None, "holds") == "not measured yet"


def test_the_classic_bug_table_decides_the_safety_reading() -> None:
    for verdict in ("holds: rustc refused 4", "does not hold: rustc refused none"):
        reading = matrix.safety_reading(verdict, "holds", "holds")
        assert reading.endswith(verdict)
        assert not reading.startswith("inconclusive here")


def test_the_closing_paragraph_says_which_service_served_more() -> None:
    def dims(go_us: float, rust_us: float) -> pd.DataFrame:
        row = {"key": "crud-read", "dimension": "read", "pairing": comparisons.IDIOMATIC,
               "go": go_us, "rust": rust_us, "ratio": go_us / rust_us}  # fmt: skip
        return pd.DataFrame([row])

    assert "about the same load reading" in closing.served(dims(50.0, 52.0))
    assert "Go served 1.40× Rust's requests/s reading" in closing.served(dims(50.0, 70.0))
    assert "Rust served 2.00× Go's requests/s reading" in closing.served(dims(100.0, 50.0))


def test_missing_chapters_are_reported_not_invented(tmp_path: Path) -> None:
    dims = part8.dimensions(tmp_path)
    assert dims.empty
    matrix_text = part8.summary_matrix(dims, part8.ledger(tmp_path)).data
    assert matrix_text.count("not measured yet") >= 4


def test_the_reference_yields_every_comparison_the_rule_promises() -> None:
    """A chapter that renames a default variant or a table's column breaks this, not the page."""
    keys = set(part8.dimensions(paths.DATA).key.str.removesuffix("-best"))
    promised = {
        *matrix.RUNTIME,
        *matrix.MEMORY,
        *matrix.CONCURRENCY,
        *matrix.BINARY,
        *matrix.CODING,
    }
    assert keys == promised


def _runs_in(chart) -> set[str]:
    spec = chart.to_dict()
    return {
        str(row["Run"])
        for rows in spec.get("datasets", {}).values()
        for row in rows
        if isinstance(row, dict) and "Run" in row
    }


def test_the_ratio_chart_marks_the_reference_ratio_of_each_dimension_when_given(
    data_dir: Path, tmp_path: Path
) -> None:
    live = part8.dimensions(data_dir)
    assert _runs_in(part8.ratio_chart(live)) == set()
    other = tmp_path / "other"
    _trees(other, go=2.0, go_tuned=2.5, rust=1.0)
    reference = part8.dimensions(other)
    chart = part8.ratio_chart(live, reference=reference)
    assert _runs_in(chart) == {"reference"}
    marks = chart.to_dict()["layer"][-1]
    assert marks["encoding"]["shape"]["field"] == "Run"
    drawn = next(
        rows
        for rows in chart.to_dict()["datasets"].values()
        if rows and "reference_ratio" in rows[0]
    )
    # Only dimensions this page shows, at the reference's ratio, in the page's order.
    assert {r["dimension"] for r in drawn} <= set(live.dimension)
    assert {r["reference_ratio"] for r in drawn} <= set(reference.ratio)
    assert {r["ratio"] for r in drawn} <= set(live.ratio)


def test_a_replayed_verdict_draws_no_reference_marks(replaying) -> None:
    assert part8.reference_dimensions() is None


def test_every_measuring_part_reference_is_the_full_profile_and_the_banner_says_so(
    replaying,
) -> None:
    from gorust import replay, runs

    recorded = replay.recordings(*part8.CHAPTER_TITLES)
    assert set(recorded.profile) == {"full"}, recorded.groupby("table").profile.first()
    banner = runs.begin("part8", recorded_in=part8.CHAPTER_TITLES)
    assert banner is not None and "— full profile" in banner.data


def test_the_advice_table_follows_the_ledger() -> None:
    latency = "The Verdict: “Choose Rust if… You need guaranteed <10ms latency”"
    ledger = pd.DataFrame([_claim("part6", latency, "depends: a Go remedy stayed under too")])
    table = advice.advice_table(ledger).data
    assert table.count("\n| ") == len(advice.ADVICE)  # one row per bullet, after the header
    row = next(line for line in table.splitlines() if "guaranteed <10ms" in line)
    assert "**depends** ({ref}`part6`)" in row
    flipped = ledger.assign(verdict="holds: Rust stayed under; no Go variant did")
    assert "**holds** ({ref}`part6`)" in advice.advice_table(flipped).data
    assert advice.advice_counts(ledger) == {"measured": 1, "not measured": len(advice.ADVICE) - 1}
    assert "not measured here" in advice.advice_table(ledger.iloc[:0]).data


def test_every_advice_bullet_that_names_evidence_finds_it_in_the_reference() -> None:
    ledger = claim_ledger.ledger(paths.DATA)
    for bullet in advice.ADVICE:
        for chapter, words in bullet.evidence:
            found = advice.findings(ledger, ((chapter, words),))
            assert found, f"no claim in {chapter} contains {words!r}"


def test_coverage_status_follows_the_ledger() -> None:
    [statement] = [s for s in coverage.STATEMENTS if s.evidence == (("part2", "~2KB"),)]
    claim = "Goroutine “Start size: ~2KB RAM”"

    def status(verdict: str | None) -> str:
        rows = [] if verdict is None else [_claim("part2", claim, verdict)]
        table = coverage.coverage(pd.DataFrame(rows, columns=list(_claim("", "", ""))))
        return table.set_index("statement").status[statement.says]

    assert status("holds: about 2 KiB") == coverage.COVERED
    assert status("inconclusive here: not run") == coverage.PARTLY
    assert status(None) == coverage.NOT_YET
    [proxied] = [s for s in coverage.STATEMENTS if s.proxy and s.evidence[0][0] == "part6"]
    assert coverage.status_of(proxied, [("part6", "c", "holds")]) == coverage.PARTLY
    [people] = [s for s in coverage.STATEMENTS if "Juniors" in s.says]
    assert coverage.status_of(people, []) == coverage.NOT_MEASURABLE and people.why


def test_the_reference_holds_a_claim_for_every_statement_that_names_one() -> None:
    ledger = claim_ledger.ledger(paths.DATA)
    counts = coverage.coverage_counts(ledger).set_index("status").statements
    assert counts[coverage.NOT_YET] == 0, coverage.coverage(ledger).query(
        "status == @coverage.NOT_YET"
    )
    assert counts.sum() == len(coverage.STATEMENTS)
