"""Experiment 6's claim check and the prose's numbers: the Verdict's advice for gRPC services
judged on the two echo servers (gorust.part7.grpc), at the rates both sustained in every run."""

from __future__ import annotations

import pandas as pd

from gorust import claims, stats
from gorust.fixed_rate import (
    both_sustained,
    highest_sustained,
    rates_text,
    sustained_everywhere,
    worst_ms,
)
from gorust.part7.common import CHAPTER
from gorust.part7.grpc import grpc_binaries

CLEARLY = 1.1  # a ratio of medians whose whole interval is past this is a difference
NAMES = {"go": "grpc-go", "rust": "tonic"}
CALLS = "calls/s"


def _ratio(runs: pd.DataFrame, column: str) -> stats.Ratio:
    """Go's runs ÷ Rust's, medians of ``column`` (above 1: Rust's is lower)."""
    return stats.ratio_of_medians(
        runs[runs.language == "go"][column], runs[runs.language == "rust"][column]
    )


def only_rust_sustained(runs: pd.DataFrame) -> list[int]:
    """Rates every tonic run sustained and some grpc-go run did not."""
    pairs = sustained_everywhere(runs)
    by_language = {language: set(pairs[pairs.language == language].rate) for language in NAMES}
    return sorted(int(rate) for rate in by_language["rust"] - by_language["go"])


@claims.rule(
    CHAPTER,
    claim="The Verdict: “Choose Go if… You are building networked services (Microservices, "
    "gRPC)” — a gRPC service",
    anchor="Go: grpc-go; Rust: tonic; one echo.proto, one grpc-go load client, fixed call rates",
    tables=("grpc_echo",),
)
def grpc_services(t: claims.Tables) -> claims.Finding:
    """Judged at the rates both servers sustained in every run: holds when grpc-go kept up at
    every rate tonic did and neither its CPU per call nor its p99 is clearly higher (an
    interval of Go ÷ Rust entirely above CLEARLY); depends when it kept up but one of them is
    clearly higher; does not hold when tonic sustained a rate grpc-go did not; inconclusive
    here when no rate was sustained by both."""
    runs = t["grpc_echo"]
    rates, missed = both_sustained(runs), only_rust_sustained(runs)
    if missed and not rates:
        return claims.Finding(
            f"tonic sustained {rates_text(missed, CALLS)} in every run; grpc-go none of them.",
            f"does not hold: only tonic kept up at {rates_text(missed, CALLS)}",
        )
    if not rates:
        return claims.Finding("No rate was sustained by both servers.", "inconclusive here")
    at = runs[runs.rate.isin(rates)]
    cpu, p99 = _ratio(at, "cpu_us_per_request"), _ratio(at, "p99_us")
    medians = at.groupby("language")[["cpu_us_per_request", "p99_us"]].median()
    measured = (
        f"At {rates_text(rates, CALLS)}: server CPU per call grpc-go "
        f"{medians.cpu_us_per_request['go']:.0f} µs, tonic "
        f"{medians.cpu_us_per_request['rust']:.0f} µs (Go ÷ Rust {cpu.value:.2f}×); p99 grpc-go "
        f"{medians.p99_us['go'] / 1e3:.1f} ms, tonic {medians.p99_us['rust'] / 1e3:.1f} ms."
    )
    costlier = [
        f"{name} {ratio.value:.1f}× tonic's"
        for name, ratio in (("its CPU per call was", cpu), ("its p99 was", p99))
        if ratio.above(CLEARLY)
    ]
    if missed:
        verdict = f"does not hold: only tonic kept up at {rates_text(missed, CALLS)}"
    elif costlier:
        verdict = f"depends: grpc-go kept up at every rate tonic did, but {' and '.join(costlier)}"
    else:
        verdict = (
            "holds: grpc-go kept up at every rate tonic did, its CPU per call and p99 no worse"
        )
    return claims.Finding(measured, verdict)


@claims.facts(CHAPTER, tables=("grpc_echo",))
def grpc_facts(t: claims.Tables) -> dict[str, str]:
    runs = t["grpc_echo"]
    rates = both_sustained(runs)
    at = runs[runs.rate.isin(rates)]
    medians = at.groupby("language")[["cpu_us_per_request", "server_peak_rss_bytes"]].median()

    def per_server(column: str, unit: str, scale: float = 1.0, digits: int = 0) -> str:
        if not rates:
            return "not measured at a rate both sustained"
        values = medians[column] / scale
        return ", ".join(
            f"{NAMES[language]} {values[language]:,.{digits}f} {unit}" for language in NAMES
        )

    sizes = grpc_binaries(runs).set_index("language")
    highest = {language: highest_sustained(runs, language) for language in NAMES}
    return {
        "part7.grpc_rates": rates_text(rates, CALLS) if rates else "no rate",
        "part7.grpc_cpu": per_server("cpu_us_per_request", "µs"),
        "part7.grpc_rss": per_server("server_peak_rss_bytes", "MiB", 2**20, 1),
        "part7.grpc_binary": ", ".join(
            f"{NAMES[language]} {sizes.stripped_mib[language]:.1f} MiB" for language in NAMES
        ),
        "part7.grpc_slowest": (
            f"grpc-go {worst_ms(at, 'go'):.1f} ms and tonic {worst_ms(at, 'rust'):.1f} ms"
            if rates
            else "not measured"
        ),
        "part7.grpc_highest": ", ".join(
            f"{NAMES[language]} " + (f"{rate:,} calls/s" if rate else "none of the rates")
            for language, rate in highest.items()
        ),
    }
