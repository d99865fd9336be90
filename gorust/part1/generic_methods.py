"""Part 1 — what Go's generics can express, not what they cost: a ``Map`` with its own type
parameter, written as a method of a generic type and as a top-level function, in both
languages. Each form meets its compiler alone (the Go build tag / Cargo feature ``method``);
what compiles runs and prints its result, so the two forms can be seen to do the same work.
"""

from __future__ import annotations

import pandas as pd

from gorust import provenance
from gorust.experiments import experiment
from gorust.kernels import CompileDiagnostics, Kernel
from gorust.profile import Profile
from gorust.runs import kernels

CHAPTER = "part1"
PROGRAM = "generic_method"
METHOD, FUNCTION = "method", "function"
FORMS = (METHOD, FUNCTION)
FORM_LABELS = {
    METHOD: "Map as a method of Stream[T], with its own type parameter U",
    FUNCTION: "Map as a top-level function over Stream[T] and U",
}
COMPILED = "compiled and ran"
REFUSED = "refused at compile time"
NAMES = {"go": "Go", "rust": "Rust"}


def form_row(kernel: Kernel, form: str) -> dict[str, object]:
    """What ``kernel``'s compiler does with one form: its first error, or the program's
    output."""
    features = [METHOD] if form == METHOD else []
    built = kernel.try_build(PROGRAM, features)
    row: dict[str, object] = {
        "language": kernel.language,
        "experiment": PROGRAM,
        "form": form,
        "toolchain": kernel.toolchain().version,
    }
    if isinstance(built, CompileDiagnostics):
        row |= {
            "outcome": REFUSED,
            "message": built.first_message,
            "error_codes": ",".join(built.error_codes),
            "exit_code": built.exit_code,
        }
    else:
        run = kernel.run(PROGRAM, features=features)
        row |= {
            "outcome": COMPILED,
            "message": f"printed {run.records[0]['result']}",
            "exit_code": run.exit_code,
        }
    return row | provenance.host()


@experiment(CHAPTER, programs=(PROGRAM,), tables=(PROGRAM,))
def generic_method(profile: Profile | None = None) -> pd.DataFrame:
    """Both forms in both languages. The profile changes nothing: each form builds and runs
    once, in milliseconds."""
    del profile
    return pd.DataFrame([form_row(kernel, form) for kernel in kernels() for form in FORMS])


def method_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per form: what Go's and Rust's compilers did with it, in their own words."""
    shown = frame.assign(
        said=frame.outcome + ": " + frame.message.fillna(""), Form=frame.form.map(FORM_LABELS)
    )
    table = shown.pivot(index="Form", columns="language", values="said")
    table = table.reindex([FORM_LABELS[form] for form in FORMS if FORM_LABELS[form] in table.index])
    return table.rename(columns=NAMES)[[NAMES[lang] for lang in NAMES if lang in table.columns]]


def fate(frame: pd.DataFrame, language: str, form: str) -> pd.Series | None:
    """The row of one language and form, or None if the table lacks it."""
    rows = frame[(frame.language == language) & (frame.form == form)]
    return None if rows.empty else rows.iloc[0]
