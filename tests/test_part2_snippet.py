"""Part 2's Experiment 4: the article's snippet, run against a real PostgreSQL in both
languages, and the rule on it, which flips when the default pool stops storming the server."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust import postgres
from gorust.kernels import GoKernel, RustKernel
from gorust.part2 import prose, snippet, verdicts
from gorust.profile import Profile
from tests.conftest import changed, chart_runs, has_run_encoding, verdict_word

TASKS = 400  # enough for an unbounded pool to open far more than 10 connections at once


@pytest.fixture(scope="module")
def measured() -> dict[str, pd.DataFrame]:
    """The quick profile's variants, once each, with fewer tasks, from the real programs."""
    with postgres.cluster() as pg:
        frames = [
            snippet.run_once(pg, variant, TASKS, cpus=None, timeout_s=120)
            for variant in snippet.snippet_variants(Profile("quick"))
        ]
    return {"article_snippet": pd.concat(frames, ignore_index=True)}


def _row(tables: dict[str, pd.DataFrame], language: str, variant: str) -> pd.Series:
    row = snippet.snippet_row(snippet.snippet_table(tables["article_snippet"]), language, variant)
    assert row is not None, f"{language}, {variant} was not measured"
    return row


def test_as_printed_main_returns_before_the_queries_finish(measured) -> None:
    for language in ("go", "rust"):
        assert _row(measured, language, snippet.AS_PRINTED).finished < TASKS


def test_bounded_pools_finish_every_request_on_at_most_ten_connections(measured) -> None:
    for language, variant in (("go", snippet.OTHER_POOL), ("rust", snippet.DEFAULT_POOL)):
        row = _row(measured, language, variant)
        assert (row.finished, row.too_many_clients, row.other_errors) == (TASKS, 0, 0)
        assert row.pool_limit == snippet.BOUNDED_POOL
        assert 1 <= row.server_connections <= snippet.BOUNDED_POOL


def test_database_sql_default_pool_opens_a_connection_per_waiting_query(measured) -> None:
    storm = _row(measured, "go", snippet.DEFAULT_POOL)
    assert storm.pool_limit == 0  # database/sql's "no limit"
    assert storm.finished + storm.too_many_clients + storm.other_errors == TASKS
    assert storm.server_connections > 2 * snippet.BOUNDED_POOL


def test_a_missing_database_url_is_an_error_that_says_so() -> None:
    for kernel in (GoKernel(), RustKernel()):
        finished = kernel.run(snippet.PROGRAM, ["--tasks", 1], env={}, check=False).finished
        assert finished.exit_code == 1
        assert "DATABASE_URL is not set" in finished.stderr


def _set(language: str, variant: str, **values: float):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        rows = (frame.language == language) & (frame.variant == variant)
        for column, value in values.items():
            frame.loc[rows, column] = value
        return frame

    return change


def test_article_snippet_flips(measured) -> None:
    rule = verdicts.article_snippet
    assert verdict_word(rule, measured) == "depends"
    calm = _set("go", snippet.DEFAULT_POOL, ok=TASKS, peak_server_connections=8)
    calm_errors = _set("go", snippet.DEFAULT_POOL, too_many_clients=0, other_errors=0)
    no_storm = changed(changed(measured, "article_snippet", calm), "article_snippet", calm_errors)
    assert verdict_word(rule, no_storm) == "holds"
    bounded_fails = changed(measured, "article_snippet", _set("go", snippet.OTHER_POOL, ok=1))
    assert verdict_word(rule, bounded_fails) == "does not hold"
    no_rust = changed(measured, "article_snippet", lambda f: f[f.language == "go"])
    assert verdict_word(rule, no_rust) == "inconclusive here"


def test_the_prose_says_what_the_quick_profile_left_out(measured) -> None:
    facts = prose.snippet_facts(measured)
    assert "left out of this run" in facts["part2.snippet_rust_unbounded"]
    storm = _row(measured, "go", snippet.DEFAULT_POOL)
    assert (
        f"up to {int(storm.server_connections):,} client connections"
        in facts["part2.snippet_storm"]
    )


def test_the_chart_draws_the_reference_beside_this_run_only_when_given(measured) -> None:
    runs = measured["article_snippet"]
    both = snippet.snippet_chart(runs, reference=runs.assign(ok=runs.ok // 2))
    assert chart_runs(both) == {"this machine", "reference"} and has_run_encoding(both)
    alone = snippet.snippet_chart(runs)
    assert chart_runs(alone) == set() and not has_run_encoding(alone)
