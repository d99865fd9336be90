"""The claim-check table every chapter ends its experiments with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd
from IPython.display import Markdown

from gorust import experiments, provenance
from gorust.runs import kernels

VERDICTS = ("holds", "does not hold", "depends", "inconclusive here")


@dataclass(frozen=True)
class Claim:
    claim: str  # the article's words, quoted briefly
    measured: str  # what this chapter measured, with numbers
    anchor: str  # the public figure to compare against, with its source
    verdict: str  # one of VERDICTS, optionally followed by ": why"

    def __post_init__(self) -> None:
        if not self.verdict.startswith(VERDICTS):
            raise ValueError(f"verdict {self.verdict!r} must start with one of {VERDICTS}")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _verdict(verdict: str) -> str:
    """The verdict word in bold, its reason (after a colon) in plain text."""
    word, _, reason = verdict.partition(":")
    return f"**{_cell(word)}**" + (f":{_cell(reason)}" if reason else "")


def table(claims: Iterable[Claim]) -> Markdown:
    rows = ["| Claim | Measured here | Public anchor | Verdict |", "|---|---|---|---|"]
    rows += [
        f"| {_cell(c.claim)} | {_cell(c.measured)} | {_cell(c.anchor)} | {_verdict(c.verdict)} |"
        for c in claims
    ]
    return Markdown("\n".join(rows))


def record(chapter: str, claims: Iterable[Claim]) -> Markdown:
    """Save a chapter's claim check to data/<chapter>/claims.csv and return it as a table.

    The Verdict chapter builds its ledger from these files, so every verdict it shows is the
    one its chapter computed from its own measurements.
    """
    claims = list(claims)

    def claims_table() -> pd.DataFrame:
        go, rust = kernels()
        frame = pd.DataFrame([asdict(c) for c in claims])
        frame["chapter"] = chapter
        frame["language"] = "go+rust"
        frame["toolchain"] = f"{go.toolchain().version}; {rust.toolchain().version}"
        for column, value in provenance.host().items():
            frame[column] = value
        return frame

    experiments.save_derived(chapter, "claims", claims_table)
    return table(claims)
