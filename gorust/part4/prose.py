"""The numbers and comparison words Part 4's prose shows, computed from its saved tables and
glued into the page by ``claims.check("part4")`` (MyST ``{glue:text}``)."""

from __future__ import annotations

import pandas as pd

from gorust import claims, stats
from gorust.part4.claim_check import (
    DEFAULT,
    DEMANDED,
    GO_LABEL,
    TUNED,
    duration,
    libraries_of,
    lines_changed,
    marker_counts_of,
    met_by,
    per_language,
    service_core_share,
    sizes_mib,
)
from gorust.part4.common import CHAPTER
from gorust.part4.under_load import LoadRuns

MIB = 2**20


def _times(value: float) -> str:
    return f"{value:.1f}×"


@claims.facts(CHAPTER, tables=("marker_counts",))
def demanded_constructs(t: claims.Tables) -> dict[str, str]:
    n = marker_counts_of(t["marker_counts"])
    # The three the article names; the 'static lifetimes are counted but not demanded.
    found = sum(1 for name in DEMANDED if name != "statics" and n[name])
    return {
        "part4.demanded_in_rust": "None of the three appears"
        if found == 0
        else f"{found} of the three appear"
    }


@claims.facts(CHAPTER, tables=("dependencies", "binary_size"))
def binary_words(t: claims.Tables) -> dict[str, str]:
    deps = t["dependencies"]
    linked = deps[deps.kind == "in the binary"].set_index("language")["count"]
    more = "Rust" if linked["rust"] > linked["go"] else "Go"
    stripped = sizes_mib(t["binary_size"], "stripped")
    smaller = "Rust" if stripped["rust"] < stripped["go"] else "Go"
    larger = "Go" if smaller == "Rust" else "Rust"
    libraries = libraries_of(t["binary_size"])
    return {
        "part4.more_dependencies": f"{more} pulls in more ({linked['rust']} crates linked into "
        f"the Rust binary, {linked['go']} modules into the Go one)",
        "part4.smaller_binary": f"the {smaller} binary is the smaller one: "
        f"{stripped[smaller.lower()]:.1f} MiB stripped against {larger}'s "
        f"{stripped[larger.lower()]:.1f} MiB",
        "part4.libraries": f"Go: {libraries['go']}; Rust: {libraries['rust']}",
    }


@claims.facts(CHAPTER, tables=("rebuild", "cold_build"))
def build_words(t: claims.Tables) -> dict[str, str]:
    cold_go, cold_rust = per_language(t["cold_build"], "seconds")
    inc_go, inc_rust = per_language(t["rebuild"], "seconds")
    ratio = stats.ratio_of_medians(inc_rust, inc_go)
    every = (
        "every Rust rebuild took longer than every Go one"
        if inc_rust.min() > inc_go.max()
        else "not every Rust rebuild took longer than every Go one"
    )
    return {
        "part4.cold_rust": duration(cold_rust.median()),
        "part4.cold_go": duration(cold_go.median()),
        "part4.cold_n": f"n = {len(cold_rust)} per language",
        "part4.rebuild_ratio": _times(ratio.value),
        "part4.rebuild_every": f"{every} (the ratio's {ratio.interval}: "
        f"{ratio.low:.1f}–{ratio.high:.1f}×)",
    }


@claims.facts(CHAPTER, tables=("startup",))
def startup_words(t: claims.Tables) -> dict[str, str]:
    ready = t["startup"].groupby("language").ready_s.median()
    idle = t["startup"].groupby("language").idle_rss_bytes.median()
    return {
        "part4.ready": f"Go in {ready['go'] * 1e3:.0f} ms and Rust in "
        f"{ready['rust'] * 1e3:.0f} ms (medians)",
        "part4.idle_rust": f"{idle['rust'] / MIB:.1f} MiB",
        "part4.idle_go_vs_rust": f"{idle['go'] / idle['rust']:.1f}× as much "
        f"({idle['go'] / MIB:.1f} MiB)",
    }


def _count_range(counts: pd.Series) -> str:
    low, high = int(counts.min()), int(counts.max())
    return str(low) if low == high else f"{low}–{high}"


def throughput_spread(runs: pd.DataFrame) -> pd.Series:
    """Per service and workload: (max − min) / median of requests/s over its repetitions."""
    grouped = runs.groupby(["variant", "scenario"]).requests_per_s
    return (grouped.max() - grouped.min()) / grouped.median()


@claims.facts(CHAPTER, tables=("load", "load_tuned"))
def load_words(t: claims.Tables) -> dict[str, str]:
    runs = LoadRuns.from_tables(t).frame
    cpu = runs.groupby(["variant", "scenario"]).cpu_us_per_request.median()
    peak = runs.groupby("language").peak_rss_bytes.max() / MIB
    spread = throughput_spread(runs)
    repetitions = runs.groupby(["variant", "scenario"]).size()
    return {
        "part4.cpu_per_request": f"{cpu.min():.0f}–{cpu.max():.0f} µs (medians by service "
        "and workload)",
        "part4.peak_rss": f"at most {peak['rust']:.1f} MiB for the Rust service and "
        f"{peak['go']:.1f} MiB for the Go one",
        "part4.throughput_spread": f"{spread.min():.1%}–{spread.max():.1%} (max − min over "
        f"the median, {_count_range(repetitions)} runs each)",
    }


def _read_median(runs: pd.DataFrame, variant: str) -> float:
    return runs[(runs.variant == variant) & (runs.scenario == "read")].requests_per_s.median()


def driver_vs_language(runs: pd.DataFrame) -> str:
    """How much sqlx's ping moves Rust's read throughput, against how far Go is from Rust
    without it (medians): which weighs more here, the driver's default or the language."""
    driver = _read_median(runs, TUNED) / _read_median(runs, DEFAULT)
    language = _read_median(runs, GO_LABEL) / _read_median(runs, TUNED)
    gap = max(language, 1 / language)
    weigh = (
        "more than"
        if driver > gap * 1.1
        else "less than"
        if driver * 1.1 < gap
        else "about as much as"
    )
    faster = "Go" if language > 1 else "Rust"
    return (
        f"without the ping Rust served {driver:.2f}× its reads with it, and {faster} served "
        f"{gap:.2f}× the other's reads without it, so here the driver's default weighs {weigh} "
        "the language"
    )


@claims.facts(CHAPTER, tables=("load", "load_tuned"))
def load_comparisons(t: claims.Tables) -> dict[str, str]:
    runs = LoadRuns.from_tables(t).frame
    share = service_core_share(runs)
    return {
        "part4.core_share": f"{share.min():.0%}–{share.max():.0%}",
        "part4.driver_vs_language": driver_vs_language(runs),
    }


def _cases_failed(probes: pd.DataFrame, failing: set[str]) -> str:
    """The cases whose default answer broke the contract in exactly the ``failing``
    languages, in the probes' order, or "none"."""
    default = probes[probes.build == "default"]
    broke = default[~default.meets_contract.astype(bool)].groupby("case", sort=False).language
    names = [case for case, langs in broke if set(langs) == failing]
    return "; ".join(names) if names else "none"


@claims.facts(CHAPTER, tables=("defaults", "hardening_lines"))
def defaults_words(t: claims.Tables) -> dict[str, str]:
    probes = t["defaults"]
    (go, cases), (rust, _) = (met_by(probes, k, "default") for k in ("go", "rust"))
    hardened = [met_by(probes, k, "hardened")[0] for k in ("go", "rust")]
    lines = lines_changed(t["hardening_lines"])
    ratio = lines["rust"] / lines["go"] if lines["go"] else float("inf")
    more = (
        f"Rust took {ratio:.1f}× Go's"
        if ratio > 1.1
        else f"Go took {1 / ratio:.1f}× Rust's"
        if ratio < 1 / 1.1
        else "the two took about as many"
    )
    return {
        "part4.defaults_cases": f"{cases} cases",
        "part4.defaults_go": f"{go} of {cases}",
        "part4.defaults_rust": f"{rust} of {cases}",
        "part4.defaults_hardened": "both hardened services met all of them"
        if min(hardened) == cases
        else f"hardened, Go met {hardened[0]} and Rust {hardened[1]}",
        "part4.defaults_go_only": _cases_failed(probes, {"go"}),
        "part4.defaults_rust_only": _cases_failed(probes, {"rust"}),
        "part4.defaults_both": _cases_failed(probes, {"go", "rust"}),
        "part4.hardening_lines": f"{lines['go']} lines of Go and {lines['rust']} of Rust",
        "part4.hardening_more": more,
    }
