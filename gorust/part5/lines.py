"""Part 5, experiment 2: the share of each pipeline's source lines spent on errors, classified
line by line by one rule for both languages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from gorust import charts, commands, paths, provenance
from gorust.experiments import experiment
from gorust.part5.pipeline import CHAPTER, VARIANTS
from gorust.runs import kernels

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


RUN_FIELDS = [charts.RUN_FIELD, charts.RUN_DETAILS_FIELD]
AUDIT_LINE = ".venv/bin/python -c 'from gorust import part5; print(part5.annotated_pipelines())'"


@experiment(CHAPTER, programs=("error_pipeline",))
def line_shares() -> pd.DataFrame:
    """Per pipeline source: code lines, lines per category, and the share spent on errors.
    Saved as a table (with the toolchain whose formatter shaped the lines), so that the claim
    check judges the counts the page showed."""
    go, rust = kernels()
    toolchains = {"go": go.toolchain().version, "rust": rust.toolchain().version}
    # No program runs: the count is the course's own, and this line prints it, line by line.
    commands.note(commands.Command("python", "", "tool", "error_pipeline", AUDIT_LINE))
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
                "toolchain": toolchains[language],
                **provenance.host(),
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


def line_share_chart(shares: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.FacetChart:
    """This run's shares; ``reference``: the reference's line_shares table (live pages only),
    drawn as a faded bar under each of this run's."""
    both = reference is not None
    frame = charts.with_language_names(charts.with_reference(shares, reference) if both else shares)
    frame[TOTAL] = frame["error_lines"]
    panels = [TOTAL, *ERROR_CATEGORIES, MIXED]
    long = frame.melt(
        id_vars=["Language", "implementation", "code_lines", *(RUN_FIELDS if both else [])],
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
            opacity=charts.run_opacity(long),
            **({"yOffset": alt.YOffset(f"{charts.RUN_FIELD}:N")} if both else {}),
            tooltip=[
                "implementation",
                "category",
                alt.Tooltip("lines:Q", title="lines"),
                alt.Tooltip("code_lines:Q", title="code lines in the file"),
                alt.Tooltip("share:Q", format=".0%"),
                *(charts.run_tooltip() if both else []),
            ],
        )
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=3, fontSize=11, color="#333")
        .encode(y=y, x="share:Q", text="lines:Q")
    )
    if both:  # the counts are written once, on this run's bars
        labels = labels.transform_filter(alt.datum[charts.RUN_FIELD] == charts.THIS_RUN)
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
