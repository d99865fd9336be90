"""Part 4's Experiment 8: both CRUD services at a fixed request rate on the seeded database,
each request timed from when it was due, and the Verdict's “<10ms” rule on them, which flips
with the slowest request."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust import fixed_rate, postgres
from gorust.kernels import GoKernel, RustKernel
from gorust.part4 import fixed_rate_load, fixed_rate_rules
from gorust.part4.common import SEED_ROWS
from gorust.part4.under_load import seed_template
from tests.conftest import changed_by, chart_runs, has_run_encoding, set_for, verdict_word

RATE, SECONDS = 200, 1.0


@pytest.fixture(scope="module")
def measured() -> dict[str, pd.DataFrame]:
    """Each service once, twice over, at a rate far below what either saturates at."""
    rows = []
    with postgres.cluster() as pg:
        seed_template(pg)
        for repetition in range(2):
            for kernel in (GoKernel(), RustKernel()):
                row = fixed_rate_load.run_once(pg, kernel, RATE, SECONDS)
                rows.append({**row, "repetition": repetition})
    return {"crud_fixed_rate": pd.DataFrame(rows)}


def test_both_services_answer_every_request_at_a_low_rate(measured) -> None:
    runs = measured["crud_fixed_rate"]
    assert set(runs.language) == {"go", "rust"}
    assert (runs.completed == runs.scheduled).all() and (runs.scheduled == RATE * SECONDS).all()
    assert (runs.errors == 0).all() and (runs.unsent == 0).all()
    assert fixed_rate.both_sustained(runs) == [RATE]
    assert (runs.server_cpu_s > 0).all() and (runs.p50_us <= runs.max_us).all()


def test_the_client_spreads_requests_over_the_rows_and_refuses_a_url_without_id() -> None:
    go = GoKernel()
    refused = go.run(fixed_rate_load.CLIENT, ["--url", "http://127.0.0.1:1/users/1", "--ids",
                                              SEED_ROWS], check=False).finished  # fmt: skip
    assert refused.exit_code == 1 and '-ids needs "{id}"' in refused.stderr


def _with(measured, *changes) -> dict[str, pd.DataFrame]:
    return changed_by(measured, "crud_fixed_rate", *changes)


def test_crud_under_10ms_flips(measured) -> None:
    rule = fixed_rate_rules.crud_under_10ms
    fast, slow = fixed_rate.GUARANTEED_MS / 2 * 1e3, fixed_rate.GUARANTEED_MS * 3 * 1e3
    cases = {
        "holds": (set_for("go", max_us=slow), set_for("rust", max_us=fast)),
        "does not hold": (set_for("go", max_us=fast), set_for("rust", max_us=fast)),
        "inconclusive here": (set_for("go", max_us=slow), set_for("rust", max_us=slow)),
    }
    for word, changes in cases.items():
        assert verdict_word(rule, _with(measured, *changes)) == word, word
    only_go = _with(measured, set_for("go", max_us=fast), set_for("rust", max_us=slow))
    assert verdict_word(rule, only_go) == "does not hold"
    dropped = _with(measured, set_for("rust", unsent=5))
    assert verdict_word(rule, dropped) == "inconclusive here"


def test_the_prose_says_which_rates_both_sustained(measured) -> None:
    facts = fixed_rate_rules.crud_fixed_rate_facts(measured)
    assert facts["part4.fixed_rates"] == f"{RATE:,} requests/s"
    assert facts["part4.fixed_highest"] == (
        f"Gin + pgx {RATE:,} requests/s, Axum + sqlx {RATE:,} requests/s"
    )
    none = fixed_rate_rules.crud_fixed_rate_facts(_with(measured, set_for("go", errors=3)))
    assert (
        none["part4.fixed_rates"] == "no rate" and "Gin + pgx none" in none["part4.fixed_highest"]
    )


def test_the_chart_draws_the_reference_beside_this_run_only_when_given(measured) -> None:
    runs = measured["crud_fixed_rate"]
    both = fixed_rate_load.crud_rate_chart(runs, reference=runs.assign(max_us=runs.max_us * 2))
    assert chart_runs(both) == {"this machine", "reference"} and has_run_encoding(both)
    alone = fixed_rate_load.crud_rate_chart(runs)
    assert chart_runs(alone) == set() and not has_run_encoding(alone)
