"""Experiment 1, what the service costs to build: dependency counts, lines, cold and warm build
times and binary sizes, one row per language, and the words the page puts around them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from IPython.display import Markdown

from gorust import data, provenance, replay
from gorust.experiments import experiment
from gorust.part7 import journal
from gorust.part7.common import CHAPTER, SERVICE, source_lines
from gorust.part7.scratch import GO_SERVICE_SOURCE, RUST_SERVICE_SOURCE
from gorust.part7.service_builds import cold_builds, warm_builds
from gorust.part7.service_deps import Dependencies
from gorust.profile import Profile, current_profile
from gorust.runs import kernels

# Columns the saved summary adds to what the page computes with.
SAVED_ONLY = ("toolchain", *data.PROVENANCE_COLUMNS)


def build_summary(
    cold: pd.DataFrame,
    warm: pd.DataFrame,
    go_deps: Dependencies,
    rust_deps: Dependencies,
) -> pd.DataFrame:
    """One row per language: dependency counts, lines, build times (medians), binary sizes."""
    rows = []
    for language, deps, source in (
        ("go", go_deps, GO_SERVICE_SOURCE),
        ("rust", rust_deps, RUST_SERVICE_SOURCE),
    ):
        mine_cold = cold[cold.language == language]
        mine_warm = warm[warm.language == language]
        rows.append(
            {
                "language": language,
                "direct_dependencies": len(deps.direct),
                "transitive_dependencies": len(deps.transitive),
                "std_packages": deps.std_packages,
                "source_lines": source_lines(source),
                "units_compiled": int(mine_cold.units.median()),
                "cold_wall_s": mine_cold.wall_s.median(),
                "cold_cpu_s": mine_cold.cpu_s.median(),
                "cold_builds": len(mine_cold),
                "cold_measured_at": mine_cold.measured_at.iloc[0],
                "cold_profile": mine_cold.profile.iloc[0],
                "cold_reused": bool(cold.reused.iloc[0]),
                "warm_wall_s": mine_warm.wall_s.median(),
                "warm_cpu_s": mine_warm.cpu_s.median(),
                "warm_builds": len(mine_warm),
                "binary_bytes": int(mine_cold.binary_bytes.median()),
                "stripped_bytes": int(mine_cold.stripped_bytes.median()),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ServiceCosts:
    """Every build of both services, and the per-language summary as saved (with each row's
    toolchain and provenance)."""

    saved_summary: pd.DataFrame
    builds: pd.DataFrame

    @property
    def summary(self) -> pd.DataFrame:
        """The summary the page computes with: without the columns saving adds."""
        return self.saved_summary.drop(columns=list(SAVED_ONLY))

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {"service_summary": self.saved_summary, "service_builds": self.builds}

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> ServiceCosts:
        return cls(tables["service_summary"], tables["service_builds"])


@experiment(
    CHAPTER,
    programs=(SERVICE,),
    tables=("service_summary", "service_builds"),
    result=ServiceCosts,
)
def service_build_costs(
    go_deps: Dependencies, rust_deps: Dependencies, profile: Profile | None = None
) -> ServiceCosts:
    """Cold and warm builds of both services, summarised with their dependency counts."""
    profile = profile or current_profile()
    journal.note_builds(SERVICE, {k.language: k.toolchain().version for k in kernels()})
    cold = cold_builds(profile)
    warm = warm_builds(profile)
    builds = pd.concat([cold, warm.assign(reused=False)], ignore_index=True)
    summary = build_summary(cold, warm, go_deps, rust_deps).assign(
        toolchain=[kernel.toolchain().version for kernel in kernels()],
        **provenance.host(),
    )
    return ServiceCosts(summary, builds)


def service_costs(
    go_deps: Dependencies, rust_deps: Dependencies, profile: Profile | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build times and sizes of both services, with their dependency counts: (summary, every
    build), the summary without the columns saving adds, live and replayed alike."""
    costs = service_build_costs(go_deps, rust_deps, profile)
    return costs.summary, costs.builds


# The summary's rows as the page shows them, and the column each comes from.
BUILD_TABLE_ROWS = {
    "third-party modules / crates built": "transitive_dependencies",
    "direct dependencies": "direct_dependencies",
    "standard-library packages compiled": "std_packages",
    "packages / crates compiled in the cold build": "units_compiled",
    "lines of code": "source_lines",
    "cold build, wall (s)": "cold_wall_s",
    "cold build, CPU (s)": "cold_cpu_s",
    "cold builds measured": "cold_builds",
    "rebuild after a one-line change, wall (s)": "warm_wall_s",
    "rebuild after a one-line change, CPU (s)": "warm_cpu_s",
    "rebuilds measured": "warm_builds",
    "binary (MB)": "binary_bytes",
    "binary, stripped (MB)": "stripped_bytes",
}


def _shown(value: float, column: str) -> str:
    if column in {"binary_bytes", "stripped_bytes"}:
        return f"{value / 1e6:,.1f}"
    if column.endswith("_s"):
        return f"{value:,.1f}"
    return f"{int(value):,}"


def build_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as the page shows it: one column per language."""
    by = summary.set_index("language")
    return pd.DataFrame(
        {
            name: [_shown(by.loc[language, column], column) for column in BUILD_TABLE_ROWS.values()]
            for language, name in (("go", "Go"), ("rust", "Rust"))
        },
        index=list(BUILD_TABLE_ROWS),
    )


def cold_build_note(summary: pd.DataFrame) -> Markdown:
    """Says where the cold-build numbers come from: this run, or an earlier identical one."""
    row = summary.iloc[0]
    builds = int(row.cold_builds)
    # The one place the page's words depend on the mode: a replayed page's reader measured
    # nothing, so "this machine" and "this run" would not be theirs.
    if replay.active():
        return Markdown(
            f"Cold builds: recorded — {builds} build(s) per language, measured "
            f"{row.cold_measured_at} (profile `{row.cold_profile}`); warm rebuilds come from "
            f"the same recorded run as the rest of this page."
        )
    if row.cold_reused:
        return Markdown(
            f"Cold builds: **reused** from the last measurement on this machine "
            f"({row.cold_measured_at}, profile `{row.cold_profile}`, {builds} build(s) per "
            f"language) — the sources, the resolved crates and both toolchains are the same, "
            f"so the quick profile does not spend minutes rebuilding them. Run with "
            f"`GVR_PROFILE=full` to measure them afresh. Warm rebuilds were measured in this run."
        )
    return Markdown(
        f"Cold builds: measured in this run ({builds} per language, profile "
        f"`{row.cold_profile}`). Warm rebuilds too."
    )
