"""Part 1's generic method: what the real compilers do with a method that has its own type
parameter, and the rule on "still limited", which flips when a compiler's answer changes."""

from __future__ import annotations

import pandas as pd
import pytest

from gorust.kernels import GoKernel, RustKernel
from gorust.part1 import generic_methods, verdicts
from tests.conftest import changed, verdict_word

COMPILED, REFUSED = generic_methods.COMPILED, generic_methods.REFUSED


@pytest.fixture(scope="module")
def measured() -> dict[str, pd.DataFrame]:
    """Both forms, in both languages, from the real toolchains."""
    return {"generic_method": generic_methods.generic_method()}


def test_go_refuses_the_method_form_and_runs_the_function_form(measured) -> None:
    frame = measured["generic_method"]
    go_method = generic_methods.fate(frame, "go", "method")
    assert go_method is not None and go_method.outcome == REFUSED
    assert "method must have no type parameters" in go_method.message
    printed = {
        generic_methods.fate(frame, language, form).message
        for language, form in (("go", "function"), ("rust", "method"), ("rust", "function"))
    }
    assert printed == {"printed #1,#4,#9"}


def test_each_form_meets_its_compiler_alone() -> None:
    assert GoKernel().try_build("generic_method", ["method"]).exit_code != 0
    assert RustKernel().try_build("generic_method", ["method"]).binary.exists()


def _set(language: str, form: str, outcome: str, message: str = "printed #1,#4,#9"):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        rows = (frame.language == language) & (frame.form == form)
        frame.loc[rows, ["outcome", "message"]] = [outcome, message]
        return frame

    return change


def test_go_generic_methods_flips(measured) -> None:
    rule = verdicts.go_generic_methods
    assert verdict_word(rule, measured) == "holds"
    go_compiles = changed(measured, "generic_method", _set("go", "method", COMPILED))
    assert verdict_word(rule, go_compiles) == "does not hold"
    rust_refuses = changed(measured, "generic_method", _set("rust", "method", REFUSED, "no"))
    assert verdict_word(rule, rust_refuses) == "inconclusive here"
    differs = changed(measured, "generic_method", _set("rust", "function", COMPILED, "printed 1"))
    assert verdict_word(rule, differs) == "inconclusive here"
    missing = changed(measured, "generic_method", lambda frame: frame.iloc[1:])
    assert verdict_word(rule, missing) == "inconclusive here"


def test_the_table_and_the_prose_say_what_each_compiler_said(measured) -> None:
    table = generic_methods.method_table(measured["generic_method"])
    assert list(table.columns) == ["Go", "Rust"]
    assert list(table.index) == [generic_methods.FORM_LABELS[f] for f in generic_methods.FORMS]
    facts = verdicts.generic_method_facts(measured)
    assert facts["part1.go_method_form"].startswith(REFUSED)
    assert facts["part1.rust_method_form"] == f"{COMPILED}: printed #1,#4,#9"
