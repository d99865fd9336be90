"""Part 5, experiment 3: a forgotten error in both languages, what the compilers and linters
say about it, and what the forgetful and the checking program do when writing fails."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gorust import commands, paths, provenance
from gorust.experiments import experiment
from gorust.kernels import CompileDiagnostics, GoKernel, KernelError, RustKernel
from gorust.part5.pipeline import CHAPTER
from gorust.process import run_child
from gorust.runs import kernels

# -- Experiment 3: forgetting an error ---------------------------------------------------------
ERRCHECK = "github.com/kisielk/errcheck@v1.9.0"
_ERRCHECK_FINDING = re.compile(r"^(?P<file>\S+\.go):(?P<line>\d+):(?P<col>\d+):\s+(?P<code>.+)$")
FORGOTTEN = "forgotten_error"
# What the toolchains said is recorded as text in data/part5/forgotten_error_checks.csv, one
# row per check, so that a replayed page shows their words; these name the rows.
GO_VET = "go vet"
ERRCHECK_CHECK = "errcheck"
RUSTC_WARNS = "rustc, unused_must_use at its default (warn)"
RUSTC_DENIES = "rustc, #![deny(unused_must_use)]"


@dataclass(frozen=True)
class ToolOutput:
    command: str
    exit_code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return (self.stdout + self.stderr).rstrip() or "(no output)"


def _tool(
    argv: list[str], shown: str, cwd: Path, env: dict[str, str], journal: tuple[str, str]
) -> ToolOutput:
    """Run a linter or a plain build; ``journal`` (the tool's name, its version) names it in
    the experiment's journal of commands, as a line a reader pastes from the repository's
    root."""
    tool, version = journal
    where = commands.in_repository(cwd) or str(cwd)
    commands.note(commands.Command(tool, version, "tool", FORGOTTEN, f"(cd {where} && {shown})"))
    finished = run_child(argv, env=env, cwd=cwd, timeout_s=600)
    if finished.timed_out:
        raise KernelError(f"`{shown}` did not finish within 600 s and was stopped.")
    return ToolOutput(shown, finished.exit_code, finished.stdout, finished.stderr)


@dataclass(frozen=True)
class ProgramRun:
    """One run of the forgetful or the checking program, as its row of the table records it."""

    exit_code: int
    error_seen: bool
    report_exists: bool
    error: str  # the error the program saw; "" when it saw none


@dataclass(frozen=True)
class ForgottenError:
    go_forget: ProgramRun
    go_handle: ProgramRun
    go_vet: ToolOutput
    errcheck: ToolOutput
    rust_warning: ToolOutput
    rust_forget: ProgramRun
    rust_handle: ProgramRun
    rust_refusal: CompileDiagnostics
    # The two tables it was read from (the programs' runs, the tools' outputs).
    runs: pd.DataFrame = field(compare=False, repr=False, default_factory=pd.DataFrame)
    checks: pd.DataFrame = field(compare=False, repr=False, default_factory=pd.DataFrame)

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {FORGOTTEN: self.runs, f"{FORGOTTEN}_checks": self.checks}

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> ForgottenError:
        return _forgotten(tables[FORGOTTEN], tables[f"{FORGOTTEN}_checks"])

    @property
    def go_vet_reported(self) -> bool:
        return bool((self.go_vet.stdout + self.go_vet.stderr).strip())

    @property
    def errcheck_findings(self) -> list[dict[str, str]]:
        found = (_ERRCHECK_FINDING.match(line) for line in self.errcheck.stdout.splitlines())
        return [match.groupdict() for match in found if match]

    @property
    def rust_warnings(self) -> list[str]:
        return [
            line
            for line in self.rust_warning.stderr.splitlines()
            if line.startswith("warning: ") and not re.search(r"generated \d+ warning", line)
        ]

    @property
    def rust_lint(self) -> str:
        found = re.search(r"#\[warn\((\w+)\)\]", self.rust_warning.stderr)
        return found.group(1) if found else "?"

    def verdict_lines(self) -> list[str]:
        """Deterministic statements (checked by nbval): what each toolchain did."""
        findings = self.errcheck_findings
        compiled = self.rust_warning.exit_code == 0
        warnings = self.rust_warnings
        return [
            "Go",
            f"  {'compiles the dropped error:':<30}yes",
            f"  {'go vet:':<30}{'findings' if self.go_vet_reported else 'no findings'} "
            f"(exit status {self.go_vet.exit_code})",
            f"  {'errcheck:':<30}{len(findings)} finding(s)",
            *(f"{'':<32}{f['file']}: {f['code']}" for f in findings),
            *_outcome(self.go_forget, self.go_handle),
            "Rust",
            f"  {'compiles the dropped Result:':<30}"
            + (
                f"yes, with {len(warnings)} warning(s) [{self.rust_lint}]"
                if compiled
                else f"no (exit status {self.rust_warning.exit_code})"
            ),
            *(f"{'':<32}{w}" for w in warnings),
            f"  {'with deny(unused_must_use):':<30}refused",
            f"{'':<32}{self.rust_refusal.first_error}",
            *_outcome(self.rust_forget, self.rust_handle),
        ]

    def raw_go(self) -> str:
        return "\n\n".join(
            f"$ {tool.command}   # exit status {tool.exit_code}\n{tool.text}"
            for tool in (self.go_vet, self.errcheck)
        )


def _outcome(forgetful: ProgramRun, checking: ProgramRun) -> list[str]:
    lines = []
    for name, run in (("forgetful program:", forgetful), ("checking program:", checking)):
        written = "written" if run.report_exists else "not written"
        lines.append(f"  {name:<30}exit status {run.exit_code}, report {written}, ")
        if run.error_seen:
            lines[-1] += "error seen:"
            lines.append(f"{'':<32}{run.error}")
        else:
            lines[-1] += "no error seen"
    return lines


def _text(value: object) -> str:
    """A text cell of a table: a CSV reads an empty string back as NaN."""
    return value if isinstance(value, str) else ""


def _forgotten(runs: pd.DataFrame, checks: pd.DataFrame) -> ForgottenError:
    """The experiment's outcome, read from its two tables: the same reading live and in replay,
    so that a replayed page says exactly what the live page said."""

    def run(language: str, mode: str) -> ProgramRun:
        row = runs[(runs["language"] == language) & (runs["mode"] == mode)].iloc[0]
        return ProgramRun(
            exit_code=int(row["exit_code"]),
            error_seen=bool(row["error_seen"]),
            report_exists=bool(row["report_exists"]),
            error=_text(row.get("error")),
        )

    def check(name: str) -> ToolOutput:
        row = checks[checks["check"] == name].iloc[0]
        return ToolOutput(
            row["command"], int(row["exit_code"]), _text(row["stdout"]), _text(row["stderr"])
        )

    refusal = check(RUSTC_DENIES)
    return ForgottenError(
        go_forget=run("go", "forget"),
        go_handle=run("go", "handle"),
        go_vet=check(GO_VET),
        errcheck=check(ERRCHECK_CHECK),
        rust_warning=check(RUSTC_WARNS),
        rust_forget=run("rust", "forget"),
        rust_handle=run("rust", "handle"),
        rust_refusal=CompileDiagnostics(
            language="rust",
            experiment=FORGOTTEN,
            features=("deny",),
            source=paths.RUST_WORKSPACE / FORGOTTEN,
            exit_code=refusal.exit_code,
            text=refusal.stdout + refusal.stderr,
        ),
        runs=runs,
        checks=checks,
    )


@experiment(
    CHAPTER,
    programs=(FORGOTTEN,),
    tables=(FORGOTTEN, f"{FORGOTTEN}_checks"),
    result=ForgottenError,
)
def forgotten_error() -> ForgottenError:
    """A dropped error in both languages: what the compilers and linters say about it, and
    what the forgetful and the checking program do when writing their report fails."""
    go, rust = kernels()
    vet, errcheck = _go_linters(go)
    warning = _rust_lint(rust)
    runs = pd.concat(
        [
            go.run(FORGOTTEN, ["--mode", "forget"]).frame,
            go.run(FORGOTTEN, ["--mode", "handle"]).frame,
            rust.run(FORGOTTEN, ["--mode", "forget"], features=["forget"]).frame,
            rust.run(FORGOTTEN, ["--mode", "handle"]).frame,
        ],
        ignore_index=True,
    )
    refusal = rust.expect_compile_error(FORGOTTEN, features=["deny"])
    denied = ToolOutput(
        f"cargo build --release -p {FORGOTTEN} --features deny", refusal.exit_code, "", refusal.text
    )
    outputs = (
        (GO_VET, "go", go.toolchain().version, vet),
        (ERRCHECK_CHECK, "go", go.toolchain().version, errcheck),
        (RUSTC_WARNS, "rust", rust.toolchain().version, warning),
        (RUSTC_DENIES, "rust", rust.toolchain().version, denied),
    )
    return _forgotten(runs, _checks_table(outputs))


def _go_linters(go: GoKernel) -> tuple[ToolOutput, ToolOutput]:
    """What go vet and errcheck say about the forgetful program."""
    go_env = {**go.env}
    vet = _tool(
        [go.toolchain().executable, "vet", f"./{FORGOTTEN}"],
        f"go vet ./{FORGOTTEN}",
        paths.GO_MODULE,
        go_env,
        ("go vet", go.toolchain().version),
    )
    errcheck = _tool(
        [go.toolchain().executable, "run", ERRCHECK, f"./{FORGOTTEN}"],
        f"go run {ERRCHECK} ./{FORGOTTEN}",
        paths.GO_MODULE,
        go_env,
        ("errcheck", ERRCHECK.rsplit("@", 1)[-1]),
    )
    if errcheck.exit_code not in (0, 1) or (errcheck.exit_code == 1 and not errcheck.stdout):
        raise KernelError(
            f"errcheck could not run (exit status {errcheck.exit_code}). `go run {ERRCHECK}` "
            f"fetches it from the Go module proxy once (GOPROXY, default proxy.golang.org) and "
            f"then runs it from the module cache. The go command said:\n\n{errcheck.text}"
        )
    return vet, errcheck


def _rust_lint(rust: RustKernel) -> ToolOutput:
    """What cargo build says about the forgetful program, with the lint at its default."""
    rust_env = {
        **rust.env,
        "CARGO_TARGET_DIR": str(rust.target_dir),
        "CARGO_TERM_PROGRESS_WHEN": "never",
    }
    return _tool(
        [
            rust.toolchain().executable,
            *("build", "--release", "--locked", "--color", "never"),
            *("-p", FORGOTTEN, "--features", "forget"),
        ],
        f"cargo build --release -p {FORGOTTEN} --features forget",
        paths.RUST_WORKSPACE,
        rust_env,
        ("cargo", rust.toolchain().version),
    )


def _checks_table(outputs: tuple[tuple[str, str, str, ToolOutput], ...]) -> pd.DataFrame:
    """One row per tool run: which check, in which language, and what it said."""
    return pd.DataFrame(
        [
            {
                "check": name,
                "language": language,
                "toolchain": toolchain,
                "command": output.command,
                "exit_code": output.exit_code,
                "stdout": output.stdout,
                "stderr": output.stderr,
                **provenance.host(),
            }
            for name, language, toolchain, output in outputs
        ]
    )
