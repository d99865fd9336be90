"""Part 1 — classic bugs, each written the way it is usually written in both languages, and
what each toolchain does with it: refuse it at compile time, stop with a message at run time,
hang, or carry on with a wrong result. The Summary Matrix's Safety row (“Good (Runtime
checks)” against “Best (Compile checks)”) rests on this table (gorust.part8.matrix).

One program per language, ``classic_bugs``, with one file per bug compiled in only with its
build tag (Go) or feature (Rust), so that each bug meets the compiler alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from gorust import linters, provenance
from gorust.experiments import experiment
from gorust.kernels import CompileDiagnostics, Kernel, RunTimeout
from gorust.profile import Profile
from gorust.runs import kernels

CHAPTER = "part1"
PROGRAM = "classic_bugs"
# A bug program that has not ended after this long is hung: each one ends in milliseconds.
HANG_AFTER_S = 3.0

REFUSED = "refused at compile time"
STOPPED = "stopped with a message"
HUNG = "hung, no message"
WRONG = "wrong result, no message"
INTENDED = "ran as intended"
BROKEN = "failed for another reason"
# From the earliest catch to none: the order the table and chart use.
OUTCOMES = (REFUSED, STOPPED, INTENDED, WRONG, HUNG, BROKEN)
SILENT = (WRONG, HUNG)


@dataclass(frozen=True)
class Bug:
    name: str  # the build tag, the Cargo feature and the file name in both languages
    label: str


BUGS = (
    Bug("nil_use", "nil / None use"),
    Bug("out_of_bounds", "index out of bounds"),
    Bug("integer_overflow", "integer overflow (release build)"),
    Bug("concurrent_map", "concurrent map writes"),
    Bug("dangling_reference", "dangling reference"),
    Bug("iterator_invalidation", "iterator invalidation"),
    Bug("failed_downcast", "failed type assertion / downcast"),
    Bug("deadlock", "deadlock"),
    Bug("deadlock_in_server", "deadlock in a program that listens"),
)
LABELS = {bug.name: bug.label for bug in BUGS}
SOURCE_SUFFIX = {"go": ".go", "rust": ".rs"}


def stop_message(language: str, stderr: str) -> str | None:
    """The runtime's own words when a program stops: Go's ``panic:`` or ``fatal error:``
    line, or Rust's panic message (the line after ``panicked at``); None if there are none."""
    lines = stderr.splitlines()
    for index, line in enumerate(lines):
        if language == "go" and re.match(r"^(panic|fatal error): ", line):
            return line.strip()
        if language == "rust" and "panicked at" in line and index + 1 < len(lines):
            return f"panicked: {lines[index + 1].strip()}"
    return None


def _refused(refusal: CompileDiagnostics) -> dict[str, object]:
    return {
        "outcome": REFUSED,
        "message": refusal.first_message,
        "error_codes": ",".join(refusal.error_codes),
        "exit_code": refusal.exit_code,
    }


def _ran(kernel: Kernel, bug: Bug) -> dict[str, object]:
    try:
        run = kernel.run(
            PROGRAM, ["--bug", bug.name], features=[bug.name], check=False, timeout_s=HANG_AFTER_S
        )
    except RunTimeout:
        message = f"still running after {HANG_AFTER_S:g} s, with nothing printed; stopped"
        return {"outcome": HUNG, "message": message, "exit_code": -1}
    row: dict[str, object] = {"exit_code": run.exit_code, "wall_s": run.wall_s}
    if run.exit_code == 0 and run.records:
        record = run.records[0]
        correct = bool(record["correct"])
        row |= {"outcome": INTENDED if correct else WRONG, "result": str(record["result"])}
        row["message"] = (
            "" if correct else f"printed {record['result']}, meant {record['intended']}"
        )
        return row
    message = stop_message(kernel.language, run.stderr)
    if message is None:
        return row | {"outcome": BROKEN, "message": run.stderr.strip()[-300:]}
    return row | {"outcome": STOPPED, "message": message}


def bug_row(kernel: Kernel, bug: Bug) -> dict[str, object]:
    """What ``kernel``'s toolchain did with ``bug``: compile it alone, then run it."""
    built = kernel.try_build(PROGRAM, [bug.name])
    fate = _refused(built) if isinstance(built, CompileDiagnostics) else _ran(kernel, bug)
    return {
        "language": kernel.language,
        "experiment": PROGRAM,
        "bug": bug.name,
        "toolchain": kernel.toolchain().version,
        **fate,
        **provenance.host(),
    }


def with_lint(kernel: Kernel, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The rows of ``kernel``'s language with what its linter said about each compiled bug."""
    compiled = [str(row["bug"]) for row in rows if row["outcome"] != REFUSED]
    report = linters.lint(kernel, PROGRAM, compiled)
    for row in rows:
        found = report.findings(f"{row['bug']}{SOURCE_SUFFIX[kernel.language]}")
        row["linter"] = report.tool
        row["lint"] = "not run: refused" if row["outcome"] == REFUSED else " | ".join(found)
    return rows


@experiment(CHAPTER, programs=(PROGRAM,), tables=(PROGRAM,))
def classic_bugs(profile: Profile | None = None) -> pd.DataFrame:
    """Every bug in both languages: the compiler's verdict, the run's, the linter's. The
    profile changes nothing: each bug runs once, in milliseconds (or hangs)."""
    del profile
    rows: list[dict[str, object]] = []
    for kernel in kernels():
        rows += with_lint(kernel, [bug_row(kernel, bug) for bug in BUGS])
    return pd.DataFrame(rows)


def outcome_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """How many bugs ended in each outcome, per language (rows: outcomes, in OUTCOMES order)."""
    counts = pd.crosstab(frame.outcome, frame.language)
    counts = counts.reindex(index=list(OUTCOMES), columns=["go", "rust"], fill_value=0)
    return counts.fillna(0).astype(int)


def outcome_text(row: pd.Series) -> str:
    """One bug's fate in one language: the outcome, the error code, the toolchain's words."""
    codes = row.get("error_codes")
    code = f" ({codes})" if isinstance(codes, str) and codes else ""
    message = row.message if isinstance(row.message, str) else ""
    return f"{row.outcome}{code}: {message}" if message else str(row.outcome)


def bugs_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per bug: what Go did and what Rust did, in the toolchains' own words."""
    cells = frame.assign(cell=frame.apply(outcome_text, axis=1))
    table = cells.pivot(index="bug", columns="language", values="cell")
    table = table.reindex([b.name for b in BUGS if b.name in table.index])
    table.index = [LABELS[name] for name in table.index]
    table.index.name = "Bug"
    return table.rename(columns={"go": "Go", "rust": "Rust"})[["Go", "Rust"]]


def lint_table(frame: pd.DataFrame) -> pd.DataFrame:
    """What go vet and Clippy said about each bug that compiled."""
    shown = frame.assign(
        Bug=frame.bug.map(LABELS), said=frame["lint"].fillna("").replace("", "nothing")
    )
    table = shown.pivot(index="Bug", columns="linter", values="said")
    tools = [linters.TOOLS[language] for language in ("go", "rust")]
    rows = [LABELS[b.name] for b in BUGS if LABELS[b.name] in table.index]
    return table.reindex(index=rows, columns=[t for t in tools if t in table.columns])


def fates(frame: pd.DataFrame, bug: str) -> str:
    """What each language did with ``bug``, in one sentence for the prose."""
    rows = frame[frame.bug == bug].set_index("language")
    names = {"go": "Go", "rust": "Rust"}
    return "; ".join(f"{names[lang]}: {outcome_text(rows.loc[lang])}" for lang in rows.index)


def silent_bugs(frame: pd.DataFrame, language: str) -> list[str]:
    """The bugs that ``language`` left with no message: a hang or a wrong result."""
    rows = frame[(frame.language == language) & frame.outcome.isin(SILENT)]
    return [LABELS[name] for name in rows.bug]
