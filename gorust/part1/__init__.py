"""Part 1 — The Philosophies: what generics cost, what monomorphization weighs, and whether
"if it compiles, it works" holds for a data race."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
from elftools.elf.elffile import ELFFile

from gorust import charts, commands, paths, provenance, stats
from gorust.experiments import experiment
from gorust.kernels import CompileDiagnostics, RunResult
from gorust.profile import Profile, current_profile
from gorust.runs import interleaved, kernels

CHAPTER = "part1"
INSTANTIATION_COUNTS = (0, 1, 2, 4, 8, 16)
# Cases whose hand-written twin has a different element spelling.
BASELINE_ELEMENT = {"pointer to Rect": "Rect"}


# -- Experiment 1: generics cost ---------------------------------------------------------------
@experiment(CHAPTER, programs=("generics_cost",))
def generics_cost(profile: Profile | None = None) -> pd.DataFrame:
    """ns per call of every case: ``samples`` per process, ``repetitions`` processes each."""
    profile = profile or current_profile()
    args = [
        "--samples",
        profile.pick(quick=7, full=20),
        "--target-ms",
        profile.pick(quick=20, full=50),
    ]
    return interleaved("generics_cost", args, rounds=profile.repetitions)


def generics_ratios(cost: pd.DataFrame) -> pd.DataFrame:
    """Each generic or dynamic case against its hand-written twin, per language."""
    rows = []
    for (language, function, element, style), group in cost.groupby(
        ["language", "function", "element", "style"], sort=False
    ):
        if style == "concrete":
            continue
        baseline = cost[
            (cost.language == language)
            & (cost.function == function)
            & (cost.element == BASELINE_ELEMENT.get(element, element))
            & (cost["style"] == "concrete")
        ]
        ratio = stats.ratio_of_medians(group.ns_per_call, baseline.ns_per_call)
        rows.append(
            {
                "language": language,
                "case": f"{function}({element}) {style}",
                "median_ns": group.ns_per_call.median(),
                "concrete_ns": baseline.ns_per_call.median(),
                "ratio": ratio.value,
                "ratio_low": ratio.low,
                "ratio_high": ratio.high,
                "interval": ratio.interval,
                "verdict": stats.relative_cost_verdict(ratio),
                "samples": len(group),
            }
        )
    return charts.with_run_columns(pd.DataFrame(rows), cost)


def ratio_table(ratios: pd.DataFrame) -> pd.DataFrame:
    """The ratios as the page shows them: rounded, without the run's provenance."""
    return ratios.drop(columns=list(charts.RUN_COLUMNS)).round(
        {"median_ns": 0, "concrete_ns": 0, "ratio": 2, "ratio_low": 2, "ratio_high": 2}
    )


def interval_names(ratios: pd.DataFrame) -> str:
    """What the ratios' intervals are ("95% bootstrap interval", or a min–max range where a
    case has too few samples), each named once."""
    return "; ".join(dict.fromkeys(ratios.interval))


def generics_chart(ratios: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.Chart:
    """The ratios of this run; ``reference``: the reference's generics_cost table (live pages
    only), whose ratios are drawn faded beside this run's, each case's language and run on its
    own line."""
    shown = None if reference is None else generics_ratios(reference)
    frame = charts.with_language_names(
        ratios if shown is None else charts.with_reference(ratios, shown)
    )
    frame["series"] = frame.Language
    if shown is not None:
        frame["series"] = frame.Language + ", " + frame[charts.RUN_FIELD]
    base = alt.Chart(frame).encode(
        y=alt.Y("case:N", title=None, sort=None),
        yOffset=alt.YOffset("series:N"),
        color=charts.language_color(),
        opacity=charts.run_opacity(frame),
    )
    x_scale = alt.Scale(type="log", domain=[0.5, max(8.0, float(frame.ratio_high.max()) * 1.2)])
    estimates = charts.interval_dots(
        base,
        x=alt.X(
            "ratio:Q",
            scale=x_scale,
            title="time per call ÷ hand-written version (log scale; 1 = no cost)",
        ),
        low="ratio_low",
        high="ratio_high",
        tooltip=[
            "Language",
            "case",
            alt.Tooltip("median_ns:Q", title="median ns per call", format=",.0f"),
            alt.Tooltip("concrete_ns:Q", title="hand-written ns per call", format=",.0f"),
            alt.Tooltip("ratio:Q", format=".2f"),
            alt.Tooltip("ratio_low:Q", title="interval low", format=".2f"),
            alt.Tooltip("ratio_high:Q", title="interval high", format=".2f"),
            "interval",
            "samples",
            *(charts.run_tooltip() if shown is not None else []),
        ],
    )
    one = (
        alt.Chart(pd.DataFrame({"x": [1.0]}))
        .mark_rule(color="#555", strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    return (one + estimates).properties(
        title=alt.Title(
            "What a generic call costs against the hand-written function",
            subtitle="1,024-element slices; median of all samples; bars: " + interval_names(ratios),
        ),
        description="Generic and dynamic calls relative to hand-written code, Go and Rust",
        height=alt.Step(16),
    )


# -- Experiment 2: monomorphization and size ---------------------------------------------------
def text_section_bytes(binary: Path) -> int:
    """Size of the machine code (.text section) of an ELF binary."""
    with open(binary, "rb") as stream:
        section = ELFFile(stream).get_section_by_name(".text")
        if section is None:
            raise ValueError(f"{binary} has no .text section")
        return section.data_size


def _note_text_size(language: str, features: list[str]) -> None:
    """The experiment reads each binary's .text size itself (pyelftools); a reader's shell
    reads it with readelf, from the program the journaled build line wrote."""
    program = commands.program_path(language, "generic_size", features, False)
    commands.note(
        commands.Command(
            "readelf", "", "tool", "generic_size", f"readelf -SW {program} | grep ' .text '"
        )
    )


@experiment(CHAPTER, programs=("generic_size",))
def generic_size() -> pd.DataFrame:
    """Binary and .text size of generic_size built for 0, 1, 2, 4, 8 and 16 element types."""
    frames = []
    for kernel in kernels():
        for count in INSTANTIATION_COUNTS:
            features = [f"n{count}"] if count else []
            result = kernel.run("generic_size", features=features)
            reported = int(result.frame["instantiations"].dropna().iloc[-1])
            if reported != count:
                raise AssertionError(
                    f"{kernel.language} generic_size built for {count} types ran {reported}"
                )
            row = pd.DataFrame([result.process_columns()])
            row["instantiations"] = count
            row["text_bytes"] = text_section_bytes(result.build.binary)
            _note_text_size(kernel.language, features)
            frames.append(row)
    return pd.concat(frames, ignore_index=True)


def size_growth(sizes: pd.DataFrame) -> pd.DataFrame:
    """Per language: the first instantiation's cost and the marginal bytes per further type."""
    rows = []
    for language, group in sizes.groupby("language", sort=False):
        by_count = group.set_index("instantiations").text_bytes
        more = group[group.instantiations >= 1]
        slope = np.polyfit(more.instantiations, more.text_bytes, 1)[0]
        rows.append(
            {
                "language": language,
                "text_bytes_without_generic": int(by_count[0]),
                "first_type_bytes": int(by_count[1] - by_count[0]),
                "bytes_per_further_type": float(slope),
                "text_bytes_16_types": int(by_count[16]),
                "binary_bytes_16_types": int(group.set_index("instantiations").binary_bytes[16]),
            }
        )
    return pd.DataFrame(rows)


def size_growth_kib(sizes: pd.DataFrame) -> pd.DataFrame:
    """Each build's machine code over its language's build for no type, in KiB."""
    frame = charts.with_language_names(sizes)
    baseline = frame[frame.instantiations == 0].set_index("Language").text_bytes
    frame["growth_kib"] = (frame.text_bytes - frame.Language.map(baseline)) / 1024
    return frame


def size_chart(sizes: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.Chart:
    """This run's sizes; ``reference``: the reference's generic_size table (live pages only),
    drawn faded under this run's lines (a build's size does not depend on the profile)."""
    runs = [size_growth_kib(sizes)]
    if reference is not None:
        runs.append(size_growth_kib(reference))
    frame = charts.with_reference(*runs) if len(runs) == 2 else runs[0]
    both = len(runs) == 2
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True))
        .encode(
            x=alt.X(
                "instantiations:Q",
                title="element types the generic function is instantiated for",
                scale=alt.Scale(domain=[0, 16]),
                axis=alt.Axis(values=list(INSTANTIATION_COUNTS)),
            ),
            y=alt.Y("growth_kib:Q", title="machine code added (KiB of .text over 0 types)"),
            color=charts.language_color(),
            opacity=charts.run_opacity(frame),
            detail=alt.Detail(f"{charts.RUN_FIELD}:N") if both else alt.Undefined,
            tooltip=[
                "Language",
                "instantiations",
                alt.Tooltip("growth_kib:Q", title="added KiB", format=".1f"),
                alt.Tooltip("text_bytes:Q", title=".text bytes", format=","),
                alt.Tooltip("binary_bytes:Q", title="binary bytes", format=","),
                *(charts.run_tooltip() if both else []),
            ],
        )
        .properties(
            title=alt.Title(
                "Code size as one generic function meets more types",
                subtitle="CountDistinct / count_distinct (a hash set per call); release builds",
            ),
            description="Machine code added per instantiation, Go and Rust",
        )
    )


# -- Experiment 3: "If it compiles, it works" ---------------------------------------------------
# What each row of data_race.csv is (its ``run`` column), in the order the rows are recorded.
UNSYNC, RACE_DETECTOR, RUST_COMPILE, FIXED = "unsync", "race_detector", "rust_compile", "fixed"
# The text a Go binary built with -race prints when it sees a race.
RACE_WARNING = "WARNING: DATA RACE"


@dataclass(frozen=True)
class DataRace:
    """The data-race experiment as recorded in data_race.csv: one row per run, ``run`` says
    which. Go's runs keep the program's record; the race detector's row keeps its stderr and
    rustc's refusal its text (``diagnostic``) and error codes, so that a replayed page shows
    what the tools said. Live and replayed pages read the same table."""

    table: pd.DataFrame

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {"data_race": self.table}

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> DataRace:
        return cls(tables["data_race"])

    def _runs(self, *kinds: str) -> pd.DataFrame:
        rows = self.table[self.table["run"].isin(kinds)]
        # The compile row has no count, so a CSV (and a concatenated frame) holds the counts
        # as floats and ``exact`` as objects; the program printed integers and booleans.
        return rows.astype({"count": "int64", "expected": "int64", "exact": bool}).reset_index(
            drop=True
        )

    def _single(self, kind: str) -> pd.Series:
        rows = self.table[self.table["run"] == kind]
        if len(rows) != 1:
            raise ValueError(f"data_race has {len(rows)} {kind} rows; expected one")
        return rows.iloc[0]

    @property
    def go_lost_updates(self) -> pd.DataFrame:
        frame = self._runs(UNSYNC)
        frame["lost"] = frame.expected - frame["count"]
        return frame[["mode", "expected", "count", "lost", "exact", "wall_s"]]

    @property
    def race_detector_exit_code(self) -> int:
        return int(self._single(RACE_DETECTOR).exit_code)

    @property
    def race_reported(self) -> bool:
        return RACE_WARNING in _text(self._single(RACE_DETECTOR).diagnostic)

    @property
    def rust_refusal(self) -> CompileDiagnostics:
        row = self._single(RUST_COMPILE)
        return CompileDiagnostics(
            language=row.language,
            experiment=row.experiment,
            features=_split(row.features),
            source=paths.RUST_WORKSPACE / row.experiment,
            exit_code=int(row.exit_code),
            text=_text(row.diagnostic),
            error_codes=_split(row.error_codes),
        )

    def verdict_lines(self) -> list[str]:
        """Deterministic statements (checked by nbval): what each compiler and tool did."""
        detector = f"reports {RACE_WARNING}" if self.race_reported else "reports nothing"
        refusal = self.rust_refusal
        return [
            "Go compiles the unsynchronised counter: yes",
            f"Go's race detector (go build -race) at run time: {detector}, "
            f"exit status {self.race_detector_exit_code}",
            "Rust compiles the unsynchronised counter: no",
            f"rustc: {refusal.first_error}",
            f"rustc error codes: {', '.join(refusal.error_codes)}",
        ]

    @property
    def fixed_runs(self) -> pd.DataFrame:
        """The mutex and atomic runs of both languages: what they counted, and if exactly."""
        return self._runs(FIXED)[["language", "mode", "expected", "count", "exact"]]

    @property
    def rust_compiled_the_race(self) -> bool:
        """rustc accepted the unsynchronised counter (it exited 0, with no error code)."""
        refusal = self.rust_refusal
        return refusal.exit_code == 0 and not refusal.error_codes

    def fixed_lines(self) -> list[str]:
        return [
            f"{row['language']:<4} {row['mode']:<6}: {row['count']:,} of {row['expected']:,} — "
            f"{'exact' if row['exact'] else 'WRONG'}"
            for _, row in self._runs(FIXED).iterrows()
        ]

    def timing(self) -> pd.DataFrame:
        return self._runs(UNSYNC, FIXED)[["language", "mode", "wall_s"]]


def _text(value: object) -> str:
    """A text cell; read_csv turns an empty one into NaN."""
    return value if isinstance(value, str) else ""


def _split(value: object) -> tuple[str, ...]:
    """A comma-joined list cell (features, error codes) as the tuple it was joined from."""
    return tuple(item for item in _text(value).split(",") if item)


def _tagged(results: list[RunResult], run: str) -> list[pd.DataFrame]:
    frames = [result.frame for result in results]
    for frame in frames:
        frame["run"] = run
    return frames


def _refusal_row(refusal: CompileDiagnostics, toolchain: str) -> pd.DataFrame:
    """rustc's refusal as a row of data_race.csv: no program ran, so no count or timing."""
    return pd.DataFrame(
        [
            {
                "mode": UNSYNC,
                "language": refusal.language,
                "experiment": refusal.experiment,
                "features": ",".join(refusal.features),
                "toolchain": toolchain,
                "exit_code": refusal.exit_code,
                **provenance.host(),
                "run": RUST_COMPILE,
                "diagnostic": refusal.text,
                "error_codes": ",".join(refusal.error_codes),
            }
        ]
    )


@experiment(CHAPTER, programs=("data_race",), tables=("data_race",), result=DataRace)
def data_race(profile: Profile | None = None) -> DataRace:
    profile = profile or current_profile()
    go, rust = kernels()
    workload = ["--workers", 4, "--increments", profile.pick(quick=1_000_000, full=10_000_000)]
    unsync = [
        go.run("data_race", ["--mode", "unsync", *workload]) for _ in range(profile.repetitions)
    ]
    # The race detector slows every memory access; a short run is enough for it to see the race.
    detector = go.run(
        "data_race",
        ["--mode", "unsync", "--workers", 4, "--increments", 10_000],
        race=True,
        check=False,
    )
    (detector_frame,) = _tagged([detector], RACE_DETECTOR)
    detector_frame["diagnostic"] = detector.stderr
    refusal = rust.expect_compile_error("data_race", features=["unsync"])
    fixed = [
        kernel.run("data_race", ["--mode", mode, *workload])
        for kernel in (go, rust)
        for mode in ("mutex", "atomic")
    ]
    frame = pd.concat(
        [
            *_tagged(unsync, UNSYNC),
            detector_frame,
            _refusal_row(refusal, rust.toolchain().version),
            *_tagged(fixed, FIXED),
        ],
        ignore_index=True,
    )
    return DataRace(frame)


# The claim check's rules, the prose's numbers and the headline figures the agreement table
# compares (imported last: they use what is above).
from gorust.part1 import generic_methods as generic_methods  # noqa: E402
from gorust.part1 import headlines as headlines  # noqa: E402
from gorust.part1 import safety as safety  # noqa: E402
from gorust.part1 import verdicts as verdicts  # noqa: E402
from gorust.part1.generic_methods import generic_method as generic_method  # noqa: E402
from gorust.part1.safety import classic_bugs as classic_bugs  # noqa: E402
