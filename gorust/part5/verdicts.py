"""Part 5's claim check."""

from __future__ import annotations

import pandas as pd

from gorust import stats
from gorust.claims import Claim
from gorust.part5.cost import BACKTRACE_SUFFIX
from gorust.part5.forgotten import ForgottenError
from gorust.part5.lines import CHECKS, TYPES
from gorust.part5.pipeline import VARIANTS


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
    return [
        _verbose_claim(go, rust_std, rust_eco),
        _propagation_claim(go, rust_std, rust_eco),
        _forgotten_claim(forgotten),
        _typed_claim(pipeline),
        _cost_claim(cost, summary),
    ]


def _verbose_claim(go: pd.Series, rust_std: pd.Series, rust_eco: pd.Series) -> Claim:
    go_checks, rust_checks = go[CHECKS], rust_std[CHECKS]
    verdict = (
        "holds"
        if go.error_share > max(rust_std.error_share, rust_eco.error_share)
        else "depends: Go spends more lines checking and wrapping, but hand-written Rust "
        "error types cost lines too"
        if go_checks > rust_checks
        else "does not hold here"
    )
    return Claim(
        "Go: `if err != nil` — “It is verbose. It repeats.”; Rust: “elegant and concise”",
        f"The same pipeline: Go {go.error_lines} of {go.code_lines} code lines on errors "
        f"({go.error_share:.0%}; {go.if_err_blocks} `if err != nil` blocks, {go_checks} "
        f"lines); Rust std only {rust_std.error_lines} of {rust_std.code_lines} "
        f"({rust_std.error_share:.0%}, {rust_std[TYPES]} of them error-type definitions); "
        f"Rust with thiserror + anyhow {rust_eco.error_lines} of {rust_eco.code_lines} "
        f"({rust_eco.error_share:.0%}).",
        "The article's own example: two calls take 6 lines in Go, 2 in Rust",
        verdict,
    )


def _propagation_claim(go: pd.Series, rust_std: pd.Series, rust_eco: pd.Series) -> Claim:
    go_checks, rust_checks = go[CHECKS], rust_std[CHECKS]
    return Claim(
        "Rust: “The ? operator … propagates the error automatically”",
        f"Rust: {rust_std.question_marks} `?`, each on a line that also does the work; "
        f"the only lines added for propagation are {rust_checks} lines of `map_err` "
        f"bodies (std only) and {rust_eco[CHECKS]} with anyhow's `with_context`. Go: "
        f"{go.if_err_blocks} `if err != nil` blocks, {go_checks} lines added.",
        "The Rust Book, ch. 9.2 (the ? operator)",
        "holds"
        if max(rust_checks, rust_eco[CHECKS]) < go_checks
        else "does not hold here: Rust's propagation took as many lines as Go's",
    )


def _forgotten_claim(forgotten: ForgottenError) -> Claim:
    dropped_silently = forgotten.go_forget.exit_code == 0 and not forgotten.go_forget.report_exists
    vet_silent = forgotten.go_vet.exit_code == 0 and not forgotten.go_vet_reported
    errcheck_found = len(forgotten.errcheck_findings) > 0
    verdict = (
        "does not hold for Go's compiler and go vet: the dropped error compiled and the "
        "failure vanished; errcheck (a separate linter) catches it, and so does rustc by default"
        if dropped_silently and vet_silent and errcheck_found and forgotten.rust_warnings
        else "inconclusive here: the tools did not behave as expected; see the outputs above"
    )
    return Claim(
        "Go: “You cannot forget to handle an error (mostly)”",
        f"A dropped error: go build and go vet accepted it (vet exit status "
        f"{forgotten.go_vet.exit_code}), the program exited "
        f"{forgotten.go_forget.exit_code} without the report; errcheck flagged "
        f"{len(forgotten.errcheck_findings)} call. rustc warned ({forgotten.rust_lint}) and "
        f"refused it under deny.",
        "errcheck (github.com/kisielk/errcheck); rustc's `unused_must_use` lint",
        verdict,
    )


def _typed_claim(pipeline: pd.DataFrame) -> Claim:
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
    return Claim(
        "Rust: “errors as Type Safe Values. You must match on them.”",
        f"{len(kinds)} failures across 3 implementations; {unclassified} could not be "
        f"classified by their callers. {missing_field}",
        "Go blog “Working with Errors in Go 1.13” (errors.Is/As); The Rust Book, ch. 9",
        "depends: errors are typed values in both languages; Rust's enum lets the compiler "
        "check that every kind is handled, but `?`, `Box<dyn Error>` and anyhow propagate "
        "without any match",
    )


def _cost_claim(cost: pd.DataFrame, summary: pd.DataFrame) -> Claim:
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
    verdict = (
        f"holds: an error value costs what success costs; a panic costs "
        f"{go_panic_ratio.value:,.0f}× (Go) and {rust_panic_ratio.value:,.0f}× (Rust) an error "
        f"return; allocation and formatting, not the error mechanism, set the price between"
        if values_cheap and panics_dear
        else "inconclusive here: the intervals do not separate the paths on this machine"
    )
    return Claim(
        "Returning an error is cheap; a panic is not",
        f"Go: sentinel error {go_err.median_ns:.1f} ns ({go_err.ratio_to_success:.2f}× "
        f"success), %w {go_wrap.median_ns:.0f} ns, panic/recover "
        f"{go_panic.median_ns:.0f} ns. Rust: Err(enum) {rust_enum.median_ns:.1f} ns "
        f"({rust_enum.ratio_to_success:.2f}×), anyhow {rust_anyhow.median_ns:.0f} ns "
        f"({rust_anyhow_bt.median_ns:,.0f} ns with backtraces), panic/catch_unwind "
        f"{rust_panic.median_ns:,.0f} ns.",
        "Go panic/recover ~213 ns vs error return ~1 ns (github.com/xaionaro-go/benchmarks, 2021)",
        verdict,
    )


def _panic_ratio(cost: pd.DataFrame, language: str, panic: str, error: str) -> stats.Ratio:
    mine = cost[cost.language == language]
    return stats.ratio_of_medians(
        mine[mine["case"] == panic].ns_per_op, mine[mine["case"] == error].ns_per_op
    )
