"""Part 4's claim check: the article's claims about the CRUD API, held against what the
chapter measured. One helper per claim; ``claims`` lists them in the page's order."""

from __future__ import annotations

import re

import pandas as pd

from gorust import stats
from gorust.claims import Claim
from gorust.part4.source import code_markers
from gorust.part4.under_load import LOAD_VARIANTS, SCENARIOS

# Shared libraries that are part of the C runtime of any glibc-based Linux system.
C_RUNTIME = {
    "libc.so.6",
    "libm.so.6",
    "libgcc_s.so.1",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "none (statically linked)",
}
DEFAULT, TUNED = LOAD_VARIANTS[1].label, LOAD_VARIANTS[2].label


def _per_language(frame: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    return frame[frame.language == "go"][column], frame[frame.language == "rust"][column]


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _compare(ratio: stats.Ratio, rust_more: str, go_more: str) -> str:
    """Words for a Rust/Go ratio that commit only where its 95 % interval does."""
    if ratio.within(1 / 1.10, 1.10):
        return "within 10 % of each other"
    if ratio.above(1.0):
        return rust_more.format(ratio.value)
    if ratio.below(1.0):
        return go_more.format(1 / ratio.value)
    return f"undecided (Rust/Go {ratio.value:.2f}, interval {ratio.low:.2f}–{ratio.high:.2f})"


def _served(ratio: stats.Ratio) -> str:
    return _compare(ratio, "Rust served {:.2f}× Go's", "Go served {:.2f}× Rust's")


def _marker_count(markers: str, pattern: str) -> int:
    """A count from code_markers' text: the number at the end of the line ``pattern`` finds."""
    return int(re.search(pattern, markers, re.M).group(1))


def _hours_claim(contract_runs: pd.DataFrame, lines: pd.DataFrame, deps: pd.DataFrame) -> Claim:
    code = lines.groupby("language").code.sum()
    passed = (
        contract_runs[contract_runs.language != "both"]
        .groupby("language")
        .outcome.apply(lambda s: f"{int((s == 'passed').sum())}/{len(s)}")
    )
    direct = deps[deps.kind == "direct"].set_index("language")["count"]
    return Claim(
        "Go (Gin) “Time: 2 hours”; Rust (Axum) “Time: 6 hours” for a CRUD REST API with Postgres",
        f"Same contract passed by both (Go {passed.get('go')}, Rust {passed.get('rust')} "
        f"tests). Code: Go {code['go']} lines, Rust {code['rust']} (cloc). Direct "
        f"dependencies: Go {direct['go']}, Rust {direct['rust']}.",
        "No public measurement of developer hours for this task",
        "inconclusive here: a program cannot time a programmer; the proxies it can measure "
        f"— code size (Rust/Go {code['rust'] / code['go']:.2f}) and dependencies — do not "
        "show a threefold gap",
    )


def _annotations_claim() -> Claim:
    markers = code_markers()
    lifetimes = _marker_count(markers, r"named lifetimes.*?(\d+)$")
    statics = _marker_count(markers, r"'static lifetimes\s+(\d+)$")
    box_pin = _marker_count(markers, r"Box::pin\s+(\d+)$")
    bounds = _marker_count(markers, r"explicit trait bounds.*?(\d+)$")
    return Claim(
        "Go code: “Simple, procedural”; Rust: “Why does sqlx need this lifetime "
        "annotation?” … “I need to wrap this in Box::pin”",
        f"In the Rust service: {lifetimes} named lifetimes ({statics} `'static`), "
        f"{box_pin} Box::pin, {bounds} hand-written trait bounds; sqlx used without its "
        "compile-time-checked macros.",
        "axum 0.8 handlers are plain async functions; sqlx 0.8 queries take `&PgPool`",
        "does not hold here: with current Axum and sqlx a CRUD service needs none of "
        "these; the compiler's refusals while writing it are not counted by this page"
        if lifetimes == 0 and box_pin == 0 and bounds == 0
        else "depends: see the counts",
    )


def _rebuild_words(rebuild: pd.DataFrame) -> str:
    inc_go, inc_rust = _per_language(rebuild, "seconds")
    incremental = stats.ratio_of_medians(inc_rust, inc_go)
    if incremental.above(1.10):
        return f"a rebuild takes Rust {incremental.value:.1f}× as long as Go"
    if incremental.below(1 / 1.10):
        return f"a rebuild takes Go {1 / incremental.value:.1f}× as long as Rust"
    return "rebuild times are not told apart here"


def _compile_claim(rebuild: pd.DataFrame, cold: pd.DataFrame) -> Claim:
    cold_go, cold_rust = _per_language(cold, "seconds")
    inc_go, inc_rust = _per_language(rebuild, "seconds")
    loop = _rebuild_words(rebuild)
    rust_cold_min = cold_rust.median() / 60
    if rust_cold_min >= 10:
        verdict = f"holds: {rust_cold_min:.1f} min from cold; {loop}"
    else:
        verdict = (
            f"does not hold as stated: {rust_cold_min:.1f} min from cold on this machine "
            f"({cold_rust.median() / cold_go.median():.1f}× Go's), and {loop}"
        )
    return Claim(
        "Rust: “Compile (Wait 10 minutes)”",
        f"Cold release build: Go {_duration(cold_go.median())}, Rust "
        f"{_duration(cold_rust.median())} "
        f"— {cold.when.iloc[0] if 'when' in cold else ''}; rebuild after a one-line "
        f"change: Go {inc_go.median():.1f} s, Rust {inc_rust.median():.1f} s.",
        "Article: 10 minutes (no machine stated)",
        verdict,
    )


def _size_claim(sizes: pd.DataFrame) -> Claim:
    stripped = sizes[sizes.variant == "stripped"].set_index("language")["bytes"] / 2**20
    built = sizes[sizes.variant == "as built"].set_index("language")["bytes"] / 2**20
    return Claim(
        "Rust: “Binary is smaller” (matrix: Go ~10 MB, Rust ~2 MB)",
        f"As built: Go {built['go']:.1f} MiB, Rust {built['rust']:.1f} MiB; stripped: "
        f"Go {stripped['go']:.1f} MiB, Rust {stripped['rust']:.1f} MiB.",
        "Article's Summary Matrix: Go ~10 MB, Rust ~2 MB",
        f"holds: stripped, the Rust binary is {stripped['go'] / stripped['rust']:.1f}× smaller"
        if stripped["rust"] < stripped["go"] and built["rust"] < built["go"]
        else "does not hold here",
    )


def _single_binary_claim(deps: pd.DataFrame, sizes: pd.DataFrame) -> Claim:
    linked = deps[deps.kind == "in the binary"].set_index("language")["count"]
    libraries = sizes.drop_duplicates("language").set_index("language").shared_libraries
    return Claim(
        "Go: “Compile to single binary. Deploy.”",
        f"Both build one executable. Shared libraries it loads — Go: {libraries['go']}; "
        f"Rust: {libraries['rust']}. Third-party code linked in: Go {linked['go']} "
        f"modules, Rust {linked['rust']} crates.",
        "Go links statically unless cgo is in play (the net package's resolver uses it "
        "where a C compiler is present); Rust links the C library dynamically by default",
        "holds for both: one file each, needing only the C runtime that every Linux system has"
        if all(set(libraries[k].split(", ")) <= C_RUNTIME for k in ("go", "rust"))
        else "depends: see the shared libraries",
    )


def _throughput_ratios(runs: pd.DataFrame) -> dict[tuple[str, str], stats.Ratio]:
    """Rust/Go requests per second, by Rust variant and workload (where it ran)."""
    go_runs = runs[runs.variant == LOAD_VARIANTS[0].label]
    ratios: dict[tuple[str, str], stats.Ratio] = {}
    for variant in LOAD_VARIANTS[1:]:
        for scenario in SCENARIOS:
            rust_runs = runs[(runs.variant == variant.label) & (runs.scenario == scenario)]
            if rust_runs.empty:
                continue
            ratios[variant.label, scenario] = stats.ratio_of_medians(
                rust_runs.requests_per_s, go_runs[go_runs.scenario == scenario].requests_per_s
            )
    return ratios


def _read_cpu_ratios(runs: pd.DataFrame) -> dict[str, stats.Ratio]:
    """Rust/Go service CPU per read request, for sqlx's defaults and without the ping."""
    go_read = runs[(runs.variant == LOAD_VARIANTS[0].label) & (runs.scenario == "read")]
    return {
        label: stats.ratio_of_medians(
            runs[(runs.variant == label) & (runs.scenario == "read")].cpu_us_per_request,
            go_read.cpu_us_per_request,
        )
        for label in (DEFAULT, TUNED)
    }


def _throughput_verdict(ratios: dict[tuple[str, str], stats.Ratio]) -> str:
    # The fairest comparison for the claim: each workload's fastest Rust variant measured.
    best = [
        max(
            (ratios[label, scenario] for label in (DEFAULT, TUNED) if (label, scenario) in ratios),
            key=lambda r: r.value,
        )
        for scenario in SCENARIOS
    ]
    if all(r.above(1.10) for r in best):
        return "holds here: Rust served more requests/s in both workloads"
    if all(r.high < 1.10 for r in best):
        return "does not hold here: Rust was not over 10 % faster in either workload"
    return "inconclusive here: the runs spread wider than the difference"


def _speed_claim(runs: pd.DataFrame) -> Claim:
    ratios, cpu = _throughput_ratios(runs), _read_cpu_ratios(runs)
    used = ("Rust used {:.2f}× Go's", "Go used {:.2f}× Rust's")
    return Claim(
        "Speed (runtime): Go “Fast (GC overhead)”, Rust “Fastest (native)”",
        "Requests/s with the service and PostgreSQL on one core. sqlx's defaults — "
        f"read: {_served(ratios[DEFAULT, 'read'])}; mixed: "
        f"{_served(ratios[DEFAULT, 'mixed'])}. Without sqlx's ping on acquire — "
        + "; ".join(
            f"{scenario}: {_served(ratios[TUNED, scenario])}"
            for scenario in SCENARIOS
            if (TUNED, scenario) in ratios
        )
        + ". "
        "Service CPU per read: "
        + _compare(cpu[DEFAULT], *used)
        + " (defaults), "
        + _compare(cpu[TUNED], *used)
        + " (no ping).",
        "TechEmpower Round 23 (2025), 56 cores, no database: gin JSON ~498k rps, Go "
        "net/http ~388k rps",
        f"{_throughput_verdict(ratios)}; with a database round trip in every request, the "
        "driver and its pool settings weigh more than the language",
    )


def claims(
    contract_runs: pd.DataFrame,
    lines: pd.DataFrame,
    deps: pd.DataFrame,
    rebuild: pd.DataFrame,
    cold: pd.DataFrame,
    sizes: pd.DataFrame,
    runs: pd.DataFrame,
) -> list[Claim]:
    return [
        _hours_claim(contract_runs, lines, deps),
        _annotations_claim(),
        _compile_claim(rebuild, cold),
        _size_claim(sizes),
        _single_binary_claim(deps, sizes),
        _speed_claim(runs),
    ]
