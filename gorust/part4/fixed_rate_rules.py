"""Experiment 8's claim check and the prose's numbers: the Verdict's “guaranteed <10ms
latency” judged on the CRUD services at fixed request rates (gorust.part4.fixed_rate_load),
at the rates both sustained in every run."""

from __future__ import annotations

from gorust import claims
from gorust.fixed_rate import (
    both_sustained,
    highest_sustained,
    rates_text,
    under_bound,
    worst_ms,
)
from gorust.part4.common import CHAPTER

NAMES = {"go": "Gin + pgx", "rust": "Axum + sqlx"}


@claims.rule(
    CHAPTER,
    claim="The Verdict: “Choose Rust if… You need guaranteed <10ms latency” — the CRUD API at "
    "fixed rates",
    anchor="GET /users/{id} at fixed request rates; latency from each request's due time "
    "(wrk2's correction for coordinated omission)",
    tables=("crud_fixed_rate",),
)
def crud_under_10ms(t: claims.Tables) -> claims.Finding:
    """Judged by fixed_rate.under_bound: the slowest single request over every run at the
    rates both services sustained, against GUARANTEED_MS."""
    return under_bound(t["crud_fixed_rate"], NAMES)


@claims.facts(CHAPTER, tables=("crud_fixed_rate",))
def crud_fixed_rate_facts(t: claims.Tables) -> dict[str, str]:
    runs = t["crud_fixed_rate"]
    rates = both_sustained(runs)
    at = runs[runs.rate.isin(rates)]
    p99 = at.groupby("language").p99_us.median() / 1e3
    highest = {language: highest_sustained(runs, language) for language in NAMES}
    return {
        "part4.fixed_rates": rates_text(rates) if rates else "no rate",
        "part4.fixed_p99": ", ".join(f"{NAMES[lang]} {p99[lang]:.1f} ms" for lang in NAMES)
        if rates
        else "not measured at a rate both sustained",
        "part4.fixed_slowest": ", ".join(
            f"{NAMES[lang]} {worst_ms(at, lang):.1f} ms" for lang in NAMES
        )
        if rates
        else "not measured",
        "part4.fixed_highest": ", ".join(
            f"{NAMES[lang]} " + (f"{rate:,} requests/s" if rate else "none of the rates")
            for lang, rate in highest.items()
        ),
    }
