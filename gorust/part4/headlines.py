"""Part 4's headline figures (gorust.agreement): the few ratios its claims rest on, Go ÷ Rust,
each comparable between a quick run and the full reference (the build, the binary and the code
are the same whatever the profile; the load ratios do not scale with the run's duration)."""

from __future__ import annotations

import pandas as pd

from gorust import agreement, claims, stats
from gorust.agreement import Figure
from gorust.part4.claim_check import DEFAULT, GO_LABEL, per_language, sizes_mib
from gorust.part4.common import CHAPTER
from gorust.part4.under_load import LoadRuns


def _go_over_rust(name: str, frame: pd.DataFrame, column: str, rules: tuple[str, ...]) -> Figure:
    go, rust = per_language(frame, column)
    return Figure.of_ratio(name, stats.ratio_of_medians(go, rust), rules=rules)


def _read_runs(t: claims.Tables, variant: str) -> pd.DataFrame:
    runs = LoadRuns.from_tables(t).frame
    return runs[(runs.variant == variant) & (runs.scenario == "read")]


@agreement.headlines(
    CHAPTER, tables=("cold_build", "rebuild", "binary_size", "source_lines", "load", "load_tuned")
)
def headline_figures(t: claims.Tables) -> list[Figure]:
    go_read, rust_read = _read_runs(t, GO_LABEL), _read_runs(t, DEFAULT)
    stripped = sizes_mib(t["binary_size"], "stripped")
    code = t["source_lines"].groupby("language").code.sum()
    # A cold build reused from an earlier measurement (the quick profile's way) is no figure
    # of this run: it would agree by copying the run it was measured in.
    builds = t["cold_build"]
    measured = builds[~builds["reused"].astype(bool)] if "reused" in builds else builds
    cold = [] if measured.empty else [
        _go_over_rust("Cold build time, Go ÷ Rust", measured, "seconds", ("compile_time",))
    ]  # fmt: skip
    return [
        *cold,
        _go_over_rust(
            "Rebuild after a one-line change, Go ÷ Rust",
            t["rebuild"],
            "seconds",
            ("compile_time",),
        ),
        Figure.of_ratio(
            "Stripped binary size, Go ÷ Rust",
            stats.ratio_of_medians([stripped["go"]], [stripped["rust"]]),
            rules=("binary_size",),
        ),
        Figure.of_ratio(
            "Code lines (cloc), Go ÷ Rust",
            stats.ratio_of_medians([code["go"]], [code["rust"]]),
            rules=("hours",),
        ),
        Figure.of_ratio(
            "Read requests/s, Go ÷ Rust (sqlx's defaults)",
            stats.ratio_of_medians(go_read.requests_per_s, rust_read.requests_per_s),
            rules=("speed",),
        ),
        Figure.of_ratio(
            "Service CPU per read request, Go ÷ Rust (sqlx's defaults)",
            stats.ratio_of_medians(go_read.cpu_us_per_request, rust_read.cpu_us_per_request),
            rules=("speed",),
        ),
    ]
