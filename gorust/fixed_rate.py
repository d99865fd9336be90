"""What the fixed-rate experiments share (Part 4's CRUD API, Part 7's reverse proxy and gRPC
echo): a server driven at a fixed rate by one Go client on the other core, each request timed
from when it was due (code/go/internal/fixedrate); the server's own CPU time and peak RSS;
which rates a server sustained; the chart; and the verdict on “guaranteed <10ms latency”."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import altair as alt
import pandas as pd

from gorust import beside, charts, claims
from gorust.runs import kernels

SERVER_CPUS, LOAD_CPUS = "0", "1"
SUSTAINED = 0.95  # a rate is sustained when this share of it was served, every request sent
RUN_TIMEOUT_S = 120
GUARANTEED_MS = 10.0  # the Verdict's “guaranteed <10ms latency”


def drive(
    kernel,
    server: tuple[str, Sequence[object]],
    client: tuple[str, Callable[[int], Sequence[object]]],
    prefix: str,
) -> dict:
    """One run: ``server`` (program, arguments) started fresh on SERVER_CPUS, then the Go
    ``client`` (program, arguments given the server's port) on LOAD_CPUS; the client's summary
    with the server's CPU time (``<prefix>cpu_s``), peak RSS (``<prefix>peak_rss_bytes``) and
    CPU per request served."""
    go, _ = kernels()
    program, arguments = server
    client_program, client_arguments = client
    with kernel.serve(program, list(arguments), cpus=SERVER_CPUS) as serving:
        ran = go.run(
            client_program,
            list(client_arguments(serving.port)),
            cpus=LOAD_CPUS,
            timeout_s=RUN_TIMEOUT_S,
        )
    stopped = serving.stop()
    summary = ran.records[-1]
    cpu_s = stopped.finished.user_s + stopped.finished.system_s
    return {
        **summary,
        "language": kernel.language,
        "toolchain": stopped.build.toolchain,
        f"{prefix}cpu_s": cpu_s,
        f"{prefix}peak_rss_bytes": stopped.finished.peak_rss_bytes,
        "cpu_us_per_request": cpu_s / summary["completed"] * 1e6
        if summary["completed"]
        else float("nan"),
    }


def sustained(runs: pd.DataFrame) -> pd.Series:
    """Runs that served the rate: nothing unsent, no errors, and at least SUSTAINED of it."""
    return (runs.unsent == 0) & (runs.errors == 0) & (runs.achieved_rps >= SUSTAINED * runs.rate)


def rate_table(runs: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Per language and rate, medians over runs: requests served per second, latency
    percentiles (ms, from the due time), the server's CPU per request and peak RSS
    (``<prefix>peak_rss_mib``), and how many runs sustained the rate."""
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
            **{f"{prefix}peak_rss_mib": (f"{prefix}peak_rss_bytes", lambda s: s.median() / 2**20)},
            sustained_runs=("sustained", "sum"),
            runs=("sustained", "size"),
        )
        .reset_index()
    )
    return table.sort_values(["rate", "language"]).reset_index(drop=True)


def sustained_everywhere(runs: pd.DataFrame) -> pd.DataFrame:
    """(language, rate) pairs at which every run sustained the rate."""
    runs = runs.assign(sustained=sustained(runs))
    every = runs.groupby(["language", "rate"]).sustained.all()
    return every[every].reset_index()[["language", "rate"]]


def both_sustained(runs: pd.DataFrame) -> list[int]:
    """The rates at which every run of both languages sustained the rate."""
    rates = sustained_everywhere(runs).groupby("rate").language.nunique()
    return sorted(int(rate) for rate, languages in rates.items() if languages == 2)


def highest_sustained(runs: pd.DataFrame, language: str) -> int | None:
    """The highest rate every run of ``language``'s server sustained."""
    pairs = sustained_everywhere(runs)
    rates = pairs[pairs.language == language].rate
    return None if rates.empty else int(rates.max())


def worst_ms(runs: pd.DataFrame, language: str) -> float:
    """The slowest single request of ``language``'s server over ``runs`` (ms)."""
    return float(runs[runs.language == language].max_us.max() / 1e3)


def rates_text(rates: list[int], unit: str = "requests/s") -> str:
    return ", ".join(f"{rate:,}" for rate in rates) + f" {unit}"


def rate_chart(
    runs: pd.DataFrame,
    reference: pd.DataFrame | None,
    *,
    panels: Sequence[tuple[str, str, bool]],
    title: alt.Title,
    description: str,
) -> alt.HConcatChart:
    """Per language and rate, one panel per (field, title, log) of ``panels`` (fields in ms
    are made from the ``_us`` columns): one dot per run and a tick at the median, and on each
    log panel the 10 ms line; live, the reference's runs faded in a row under this machine's."""
    stacked = beside.stacked(runs, reference)
    frame = charts.with_language_names(
        stacked.assign(
            p99_ms=stacked.p99_us / 1e3,
            p9999_ms=stacked.p9999_us / 1e3,
            max_ms=stacked.max_us / 1e3,
        )
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

    def panel(field: str, panel_title: str, log: bool) -> alt.LayerChart:
        base = alt.Chart(frame).encode(
            y=alt.Y("series:N", sort=order, title=None),
            color=charts.language_color(),
            **beside.run_encodings(frame),
        )
        tooltip = ["series", "repetition", alt.Tooltip(f"{field}:Q", format=",.2f"),
                   *beside.run_tooltip(frame)]  # fmt: skip
        layer = charts.dots_and_median(base, field, panel_title, tooltip, log=log)
        if log:  # the advice's bound, as a dashed line
            bound = pd.DataFrame({field: [GUARANTEED_MS]})
            layer += alt.Chart(bound).mark_rule(strokeDash=[4, 3]).encode(x=f"{field}:Q")
        return layer.properties(width=170, height=alt.Step(22))

    return alt.hconcat(*(panel(*spec) for spec in panels)).properties(
        title=title, description=description
    )


def under_bound(runs: pd.DataFrame, names: Mapping[str, str]) -> claims.Finding:
    """The Verdict's “guaranteed <10ms latency”, judged on the slowest single request over
    every run at the rates both sustained (``names``: what to call each language's server):
    holds when Rust's stayed under GUARANTEED_MS and Go's did not; does not hold when Go's did
    too, or only Go's did; inconclusive here when neither did (on a shared 2-core machine, one
    slow request says as much about the machine as about the server)."""
    rates = both_sustained(runs)
    if not rates:
        return claims.Finding("No rate was sustained by both.", "inconclusive here")
    at = runs[runs.rate.isin(rates)]
    go, rust = worst_ms(at, "go"), worst_ms(at, "rust")
    p9999 = at.groupby("language").p9999_us.median() / 1e3
    measured = (
        f"Slowest request over all runs at {rates_text(rates)}: {names['go']} {go:.1f} ms, "
        f"{names['rust']} {rust:.1f} ms; p99.99 (median of runs) {names['go']} "
        f"{p9999['go']:.1f} ms, {names['rust']} {p9999['rust']:.1f} ms."
    )
    bound, go_name, rust_name = f"{GUARANTEED_MS:g} ms", names["go"], names["rust"]
    if rust < GUARANTEED_MS and go >= GUARANTEED_MS:
        verdict = f"holds: every request to {rust_name} took under {bound}; not to {go_name}"
    elif rust < GUARANTEED_MS:
        verdict = f"does not hold: both kept every request under {bound}"
    elif go < GUARANTEED_MS:
        verdict = f"does not hold: {go_name} kept every request under {bound}; {rust_name} did not"
    else:
        verdict = f"inconclusive here: neither kept every request under {bound} here"
    return claims.Finding(measured, verdict)
