"""Part 5's claim check: each claim a rule over the tables the chapter saved (gorust.claims),
in the page's order."""

from __future__ import annotations

import pandas as pd

from gorust import claims, stats
from gorust.part5.cost import BACKTRACE_SUFFIX, cost_summary
from gorust.part5.forgotten import FORGOTTEN, ForgottenError
from gorust.part5.lines import CHECKS, TYPES
from gorust.part5.pipeline import CHAPTER, VARIANTS


def _cost(summary: pd.DataFrame, language: str, case: str) -> pd.Series:
    return summary[(summary.language == language) & (summary.case == case)].iloc[0]


def _variants(shares: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Go, Rust std only and Rust with thiserror + anyhow, each one row of line_shares."""
    by_impl = shares.set_index("implementation")
    go, rust_std, rust_eco = (by_impl.loc[name] for name in VARIANTS.values())
    return go, rust_std, rust_eco


@claims.rule(
    CHAPTER,
    claim="Go: `if err != nil` — “It is verbose. It repeats.”; Rust: “elegant and concise”",
    anchor="The article's own example: two calls take 6 lines in Go, 2 in Rust",
    tables=("line_shares",),
)
def verbose(t: claims.Tables) -> claims.Finding:
    go, rust_std, rust_eco = _variants(t["line_shares"])
    go_checks, rust_checks = go[CHECKS], rust_std[CHECKS]
    if go.error_share > max(rust_std.error_share, rust_eco.error_share):
        verdict = "holds"
    elif go_checks > rust_checks:
        verdict = (
            "depends: Go spends more lines checking and wrapping, but hand-written Rust "
            "error types cost lines too"
        )
    else:
        verdict = "does not hold: Go spent no more lines on errors than Rust here"
    return claims.Finding(
        f"The same pipeline: Go {go.error_lines} of {go.code_lines} code lines on errors "
        f"({go.error_share:.0%}; {go.if_err_blocks} `if err != nil` blocks, {go_checks} "
        f"lines); Rust std only {rust_std.error_lines} of {rust_std.code_lines} "
        f"({rust_std.error_share:.0%}, {rust_std[TYPES]} of them error-type definitions); "
        f"Rust with thiserror + anyhow {rust_eco.error_lines} of {rust_eco.code_lines} "
        f"({rust_eco.error_share:.0%}).",
        verdict,
    )


@claims.rule(
    CHAPTER,
    claim="Rust: “The ? operator … propagates the error automatically”",
    anchor="The Rust Book, ch. 9.2 (the ? operator)",
    tables=("line_shares",),
)
def propagation(t: claims.Tables) -> claims.Finding:
    go, rust_std, rust_eco = _variants(t["line_shares"])
    go_checks, rust_checks = go[CHECKS], rust_std[CHECKS]
    return claims.Finding(
        f"Rust: {rust_std.question_marks} `?`, each on a line that also does the work; "
        f"the only lines added for propagation are {rust_checks} lines of `map_err` "
        f"bodies (std only) and {rust_eco[CHECKS]} with anyhow's `with_context`. Go: "
        f"{go.if_err_blocks} `if err != nil` blocks, {go_checks} lines added.",
        "holds"
        if max(rust_checks, rust_eco[CHECKS]) < go_checks
        else "does not hold: Rust's propagation took as many lines as Go's",
    )


@claims.rule(
    CHAPTER,
    claim="Go: “You cannot forget to handle an error (mostly)”",
    anchor="errcheck (github.com/kisielk/errcheck); rustc's `unused_must_use` lint",
    tables=(FORGOTTEN, f"{FORGOTTEN}_checks"),
)
def forgetting(t: claims.Tables) -> claims.Finding:
    found = ForgottenError.from_tables(t)
    dropped_silently = found.go_forget.exit_code == 0 and not found.go_forget.report_exists
    vet_silent = found.go_vet.exit_code == 0 and not found.go_vet_reported
    errcheck_found = len(found.errcheck_findings) > 0
    refused = found.rust_refusal.exit_code != 0
    if dropped_silently and vet_silent and errcheck_found and found.rust_warnings and refused:
        verdict = (
            "does not hold: for Go's compiler and go vet, the dropped error compiled and the "
            "failure vanished; errcheck (a separate linter) catches it, and so does rustc by "
            "default"
        )
    elif not dropped_silently or not vet_silent:
        verdict = "holds: Go's own tools stopped the dropped error"
    else:
        verdict = "inconclusive here: the tools did not behave as expected; see the outputs above"
    return claims.Finding(
        f"A dropped error: go build and go vet accepted it (vet exit status "
        f"{found.go_vet.exit_code}), the program exited {found.go_forget.exit_code} "
        f"{'with' if found.go_forget.report_exists else 'without'} the report; errcheck "
        f"flagged {len(found.errcheck_findings)} call. rustc warned "
        f"{len(found.rust_warnings)} time(s) ({found.rust_lint}) and "
        f"{'refused' if refused else 'accepted'} it under deny.",
        verdict,
    )


def _missing_field(pipeline: pd.DataFrame) -> str:
    missing = pipeline[pipeline.config == "missing-field.json"].set_index("implementation")
    go_kind = missing.loc["Go", "kind"]
    rust_kinds = missing[missing.language == "rust"].kind
    if rust_kinds.str.contains("serde_json").all() and "ValidationError" in go_kind:
        return (
            "A missing field is a parse error in both Rust versions; Go's decoder fills in "
            f"zero and only validation catches it ({go_kind})."
        )
    return f"A missing field: Go reports {go_kind}; Rust " + ", ".join(rust_kinds) + "."


def told_apart(failures: pd.DataFrame) -> dict[str, int]:
    """How the callers told the failures' kinds apart, from the kind each one printed."""
    kind = failures.kind.fillna("")
    rust = failures.language == "rust"
    return {
        "failures": len(failures),
        "unclassified": int(kind.str.startswith("unclassified").sum()),
        "rust": int(rust.sum()),
        "rust_match": int((rust & kind.str.startswith("match ")).sum()),
        "rust_downcast": int((rust & kind.str.startswith("downcast")).sum()),
        "go_is_as": int((~rust & kind.str.startswith("errors.")).sum()),
    }


@claims.rule(
    CHAPTER,
    claim="Rust: “errors as Type Safe Values. You must match on them.”",
    anchor="Go blog “Working with Errors in Go 1.13” (errors.Is/As); The Rust Book, ch. 9",
    tables=("error_pipeline",),
)
def typed(t: claims.Tables) -> claims.Finding:
    pipeline = t["error_pipeline"]
    n = told_apart(pipeline[~pipeline.ok.astype(bool)])
    implementations = pipeline.implementation.nunique()
    if n["unclassified"]:
        verdict = (
            f"inconclusive here: {n['unclassified']} failures could not be classified by "
            "their callers"
        )
    elif n["rust_match"] == n["rust"]:
        verdict = "holds: every Rust caller told the kinds apart by a match on its enum"
    elif n["rust_match"] == 0:
        verdict = (
            "does not hold: no Rust caller matched on an enum; they downcast, as Go's "
            "errors.As does"
        )
    else:
        verdict = (
            f"depends: errors are typed values in both languages; the std-only Rust caller "
            f"matched on its enum ({n['rust_match']} failures), which the compiler checks, but "
            f"the anyhow one downcast ({n['rust_downcast']}), as Go uses errors.Is/As "
            f"({n['go_is_as']})"
        )
    return claims.Finding(
        f"{n['failures']} failures across {implementations} implementations; "
        f"{n['unclassified']} could not be classified by their callers. "
        + _missing_field(pipeline),
        verdict,
    )


def _panic_ratio(cost: pd.DataFrame, language: str, panic: str, error: str) -> stats.Ratio:
    mine = cost[cost.language == language]
    return stats.ratio_of_medians(
        mine[mine["case"] == panic].ns_per_op, mine[mine["case"] == error].ns_per_op
    )


def panic_ratios(cost: pd.DataFrame) -> tuple[stats.Ratio, stats.Ratio]:
    """A panic's cost over an error value's, Go and Rust."""
    return (
        _panic_ratio(cost, "go", "panic + recover", "sentinel error"),
        _panic_ratio(cost, "rust", "panic + catch_unwind", "Err(enum)"),
    )


@claims.rule(
    CHAPTER,
    claim="Returning an error is cheap; a panic is not",
    anchor="Go panic/recover ~213 ns vs error return ~1 ns (github.com/xaionaro-go/benchmarks, "
    "2021)",
    tables=("error_cost",),
    source="course",
)
def cheap_errors(t: claims.Tables) -> claims.Finding:
    cost = t["error_cost"]
    summary = cost_summary(cost)
    go_err, rust_enum = _cost(summary, "go", "sentinel error"), _cost(summary, "rust", "Err(enum)")
    go_panic, rust_panic = panic_ratios(cost)
    # An error value is "cheap" when its cost is surely under twice the success path's.
    values_cheap = go_err.ratio_high < 2 and rust_enum.ratio_high < 2
    panics_dear = go_panic.above(10) and rust_panic.above(10)
    if values_cheap and panics_dear:
        verdict = (
            f"holds: an error value costs what success costs; a panic costs "
            f"{go_panic.value:,.0f}× (Go) and {rust_panic.value:,.0f}× (Rust) an error "
            "return; allocation and formatting, not the error mechanism, set the price between"
        )
    elif go_err.ratio_low > 2 or rust_enum.ratio_low > 2:
        verdict = "does not hold: an error value cost over twice the success path"
    else:
        verdict = "inconclusive here: the intervals do not separate the paths on this machine"
    return claims.Finding(_cost_measured(summary), verdict)


def _cost_measured(summary: pd.DataFrame) -> str:
    def ns(language: str, case: str) -> float:
        return float(_cost(summary, language, case).median_ns)

    go_err, rust_enum = _cost(summary, "go", "sentinel error"), _cost(summary, "rust", "Err(enum)")
    return (
        f"Go: sentinel error {go_err.median_ns:.1f} ns ({go_err.ratio_to_success:.2f}× "
        f"success), %w {ns('go', 'fmt.Errorf with %w'):.0f} ns, panic/recover "
        f"{ns('go', 'panic + recover'):.0f} ns. Rust: Err(enum) {rust_enum.median_ns:.1f} ns "
        f"({rust_enum.ratio_to_success:.2f}×), anyhow {ns('rust', 'anyhow::Error'):.0f} ns "
        f"({ns('rust', 'anyhow::Error' + BACKTRACE_SUFFIX):,.0f} ns with backtraces), "
        f"panic/catch_unwind {ns('rust', 'panic + catch_unwind'):,.0f} ns."
    )
