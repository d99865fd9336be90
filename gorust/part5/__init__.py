"""Part 5 — Error Handling: one fallible pipeline in both languages (``pipeline``), the lines
it spends on errors (``lines``), what each toolchain says about a forgotten error
(``forgotten``), what the error path costs (``cost``), and the claim check (``claims``).

Every experiment is declared in the registry (gorust.experiments): in replay mode it returns
what a real run recorded in data/part5/, the toolchains' messages about the forgotten error
included."""

# Imported for what they declare: the rules, the facts and the headline figures.
from gorust.part5 import headlines, prose, verdicts  # noqa: F401
from gorust.part5.cost import cost_chart, cost_summary, cost_table, error_cost
from gorust.part5.forgotten import (
    ERRCHECK_CHECK,
    GO_VET,
    RUSTC_DENIES,
    RUSTC_WARNS,
    ForgottenError,
    forgotten_error,
)
from gorust.part5.lines import (
    CHECKS,
    CREATING,
    MIXED,
    OTHER,
    TYPES,
    annotated_pipelines,
    classify_source,
    line_share_chart,
    line_share_lines,
    line_shares,
)
from gorust.part5.pipeline import (
    CHAPTER,
    VARIANTS,
    error_pipeline,
    pipeline_inputs,
    pipeline_report,
)

__all__ = [
    "CHAPTER",
    "CHECKS",
    "CREATING",
    "ERRCHECK_CHECK",
    "GO_VET",
    "MIXED",
    "OTHER",
    "RUSTC_DENIES",
    "RUSTC_WARNS",
    "TYPES",
    "VARIANTS",
    "ForgottenError",
    "annotated_pipelines",
    "classify_source",
    "cost_chart",
    "cost_summary",
    "cost_table",
    "error_cost",
    "error_pipeline",
    "forgotten_error",
    "line_share_chart",
    "line_share_lines",
    "line_shares",
    "pipeline_inputs",
    "pipeline_report",
]
