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

from gorust import builds, charts, paths, replay
from gorust.experiments import experiment
from gorust.kernels import Kernel
from gorust.part4.common import CHAPTER, EXPERIMENT, LANGUAGE_ORDER, _named, _row
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
            frame["when"] = measured
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


@experiment(CHAPTER, programs=(EXPERIMENT,), tables=("cold_build",), result=ColdBuildTimes)
def cold_build_times(
    profile: Profile | None = None, *, samples: int | None = None
) -> ColdBuildTimes:
    """Cold release builds in throwaway caches (minutes on two cores): ``samples`` of each, or
    three in the full profile. The quick profile reuses the reference's recorded ones."""
    profile = profile or current_profile()
    if samples is None and profile.name != "full" and replay.has_recording(CHAPTER, "cold_build"):
        # The reference's rows, as replay shows them; the registry saves them into the live
        # results, so these hold every table the page shows (with the recording's provenance).
        return cold_build_times.experiment.replayed()  # type: ignore[attr-defined]
    rows = []
    for sample in range(samples or profile.pick(quick=1, full=3)):
        rows += [_cold_go(sample), _cold_rust(sample)]
    return ColdBuildTimes(pd.DataFrame(rows))


def cold_builds(profile: Profile | None = None) -> pd.DataFrame:
    """Cold builds: measured now in the full profile (three each), else the last measurement.

    A cold build of the Rust service takes minutes, more than the quick profile's whole
    budget. The quick profile therefore shows the cold builds recorded in
    data/part4/cold_build.csv, each labelled with when and in which profile it was measured
    (`python -m gorust.part4 cold-builds` measures them again); it measures them itself only
    when no record exists. Replay mode shows the recorded ones in every profile.
    """
    return cold_build_times(profile).labelled(WHEN_MEASURED)


# -- What the page shows ----------------------------------------------------------------------
def build_times_chart(rebuild: pd.DataFrame, cold: pd.DataFrame) -> alt.Chart:
    frame = _named(pd.concat([rebuild, cold[rebuild.columns.intersection(cold.columns)]]))
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
        yOffset=alt.YOffset("Language:N", sort=LANGUAGE_ORDER),
        color=charts.language_color(),
    )
    points = base.mark_point(filled=True, size=60, opacity=0.8).encode(
        x=alt.X(
            "seconds:Q",
            scale=alt.Scale(type="log"),
            title="seconds (log scale)",
            axis=alt.Axis(values=[0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]),
        ),
        tooltip=["Language", "what", alt.Tooltip("seconds:Q", format=".1f"), "note"],
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
