"""Experiment 5's claim check and the prose's numbers: the Verdict's advice judged on the
reverse proxies (gorust.part7.proxy), only at the rates both proxies sustained in every run."""

from __future__ import annotations

import pandas as pd

from gorust import claims, stats
from gorust.fixed_rate import both_sustained, highest_sustained, under_bound, worst_ms
from gorust.fixed_rate import rates_text as _rates_text
from gorust.part7.common import CHAPTER

CLEARLY = 1.1  # a ratio of medians whose whole interval is past this is a difference


def _at_sustained(runs: pd.DataFrame) -> tuple[list[int], pd.DataFrame]:
    rates = both_sustained(runs)
    return rates, runs[runs.rate.isin(rates)]


def _ratio(runs: pd.DataFrame, column: str) -> stats.Ratio:
    """Go's runs ÷ Rust's, medians of ``column`` (above 1: Rust's is lower)."""
    return stats.ratio_of_medians(
        runs[runs.language == "go"][column], runs[runs.language == "rust"][column]
    )


@claims.rule(
    CHAPTER,
    claim="The Verdict: “Choose Rust if… You are building infrastructure (… Proxy …)” — a "
    "reverse proxy",
    anchor="Go: net/http/httputil.ReverseProxy; Rust: hyper 1 with hyper-util's pooled client; "
    "one backend, fixed request rates",
    tables=("reverse_proxy",),
)
def proxy_infrastructure(t: claims.Tables) -> claims.Finding:
    """Judged at the rates both proxies sustained: holds when Rust's proxy spends clearly less
    CPU per request (the interval of Go ÷ Rust entirely above CLEARLY) and its p99 is not
    clearly higher; depends when it spends less but its p99 is higher; does not hold when Go's
    spends clearly less; inconclusive here when the CPU difference is within noise."""
    runs = t["reverse_proxy"]
    rates, at = _at_sustained(runs)
    if not rates:
        return claims.Finding("No rate was sustained by both proxies.", "inconclusive here")
    cpu, p99 = _ratio(at, "cpu_us_per_request"), _ratio(at, "p99_us")
    medians = at.groupby("language")[["cpu_us_per_request", "p99_us"]].median()
    measured = (
        f"At {_rates_text(rates)}: proxy CPU per request Go "
        f"{medians.cpu_us_per_request['go']:.0f} µs, Rust {medians.cpu_us_per_request['rust']:.0f}"
        f" µs (Go ÷ Rust {cpu.value:.2f}×); p99 Go {medians.p99_us['go'] / 1e3:.1f} ms, Rust "
        f"{medians.p99_us['rust'] / 1e3:.1f} ms. Highest rate sustained: Go "
        f"{highest_sustained(runs, 'go') or 0:,}, Rust {highest_sustained(runs, 'rust') or 0:,}."
    )
    if cpu.above(CLEARLY) and not p99.below(1 / CLEARLY):
        verdict = f"holds: Rust's proxy spent {cpu.value:.1f}× less CPU per request, p99 no worse"
    elif cpu.above(CLEARLY):
        verdict = (
            f"depends: Rust's proxy spent {cpu.value:.1f}× less CPU per request, but its p99 "
            f"was {1 / p99.value:.1f}× Go's"
        )
    elif cpu.below(1 / CLEARLY):
        verdict = f"does not hold: Go's proxy spent {1 / cpu.value:.1f}× less CPU per request"
    else:
        verdict = "inconclusive here: CPU per request differs by no more than the runs' spread"
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="The Verdict: “Choose Rust if… You need guaranteed <10ms latency” — through a "
    "reverse proxy",
    anchor="latency from each request's due time (wrk2's correction for coordinated omission)",
    tables=("reverse_proxy",),
)
def proxy_under_10ms(t: claims.Tables) -> claims.Finding:
    """Judged by fixed_rate.under_bound: the slowest single request over every run at the rates
    both proxies sustained, against GUARANTEED_MS."""
    return under_bound(t["reverse_proxy"], {"go": "Go's proxy", "rust": "Rust's proxy"})


@claims.facts(CHAPTER, tables=("reverse_proxy",))
def proxy_facts(t: claims.Tables) -> dict[str, str]:
    runs = t["reverse_proxy"]
    rates, at = _at_sustained(runs)
    medians = at.groupby("language")[["cpu_us_per_request", "proxy_peak_rss_bytes"]].median()

    def per_language(column: str, unit: str, scale: float = 1.0, digits: int = 0) -> str:
        if not rates:
            return "not measured at a rate both sustained"
        values = medians[column] / scale
        return f"Go {values['go']:,.{digits}f} {unit}, Rust {values['rust']:,.{digits}f} {unit}"

    highest = {language: highest_sustained(runs, language) for language in ("go", "rust")}
    return {
        "part7.proxy_rates": _rates_text(rates) if rates else "no rate",
        "part7.proxy_cpu": per_language("cpu_us_per_request", "µs"),
        "part7.proxy_rss": per_language("proxy_peak_rss_bytes", "MiB", 2**20, 1),
        "part7.proxy_slowest": (
            f"Go {worst_ms(at, 'go'):.1f} ms and Rust {worst_ms(at, 'rust'):.1f} ms"
            if rates
            else "not measured"
        ),
        "part7.proxy_highest": ", ".join(
            f"{name} {rate:,} requests/s" if rate else f"{name} none of the rates"
            for name, rate in (("Go", highest["go"]), ("Rust", highest["rust"]))
        ),
    }
