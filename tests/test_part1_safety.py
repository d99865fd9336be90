"""Part 1's classic bugs: what the real toolchains do with the bug programs, how a run's end
is read, what the linters are asked, and the Safety rule, which flips when its table crosses
a threshold (each flip test starts from the recorded table and changes one side)."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust import linters
from gorust.kernels import GoKernel, KernelError, RustKernel
from gorust.part1 import safety, verdicts
from gorust.part8 import matrix
from tests.conftest import changed, recorded_tables, verdict_word

BUG = {bug.name: bug for bug in safety.BUGS}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return recorded_tables("part1")


# -- The real toolchains ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kernel_class", "bug", "outcome", "words"),
    [
        (GoKernel, "nil_use", safety.STOPPED, "nil pointer dereference"),
        (RustKernel, "nil_use", safety.REFUSED, "no field `name` on type `Option<&User>`"),
        (GoKernel, "deadlock", safety.STOPPED, "all goroutines are asleep - deadlock!"),
        (RustKernel, "deadlock", safety.HUNG, "still running after 3 s"),
        (GoKernel, "dangling_reference", safety.INTENDED, ""),
        (RustKernel, "out_of_bounds", safety.STOPPED, "the len is 3 but the index is 3"),
        (RustKernel, "integer_overflow", safety.WRONG, "printed -1294967296, meant 3000000000"),
    ],
)
def test_each_toolchain_meets_the_bug_alone(kernel_class, bug, outcome, words) -> None:
    row = safety.bug_row(kernel_class(), BUG[bug])
    assert row["outcome"] == outcome
    assert words in str(row["message"])
    assert row["bug"] == bug and row["language"] == kernel_class.language


def test_a_refusal_keeps_rustcs_error_code_without_repeating_it() -> None:
    row = safety.bug_row(RustKernel(), BUG["iterator_invalidation"])
    assert row["outcome"] == safety.REFUSED and row["error_codes"] == "E0502"
    assert not str(row["message"]).startswith("error")


def test_the_linters_read_the_compiled_bugs_and_name_files() -> None:
    report = linters.lint(GoKernel(), safety.PROGRAM, ["nil_use", "deadlock"])
    assert report.tool == "go vet" and report.exit_code == 0
    assert report.findings("nil_use.go") == []


def test_a_linter_that_cannot_compile_the_program_says_so() -> None:
    with pytest.raises(KernelError, match="could not check `classic_bugs`"):
        linters.lint(RustKernel(), safety.PROGRAM, ["nil_use"])


def test_lint_findings_are_matched_by_file() -> None:
    text = (
        "classic_bugs/src/out_of_bounds.rs:8:16: warning: something\n"
        "classic_bugs/src/deadlock.rs:3:1: warning: other\n"
    )
    report = linters.LintReport("rust", "cargo clippy", 0, text)
    assert report.findings("out_of_bounds.rs") == [text.splitlines()[0]]
    assert report.findings("nil_use.rs") == []


# -- Reading how a run ended -------------------------------------------------------------------
def test_the_stop_message_is_the_runtimes_own_line() -> None:
    go_panic = (
        "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:"
    )
    assert safety.stop_message("go", go_panic).startswith("panic: runtime error: index")
    fatal = "fatal error: concurrent map writes\n\ngoroutine 7 [running]:"
    assert safety.stop_message("go", fatal) == "fatal error: concurrent map writes"
    rust = "\nthread 'main' (4) panicked at src/x.rs:8:16:\nindex out of bounds\nnote: ..."
    assert safety.stop_message("rust", rust) == "panicked: index out of bounds"
    assert safety.stop_message("go", 'error: bug "x" is not compiled in') is None
    assert safety.stop_message("rust", 'error: bug "x" is not compiled in') is None


# -- The Safety rule ---------------------------------------------------------------------------
def _set(language: str, bug: str, outcome: str):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[(frame.language == language) & (frame.bug == bug), "outcome"] = outcome
        return frame

    return change


def _all(language: str, outcome: str):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame.language == language, "outcome"] = outcome
        return frame

    return change


def test_classic_bugs_flips(tables) -> None:
    rule = verdicts.classic_bugs
    everything_stops = changed(tables, "classic_bugs", _all("go", safety.STOPPED))
    rust_quiet_too = changed(everything_stops, "classic_bugs", _all("rust", safety.HUNG))
    rust_refuses_all = changed(everything_stops, "classic_bugs", _all("rust", safety.REFUSED))
    assert verdict_word(rule, rust_refuses_all) == "holds"
    assert verdict_word(rule, rust_quiet_too) == "does not hold"
    refuses_one_but_hangs = changed(
        rust_quiet_too, "classic_bugs", _set("rust", "nil_use", safety.REFUSED)
    )
    assert verdict_word(rule, refuses_one_but_hangs) == "depends"
    broken = changed(tables, "classic_bugs", _set("go", "deadlock", safety.BROKEN))
    assert verdict_word(rule, broken) == "inconclusive here"
    missing = changed(tables, "classic_bugs", lambda frame: frame.iloc[1:])
    assert verdict_word(rule, missing) == "inconclusive here"


def test_the_recorded_verdict_is_one_the_rule_can_give(tables) -> None:
    finding = verdicts.classic_bugs(tables)
    assert verdict_word(verdicts.classic_bugs, tables) in ("holds", "does not hold", "depends")
    assert f"{len(safety.BUGS)} classic bugs" in finding.measured


def test_the_prose_and_the_matrix_follow_the_table(tables) -> None:
    facts = verdicts.safety_facts(tables)
    assert facts["part1.bugs_count"] == str(len(safety.BUGS))
    go_refuses = changed(tables, "classic_bugs", _all("go", safety.REFUSED))
    assert verdicts.safety_facts(go_refuses)["part1.bugs_refused_go"] == str(len(safety.BUGS))
    assert verdicts.safety_facts(go_refuses)["part1.bugs_silent_go"] == "none"
    hangs = changed(tables, "classic_bugs", _set("go", "nil_use", safety.HUNG))
    assert "nil / None use" in verdicts.safety_facts(hangs)["part1.bugs_silent_go"]
    verdict = verdicts.classic_bugs(tables).verdict
    assert matrix.safety_reading(verdict, None, None).endswith(verdict)


def test_the_tables_have_one_row_per_bug_in_the_documented_order(tables) -> None:
    frame = tables["classic_bugs"]
    shown = safety.bugs_table(frame)
    assert list(shown.index) == [bug.label for bug in safety.BUGS]
    assert list(shown.columns) == ["Go", "Rust"]
    counts = safety.outcome_counts(frame)
    assert list(counts.index) == list(safety.OUTCOMES)
    assert counts.sum().tolist() == [len(safety.BUGS), len(safety.BUGS)]
    assert list(safety.lint_table(frame).columns) == ["go vet", "cargo clippy"]
