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

from gorust import charts, provenance
from gorust.experiments import experiment
from gorust.part2 import beside
from gorust.part7.common import CHAPTER
from gorust.profile import Profile, current_profile
from gorust.runs import kernels

PROGRAM, BACKEND, CLIENT = "reverse_proxy", "tools/http_backend", "tools/http_rate"
PROXY_CPUS, LOAD_CPUS = "0", "1"
CONNECTIONS = 64  # keep-alive connections from the client: requests in flight at most
SUSTAINED = 0.95  # a rate is sustained when this share of it was served, every request sent
RUN_TIMEOUT_S = 120
GUARANTEED_MS = 10.0  # the Verdict's “guaranteed <10ms latency”


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
    go, _ = kernels()
    with kernel.serve(PROGRAM, ["--backend", backend_url], cpus=PROXY_CPUS) as proxy:
        client = go.run(
            CLIENT,
            ["--url", f"http://127.0.0.1:{proxy.port}/", "--rate", rate,
             "--duration-ms", int(seconds * 1000), "--connections", CONNECTIONS],
            cpus=LOAD_CPUS,
            timeout_s=RUN_TIMEOUT_S,
        )  # fmt: skip
    stopped = proxy.stop()
    summary = client.records[-1]
    cpu_s = stopped.finished.user_s + stopped.finished.system_s
    return {
        **summary,
        "language": kernel.language,
        "toolchain": stopped.build.toolchain,
        "proxy_cpu_s": cpu_s,
        "proxy_peak_rss_bytes": stopped.finished.peak_rss_bytes,
        "cpu_us_per_request": cpu_s / summary["completed"] * 1e6
        if summary["completed"]
        else float("nan"),
    }


def sustained(runs: pd.DataFrame) -> pd.Series:
    """Runs that served the rate: nothing unsent, no errors, and at least SUSTAINED of it."""
    return (runs.unsent == 0) & (runs.errors == 0) & (runs.achieved_rps >= SUSTAINED * runs.rate)


def proxy_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per proxy and rate, medians over runs: requests served per second, latency percentiles
    (ms, from the due time), the proxy's CPU per request and peak RSS, and how many runs
    sustained the rate."""
    runs = runs.assign(sustained=sustained(runs))
    table = (
        runs.groupby(["language", "rate"], sort=False)
        .agg(
            served_per_s=("achieved_rps", "median"),
            p50_ms=("p50_us", lambda s: s.median() / 1e3),
            p99_ms=("p99_us", lambda s: s.median() / 1e3),
            p9999_ms=("p9999_us", lambda s: s.median() / 1e3),
            max_ms=("max_us", lambda s: s.median() / 1e3),
            cpu_us_per_request=("cpu_us_per_request", "median"),
            proxy_peak_rss_mib=("proxy_peak_rss_bytes", lambda s: s.median() / 2**20),
            sustained_runs=("sustained", "sum"),
            runs=("sustained", "size"),
        )
        .reset_index()
    )
    return table.sort_values(["rate", "language"]).reset_index(drop=True)


def both_sustained(runs: pd.DataFrame) -> list[int]:
    """The rates at which every run of both proxies sustained the rate."""
    table = proxy_table(runs)
    every = table.sustained_runs == table.runs
    rates = table[every].groupby("rate").language.nunique()
    return sorted(int(rate) for rate, languages in rates.items() if languages == 2)


def proxy_chart(runs: pd.DataFrame, reference: pd.DataFrame | None = None) -> alt.HConcatChart:
    """Per rate: p99.99 and the slowest request (log, against the 10 ms line), and CPU per
    request, one dot per run and a tick at the median; live, the reference's runs faded in a
    row under this machine's."""
    stacked = beside.stacked(runs, reference)
    frame = charts.with_language_names(
        stacked.assign(p9999_ms=stacked.p9999_us / 1e3, max_ms=stacked.max_us / 1e3)
    )
    frame["name"] = frame.Language + ", " + frame.rate.map("{:,} req/s".format)
    names = [
        f"{charts.LANGUAGE_NAMES[language]}, {rate:,} req/s"
        for rate in sorted(frame.rate.unique())
        for language in ("go", "rust")
    ]
    both = beside.both_runs(frame)
    frame["series"] = charts.run_series(frame, "name") if both else frame.name
    order = charts.run_series_order(names) if both else names

    def panel(field: str, title: str, log: bool) -> alt.LayerChart:
        base = alt.Chart(frame).encode(
            y=alt.Y("series:N", sort=order, title=None),
            color=charts.language_color(),
            **beside.run_encodings(frame),
        )
        tooltip = ["series", "repetition", alt.Tooltip(f"{field}:Q", format=",.2f"),
                   *beside.run_tooltip(frame)]  # fmt: skip
        layer = charts.dots_and_median(base, field, title, tooltip, log=log)
        if log:  # the advice's bound, as a dashed line
            bound = pd.DataFrame({field: [GUARANTEED_MS]})
            layer += alt.Chart(bound).mark_rule(strokeDash=[4, 3]).encode(x=f"{field}:Q")
        return layer.properties(width=170, height=alt.Step(22))

    return alt.hconcat(
        panel("p9999_ms", "p99.99 (ms, log)", True),
        panel("max_ms", "slowest request (ms, log)", True),
        panel("cpu_us_per_request", "proxy CPU per request (µs)", False),
    ).properties(
        title=alt.Title(
            "A reverse proxy at fixed request rates",
            subtitle=f"latency from each request's due time; dashed: {GUARANTEED_MS:g} ms; dots: "
            "runs, ticks: medians",
        ),
        description="p99.99, slowest request and CPU per request of the Go and Rust proxies",
    )
