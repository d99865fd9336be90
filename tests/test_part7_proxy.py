"""Part 7's Experiment 5: the two reverse proxies in front of one backend, driven by the fixed
rate client, and the two rules on them, which flip when CPU per request and the slowest
request do."""

from __future__ import annotations

import urllib.error
import urllib.request

import pandas as pd
import pytest

from gorust.kernels import GoKernel, RustKernel
from gorust.part7 import proxy, proxy_rules
from tests.conftest import changed_by, chart_runs, has_run_encoding, set_for, verdict_word

RATE, SECONDS = 500, 1.0


@pytest.fixture(scope="module")
def measured() -> dict[str, pd.DataFrame]:
    """Each proxy once, twice over, at a rate far below what either saturates at."""
    go = GoKernel()
    rows = []
    with go.serve(proxy.BACKEND) as backend:
        url = f"http://127.0.0.1:{backend.port}"
        for repetition in range(2):
            for kernel in (go, RustKernel()):
                row = proxy.run_once(kernel, url, RATE, SECONDS)
                rows.append({**row, "repetition": repetition})
    return {"reverse_proxy": pd.DataFrame(rows)}


def test_both_proxies_serve_every_request_at_a_low_rate(measured) -> None:
    runs = measured["reverse_proxy"]
    assert set(runs.language) == {"go", "rust"}
    assert (runs.completed == runs.scheduled).all() and (runs.scheduled == RATE * SECONDS).all()
    assert (runs.errors == 0).all() and (runs.unsent == 0).all()
    assert proxy.sustained(runs).all() and proxy.both_sustained(runs) == [RATE]
    assert (runs.cpu_us_per_request > 0).all() and (runs.p50_us <= runs.max_us).all()


@pytest.mark.parametrize("kernel", [GoKernel(), RustKernel()], ids=["go", "rust"])
def test_a_proxy_whose_backend_is_down_answers_502(kernel) -> None:
    with GoKernel().serve(proxy.BACKEND) as backend:
        closed = f"http://127.0.0.1:{backend.port}"
    with (
        kernel.serve(proxy.PROGRAM, ["--backend", closed]) as server,
        pytest.raises(urllib.error.HTTPError) as answer,
    ):
        urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=10)
    assert answer.value.code == 502


@pytest.mark.parametrize("kernel", [GoKernel(), RustKernel()], ids=["go", "rust"])
def test_a_bad_backend_url_is_an_error_that_says_so(kernel) -> None:
    finished = kernel.run(proxy.PROGRAM, ["--backend", "nowhere"], check=False).finished
    assert finished.exit_code == 1 and "backend must be a URL" in finished.stderr


def _with(measured, *changes) -> dict[str, pd.DataFrame]:
    return changed_by(measured, "reverse_proxy", *changes)


def test_proxy_infrastructure_flips(measured) -> None:
    rule = proxy_rules.proxy_infrastructure
    same_p99 = (set_for("go", p99_us=2_000), set_for("rust", p99_us=2_000))
    rust_lean = (set_for("go", cpu_us_per_request=200), set_for("rust", cpu_us_per_request=100))
    assert verdict_word(rule, _with(measured, *same_p99, *rust_lean)) == "holds"
    slow_rust = _with(
        measured, *rust_lean, set_for("go", p99_us=1_000), set_for("rust", p99_us=5_000)
    )
    assert verdict_word(rule, slow_rust) == "depends"
    go_lean = (set_for("go", cpu_us_per_request=100), set_for("rust", cpu_us_per_request=200))
    assert verdict_word(rule, _with(measured, *same_p99, *go_lean)) == "does not hold"
    even = (set_for("go", cpu_us_per_request=100), set_for("rust", cpu_us_per_request=100))
    assert verdict_word(rule, _with(measured, *same_p99, *even)) == "inconclusive here"
    dropped = _with(measured, set_for("go", unsent=10))
    assert verdict_word(rule, dropped) == "inconclusive here"


def test_proxy_under_10ms_flips(measured) -> None:
    rule = proxy_rules.proxy_under_10ms
    fast, slow = proxy.GUARANTEED_MS / 2 * 1e3, proxy.GUARANTEED_MS * 3 * 1e3
    cases = {
        "holds": (set_for("go", max_us=slow), set_for("rust", max_us=fast)),
        "does not hold": (set_for("go", max_us=fast), set_for("rust", max_us=fast)),
        "inconclusive here": (set_for("go", max_us=slow), set_for("rust", max_us=slow)),
    }
    for word, changes in cases.items():
        assert verdict_word(rule, _with(measured, *changes)) == word, word
    only_go = _with(measured, set_for("go", max_us=fast), set_for("rust", max_us=slow))
    assert verdict_word(rule, only_go) == "does not hold"


def test_the_prose_says_which_rates_both_sustained(measured) -> None:
    facts = proxy_rules.proxy_facts(measured)
    assert facts["part7.proxy_rates"] == f"{RATE:,} requests/s"
    assert facts["part7.proxy_highest"] == f"Go {RATE:,} requests/s, Rust {RATE:,} requests/s"
    none = proxy_rules.proxy_facts(_with(measured, set_for("rust", errors=1)))
    assert none["part7.proxy_rates"] == "no rate" and "Rust none" in none["part7.proxy_highest"]


def test_the_chart_draws_the_reference_beside_this_run_only_when_given(measured) -> None:
    runs = measured["reverse_proxy"]
    both = proxy.proxy_chart(runs, reference=runs.assign(max_us=runs.max_us * 2))
    assert chart_runs(both) == {"this machine", "reference"} and has_run_encoding(both)
    alone = proxy.proxy_chart(runs)
    assert chart_runs(alone) == set() and not has_run_encoding(alone)
