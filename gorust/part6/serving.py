"""Part 6 — Case study: Discord's Read States. An LRU cache of read states served at a fixed
rate, in two Go layouts (with and without GC tuning) and two Rust ones, latency over time."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import altair as alt
import pandas as pd

from gorust import charts, data, stats
from gorust.claims import Claim
from gorust.experiments import experiment
from gorust.profile import Profile, current_profile
from gorust.runs import Variant

CHAPTER = "part6"
FORCED_PERIOD_S = 120  # the Go runtime's forcegcperiod
NOISY_P99_US = 1000


VARIANTS = (
    Variant("go", "Go, pointer LRU", ("--layout", "pointers"), (("GOGC", "100"),)),
    Variant(
        "go",
        "Go, pointer LRU, GOGC=off + GOMEMLIMIT",
        ("--layout", "pointers"),
        (("GOGC", "off"), ("GOMEMLIMIT", "8GiB")),
    ),
    Variant("go", "Go, pointer-free LRU", ("--layout", "indexed"), (("GOGC", "100"),)),
    Variant("rust", "Rust, HashMap LRU (lru crate)", ("--layout", "hashmap")),
    Variant("rust", "Rust, BTreeMap LRU", ("--layout", "btreemap")),
)


@dataclass(frozen=True)
class Settings:
    entries: int
    duration_s: float
    bin_ms: int
    force_every_s: float  # 0: leave it to the runtime's own two-minute forced collection
    repetitions: int


def settings(profile: Profile) -> Settings:
    return profile.pick(
        # Seconds, not minutes: a collection is forced every 2 s the way the runtime forces one
        # every 2 minutes (only while GOGC is not off), so each run sees two of them.
        quick=Settings(
            entries=1_000_000,
            duration_s=5,
            bin_ms=250,
            force_every_s=2,
            repetitions=profile.repetitions,
        ),
        # The real thing: 8M entries, 5.5 minutes, the runtime's own forced collections.
        # Three runs per variant already take about 80 minutes.
        full=Settings(
            entries=8_000_000, duration_s=330, bin_ms=1000, force_every_s=0, repetitions=3
        ),
    )


@dataclass(frozen=True)
class ReadStateRuns:
    bins: pd.DataFrame  # one row per time bin of every run
    runs: pd.DataFrame  # one summary row per run
    cycles: pd.DataFrame  # Go's collections on the serving clock (from GODEBUG=gctrace=1)
    settings: Settings

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {
            "read_states_bins": self.bins,
            "read_states": self.runs,
            "read_states_gc_cycles": self.cycles,
        }

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> ReadStateRuns:
        """The runs as a live ``read_states`` returned them.

        The settings are not a column of their own: they follow from the profile, which every
        row records, so they are the recorded profile's, not the reader's. The entry count is
        recorded as well, and must agree, or the tables come from a version with other
        settings.
        """
        runs = tables["read_states"]
        chosen = settings(Profile(str(runs.profile.iloc[0])))
        if set(runs.entries) != {chosen.entries}:
            raise ValueError(
                f"{CHAPTER}/read_states.csv holds caches of {sorted(set(runs.entries))} "
                f"entries, but the {runs.profile.iloc[0]} profile serves {chosen.entries:,}: "
                "the recording is from other settings. Run the chapter live to record it again."
            )
        return cls(tables["read_states_bins"], runs, tables["read_states_gc_cycles"], chosen)


@experiment(
    CHAPTER,
    programs=("read_states",),
    tables=("read_states_bins", "read_states", "read_states_gc_cycles"),
    result=ReadStateRuns,
)
def read_states(profile: Profile | None = None) -> ReadStateRuns:
    """Every variant served ``repetitions`` times; in replay mode, the recorded runs."""
    profile = profile or current_profile()
    chosen = settings(profile)
    common = ["--entries", chosen.entries, "--rate", 20_000, "--duration-s", chosen.duration_s,
              "--bin-ms", chosen.bin_ms]  # fmt: skip
    bins, runs, cycles = [], [], []
    for repetition in range(chosen.repetitions):
        for variant in VARIANTS:
            kernel = variant.kernel
            args = [*common, *variant.args]
            env = dict(variant.env)
            if variant.language == "go":
                args += ["--force-gc-every-s", chosen.force_every_s]
                env["GODEBUG"] = "gctrace=1"
            result = kernel.run("read_states", args, env=env, timeout_s=chosen.duration_s * 3 + 120)
            frame = result.frame
            frame["variant"], frame["repetition"] = variant.label, repetition
            is_summary = frame["summary"].eq(True)
            run = frame[is_summary].dropna(axis="columns", how="all")
            runs.append(run)
            bins.append(frame[~is_summary].dropna(axis="columns", how="all"))
            if variant.language == "go":
                found = gc_cycles(result.stderr, run.iloc[0])
                cycles.append(found.assign(variant=variant.label, repetition=repetition))
    found_cycles = pd.concat(cycles, ignore_index=True)
    runs_frame = pd.concat(runs, ignore_index=True)
    provenance = runs_frame[runs_frame.language == "go"].iloc[0]
    for column in (*data.PROVENANCE_COLUMNS, "language", "toolchain"):
        found_cycles[column] = provenance[column]
    return ReadStateRuns(pd.concat(bins, ignore_index=True), runs_frame, found_cycles, chosen)


GCTRACE = re.compile(
    r"^gc (\d+) @([\d.]+)s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock.*?(\(forced\))?$", re.M
)


def gc_cycles(stderr: str, run: pd.Series) -> pd.DataFrame:
    """Go's collections from its gctrace log, placed on the serving clock.

    gctrace gives each cycle's start since the process began and its wall-clock phases. The
    program reports which cycle it forced just before serving and how long before serving that
    cycle ended, which ties the two clocks together.
    """
    rows = [
        {
            "cycle": int(m[1]),
            "at_s": float(m[2]),
            "duration_s": (float(m[3]) + float(m[4]) + float(m[5])) / 1e3,
            "forced": bool(m[6]),
        }
        for m in GCTRACE.finditer(stderr)
    ]
    cycles = pd.DataFrame(rows, columns=["cycle", "at_s", "duration_s", "forced"])
    anchor = cycles[cycles.cycle == int(run.gc_anchor_cycle)]
    later = cycles[cycles.cycle > int(run.gc_anchor_cycle)].copy()
    if anchor.empty:
        later["start_s"] = later["end_s"] = float("nan")
        return later
    serving_starts = anchor.at_s.iloc[0] + anchor.duration_s.iloc[0] + run.anchor_to_start_s
    later["start_s"] = later.at_s - serving_starts
    later["end_s"] = later.start_s + later.duration_s
    return later


def with_gc_marks(bins: pd.DataFrame, cycles: pd.DataFrame, bin_s: float) -> pd.DataFrame:
    """Adds `gc_in_bin`: a Go collection was running during some of the bin."""
    marked = bins.copy()
    marked["gc_in_bin"] = False
    for cycle in cycles.dropna(subset=["start_s"]).itertuples():
        overlaps = (
            (marked.variant == cycle.variant)
            & (marked.repetition == cycle.repetition)
            & (marked.t_s < cycle.end_s)
            & (marked.t_s + bin_s > cycle.start_s)
        )
        marked.loc[overlaps, "gc_in_bin"] = True
    return marked


def agreement_lines(result: ReadStateRuns) -> list[str]:
    """Deterministic: all caches see the same requests and must answer them the same way."""
    first = result.runs[result.runs.repetition == 0]
    lines = [
        f"{row.variant:<40} hit ratio {row.hit_ratio:.4f}, checksum {int(row.checksum)}"
        for row in first.itertuples()
    ]
    same = first.checksum.nunique() == 1 and first.hit_ratio.nunique() == 1
    return [*lines, "All caches agree." if same else "The caches DISAGREE."]


def summary(result: ReadStateRuns) -> pd.DataFrame:
    order = [v.label for v in VARIANTS]
    runs = result.runs.assign(cpu_s=result.runs.serving_cpu_s + result.runs.gc_cpu_s)
    table = (
        runs.groupby("variant")
        .agg(
            p50_us=("p50_us", "median"),
            p99_us=("p99_us", "median"),
            p999_us=("p999_us", "median"),
            max_us=("max_us", "median"),
            serving_cpu_s=("serving_cpu_s", "median"),
            gc_cpu_s=("gc_cpu_s", "median"),
            gc_cycles=("gc_cycles", "median") if "gc_cycles" in runs else ("p50_us", "size"),
            peak_rss_mib=("peak_rss_bytes", lambda s: s.median() / 2**20),
            runs=("p50_us", "size"),
        )
        .reindex(order)
        .reset_index()
    )
    return table


def spike_table(result: ReadStateRuns) -> pd.DataFrame:
    """Per variant: latency in the bins where a collection ended against all other bins.

    The comparison uses each bin's p99 (its 1% slowest requests): one stray slow request from
    a busy machine moves a bin's maximum, but it takes a stall of the whole service to move the
    bin's p99.
    """
    marked = with_gc_marks(result.bins, result.cycles, result.settings.bin_ms / 1e3)
    rows = []
    for variant, group in marked.groupby("variant", sort=False):
        with_gc = group[group.gc_in_bin]
        without = group[~group.gc_in_bin]
        rows.append(
            {
                "variant": variant,
                "bins_with_gc": len(with_gc),
                "p99_us_with_gc": with_gc.p99_us.median() if len(with_gc) else float("nan"),
                "p99_us_without_gc": without.p99_us.median(),
                "max_us_with_gc": with_gc.max_us.median() if len(with_gc) else float("nan"),
                "max_us_without_gc": without.max_us.median(),
            }
        )
    order = [v.label for v in VARIANTS]
    return pd.DataFrame(rows).set_index("variant").reindex(order).reset_index()


def _latency_over_time_data(result: ReadStateRuns) -> pd.DataFrame:
    """The first run's p99 and max per bin, long, with Go's collections as spans: one data set
    for both layers, so that each facet shows its own variant's collections."""
    first = charts.with_language_names(result.bins[result.bins.repetition == 0])
    first = first.melt(
        id_vars=["variant", "Language", "t_s"],
        value_vars=["p99_us", "max_us"],
        var_name="statistic",
        value_name="latency_us",
    )
    first["statistic"] = first.statistic.map({"p99_us": "p99", "max_us": "max"})
    cycles = result.cycles[result.cycles.repetition == 0]
    spans = cycles[["variant", "start_s", "end_s"]]
    return pd.concat([first, spans], ignore_index=True)


def latency_over_time_chart(result: ReadStateRuns) -> alt.Chart:
    order = [v.label for v in VARIANTS]
    base = alt.Chart(_latency_over_time_data(result))
    shades = (
        base.transform_filter("isValid(datum.start_s)")
        .mark_rect(color="#f3e3a0", opacity=0.8)
        .encode(
            x="start_s:Q",
            x2="end_s:Q",
            tooltip=[
                alt.Tooltip("start_s:Q", title="collection starts (s)", format=".2f"),
                alt.Tooltip("end_s:Q", title="ends (s)", format=".2f"),
            ],
        )
    )
    lines = (
        base.transform_filter("isValid(datum.latency_us)")
        .mark_line(strokeWidth=1.5, point=alt.OverlayMarkDef(size=10))
        .encode(
            x=alt.X("t_s:Q", title="time (s); shaded: a Go collection is running"),
            y=alt.Y("latency_us:Q", scale=alt.Scale(type="log"), title="latency (µs, log)"),
            color=charts.language_color(),
            strokeDash=alt.StrokeDash(
                "statistic:N",
                sort=["max", "p99"],
                legend=alt.Legend(
                    orient="top", title=None, symbolType="stroke", symbolStrokeWidth=2
                ),
            ),
            tooltip=[
                "variant",
                "statistic",
                alt.Tooltip("t_s:Q", title="bin start (s)"),
                alt.Tooltip("latency_us:Q", title="µs", format=",.1f"),
            ],
        )
    )
    return (
        alt.layer(shades, lines)
        .properties(width=600, height=85)
        .facet(
            row=alt.Row(
                "variant:N",
                sort=order,
                title=None,
                header=charts.row_header(),
            )
        )
        .properties(
            title=alt.Title(
                f"Read-state latency over time, per {result.settings.bin_ms} ms bin",
                subtitle="first run of each variant; 20,000 requests per second; "
                "collections from GODEBUG=gctrace=1",
            ),
            description="p99 and max latency per time bin for five LRU caches, GC cycles shaded",
        )
    )


def memory_chart(result: ReadStateRuns) -> alt.Chart:
    first = charts.with_language_names(result.bins[result.bins.repetition == 0])
    first = first.assign(rss_mib=first.rss_bytes / 2**20)
    return (
        alt.Chart(first)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("t_s:Q", title="time (s)"),
            y=alt.Y("rss_mib:Q", title="resident memory (MiB)", scale=alt.Scale(zero=False)),
            color=charts.language_color(),
            strokeDash=alt.StrokeDash(
                "variant:N",
                sort=[v.label for v in VARIANTS],
                legend=alt.Legend(
                    orient="right",
                    title=None,
                    labelLimit=300,
                    symbolType="stroke",
                    symbolStrokeWidth=2,
                ),
            ),
            tooltip=[
                "variant",
                alt.Tooltip("t_s:Q", title="s"),
                alt.Tooltip("rss_mib:Q", title="MiB", format=",.0f"),
            ],
        )
        .properties(
            title=alt.Title("Memory of the same cache", subtitle="RSS sampled during the run"),
            description="Resident memory over time for five LRU caches",
        )
    )


def cpu_chart(result: ReadStateRuns) -> alt.Chart:
    runs = charts.with_language_names(result.runs)
    long = runs.melt(
        id_vars=["variant", "Language", "repetition"],
        value_vars=["serving_cpu_s", "gc_cpu_s"],
        var_name="part",
        value_name="cpu_s",
    )
    long["part"] = long.part.map(
        {"serving_cpu_s": "serving requests", "gc_cpu_s": "garbage collector"}
    )
    medians = long.groupby(["variant", "Language", "part"], sort=False).cpu_s.median().reset_index()
    return (
        alt.Chart(medians)
        .mark_bar()
        .encode(
            y=alt.Y(
                "variant:N",
                sort=[v.label for v in VARIANTS],
                title=None,
                axis=alt.Axis(labelLimit=300),
            ),
            x=alt.X("cpu_s:Q", title="CPU seconds during the run (median of runs)", stack=True),
            color=charts.language_color(),
            opacity=alt.Opacity(
                "part:N",
                scale=alt.Scale(
                    domain=["serving requests", "garbage collector"], range=[1.0, 0.45]
                ),
                legend=alt.Legend(orient="top", title=None),
            ),
            tooltip=["variant", "part", alt.Tooltip("cpu_s:Q", title="CPU s", format=".3f")],
        )
        .properties(
            title=alt.Title(
                "CPU spent serving and collecting",
                subtitle="serving: time inside cache operations; collector: Go's "
                "/cpu/classes/gc/total:cpu-seconds",
            ),
            description="CPU time per variant split into serving and garbage collection",
        )
    )


def claims(result: ReadStateRuns, table: pd.DataFrame, spikes: pd.DataFrame) -> list[Claim]:
    spikes = spikes.set_index("variant")
    # A quiet machine serves these requests in microseconds; when even the bins without a
    # collection have a p99 of a millisecond, other load hides what the collector does.
    noisy = spikes.p99_us_without_gc.median() > NOISY_P99_US
    return [
        *_spike_claims(result.settings, spikes, noisy),
        _flat_line_claim(result),
        _cpu_claim(table),
    ]


def _spike_claims(chosen: Settings, spikes: pd.DataFrame, noisy: bool) -> list[Claim]:
    pointer = spikes.loc["Go, pointer LRU"]
    indexed = spikes.loc["Go, pointer-free LRU"]
    tuned = spikes.loc["Go, pointer LRU, GOGC=off + GOMEMLIMIT"]
    how = (
        f"a collection forced every {chosen.force_every_s:g} s (standing in for the runtime's "
        f"every {FORCED_PERIOD_S} s)"
        if chosen.force_every_s
        else f"the runtime's own forced collection every {FORCED_PERIOD_S} s"
    )
    spiky = pointer.bins_with_gc > 0 and pointer.p99_us_with_gc > 10 * pointer.p99_us_without_gc
    calm = indexed.bins_with_gc == 0 or indexed.p99_us_with_gc < 3 * indexed.p99_us_without_gc
    return [
        Claim(
            "“Go's GC caused latency spikes every 2 minutes”",
            f"Go pointer LRU, {chosen.entries:,} entries, {how}: p99 "
            f"{pointer.p99_us_with_gc / 1e3:,.2f} ms in bins while a collection ran against "
            f"{pointer.p99_us_without_gc / 1e3:,.3f} ms in the others (medians over bins).",
            "Discord 2020: spikes every ~2 minutes from the forced collection scanning the cache",
            "holds: the collection, not the request load, makes the spike"
            if spiky
            else "inconclusive here: the machine was too busy to tell"
            if noisy
            else "does not hold here: no spike stands out in the bins with a collection",
        ),
        Claim(
            "What a Go engineer can do today",
            f"Pointer-free layout: p99 {indexed.p99_us_with_gc / 1e3:,.3f} ms in bins with a "
            f"collection vs {indexed.p99_us_without_gc / 1e3:,.3f} ms without; "
            f"GOGC=off + GOMEMLIMIT: {int(tuned.bins_with_gc)} bins with a collection "
            "(the forced one is skipped when GOGC is off).",
            "GC guide (Go 1.19+): GOMEMLIMIT; maps and slices without pointers are not scanned",
            "holds: both remove the spike"
            if calm and tuned.bins_with_gc == 0 and not noisy
            else "inconclusive here: the machine was too busy to tell"
            if noisy
            else "depends: see the spike table",
        ),
    ]


def _flat_line_claim(result: ReadStateRuns) -> Claim:
    rust_rows = [v.label for v in VARIANTS if v.language == "rust"]
    go_runs = result.runs[result.runs.variant == "Go, pointer LRU"]
    rust_tail = [
        stats.ratio_of_medians(go_runs.p999_us, result.runs[result.runs.variant == label].p999_us)
        for label in rust_rows
    ]
    return Claim(
        "Rust: “Latency became a flat line. No more spikes.”",
        "p99.9, Go pointer LRU ÷ Rust: "
        + ", ".join(
            f"{r.value:.1f}× ({label.split(', ')[1]})"
            for r, label in zip(rust_tail, rust_rows, strict=True)
        )
        + "; Rust has no collection to wait for, its outliers are the machine's.",
        "Discord 2020: Rust version with no spikes, cache raised to 8M entries",
        "holds"
        if all(r.above(1.1) for r in rust_tail)
        else "inconclusive here: Rust's tail is not clearly below Go's in every run",
    )


def _cpu_claim(table: pd.DataFrame) -> Claim:
    by_variant = table.set_index("variant")
    cpu = by_variant.serving_cpu_s + by_variant.gc_cpu_s
    return Claim(
        "“CPU usage dropped”",
        "CPU seconds (serving + collector, medians): "
        + ", ".join(f"{label}: {cpu[label]:.2f}" for label in table.variant),
        "Discord 2020: Rust used less CPU",
        "depends: on the layout — the collector's share is what the Go pointer LRU adds"
        if cpu["Go, pointer LRU"] > cpu["Go, pointer-free LRU"]
        else "inconclusive here",
    )
