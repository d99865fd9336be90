"""Experiment 4 — how long the build makes you wait: release rebuilds after a one-line change
to a handler, and cold release builds in empty caches (both through gorust.builds)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import altair as alt
import pandas as pd
from IPython.display import Markdown

from gorust import builds, charts, paths
from gorust.experiments import experiment
from gorust.kernels import Kernel
from gorust.part4 import reproducing
from gorust.part4.common import (
    CHAPTER,
    EXPERIMENT,
    GO_SOURCES,
    LANGUAGE_ORDER,
    RUST_SOURCES,
    _row,
    run_encodings,
    series,
    series_order,
    with_runs,
)
from gorust.profile import Profile, current_profile
from gorust.runs import kernels

# The one-line handler change: the health handler's answer gains a field whose value is new
# on every build, so that no build cache can have seen it.
GO_EDITED_FILE = Path(EXPERIMENT) / "handlers.go"
RUST_EDITED_FILE = Path(EXPERIMENT) / "src" / "api.rs"
GO_EDIT = builds.OneLineEdit(
    GO_EDITED_FILE,
    'c.JSON(http.StatusOK, gin.H{"status": "ok"})',
    f'c.JSON(http.StatusOK, gin.H{{"status": "ok", "build": "{builds.TOKEN}"}})',
)
RUST_EDIT = builds.OneLineEdit(
    RUST_EDITED_FILE,
    'Ok(Json(json!({ "status": "ok" })))',
    f'Ok(Json(json!({{ "status": "ok", "build": "{builds.TOKEN}" }})))',
)
# The Rust copy's package name: its binary never overwrites the kernel's crud_api.
RUST_SCRATCH_NAME = "crud_api_rebuild"
# Rust's standard library comes compiled, so Part 4 compiles Go's beforehand, untimed, and
# times what each language compiles for the service itself (Part 7 times it instead).
GO_STD: builds.GoStd = "prebuilt"
GO_COLD_NOTES: dict[str, str] = {
    "prebuilt": "empty build cache; standard library compiled beforehand, untimed",
    "timed": "empty build cache; standard library compiled in the timed build",
}
WHEN_MEASURED = "measured in this run"


def cold_build_note() -> Markdown:
    """What this page's cold Go build includes of the standard library (from GO_STD)."""
    return Markdown(builds.go_std_note(GO_STD))


def _recorded_when(frame: pd.DataFrame) -> list[str]:
    """For each row of a recorded table: when, in which profile and at which commit."""
    return [
        f"recorded {at[:10]}, {prof} profile, commit {commit}"
        for at, prof, commit in zip(frame.measured_at, frame.profile, frame.commit, strict=True)
    ]


def _labelled_cold(frame: pd.DataFrame, measured: str) -> list[str]:
    """For a live cold build: measured in this run, or reused from an earlier one of the same
    sources (which says when)."""
    reused = frame.get("reused", pd.Series(False, index=frame.index)).astype(bool)
    return [
        f"reused: measured {at[:10]} from the same sources" if again else measured
        for at, again in zip(frame.measured_at, reused, strict=True)
    ]


@dataclass(frozen=True)
class _BuildTimes:
    """Build times as one saved table, and whether they were read back from a recording
    (the reference) rather than measured in this run: the page labels them with when."""

    TABLE: ClassVar[str]
    table: pd.DataFrame
    recorded: bool = False

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {self.TABLE: self.table}

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> _BuildTimes:
        return cls(tables[cls.TABLE], recorded=True)

    def labelled(self, measured: str | None) -> pd.DataFrame:
        """The table with a ``when`` column: when a recording was made, or ``measured`` for
        builds timed in this run (no column if None)."""
        frame = self.table.copy()
        if self.recorded:
            frame["when"] = _recorded_when(frame)
        elif measured is not None:
            frame["when"] = _labelled_cold(frame, measured) if "reused" in frame else measured
        return frame


class RebuildTimes(_BuildTimes):
    TABLE = "rebuild"


class ColdBuildTimes(_BuildTimes):
    TABLE = "cold_build"


# -- Rebuilds after a one-line change ---------------------------------------------------------
def _rebuild_row(kernel: Kernel, sample: int, seconds: float) -> dict[str, object]:
    return _row(
        kernel.language,
        kernel.toolchain().version,
        build="incremental",
        sample=sample,
        seconds=seconds,
        note="one-line handler change",
    )


def _go_rebuilds(samples: int) -> list[dict[str, object]]:
    """In a copy of the course's module, with the usual build cache."""
    go = kernels()[0]
    with tempfile.TemporaryDirectory(prefix="gorust-part4-go-") as folder:
        root = builds.copy_go_module(go, Path(folder) / "go")
        binary = Path(folder) / EXPERIMENT
        argv = [go.toolchain().executable, "build", "-trimpath", "-o", str(binary)]
        rebuild = builds.Rebuild(
            [*argv, f"./{EXPERIMENT}"], root=root, env=builds.go_env(go), edit=GO_EDIT
        )
        rebuild.warm_up()  # the unchanged program: warm caches, untimed
        return [_rebuild_row(go, s, rebuild.after_edit()[0].seconds) for s in range(samples)]


def _rust_scratch() -> Path:
    """A copy of the workspace in which crud_api is renamed, kept between runs.

    It builds into the kernels' own target directory: its dependencies are the very
    artifacts the kernel compiled. Files are rewritten only when the repository's differ,
    so that Cargo's fingerprints stay fresh from one run to the next.
    """
    rust = kernels()[1]
    files = builds.workspace_files(rust.root, EXPERIMENT, renamed=RUST_SCRATCH_NAME)
    scratch = paths.cache_dir() / "part4" / "rebuild" / "rust"
    return builds.sync_tree(files, scratch, normalise=RUST_EDIT.undone_bytes)


def _rust_rebuilds(samples: int) -> list[dict[str, object]]:
    rust = kernels()[1]
    rust.build(EXPERIMENT)  # the dependencies, compiled once by the kernel
    argv = [rust.toolchain().executable, "build", "--release", "--offline", "--color", "never"]
    rebuild = builds.Rebuild(
        [*argv, "-p", RUST_SCRATCH_NAME],
        root=_rust_scratch(),
        env=builds.cargo_env(rust),
        edit=RUST_EDIT,
    )
    rebuild.warm_up()  # bring the copy up to date, untimed
    return [_rebuild_row(rust, s, rebuild.after_edit()[0].seconds) for s in range(samples)]


def rebuild_samples(profile: Profile) -> int:
    """Rebuilds timed per language: two in the quick profile (a Rust rebuild takes seconds
    on two cores, and the quick profile's budget is 90 s), the profile's repetitions in full."""
    return profile.pick(quick=2, full=profile.repetitions)


@experiment(CHAPTER, programs=(EXPERIMENT,), tables=("rebuild",), result=RebuildTimes)
def rebuild_times(profile: Profile | None = None) -> RebuildTimes:
    """Release rebuild time after a one-line change to one handler, in a copy of the code."""
    samples = rebuild_samples(profile or current_profile())
    reproducing.note_rebuilds(*kernels(), GO_EDIT, RUST_EDIT)
    return RebuildTimes(pd.DataFrame([*_go_rebuilds(samples), *_rust_rebuilds(samples)]))


def rebuilds(profile: Profile | None = None) -> pd.DataFrame:
    """The rebuilds as the page shows them: a recorded table says when it was recorded (a
    live one has no ``when``: build_summary reads it as measured in this run)."""
    return rebuild_times(profile).labelled(None)


# -- Cold builds ------------------------------------------------------------------------------
def _cold_go(sample: int) -> dict[str, object]:
    go = kernels()[0]
    with tempfile.TemporaryDirectory(prefix="gorust-part4-gocache-") as folder:
        cold = builds.cold_go_build(
            go, EXPERIMENT, go_std=GO_STD, module=go.root, scratch=Path(folder)
        )
    return _row(
        "go",
        go.toolchain().version,
        build="cold",
        sample=sample,
        seconds=cold.build.seconds,
        note=GO_COLD_NOTES[GO_STD],
    )


def _cold_rust(sample: int) -> dict[str, object]:
    rust = kernels()[1]
    with tempfile.TemporaryDirectory(prefix="gorust-part4-target-") as folder:
        cold = builds.cold_cargo_build(
            rust, EXPERIMENT, workspace=rust.root, target_dir=Path(folder)
        )
    return _row(
        "rust",
        rust.toolchain().version,
        build="cold",
        sample=sample,
        seconds=cold.build.seconds,
        note="empty target directory; crate sources already downloaded",
    )


def cold_build_key() -> str:
    """What a cold build of the two services depends on: their sources, the Go module's and
    the Cargo workspace's manifests and lock files, both toolchains and what the Go build
    includes of the standard library."""
    go, rust = kernels()
    files = [
        *(p for p in GO_SOURCES.rglob("*") if p.is_file()),
        *(p for p in RUST_SOURCES.rglob("*") if p.is_file()),
        *(paths.GO_MODULE / name for name in ("go.mod", "go.sum")),
        *(paths.RUST_WORKSPACE / name for name in ("Cargo.toml", "Cargo.lock")),
    ]
    return builds.sources_key(
        files,
        paths.CODE,
        go.toolchain().version,
        rust.toolchain().version,
        f"go_std={GO_STD}",
    )


def cold_samples(profile: Profile) -> int:
    """Cold builds per language: three in the full profile; one in quick (minutes each on
    two cores, more than the quick profile's whole budget), and none when this machine has
    already measured the very same sources."""
    return profile.pick(quick=1, full=3)


def _cold_cache_file(key: str) -> Path:
    return paths.cache_dir() / "part4" / f"cold-builds-{key}.csv"


def _measure_cold(samples: int, key: str) -> pd.DataFrame:
    rows = []
    for sample in range(samples):
        # Alternate which language builds first, so neither always finds the disk cache warm.
        order = (_cold_go, _cold_rust) if sample % 2 == 0 else (_cold_rust, _cold_go)
        rows += [measure(sample) for measure in order]
    frame = pd.DataFrame(rows)
    frame["sources_key"] = key
    return frame


@experiment(CHAPTER, programs=(EXPERIMENT,), tables=("cold_build",), result=ColdBuildTimes)
def cold_build_times(
    profile: Profile | None = None, *, samples: int | None = None
) -> ColdBuildTimes:
    """Cold release builds in throwaway caches: ``samples`` of each, or ``cold_samples``.

    Outside the full profile, a measurement this machine made of the very same sources, lock
    files and toolchains (kept in the course's cache under their ``cold_build_key``) is
    reused; the ``reused`` column says so. The full profile always measures afresh."""
    profile = profile or current_profile()
    key = cold_build_key()
    frame = builds.measured_once(
        _cold_cache_file(key),
        reuse=samples is None and profile.name != "full",
        measure=lambda: _measure_cold(samples or cold_samples(profile), key),
    )
    # The versions from the table: a reused measurement asks no toolchain for its own.
    reproducing.note_cold_builds(frame.groupby("language").toolchain.first().to_dict())
    return ColdBuildTimes(frame)


def cold_builds(profile: Profile | None = None) -> pd.DataFrame:
    """Cold builds, measured in this run or reused from this machine's measurement of the same
    sources (see ``cold_build_times``); `python -m gorust.part4 cold-builds N` measures N."""
    return cold_build_times(profile).labelled(WHEN_MEASURED)


# -- What the page shows ----------------------------------------------------------------------
def _both_builds(rebuild: pd.DataFrame, cold: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([rebuild, cold[rebuild.columns.intersection(cold.columns)]])


def build_times_chart(
    rebuild: pd.DataFrame,
    cold: pd.DataFrame,
    reference: tuple[RebuildTimes | None, ColdBuildTimes | None] | None = None,
) -> alt.Chart:
    """Cold builds and rebuilds; ``reference``: the reference's (rebuilds, cold builds),
    drawn faded beside this machine's (either may be None)."""
    reference_rebuild, reference_cold = reference or (None, None)
    recorded = [r.table for r in (reference_rebuild, reference_cold) if r is not None]
    frame = with_runs(
        _both_builds(rebuild, cold),
        _both_builds(*recorded) if len(recorded) == 2 else (recorded[0] if recorded else None),
    )
    frame["series"] = series(frame, "Language")
    frame["what"] = frame.build.map(
        {"cold": "cold build (empty caches)", "incremental": "rebuild after a one-line change"}
    )
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "what:N",
            title=None,
            sort=["cold build (empty caches)"],
            axis=alt.Axis(labelLimit=300),
        ),
        yOffset=alt.YOffset("series:N", sort=series_order(LANGUAGE_ORDER)),
        color=charts.language_color(),
        **run_encodings(frame),
    )
    points = base.mark_point(filled=True, size=60, opacity=0.8).encode(
        x=alt.X(
            "seconds:Q",
            scale=alt.Scale(type="log"),
            title="seconds (log scale)",
            axis=alt.Axis(values=[0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]),
        ),
        tooltip=[
            "Language",
            "what",
            alt.Tooltip("seconds:Q", format=".1f"),
            "note",
            *charts.run_tooltip(),
        ],
    )
    medians = base.mark_tick(thickness=3, size=14).encode(x="median(seconds):Q")
    return (points + medians).properties(
        width=480,
        height=alt.Step(22),
        title=alt.Title(
            "Release build times of the two services",
            subtitle="dots: single builds; ticks: medians. Cold builds labelled with when they "
            "were measured (see the table)",
        ),
        description="Cold and incremental release build times, Go and Rust",
    )


def build_summary(rebuild: pd.DataFrame, cold: pd.DataFrame) -> pd.DataFrame:
    cols = ["language", "build", "seconds"]
    # Rebuilds are measured in every live run; a replayed one says when it was recorded.
    ran = rebuild[cols].assign(when=rebuild.get("when", WHEN_MEASURED))
    both = pd.concat([ran, cold[[*cols, "when"]]])
    return (
        both.groupby(["language", "build", "when"], sort=False)
        .seconds.agg(median="median", min="min", max="max", builds="size")
        .reset_index()
    )


def main(argv: list[str]) -> int:
    """``python -m gorust.part4 cold-builds [N]``: measure N cold builds of each service
    (default 1) and save them with this machine's live results."""
    if argv[:1] == ["cold-builds"]:
        samples = int(argv[1]) if len(argv) > 1 else 1
        cold = cold_build_times(samples=samples).labelled("measured now")
        print(build_summary(pd.DataFrame(columns=["language", "build", "seconds"]), cold))
        return 0
    print(main.__doc__)
    return 2
