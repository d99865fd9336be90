"""Experiment 5 — the Verdict's “infrastructure (… Proxy …)” and “guaranteed <10ms latency”,
measured on one piece of infrastructure: a reverse proxy in front of one backend, Go's
standard library (``httputil.ReverseProxy``) against hyper with hyper-util's pooled client.

The proxy runs alone on core 0; the one backend (Go's net/http, the same for both) and the one
load client share core 1. The client sends GETs at a fixed rate from a fixed pool of keep-alive
connections and times each from when it was due (wrk2's correction for coordinated omission),
so a proxy that stalls is charged for every request the stall delays. The proxy's CPU time is
read from the kernel when it stops: CPU per request is what the proxy itself spent.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from gorust import fixed_rate, provenance
from gorust.experiments import experiment
from gorust.fixed_rate import GUARANTEED_MS, LOAD_CPUS, both_sustained, sustained
from gorust.part7.common import CHAPTER
from gorust.profile import Profile, current_profile
from gorust.runs import kernels

PROGRAM, BACKEND, CLIENT = "reverse_proxy", "tools/http_backend", "tools/http_rate"
CONNECTIONS = 64  # keep-alive connections from the client: requests in flight at most

__all__ = ["GUARANTEED_MS", "both_sustained", "sustained"]


def proxy_rates(profile: Profile) -> list[int]:
    """Requests per second: the quick profile one rate both proxies sustain here; the full one
    a sweep up to where this machine's load client and backend, on one core, saturate."""
    return profile.pick(quick=[2_000], full=[1_000, 2_000, 4_000, 6_000, 8_000])


def run_seconds(profile: Profile) -> float:
    return profile.pick(quick=2.0, full=3.0)


@experiment(CHAPTER, programs=(PROGRAM, BACKEND, CLIENT))
def reverse_proxy(profile: Profile | None = None) -> pd.DataFrame:
    """One row per run: the client's latency percentiles from the due time, what it sent and
    served, and the proxy's CPU time and peak RSS, per proxy, rate and repetition."""
    profile = profile or current_profile()
    go, rust = kernels()
    for kernel, program in ((go, BACKEND), (go, CLIENT), (go, PROGRAM), (rust, PROGRAM)):
        kernel.build(program)
    rows = []
    with go.serve(BACKEND, cpus=LOAD_CPUS) as backend:
        url = f"http://127.0.0.1:{backend.port}"
        for repetition in range(profile.repetitions):
            order = (go, rust) if repetition % 2 == 0 else (rust, go)
            for rate in proxy_rates(profile):
                for kernel in order:
                    row = run_once(kernel, url, rate, run_seconds(profile))
                    rows.append({**row, "repetition": repetition})
    return pd.DataFrame(rows).assign(**provenance.host())


def run_once(kernel, backend_url: str, rate: int, seconds: float) -> dict:
    """One proxy, started fresh in front of ``backend_url``, driven at ``rate`` for
    ``seconds``: the client's summary with the proxy's CPU time and memory."""

    def client_arguments(port: int) -> list[object]:
        return ["--url", f"http://127.0.0.1:{port}/", "--rate", rate,
                "--duration-ms", int(seconds * 1000), "--connections", CONNECTIONS]  # fmt: skip

    return fixed_rate.drive(
        kernel, (PROGRAM, ["--backend", backend_url]), (CLIENT, client_arguments), "proxy_"
    )


def proxy_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per proxy and rate, medians over runs: requests served per second, latency percentiles
    (ms, from the due time), the proxy's CPU per request and peak RSS, and how many runs
    sustained the rate."""
    return fixed_rate.rate_table(runs, "proxy_")


def proxy_chart(runs: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.HConcatChart:
    """Per rate: p99.99 and the slowest request (log, against the 10 ms line), and CPU per
    request, one dot per run and a tick at the median; live, the reference's runs faded in a
    row under this machine's."""
    return fixed_rate.rate_chart(
        runs,
        reference,
        panels=(
            ("p9999_ms", "p99.99 (ms, log)", True),
            ("max_ms", "slowest request (ms, log)", True),
            ("cpu_us_per_request", "proxy CPU per request (µs)", False),
        ),
        title=alt.Title(
            "A reverse proxy at fixed request rates",
            subtitle=f"latency from each request's due time; dashed: {GUARANTEED_MS:g} ms; dots: "
            "runs, ticks: medians",
        ),
        description="p99.99, slowest request and CPU per request of the Go and Rust proxies",
    )
