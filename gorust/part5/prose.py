"""The numbers and comparison words Part 5's prose shows, computed from its saved tables and
glued into the page by ``claims.check("part5")`` (MyST ``{glue:text}``)."""

from __future__ import annotations

import pandas as pd

from gorust import claims, stats
from gorust.part5.cost import BACKTRACE_SUFFIX
from gorust.part5.forgotten import FORGOTTEN, ForgottenError, ProgramRun
from gorust.part5.lines import CHECKS, CREATING, TYPES
from gorust.part5.pipeline import CHAPTER, VARIANTS


def _times(value: float) -> str:
    return f"{value:,.2f}×" if value < 10 else f"{value:,.0f}×"


def _cases(cost: pd.DataFrame, language: str, case: str) -> pd.Series:
    return cost[(cost.language == language) & (cost["case"] == case)].ns_per_op


def _success(cost: pd.DataFrame, language: str) -> pd.Series:
    return cost[(cost.language == language) & (cost.path == "success")].ns_per_op


def _against_success(cost: pd.DataFrame, language: str, case: str) -> stats.Ratio:
    return stats.ratio_of_medians(_cases(cost, language, case), _success(cost, language))


@claims.facts(CHAPTER, tables=("line_shares",))
def line_words(t: claims.Tables) -> dict[str, str]:
    by_impl = t["line_shares"].set_index("implementation")
    go, rust_std, rust_eco = (by_impl.loc[name] for name in VARIANTS.values())
    shortest = by_impl.code_lines.idxmin()
    outweigh = "outweigh" if rust_std[TYPES] > go.error_lines else "do not outweigh"
    return {
        "part5.go_checks": f"{go.if_err_blocks} if-err blocks take {go[CHECKS]} lines of "
        "checking and wrapping",
        "part5.types_vs_go": f"{outweigh} everything Go spends ({rust_std[TYPES]} lines of "
        f"type definitions against Go's {go.error_lines} lines on errors in all)",
        "part5.shortest": f"{shortest} is the shortest of the three ("
        + ", ".join(f"{name} {lines}" for name, lines in by_impl.code_lines.items())
        + " code lines)",
        "part5.creating": f"{go[CREATING]} lines in Go, {rust_std[CREATING]} in Rust std only "
        f"and {rust_eco[CREATING]} with thiserror + anyhow",
    }


def _outcome(language: str, run: ProgramRun) -> str:
    report = "no report" if not run.report_exists else "a report"
    return f"{language} exited {run.exit_code} with {report} on disk"


@claims.facts(CHAPTER, tables=(FORGOTTEN, f"{FORGOTTEN}_checks"))
def forgetting_words(t: claims.Tables) -> dict[str, str]:
    found = ForgottenError.from_tables(t)
    runs = {"Go": found.go_forget, "Rust": found.rust_forget}
    vanished = all(run.exit_code == 0 and not run.report_exists for run in runs.values())
    if vanished:
        text = (
            "In both languages the forgetful program ran to the end with exit status 0 and "
            "no report on disk — the failure vanished"
        )
    else:
        text = "The forgetful programs: " + "; ".join(_outcome(k, v) for k, v in runs.items())
    return {"part5.forgotten_outcome": text}


def _interval_names(cost: pd.DataFrame) -> str:
    """What the intervals of the cost ratios are (a bootstrap, or a min–max range)."""
    names = {
        _against_success(cost, language, case).interval
        for (language, case), group in cost.groupby(["language", "case"])
        if not (group.path == "success").all()
    }
    return " or ".join(sorted(names))


@claims.facts(CHAPTER, tables=("error_cost",))
def cost_words(t: claims.Tables) -> dict[str, str]:
    cost = t["error_cost"]
    go_value = _against_success(cost, "go", "sentinel error")
    rust_value = _against_success(cost, "rust", "Err(enum)")
    # Free: surely no more than 10 % over the success path (it may be under it).
    free = go_value.high < 1.1 and rust_value.high < 1.1
    panic_vs_go = _cases(cost, "rust", "panic + catch_unwind").median() / (
        _cases(cost, "go", "panic + recover").median()
    )
    backtraced = _cases(cost, "rust", "anyhow::Error" + BACKTRACE_SUFFIX).median()
    rust_panic = _cases(cost, "rust", "panic + catch_unwind").median()
    return {
        "part5.cost_interval": _interval_names(cost),
        "part5.error_value": ("An error value is free" if free else "An error value is not free")
        + f": Go's sentinel took {_times(go_value.value)} the success path, Rust's enum "
        f"{_times(rust_value.value)}",
        "part5.rust_panic_vs_go": f"{_times(panic_vs_go)} Go's panic",
        "part5.backtraces": f"{backtraced:,.0f} ns per anyhow error with backtraces on, "
        f"against {rust_panic:,.0f} ns for a Rust panic",
    }
