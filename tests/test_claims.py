"""The claim registry: every chapter's verdicts are rules over its recorded tables, each rule
has a test that makes it flip, and the reference's claims.csv is what the rules say."""

from __future__ import annotations

import importlib
from dataclasses import asdict

import pandas as pd
import pytest

from gorust import claims, reference
from gorust.reference import MEASURING_PARTS
from tests.conftest import recorded_tables, table

COLUMNS = ["claim", "measured", "anchor", "verdict", "source", "key"]
PARTS_WITH_RULES = [part for part in MEASURING_PARTS if claims.rules(part)]


def _test_modules(part: str) -> list:
    from gorust import paths

    found = sorted((paths.REPO / "tests").glob(f"test_{part}*.py"))
    return [importlib.import_module(f"tests.{path.stem}") for path in found]


def test_a_finding_or_claim_refuses_a_verdict_outside_the_four_words() -> None:
    with pytest.raises(ValueError, match="must start with"):
        claims.Finding("1 s", "probably")
    with pytest.raises(ValueError, match="source"):
        claims.Claim("c", "m", "a", "holds", source="blog")


def test_a_rule_sees_only_the_tables_it_names_and_says_which_are_missing() -> None:
    seen = []

    @claims.rule("test-chapter", claim="c", anchor="a", tables=("x",))
    def judged(t: claims.Tables) -> claims.Finding:
        seen.append(sorted(t))
        return claims.Finding("m", "holds" if t["x"].value.sum() > 0 else "does not hold")

    try:
        frame = pd.DataFrame({"value": [1]})
        assert judged({"x": frame, "y": frame}).verdict == "holds"
        assert judged({"x": -frame}).verdict == "does not hold"
        assert seen == [["x"], ["x"]]
        with pytest.raises(KeyError, match="needs tables"):
            judged({"y": frame})
    finally:
        claims.RULES.pop("test-chapter")


@pytest.mark.parametrize("part", PARTS_WITH_RULES)
def test_every_rule_has_a_test_that_makes_its_verdict_flip(part: str) -> None:
    """By name: a rule ``data_race`` in part1 is tested by ``test_data_race_flips`` in one of
    tests/test_part1*.py."""
    tests = {name for module in _test_modules(part) for name in dir(module)}
    untested = [r.name for r in claims.rules(part) if f"test_{r.name}_flips" not in tests]
    assert not untested, f"{part}: rules without a flip test: {untested}"


@pytest.mark.parametrize("part", PARTS_WITH_RULES)
def test_the_reference_claims_are_what_the_rules_say_of_the_recorded_tables(part: str) -> None:
    judged = pd.DataFrame([asdict(c) for c in claims.judge(part, recorded_tables(part))])
    recorded = table(part, "claims")
    assert list(recorded.rule) == [r.name for r in claims.rules(part)]
    pd.testing.assert_frame_equal(
        judged[COLUMNS], recorded[COLUMNS].astype(object).fillna(""), check_dtype=False
    )


def test_derive_claims_rewrites_claims_csv_from_the_recorded_tables(reference_copy) -> None:
    part = PARTS_WITH_RULES[0]
    target = reference_copy / part / "claims.csv"
    expected = target.read_bytes()
    target.write_text("claim,measured\nstale,stale\n")
    assert reference.derive_claims([part], reference_copy) == [target]
    assert target.read_bytes() == expected


def _glue_keys_used(part: str) -> set[str]:
    import json
    import re

    notebook = json.loads(reference.notebook_of(part).read_text(encoding="utf-8"))
    text = " ".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    return set(re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", text))


@pytest.mark.parametrize("part", MEASURING_PARTS)
def test_every_glued_number_in_the_prose_is_computed_from_the_recorded_tables(part: str) -> None:
    """Each ``{glue:text}`key``` of the chapter has a value its facts compute from the
    reference, and no computed value goes unused."""
    computed = claims.glued_values(part, recorded_tables(part))
    used = _glue_keys_used(part)
    assert used <= set(computed), (
        f"{part}: glued in prose, computed nowhere: {used - set(computed)}"
    )
    assert set(computed) <= used, f"{part}: computed, shown nowhere: {set(computed) - used}"
    assert all(text.strip() for text in computed.values())


def test_a_replayed_check_judges_the_reference_and_saves_nothing(
    reference_copy, live_results
) -> None:
    """No toolchain, no process (the replay fixture forbids starting one), no file written."""
    shown = claims.check(PARTS_WITH_RULES[0]).data
    assert shown.startswith("| Claim |") and 'class="gvr-verdict ' in shown
    assert not list(live_results.rglob("*.csv"))
