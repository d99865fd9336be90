"""Part 5 — Error Handling: one fallible pipeline in both languages, the lines it spends on
errors, what each toolchain says about a forgotten error, and what the error path costs.

In replay mode (see gorust.replay) every experiment returns what a real run recorded in
data/part5/, the toolchains' messages about the forgotten error included."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from gorust import charts, data, paths, provenance, replay, stats
from gorust.claims import Claim
from gorust.kernels import CompileDiagnostics, KernelError, RustKernel
from gorust.process import run_child
from gorust.profile import Profile, current_profile
from gorust.runs import interleaved, kernels

CHAPTER = "part5"


# -- Experiment 1: one fallible pipeline ------------------------------------------------------
@dataclass(frozen=True)
class PipelineCase:
    label: str
    file: str
    content: str | None  # None: the file does not exist


# The config files both programs are given, written afresh into a temporary folder each run.
PIPELINE_CASES = (
    PipelineCase("good input", "good.json", '{"user_id": 1, "currency": "EUR", "limit": 500}'),
    PipelineCase("missing file", "missing.json", None),
    PipelineCase(
        "malformed JSON", "malformed.json", '{"user_id": 1, "currency": "EUR", "limit": 500,}'
    ),
    PipelineCase(
        "field of the wrong type",
        "wrong-type.json",
        '{"user_id": "one", "currency": "EUR", "limit": 500}',
    ),
    PipelineCase("missing field", "missing-field.json", '{"currency": "EUR", "limit": 500}'),
    PipelineCase(
        "invalid field", "bad-currency.json", '{"user_id": 1, "currency": "euro", "limit": 500}'
    ),
    PipelineCase(
        "unknown record", "unknown-user.json", '{"user_id": 99, "currency": "EUR", "limit": 500}'
    ),
)
# How each implementation of the pipeline is named on the page, in the order it is shown.
VARIANTS = {
    ("go", "standard library"): "Go",
    ("rust", "standard library"): "Rust, std only",
    ("rust", "thiserror + anyhow"): "Rust, thiserror + anyhow",
}


def error_pipeline() -> pd.DataFrame:
    """Every config file through every implementation: the result, or the error and its kind."""
    if replay.active():
        return replay.recorded(CHAPTER, "error_pipeline")
    with tempfile.TemporaryDirectory(prefix="gorust-part5-") as folder:
        for case in PIPELINE_CASES:
            if case.content is not None:
                (Path(folder) / case.file).write_text(case.content + "\n", encoding="utf-8")
        args = ["--dir", folder, "--configs", ",".join(case.file for case in PIPELINE_CASES)]
        frames = [kernel.run("error_pipeline", args).frame for kernel in kernels()]
    frame = pd.concat(frames, ignore_index=True)
    frame["case"] = frame["config"].map({case.file: case.label for case in PIPELINE_CASES})
    frame["implementation"] = [
        VARIANTS[(language, variant)]
        for language, variant in zip(frame["language"], frame["variant"], strict=True)
    ]
    data.save(frame, CHAPTER, "error_pipeline")
    return frame


def pipeline_inputs() -> str:
    """The config files, as the programs read them."""
    width = max(len(case.file) for case in PIPELINE_CASES) + 2
    return "\n".join(
        f"{case.file:<{width}}{case.content if case.content is not None else '(no such file)'}"
        for case in PIPELINE_CASES
    )


def pipeline_report(frame: pd.DataFrame) -> str:
    """Per config file, what each implementation printed: the result, or message and kind."""
    order = {name: rank for rank, name in enumerate(VARIANTS.values())}
    width = max(map(len, VARIANTS.values())) + 2
    blocks = []
    for case in PIPELINE_CASES:
        rows = frame[frame["config"] == case.file].sort_values(
            "implementation", key=lambda names: names.map(order)
        )
        block = [f"{case.label} ({case.file})"]
        for row in rows.itertuples():
            name = f"{row.implementation}:"
            if row.ok:
                block.append(f"  {name:<{width}}ok    {row.result}")
            else:
                block.append(f"  {name:<{width}}error {row.error}")
                block.append(f"  {'':<{width}}kind  {row.kind}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)


# -- Experiment 2: the share of lines spent on errors -----------------------------------------
PIPELINE_SOURCES = (
    ("go", "standard library", paths.GO_MODULE / "error_pipeline" / "pipeline.go"),
    ("rust", "standard library", paths.RUST_WORKSPACE / "error_pipeline" / "src" / "plain.rs"),
    (
        "rust",
        "thiserror + anyhow",
        paths.RUST_WORKSPACE / "error_pipeline" / "src" / "ecosystem.rs",
    ),
)
TYPES = "error types"
CHECKS = "checking and wrapping"
CREATING = "creating errors"
MIXED = "work + error syntax"
OTHER = "other code"
TOTAL = "all error lines"
# The categories that make up the share of lines spent on errors.
ERROR_CATEGORIES = (TYPES, CHECKS, CREATING)
MARKS = {TYPES: "T", CHECKS: "C", CREATING: "N", MIXED: "W", OTHER: " ", None: "·"}

_STRING = re.compile(r'"(?:\\.|[^"\\])*"|`[^`]*`')
_CHAR = re.compile(r"'(?:\\.|[^\\'])'")

_GO_ERROR_TYPE = re.compile(r"^type\s+\w*Error\b|^func\s*\(\s*\w+\s+\*?\w*Error\s*\)")
_GO_SENTINEL = re.compile(r"^(var\s+)?Err[A-Z]\w*\s*=")
_GO_IF_ERR = re.compile(r"^if\b.*\berr\s*!=\s*nil\s*\{$")
_GO_IF_CALL_ERR = re.compile(r"^if\s+[^;]*:?=[^;]*;\s*err\s*!=\s*nil\s*\{$")
_GO_ERROR_VALUE = re.compile(r"\b(errors\.New|fmt\.Errorf)\(|&\w*Error\{|\bErr[A-Z]\w*\b")
_GO_RECEIVES_ERR = re.compile(r"\berr\s*:?=")

_RUST_ERROR_TYPE = re.compile(
    r"^(pub(\([\w:]+\))?\s+)?(enum|struct)\s+\w*Error\b|^impl\b.*\bfor\s+\w*Error\b"
    r"|^impl\s+\w*Error\b"
)
_RUST_MAPPING = re.compile(r"\.(map_err|ok_or|ok_or_else|context|with_context)\(")
_RUST_CREATE = re.compile(r"\bErr\(|\b\w*Error(::\w+)?\s*[({]|\b(bail|anyhow)!")
_RUST_QUESTION = re.compile(r"\?(?=\s*[;.),]|\s*$)")
_HEADER = re.compile(r"^(package|import|use|pub use|mod|pub mod)\b")


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str
    category: str | None  # None: not counted (blank, comment, package, import)


def _code(line: str) -> str:
    """The line with string and character literals emptied and comments removed."""
    text = _CHAR.sub("' '", _STRING.sub('""', line))
    return text.split("//", 1)[0].strip()


def _next_code(codes: list[str], index: int, skip_attributes: bool = False) -> str:
    for code in codes[index + 1 :]:
        if code and not (skip_attributes and code.startswith("#[")):
            return code
    return ""


def _is_guard(language: str, codes: list[str], index: int) -> bool:
    """An ``if`` whose block only returns an error: the check exists only to fail."""
    if not (codes[index].startswith("if ") and codes[index].endswith("{")):
        return False
    body = [code for code in codes[index + 1 :] if code][:2]
    if len(body) < 2 or not body[1].startswith("}"):
        return False
    if language == "go":
        return body[0].startswith("return ") and bool(_GO_ERROR_VALUE.search(body[0]))
    return bool(re.match(r"^(return\s+)?Err\(|^(bail|anyhow)!", body[0]))


def _own(language: str, codes: list[str], index: int) -> tuple[str, str | None]:
    """The line's category judged by itself, and the tag for brackets it leaves open."""
    code = codes[index]
    if language == "go":
        if _GO_ERROR_TYPE.match(code) or _GO_SENTINEL.match(code):
            return TYPES, TYPES
        if _GO_IF_CALL_ERR.match(code):
            return MIXED, CHECKS
        if _GO_IF_ERR.match(code):
            return CHECKS, CHECKS
        if _is_guard(language, codes, index):
            return CREATING, CREATING
        if code.startswith("return ") and _GO_ERROR_VALUE.search(code) and "nil" not in code:
            return CREATING, None
        if _GO_RECEIVES_ERR.search(code):
            return MIXED, None
        return OTHER, None
    attribute_of_error_type = code.startswith("#[") and _RUST_ERROR_TYPE.match(
        _next_code(codes, index, skip_attributes=True)
    )
    if _RUST_ERROR_TYPE.match(code) or attribute_of_error_type:
        return TYPES, TYPES
    if _is_guard(language, codes, index):
        return CREATING, CREATING
    if _RUST_MAPPING.search(code):
        return (CHECKS if code.startswith(".") else MIXED), CHECKS
    if _RUST_CREATE.search(code):
        return CREATING, CREATING
    if _RUST_QUESTION.search(code):
        return MIXED, None
    return OTHER, None


def classify_source(path: Path) -> list[SourceLine]:
    """Every line of a Go or Rust source file with the category the page's rule gives it."""
    language = "go" if path.suffix == ".go" else "rust"
    lines = path.read_text(encoding="utf-8").splitlines()
    codes = [_code(line) for line in lines]
    classified = []
    stack: list[str | None] = []  # one entry per open bracket: what the line that opened it was
    in_header = False  # inside a Go import ( … ) block or a multi-line Rust use
    for index, (line, code) in enumerate(zip(lines, codes, strict=True)):
        tag = None
        if not code:
            category = None
        elif in_header or _HEADER.match(code):
            # Package clauses, imports and module declarations are not counted.
            category = None
            if in_header:
                in_header = not (code == ")" if language == "go" else code.endswith(";"))
            else:
                in_header = code == "import (" or (
                    language == "rust"
                    and code.startswith(("use", "pub use"))
                    and not code.endswith(";")
                )
            code = ""  # its brackets are not the code's
        else:
            category, tag = _own(language, codes, index)
            enclosing = [entry for entry in stack if entry]
            if TYPES in enclosing:
                category = TYPES
            elif enclosing:
                category = enclosing[-1]
        for char in code:
            if char in "([{":
                stack.append(tag)
            elif char in ")]}" and stack:
                stack.pop()
        classified.append(SourceLine(index + 1, line, category))
    return classified


def annotated(path: Path) -> str:
    """The source with each line's category as a one-letter margin (the key is on the page)."""
    lines = classify_source(path)
    return "\n".join(f"{MARKS[line.category]} {line.number:>3}  {line.text}" for line in lines)


def annotated_pipelines() -> str:
    """All three pipeline sources, annotated, one after the other."""
    return "\n\n".join(
        f"== {VARIANTS[(language, variant)]}: code/{path.relative_to(paths.CODE)}\n"
        + annotated(path)
        for language, variant, path in PIPELINE_SOURCES
    )


def line_shares() -> pd.DataFrame:
    """Per pipeline source: code lines, lines per category, and the share spent on errors."""
    rows = []
    for language, variant, path in PIPELINE_SOURCES:
        counted = [line for line in classify_source(path) if line.category is not None]
        counts = {name: sum(line.category == name for line in counted) for name in MARKS if name}
        spent = sum(counts[name] for name in ERROR_CATEGORIES)
        rows.append(
            {
                "language": language,
                "implementation": VARIANTS[(language, variant)],
                "file": str(path.relative_to(paths.CODE)),
                "code_lines": len(counted),
                **counts,
                "error_lines": spent,
                "error_share": spent / len(counted),
                "question_marks": sum(
                    len(_RUST_QUESTION.findall(_code(line.text))) for line in counted
                )
                if language == "rust"
                else 0,
                "if_err_blocks": sum(bool(_GO_IF_ERR.match(_code(line.text))) for line in counted)
                if language == "go"
                else 0,
            }
        )
    return pd.DataFrame(rows)


def line_share_lines(shares: pd.DataFrame) -> list[str]:
    """The shares in words (deterministic: they depend on the committed sources only)."""
    lines = []
    for row in shares.to_dict("records"):
        lines.append(
            f"{row['implementation'] + ':':<26}{row['error_lines']:>3} of {row['code_lines']:>3} "
            f"code lines on errors ({row['error_share']:.0%})"
        )
        lines.append(f"{'':<4}" + ", ".join(f"{row[name]} {name}" for name in ERROR_CATEGORIES))
        lines.append(f"{'':<4}not counted in the share: {row[MIXED]} {MIXED}")
    return lines


def line_share_chart(shares: pd.DataFrame) -> alt.FacetChart:
    frame = charts.with_language_names(shares)
    frame[TOTAL] = frame["error_lines"]
    panels = [TOTAL, *ERROR_CATEGORIES, MIXED]
    long = frame.melt(
        id_vars=["Language", "implementation", "code_lines"],
        value_vars=panels,
        var_name="category",
        value_name="lines",
    )
    long["share"] = long.lines / long.code_lines
    order = list(VARIANTS.values())
    y = alt.Y("implementation:N", title=None, sort=order)
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            y=y,
            x=alt.X(
                "share:Q",
                title="% of code lines",
                axis=alt.Axis(format="%", tickCount=3),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=charts.language_color(),
            tooltip=[
                "implementation",
                "category",
                alt.Tooltip("lines:Q", title="lines"),
                alt.Tooltip("code_lines:Q", title="code lines in the file"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=3, fontSize=11, color="#333")
        .encode(y=y, x="share:Q", text="lines:Q")
    )
    return (
        alt.layer(bars, labels, data=long)
        .properties(width=115, height=alt.Step(24))
        .facet(
            column=alt.Column(
                "category:N",
                sort=panels,
                title=None,
                header=alt.Header(labelFontSize=12, labelLimit=150),
            )
        )
        .properties(
            title=alt.Title(
                "Where the pipeline's lines go",
                subtitle="the same five-step pipeline; lines by the rule above (numbers on the "
                "bars), as a share of all its code lines",
            ),
            description="Share of code lines spent on error handling, Go and Rust",
        )
    )


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


def _tool(argv: list[str], shown: str, cwd: Path, env: dict[str, str]) -> ToolOutput:
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
    )


def forgotten_error() -> ForgottenError:
    """A dropped error in both languages: what the compilers and linters say about it, and
    what the forgetful and the checking program do when writing their report fails."""
    if replay.active():
        return _forgotten(
            replay.recorded(CHAPTER, FORGOTTEN), replay.recorded(CHAPTER, f"{FORGOTTEN}_checks")
        )
    go, rust = kernels()
    go_env = {**go.env}
    vet = _tool(
        [go.toolchain().executable, "vet", f"./{FORGOTTEN}"],
        f"go vet ./{FORGOTTEN}",
        paths.GO_MODULE,
        go_env,
    )
    errcheck = _tool(
        [go.toolchain().executable, "run", ERRCHECK, f"./{FORGOTTEN}"],
        f"go run {ERRCHECK} ./{FORGOTTEN}",
        paths.GO_MODULE,
        go_env,
    )
    if errcheck.exit_code not in (0, 1) or (errcheck.exit_code == 1 and not errcheck.stdout):
        raise KernelError(
            f"errcheck could not run (exit status {errcheck.exit_code}). `go run {ERRCHECK}` "
            f"fetches it from the Go module proxy once (GOPROXY, default proxy.golang.org) and "
            f"then runs it from the module cache. The go command said:\n\n{errcheck.text}"
        )
    rust_env = {
        **rust.env,
        "CARGO_TARGET_DIR": str(rust.target_dir),
        "CARGO_TERM_PROGRESS_WHEN": "never",
    }
    warning = _tool(
        [
            rust.toolchain().executable,
            *("build", "--release", "--locked", "--color", "never"),
            *("-p", FORGOTTEN, "--features", "forget"),
        ],
        f"cargo build --release -p {FORGOTTEN} --features forget",
        paths.RUST_WORKSPACE,
        rust_env,
    )
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
    checks = pd.DataFrame(
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
            for name, language, toolchain, output in (
                (GO_VET, "go", go.toolchain().version, vet),
                (ERRCHECK_CHECK, "go", go.toolchain().version, errcheck),
                (RUSTC_WARNS, "rust", rust.toolchain().version, warning),
                (
                    RUSTC_DENIES,
                    "rust",
                    rust.toolchain().version,
                    ToolOutput(
                        f"cargo build --release -p {FORGOTTEN} --features deny",
                        refusal.exit_code,
                        "",
                        refusal.text,
                    ),
                ),
            )
        ]
    )
    data.save(runs, CHAPTER, FORGOTTEN)
    data.save(checks, CHAPTER, f"{FORGOTTEN}_checks")
    return _forgotten(runs, checks)


# -- Experiment 4: the cost of the error path --------------------------------------------------
ANCHOR_ERROR_NS = 1.0  # xaionaro-go/benchmarks (2021): returning an error
ANCHOR_PANIC_NS = 213.0  # the same: panic + recover
BACKTRACE_SUFFIX = ", backtraces on"


def error_cost(profile: Profile | None = None) -> pd.DataFrame:
    """ns per call of every error path: ``samples`` per process, ``repetitions`` processes."""
    if replay.active():
        return replay.recorded(CHAPTER, "error_cost")
    profile = profile or current_profile()
    args = [
        "--samples",
        profile.pick(quick=7, full=15),
        "--target-ms",
        profile.pick(quick=15, full=40),
    ]
    go, _ = kernels()
    # anyhow captures a backtrace in every error when RUST_BACKTRACE or RUST_LIB_BACKTRACE ask
    # for one. The main runs switch that off, as a production service runs; a second set of
    # runs switches it on for the anyhow cases, to show what it costs.
    quiet = RustKernel(env={**os.environ, "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"})
    loud = RustKernel(env={**os.environ, "RUST_LIB_BACKTRACE": "1"})
    frame = interleaved("error_cost", args, rounds=profile.repetitions, languages=[go, quiet])
    extra = []
    for round_number in range(profile.repetitions):
        run = loud.run("error_cost", [*args, "--only", "anyhow"]).frame
        run["round"] = round_number
        extra.append(run)
    backtraced = pd.concat(extra, ignore_index=True)
    rust = frame[frame.language == "rust"]
    if rust.backtraces_captured.any() or not backtraced.backtraces_captured.all():
        raise KernelError("RUST_LIB_BACKTRACE did not switch anyhow's backtraces as intended")
    backtraced["case"] = backtraced["case"] + BACKTRACE_SUFFIX
    frame = pd.concat([frame, backtraced], ignore_index=True)
    data.save(frame, CHAPTER, "error_cost")
    return frame


def cost_summary(cost: pd.DataFrame) -> pd.DataFrame:
    """Per case: median ns per call, quartiles, and the ratio to the same language's success."""
    rows = []
    for (language, case), group in cost.groupby(["language", "case"], sort=False):
        success = cost[(cost.language == language) & (cost.path == "success")].ns_per_op
        baseline = bool((group.path == "success").all())
        ratio = (
            stats.Ratio(1.0, float("nan"), float("nan"))
            if baseline
            else stats.ratio_of_medians(group.ns_per_op, success)
        )
        rows.append(
            {
                "language": language,
                "path": group.path.iloc[0],
                "case": case,
                "median_ns": group.ns_per_op.median(),
                "q1_ns": group.ns_per_op.quantile(0.25),
                "q3_ns": group.ns_per_op.quantile(0.75),
                "ratio_to_success": ratio.value,
                "ratio_low": ratio.low,
                "ratio_high": ratio.high,
                "verdict": "baseline" if baseline else stats.relative_cost_verdict(ratio),
                "samples": len(group),
            }
        )
    return pd.DataFrame(rows)


def cost_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as the page shows it: medians and ratios, rounded."""
    columns = ["language", "case", "median_ns", "ratio_to_success", "ratio_low", "ratio_high"]
    return summary[[*columns, "verdict", "samples"]].round(
        {"median_ns": 1, "ratio_to_success": 2, "ratio_low": 2, "ratio_high": 2}
    )


def cost_chart(summary: pd.DataFrame) -> alt.LayerChart:
    frame = charts.with_language_names(summary)
    frame["label"] = frame.Language + ": " + frame.case
    order = list(frame.label)
    log_scale = alt.Scale(type="log", domain=[0.5, max(5000.0, float(frame.q3_ns.max()) * 1.5)])
    x = alt.X("median_ns:Q", scale=log_scale, title="time per call (ns, log scale)")
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320))
    )
    spread = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("q1_ns:Q", scale=log_scale), x2="q3_ns:Q", color=charts.language_color()
    )
    points = base.mark_point(filled=True, size=90).encode(
        x=x,
        color=charts.language_color(),
        tooltip=[
            "Language",
            "path",
            "case",
            alt.Tooltip("median_ns:Q", title="median ns per call", format=",.1f"),
            alt.Tooltip("ratio_to_success:Q", title="× success path", format=",.2f"),
            alt.Tooltip("ratio_low:Q", title="95% CI low", format=",.2f"),
            alt.Tooltip("ratio_high:Q", title="95% CI high", format=",.2f"),
            "verdict",
            "samples",
        ],
    )
    anchors = pd.DataFrame(
        {
            "ns": [ANCHOR_ERROR_NS, ANCHOR_PANIC_NS],
            "text": ["Go error return ~1 ns (2021)", "Go panic/recover ~213 ns (2021)"],
            "side": ["left", "right"],
            # Written in the bottom rows, left of the slow Rust cases that sit there.
            "label": [order[-1], order[-2]],
        }
    )
    anchor_rules = (
        alt.Chart(anchors)
        .mark_rule(color="#777", strokeDash=[4, 3])
        .encode(x=alt.X("ns:Q", scale=log_scale))
    )
    anchor_text = [
        alt.Chart(anchors[anchors["side"] == align])
        .mark_text(align=align, dx=4 if align == "left" else -4, color="#555", fontSize=11)
        .encode(x=alt.X("ns:Q", scale=log_scale), y=alt.Y("label:N", sort=order), text="text:N")
        for align in ("left", "right")
    ]
    return alt.layer(anchor_rules, *anchor_text, spread, points).properties(
        title=alt.Title(
            "What a failure costs on its way to the caller",
            subtitle="one non-inlined call per operation; median of all samples, bars: "
            "quartiles; dashed: the public anchor",
        ),
        description="Nanoseconds per call of each error path, Go and Rust, log scale",
        height=alt.Step(22),
    )


# -- Claim check -------------------------------------------------------------------------------
def _cost(summary: pd.DataFrame, language: str, case: str) -> pd.Series:
    return summary[(summary.language == language) & (summary.case == case)].iloc[0]


def claims(
    shares: pd.DataFrame,
    pipeline: pd.DataFrame,
    forgotten: ForgottenError,
    cost: pd.DataFrame,
    summary: pd.DataFrame,
) -> list[Claim]:
    by_impl = shares.set_index("implementation")
    go, rust_std, rust_eco = (by_impl.loc[name] for name in VARIANTS.values())
    go_checks, rust_checks = go[CHECKS], rust_std[CHECKS]

    verbose_verdict = (
        "holds"
        if go.error_share > max(rust_std.error_share, rust_eco.error_share)
        else "depends: Go spends more lines checking and wrapping, but hand-written Rust "
        "error types cost lines too"
        if go_checks > rust_checks
        else "does not hold here"
    )

    dropped_silently = forgotten.go_forget.exit_code == 0 and not forgotten.go_forget.report_exists
    vet_silent = forgotten.go_vet.exit_code == 0 and not forgotten.go_vet_reported
    errcheck_found = len(forgotten.errcheck_findings) > 0
    forget_verdict = (
        "does not hold for Go's compiler and go vet: the dropped error compiled and the "
        "failure vanished; errcheck (a separate linter) catches it, and so does rustc by default"
        if dropped_silently and vet_silent and errcheck_found and forgotten.rust_warnings
        else "inconclusive here: the tools did not behave as expected; see the outputs above"
    )

    kinds = pipeline[~pipeline.ok.astype(bool)]
    unclassified = int(kinds.kind.str.startswith("unclassified").sum())
    missing = pipeline[pipeline.config == "missing-field.json"].set_index("implementation")
    go_missing_kind = missing.loc["Go", "kind"]
    rust_missing_kinds = missing[missing.language == "rust"].kind
    missing_field = (
        "A missing field is a parse error in both Rust versions; Go's decoder fills in zero "
        f"and only validation catches it ({go_missing_kind})."
        if rust_missing_kinds.str.contains("serde_json").all()
        and "ValidationError" in go_missing_kind
        else f"A missing field: Go reports {go_missing_kind}; Rust "
        + ", ".join(rust_missing_kinds)
        + "."
    )
    typed_verdict = (
        "depends: errors are typed values in both languages; Rust's enum lets the compiler "
        "check that every kind is handled, but `?`, `Box<dyn Error>` and anyhow propagate "
        "without any match"
    )

    go_err = _cost(summary, "go", "sentinel error")
    go_panic = _cost(summary, "go", "panic + recover")
    go_wrap = _cost(summary, "go", "fmt.Errorf with %w")
    rust_enum = _cost(summary, "rust", "Err(enum)")
    rust_panic = _cost(summary, "rust", "panic + catch_unwind")
    rust_anyhow = _cost(summary, "rust", "anyhow::Error")
    rust_anyhow_bt = _cost(summary, "rust", "anyhow::Error" + BACKTRACE_SUFFIX)
    go_panic_ratio = _panic_ratio(cost, "go", "panic + recover", "sentinel error")
    rust_panic_ratio = _panic_ratio(cost, "rust", "panic + catch_unwind", "Err(enum)")
    # An error value is "cheap" when its cost is surely under twice the success path's.
    values_cheap = go_err.ratio_high < 2 and rust_enum.ratio_high < 2
    panics_dear = go_panic_ratio.above(10) and rust_panic_ratio.above(10)
    cost_verdict = (
        f"holds: an error value costs what success costs; a panic costs "
        f"{go_panic_ratio.value:,.0f}× (Go) and {rust_panic_ratio.value:,.0f}× (Rust) an error "
        f"return; allocation and formatting, not the error mechanism, set the price between"
        if values_cheap and panics_dear
        else "inconclusive here: the intervals do not separate the paths on this machine"
    )
    return [
        Claim(
            "Go: `if err != nil` — “It is verbose. It repeats.”; Rust: “elegant and concise”",
            f"The same pipeline: Go {go.error_lines} of {go.code_lines} code lines on errors "
            f"({go.error_share:.0%}; {go.if_err_blocks} `if err != nil` blocks, {go_checks} "
            f"lines); Rust std only {rust_std.error_lines} of {rust_std.code_lines} "
            f"({rust_std.error_share:.0%}, {rust_std[TYPES]} of them error-type definitions); "
            f"Rust with thiserror + anyhow {rust_eco.error_lines} of {rust_eco.code_lines} "
            f"({rust_eco.error_share:.0%}).",
            "The article's own example: two calls take 6 lines in Go, 2 in Rust",
            verbose_verdict,
        ),
        Claim(
            "Rust: “The ? operator … propagates the error automatically”",
            f"Rust: {rust_std.question_marks} `?`, each on a line that also does the work; "
            f"the only lines added for propagation are {rust_checks} lines of `map_err` "
            f"bodies (std only) and {rust_eco[CHECKS]} with anyhow's `with_context`. Go: "
            f"{go.if_err_blocks} `if err != nil` blocks, {go_checks} lines added.",
            "The Rust Book, ch. 9.2 (the ? operator)",
            "holds"
            if max(rust_checks, rust_eco[CHECKS]) < go_checks
            else "does not hold here: Rust's propagation took as many lines as Go's",
        ),
        Claim(
            "Go: “You cannot forget to handle an error (mostly)”",
            f"A dropped error: go build and go vet accepted it (vet exit status "
            f"{forgotten.go_vet.exit_code}), the program exited "
            f"{forgotten.go_forget.exit_code} without the report; errcheck flagged "
            f"{len(forgotten.errcheck_findings)} call. rustc warned ({forgotten.rust_lint}) and "
            f"refused it under deny.",
            "errcheck (github.com/kisielk/errcheck); rustc's `unused_must_use` lint",
            forget_verdict,
        ),
        Claim(
            "Rust: “errors as Type Safe Values. You must match on them.”",
            f"{len(kinds)} failures across 3 implementations; {unclassified} could not be "
            f"classified by their callers. {missing_field}",
            "Go blog “Working with Errors in Go 1.13” (errors.Is/As); The Rust Book, ch. 9",
            typed_verdict,
        ),
        Claim(
            "Returning an error is cheap; a panic is not",
            f"Go: sentinel error {go_err.median_ns:.1f} ns ({go_err.ratio_to_success:.2f}× "
            f"success), %w {go_wrap.median_ns:.0f} ns, panic/recover "
            f"{go_panic.median_ns:.0f} ns. Rust: Err(enum) {rust_enum.median_ns:.1f} ns "
            f"({rust_enum.ratio_to_success:.2f}×), anyhow {rust_anyhow.median_ns:.0f} ns "
            f"({rust_anyhow_bt.median_ns:,.0f} ns with backtraces), panic/catch_unwind "
            f"{rust_panic.median_ns:,.0f} ns.",
            "Go panic/recover ~213 ns vs error return ~1 ns (github.com/xaionaro-go/benchmarks, "
            "2021)",
            cost_verdict,
        ),
    ]


def _panic_ratio(cost: pd.DataFrame, language: str, panic: str, error: str) -> stats.Ratio:
    mine = cost[cost.language == language]
    return stats.ratio_of_medians(
        mine[mine["case"] == panic].ns_per_op, mine[mine["case"] == error].ns_per_op
    )
