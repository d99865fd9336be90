"""The article's advice (“Choose Go if… / Choose Rust if…”), bullet by bullet, with the claim
checks in the ledger that bear on each one, or why none can: computed from the ledger, so a
re-measured chapter changes this table too."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import Markdown

from gorust.claims import markdown_table, verdict_word

Evidence = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Advice:
    choose: str  # "Go" or "Rust"
    says: str  # the article's bullet
    evidence: Evidence  # (chapter, words the ledger's claim contains)
    limits: str  # what the measurements cannot say about it, and the nearest proxy


ADVICE = (
    Advice(
        "Go",
        "You are a startup. Speed of coding > Speed of execution.",
        (("part4", "Time: 2 hours"), ("part4", "Compile (Wait 10 minutes)")),
        "how fast people write code is not measurable by a benchmark; the build loop is",
    ),
    Advice(
        "Go",
        "You are building networked services (Microservices, gRPC).",
        (
            ("part7", "— a gRPC service"),
            ("part4", "Speed (runtime)"),
            ("part7", "Std Lib: Incredible"),
        ),
        "one unary gRPC echo and one CRUD API, each on one machine; how a fleet of services is "
        "written, deployed and evolved is not measured",
    ),
    Advice(
        "Go",
        "Your team is mixed. Juniors can pick up Go in a week.",
        (),
        "not measurable by a benchmark: it is about people",
    ),
    Advice(
        "Go",
        "You value standardization. Every Go codebase looks the same.",
        (),
        "not measured: gofmt and rustfmt both run on every program here, so formatting cannot "
        "tell them apart",
    ),
    Advice(
        "Rust",
        "You are building infrastructure (Database, Proxy, OS).",
        (("part7", "— a reverse proxy"), ("part6", "CPU usage dropped"), ("part2", "C10M")),
        "of the three, only a proxy is built here (Part 7), in front of one small backend; no "
        "database or kernel",
    ),
    Advice(
        "Rust",
        "Performance is critical. You need guaranteed <10ms latency.",
        (
            ("part6", "guaranteed <10ms"),
            ("part4", "— the CRUD API at fixed rates"),
            ("part7", "— through a reverse proxy"),
            ("part3", "Tail latency (p99) is flat"),
        ),
        "one shared 2-core machine, a few request rates: a bound measured here is not a "
        "guarantee elsewhere",
    ),
    Advice(
        "Rust",
        "Correctness is critical. Financial ledgers, crypto.",
        (("part1", "Summary Matrix, Safety"), ("part5", "cannot forget to handle an error")),
        "the bug classes measured are a sample; correctness of a ledger is not",
    ),
    Advice(
        "Rust",
        "You use WebAssembly.",
        (("part7", "king of WebAssembly"),),
        "one small program, in WASI and in the browser",
    ),
)


def findings(ledger: pd.DataFrame, evidence: Evidence) -> list[tuple[str, str, str]]:
    """(chapter, claim, verdict) of every ledger row that ``evidence`` names: each (chapter,
    words) pair finds the claims of that chapter whose text contains the words."""
    rows = []
    for chapter, words in evidence:
        match = ledger[
            ledger.chapter.str.contains(chapter, regex=False)
            & ledger.claim.str.contains(words, regex=False)
        ]
        rows += [(chapter, row.claim, str(row.verdict)) for row in match.itertuples()]
    return rows


def advice_counts(ledger: pd.DataFrame) -> dict[str, int]:
    """How many of the article's advice bullets the ledger bears on, and how many it cannot."""
    measured = sum(1 for advice in ADVICE if findings(ledger, advice.evidence))
    return {"measured": measured, "not measured": len(ADVICE) - measured}


def verdict_ref(chapter: str, verdict: str) -> str:
    """A verdict's word in bold, linked to the chapter that judged it."""
    return f"**{verdict_word(verdict)}** ({{ref}}`{chapter}`)"


def advice_table(ledger: pd.DataFrame) -> Markdown:
    """The article's advice, each bullet with the verdicts of the claims that bear on it."""
    rows = []
    for advice in ADVICE:
        found = findings(ledger, advice.evidence)
        evidence = "; ".join(
            f"{verdict_ref(chapter, verdict)}: {claim}" for chapter, claim, verdict in found
        )
        rows.append((advice.choose, advice.says, evidence or "not measured here", advice.limits))
    header = ("Choose", "The article's advice", "What the chapters found", "What this cannot say")
    return markdown_table(header, rows)
