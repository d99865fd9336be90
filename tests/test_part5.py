"""Part 5: the line classifier's rule on small sources written for the test, and the page
rebuilt from the reference (toolchain messages included) in replay mode."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from gorust import claims, part5, runs
from tests.conftest import checked_output, snapshot, table

GO_SOURCE = """package main

import (
\t"errors"
\t"fmt"
)

// ErrGone is a sentinel.
var ErrGone = errors.New("gone")

type GoneError struct {
\tName string
}

func (e *GoneError) Error() string { return "gone: " + e.Name }

func load(name string) (string, error) {
\tif name == "" {
\t\treturn "", &GoneError{Name: name}
\t}
\tdata, err := read(name)
\tif err != nil {
\t\treturn "", fmt.Errorf("load %s: %w", name, err)
\t}
\tif err := check(data); err != nil {
\t\treturn "", err
\t}
\treturn data, nil
}
"""

RUST_SOURCE = """use std::fmt;

/// The error.
#[derive(Debug)]
pub enum LoadError {
    Gone(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "gone {{}}")
    }
}

fn load(name: &str) -> Result<String, LoadError> {
    if name.is_empty() {
        return Err(LoadError::Gone(name.to_string()));
    }
    let data = read(name).map_err(|_| LoadError::Gone {
        name: name.to_string(),
    })?;
    let text = parse(&data)
        .map_err(|_| LoadError::Gone(name.to_string()))?;
    check(&text)?;
    Ok(text)
}
"""


def _labels(tmp_path: Path, name: str, source: str) -> dict[str, str | None]:
    path = tmp_path / name
    path.write_text(source)
    return {line.text.strip(): line.category for line in part5.classify_source(path)}


def test_go_lines_are_labelled_by_the_stated_rule(tmp_path):
    labels = _labels(tmp_path, "x.go", GO_SOURCE)
    assert labels["package main"] is None
    assert labels['"errors"'] is None
    assert labels["// ErrGone is a sentinel."] is None
    assert labels['var ErrGone = errors.New("gone")'] == part5.TYPES
    assert labels["Name string"] == part5.TYPES
    assert labels['func (e *GoneError) Error() string { return "gone: " + e.Name }'] == part5.TYPES
    assert labels['if name == "" {'] == part5.CREATING
    assert labels['return "", &GoneError{Name: name}'] == part5.CREATING
    assert labels["data, err := read(name)"] == part5.MIXED
    assert labels["if err != nil {"] == part5.CHECKS
    assert labels['return "", fmt.Errorf("load %s: %w", name, err)'] == part5.CHECKS
    assert labels["if err := check(data); err != nil {"] == part5.MIXED
    assert labels['return "", err'] == part5.CHECKS
    assert labels["return data, nil"] == part5.OTHER
    assert labels["func load(name string) (string, error) {"] == part5.OTHER


def test_rust_lines_are_labelled_by_the_stated_rule(tmp_path):
    labels = _labels(tmp_path, "x.rs", RUST_SOURCE)
    assert labels["use std::fmt;"] is None
    assert labels["#[derive(Debug)]"] == part5.TYPES
    assert labels["Gone(String),"] == part5.TYPES
    assert labels['write!(f, "gone {{}}")'] == part5.TYPES
    assert labels["if name.is_empty() {"] == part5.CREATING
    assert labels["return Err(LoadError::Gone(name.to_string()));"] == part5.CREATING
    assert labels["let data = read(name).map_err(|_| LoadError::Gone {"] == part5.MIXED
    assert labels["name: name.to_string(),"] == part5.CHECKS
    assert labels["})?;"] == part5.CHECKS
    assert labels["let text = parse(&data)"] == part5.OTHER
    assert labels[".map_err(|_| LoadError::Gone(name.to_string()))?;"] == part5.CHECKS
    assert labels["check(&text)?;"] == part5.MIXED
    assert labels["Ok(text)"] == part5.OTHER


def test_the_pipeline_shares_come_from_the_committed_sources():
    shares = part5.line_shares()
    assert list(shares.implementation) == list(part5.VARIANTS.values())
    assert (shares.error_lines <= shares.code_lines).all()
    assert shares.error_share.between(0, 1).all()
    go = shares.set_index("language").loc["go"]
    assert go.if_err_blocks >= 3


def test_the_recorded_line_shares_are_those_of_the_committed_sources():
    """The reference's counts are what the classifier says of the sources as they are now: a
    change to a pipeline source must be re-recorded, or the claim check judges stale counts."""
    counted = ["code_lines", "error_lines", "question_marks", "if_err_blocks"]
    recorded = table("part5", "line_shares")
    pd.testing.assert_frame_equal(part5.line_shares()[counted], recorded[counted])


# -- Replay: the page from the reference ----------------------------------------------------
def test_part5_forgotten_error_shows_the_recorded_toolchain_messages(replaying):
    forgotten = part5.forgotten_error()
    checks = table("part5", "forgotten_error_checks").set_index("check")
    assert forgotten.go_vet.command == checks.loc[part5.GO_VET, "command"]
    assert forgotten.errcheck.stdout == checks.loc[part5.ERRCHECK_CHECK, "stdout"]
    assert forgotten.rust_warning.stderr == checks.loc[part5.RUSTC_WARNS, "stderr"]
    assert forgotten.rust_refusal.text == checks.loc[part5.RUSTC_DENIES, "stderr"]
    assert forgotten.rust_refusal.first_error.startswith("error")
    assert "\n".join(forgotten.verdict_lines()) + "\n" == checked_output(
        "05-error-handling.ipynb", "verdict_lines"
    )
    assert f"$ {forgotten.go_vet.command}" in forgotten.raw_go()


def test_forgotten_error_reads_a_live_frame_and_its_csv_alike(tmp_path):
    """Live, the runs' frames hold NaN where a program printed no error and "" where a tool
    printed nothing; read back from CSV both are NaN. Both must give the same result."""
    run = {"features": "", "exit_code": 0, "toolchain": "t"}
    live_runs = pd.DataFrame(
        [
            {"error_seen": False, "mode": "forget", "report_exists": False, "language": "go"},
            {"error_seen": True, "mode": "handle", "report_exists": True, "language": "go"},
            {"error_seen": False, "mode": "forget", "report_exists": False, "language": "rust"},
            {"error_seen": True, "mode": "handle", "report_exists": False, "language": "rust"},
        ]
    ).assign(**run)
    live_runs["error"] = [float("nan"), "open x: denied", float("nan"), "writing x: denied"]
    live_checks = pd.DataFrame(
        [
            (part5.GO_VET, "go", "go vet ./x", 0, "", ""),
            (part5.ERRCHECK_CHECK, "go", "go run errcheck ./x", 1, "x/main.go:3:4:\tf()\n", ""),
            (part5.RUSTC_WARNS, "rust", "cargo build", 0, "", "warning: unused `Result`\n"),
            (part5.RUSTC_DENIES, "rust", "cargo build", 101, "", "error: unused `Result`\n"),
        ],
        columns=["check", "language", "command", "exit_code", "stdout", "stderr"],
    )
    read_back = []
    for frame in (live_runs, live_checks):
        path = tmp_path / "table.csv"
        frame.to_csv(path, index=False)
        read_back.append(pd.read_csv(path))
    tables = ("forgotten_error", "forgotten_error_checks")
    live = part5.ForgottenError.from_tables(
        dict(zip(tables, (live_runs, live_checks), strict=True))
    )
    assert part5.ForgottenError.from_tables(dict(zip(tables, read_back, strict=True))) == live
    assert live.go_vet.stdout == "" and live.go_forget.error == ""
    assert live.errcheck_findings == [{"file": "x/main.go", "line": "3", "col": "4", "code": "f()"}]


def test_part5_page_from_recorded_tables_says_what_the_live_page_said(replaying):
    before = snapshot(replaying)
    pipeline = part5.error_pipeline()
    assert pipeline.ok.dtype == bool
    assert part5.pipeline_report(pipeline) + "\n" == checked_output(
        "05-error-handling.ipynb", "pipeline_report"
    )
    shares = part5.line_shares()
    assert part5.line_share_lines(shares) == part5.line_share_lines(table("part5", "line_shares"))
    cost = part5.error_cost()
    summary = part5.cost_summary(cost)
    assert set(summary.case) == set(cost.case)
    assert not part5.cost_table(summary).empty
    assert part5.cost_chart(summary).to_dict()
    checked = claims.check("part5")
    assert isinstance(checked, Markdown) and "| Claim |" in checked.data
    assert isinstance(runs.chapter_footer("part5"), Markdown)
    assert snapshot(replaying) == before
