"""Experiment 1 — one contract, two services: the shared HTTP suite (tests/test_part4_api.py)
and Schemathesis, run against both services on a real PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from gorust import charts, paths
from gorust.builds import ToolMissing
from gorust.experiments import experiment
from gorust.kernels import KernelError
from gorust.part4 import reproducing
from gorust.part4.common import (
    CHAPTER,
    CONTRACT_TESTS,
    EXPERIMENT,
    LANGUAGE_ORDER,
    OPENAPI,
    SCHEMATHESIS_SEED,
    _named,
    _row,
    run_encodings,
    series,
    series_order,
    with_runs,
)
from gorust.profile import Profile, current_profile
from gorust.runs import kernels


@dataclass(frozen=True)
class SchemathesisRun:
    exit_code: int
    generated: int
    passed: int
    output: str


def schemathesis_examples(profile: Profile | None = None) -> int:
    return (profile or current_profile()).pick(quick=20, full=200)


def schemathesis(base_url: str, *, max_examples: int | None = None) -> SchemathesisRun:
    """Run Schemathesis (every check it has) from the OpenAPI description against a server."""
    argv = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(OPENAPI),
        "--url",
        base_url,
        "--checks",
        "all",
        "--max-examples",
        str(max_examples or schemathesis_examples()),
        "--seed",
        str(SCHEMATHESIS_SEED),
        "--workers",
        "1",
        "--no-color",
    ]
    # In a scratch folder: Schemathesis keeps a cache in `.schemathesis/` of its working folder.
    with tempfile.TemporaryDirectory(prefix="gorust-part4-st-") as folder:
        finished = subprocess.run(
            argv, cwd=folder, capture_output=True, text=True, timeout=600, check=False
        )
    output = finished.stdout + finished.stderr
    if "No module named schemathesis" in output:
        raise ToolMissing("Part 4 needs Schemathesis: `pip install schemathesis`.")
    counts = re.search(r"(\d+) generated, (\d+) passed", output)
    generated, passed = (int(counts.group(1)), int(counts.group(2))) if counts else (0, 0)
    return SchemathesisRun(finished.returncode, generated, passed, output)


# The contract suite's tests, grouped for the chart (by test function name).
TEST_GROUPS = (
    (
        "create, read, list, update, delete",
        ("create_", "get_", "list_", "update_", "delete_", "health"),
    ),
    ("ids, routes, parameters", ("unknown_ids", "ids_that", "bad_page", "unknown_routes")),
    ("bad bodies change nothing", ("bad_bodies",)),
    (
        "limits, conflicts, SQL-like, Unicode",
        ("the_limits", "duplicate_email", "sql_injection", "unicode"),
    ),
    ("concurrent writes", ("concurrent_",)),
    ("migration, SIGTERM, config", ("two_instances", "a_missing_database", "both_services")),
    ("Schemathesis", ("schemathesis",)),
)
OUTCOMES = {"failure": "failed", "error": "error", "skipped": "skipped"}


def _group(test: str) -> str:
    name = test.removeprefix("test_")
    for group, prefixes in TEST_GROUPS:
        if name.startswith(prefixes):
            return group
    return "other"


def _language_of(test_id: str) -> str:
    params = test_id.partition("[")[2].rstrip("]")
    for token in params.split("-"):
        if token in ("go", "rust"):
            return token
    return "both"


def _run_suite(report: Path, profile: Profile) -> subprocess.CompletedProcess[str]:
    """pytest on the contract suite in a child process, so that its result is exactly what
    ``make test`` sees; it writes a JUnit report."""
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    argv += ["-o", "junit_family=xunit1", f"--junitxml={report}", str(CONTRACT_TESTS)]
    return subprocess.run(
        argv,
        cwd=paths.REPO,
        capture_output=True,
        text=True,
        timeout=1200,
        env={**os.environ, "GVR_PROFILE": profile.name},
        check=False,
    )


def _outcome_row(case: ET.Element, toolchains: dict[str, str]) -> dict[str, object]:
    """One test of the JUnit report as a row: its outcome and Schemathesis's counts."""
    test_id = case.get("name", "")
    outcome = "passed"
    for tag, word in OUTCOMES.items():
        if case.find(tag) is not None:
            outcome = word
    properties = {p.get("name"): p.get("value") for p in case.iter("property") if p.get("name")}
    language = _language_of(test_id)
    return _row(
        language,
        toolchains[language],
        test=test_id,
        group=_group(test_id.partition("[")[0]),
        outcome=outcome,
        seconds=float(case.get("time", 0.0)),
        schemathesis_generated=int(properties.get("schemathesis_generated", 0)),
        schemathesis_passed=int(properties.get("schemathesis_passed", 0)),
    )


@experiment(CHAPTER, programs=(EXPERIMENT,))
def contract(profile: Profile | None = None) -> pd.DataFrame:
    """Run the shared HTTP suite (tests/test_part4_api.py) and read back every test's outcome.

    The suite starts its own PostgreSQL and both services.
    """
    profile = profile or current_profile()
    go, rust = kernels()
    toolchains = {"go": go.toolchain().version, "rust": rust.toolchain().version, "both": ""}
    # The suite starts its own PostgreSQL and services, in a child process (not journaled).
    reproducing.note(
        "pytest",
        "the course's .venv",
        f"GVR_PROFILE={profile.name} .venv/bin/python -m pytest -q -p no:cacheprovider "
        f"{reproducing.relative(CONTRACT_TESTS)}",
    )
    with tempfile.TemporaryDirectory(prefix="gorust-part4-") as folder:
        report = Path(folder) / "junit.xml"
        finished = _run_suite(report, profile)
        if not report.exists():
            raise KernelError(f"The contract suite did not run:\n{finished.stdout[-3000:]}")
        cases = ET.parse(report).getroot().iter("testcase")
        rows = [_outcome_row(case, toolchains) for case in cases]
    frame = pd.DataFrame(rows)
    frame.attrs["pytest_summary"] = finished.stdout.strip().splitlines()[-1:]
    return frame


def contract_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Tests per group and language: how many ran and how many passed."""
    named = frame.assign(
        Language=frame.language.map({"go": "Go", "rust": "Rust", "both": "both (no server)"})
    )
    order = [group for group, _ in TEST_GROUPS]
    table = (
        named.groupby(["group", "Language"], sort=False)
        .agg(tests=("outcome", "size"), passed=("outcome", lambda s: int((s == "passed").sum())))
        .reset_index()
    )
    table["rank"] = table.group.map({g: i for i, g in enumerate(order)})
    return table.sort_values(["rank", "Language"]).drop(columns="rank").reset_index(drop=True)


def contract_counts(frame: pd.DataFrame) -> str:
    """The suite's totals, in words (the same for every run that passes)."""
    lines = []
    for language, name in (("go", "Go"), ("rust", "Rust"), ("both", "no server")):
        part = frame[frame.language == language]
        passed = int((part.outcome == "passed").sum())
        lines.append(f"{name:<10} {passed:>3} of {len(part):>3} tests passed")
    return "\n".join(lines)


def schemathesis_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Requests Schemathesis generated from the description against each service."""
    fuzz = _named(frame[(frame.group == "Schemathesis") & frame.language.isin(["go", "rust"])])
    return fuzz.rename(
        columns={"schemathesis_generated": "cases generated", "schemathesis_passed": "passed"}
    )[["Language", "cases generated", "passed", "outcome"]].reset_index(drop=True)


def contract_chart(frame: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.Chart:
    """Tests passed per group; with the reference's run, a faded bar under each language's."""
    table = with_runs(frame, reference, contract_summary)
    table = table[table.Language.isin(LANGUAGE_ORDER)].copy()
    table["failed"] = table.tests - table.passed
    table["series"] = series(table, "Language")
    order = [group for group, _ in TEST_GROUPS]
    bars = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
            yOffset=alt.YOffset("series:N", sort=series_order(LANGUAGE_ORDER)),
            x=alt.X("passed:Q", title="tests passed (of the same suite)"),
            color=charts.language_color(),
            tooltip=["group", "Language", "tests", "passed", "failed", *charts.run_tooltip()],
            **run_encodings(table),
        )
    )
    labels = (
        bars.mark_text(align="left", dx=3, fontSize=11)
        .encode(text=alt.Text("label:N"), color=alt.value("#333"))
        .transform_calculate(label="datum.passed + ' / ' + datum.tests")
    )
    return (bars + labels).properties(
        width=480,
        height=alt.Step(14),
        title=alt.Title(
            "One HTTP test suite, run against both services",
            subtitle="tests/test_part4_api.py on a real PostgreSQL; bars: passed / run",
        ),
        description="Contract tests passed per group by the Go and the Rust service",
    )
