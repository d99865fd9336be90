"""How much of the article the course checks: every checkable statement of the article, Part by
Part, with the ledger's claims that check it, and a status computed from them:

- **covered**: a claim check in the ledger judges the statement itself, with a verdict;
- **partly covered**: the claim checks it only through a named proxy, or its verdict is
  “inconclusive here”;
- **not measurable here**: no claim check can; the row says why and names the nearest proxy;
- **not measured yet**: a claim check exists, but the results shown do not hold it (a chapter
  recorded before the check was written).

Opinions (“It feels like a faster, typed Python”) are not listed: there is nothing to check.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import Markdown

from gorust.claims import markdown_table, verdict_word
from gorust.part8.advice import Evidence, findings, verdict_ref

COVERED, PARTLY, NOT_MEASURABLE = "covered", "partly covered", "not measurable here"
NOT_YET = "not measured yet"  # a claim check exists, but these results do not hold it yet
STATUSES = (COVERED, PARTLY, NOT_MEASURABLE, NOT_YET)


@dataclass(frozen=True)
class Statement:
    part: int
    says: str  # the article's words, shortened
    evidence: Evidence = ()  # (chapter, words the ledger's claim contains)
    proxy: str = ""  # set when the evidence checks a stand-in: what it stands in for
    why: str = ""  # for a statement nothing here can check: why, and the nearest proxy


STATEMENTS = (
    Statement(
        1, "Go: no generics (until recently, and still limited)", (("part1", "No Generics"),)
    ),
    Statement(1, "Rust: traits and generics by monomorphization", (("part1", "Monomorphization"),)),
    Statement(1, "Rust: “If it compiles, it works”", (("part1", "If it compiles"),)),
    Statement(2, "Both handle the C10M problem", (("part2", "C10M"),)),
    Statement(2, "A goroutine starts at ~2KB", (("part2", "~2KB"),)),
    Statement(
        2,
        "The M:N scheduler maps thousands of goroutines onto a few OS threads",
        (("part2", "few OS threads"),),
    ),
    Statement(2, "Go is preemptive", (("part2", "Preemptive"),)),
    Statement(
        2,
        "`db.Query` blocks only this goroutine, not the OS thread",
        (("part2", "not the OS thread"),),
    ),
    Statement(
        2,
        "`go process(i)` spawns 100k threads trivially",
        (("part2", "Spawns 100k"), ("part2", "The article's snippet")),
    ),
    Statement(2, "A future starts at ~bytes (zero allocations)", (("part2", "~bytes"),)),
    Statement(2, "tokio is cooperative: you must await to yield", (("part2", "Cooperative"),)),
    Statement(
        2,
        "Go: no await colouring; Rust's function colouring is painful",
        why="a developer-experience score; the chapter counts `async`/`.await` sites as a "
        "proxy, without a verdict",
    ),
    Statement(
        2,
        "Debugging an async deadlock is hard",
        (("part1", "Summary Matrix, Safety"),),
        proxy="the classic-bugs table's deadlock row: Go reports it, tokio hangs",
    ),
    Statement(
        3, "Go's GC: “Every few milliseconds, the GC runs”", (("part3", "Every few milliseconds"),)
    ),
    Statement(3, "Go's pauses are tiny (<500 microseconds)", (("part3", "<500 microseconds"),)),
    Statement(3, "Rust: no GC pauses, p99 is flat", (("part3", "Tail latency (p99) is flat"),)),
    Statement(
        3,
        "Go is fine for 99% of web apps where <1ms pause is fine",
        (("part3", "<1ms pause is fine"),),
    ),
    Statement(3, "Rust is faster on allocation-heavy work (zero GC)", (("part3", "Zero GC"),)),
    Statement(
        3,
        "GC pauses are a dealbreaker for high-frequency trading",
        why="no trading system is built here; Part 3's pause and tail figures are the nearest",
    ),
    Statement(
        4,
        "A CRUD API with Postgres: Go in 2 hours, Rust in 6",
        (("part4", "Time: 2 hours"),),
        proxy="lines of code and compiler round trips, not hours of work",
    ),
    Statement(
        4,
        "Go code simple; Rust fights lifetimes, trait bounds, `Box::pin`",
        (("part4", "Simple, procedural"),),
    ),
    Statement(4, "Go: compile to a single binary, deploy", (("part4", "single binary"),)),
    Statement(4, "Rust: compile (wait 10 minutes)", (("part4", "Wait 10 minutes"),)),
    Statement(4, "Rust's binary is smaller", (("part4", "Binary is smaller"),)),
    Statement(
        4,
        "Rust code is rigid: changing the architecture means refactoring lifetimes",
        why="a claim about evolving a code base over time; not measurable by one build",
    ),
    Statement(5, "Go's `if err != nil` is verbose; Rust's is concise", (("part5", "verbose"),)),
    Statement(
        5, "Go: you cannot forget to handle an error (mostly)", (("part5", "cannot forget"),)
    ),
    Statement(5, "Rust's `?` propagates the error automatically", (("part5", "The ? operator"),)),
    Statement(
        5, "Rust's errors are typed values you must match on", (("part5", "Type Safe Values"),)
    ),
    Statement(6, "Go's GC caused latency spikes every 2 minutes", (("part6", "every 2 minutes"),)),
    Statement(6, "Rewritten in Rust, CPU usage dropped", (("part6", "CPU usage dropped"),)),
    Statement(6, "Rust: latency became a flat line, no more spikes", (("part6", "flat line"),)),
    Statement(
        6,
        "At hyperscale, Go's GC becomes a bottleneck",
        (("part6", "every 2 minutes"),),
        proxy="8 million cache entries on one machine, not Discord's scale",
    ),
    Statement(
        7,
        "Go's standard library: HTTP, JSON built in and production ready",
        (("part7", "Std Lib: Incredible"), ("part7", "JSON is built in")),
    ),
    Statement(
        7,
        "Rust's standard library: no HTTP; you need tokio, hyper, serde, reqwest",
        (("part7", "Std Lib: Minimal"),),
    ),
    Statement(7, "Tokio or async-std? (Tokio won)", (("part7", "Which async runtime"),)),
    Statement(7, "Rust is the king of WebAssembly", (("part7", "king of WebAssembly"),)),
    Statement(
        7,
        "Kubernetes, Docker, Terraform are Go; the cloud SDKs are first-class",
        why="a fact about other projects' choices, not something a program here measures",
    ),
    Statement(
        8,
        "Matrix: Speed (runtime), Go fast (GC overhead), Rust fastest",
        (("part4", "Speed (runtime)"),),
    ),
    Statement(
        8,
        "Matrix: Speed (coding), Go fast, Rust slow at first",
        why="how fast people write code; Part 4's lines and builds are the proxy",
    ),
    Statement(
        8,
        "Matrix: Learning curve, Go flat, Rust a vertical cliff",
        why="about people; no benchmark sees it",
    ),
    Statement(
        8,
        "Matrix: Safety, Go good (runtime checks), Rust best (compile checks)",
        (("part1", "Summary Matrix, Safety"),),
    ),
    Statement(8, "Matrix: Binary size, Go ~10MB, Rust ~2MB", (("part7", "binary size Rust"),)),
    Statement(
        8,
        "Choose Rust if you need guaranteed <10ms latency",
        (
            ("part6", "guaranteed <10ms"),
            ("part4", "— the CRUD API at fixed rates"),
            ("part7", "— through a reverse proxy"),
        ),
    ),
    Statement(
        8,
        "Choose Go for networked services (microservices, gRPC)",
        (("part7", "— a gRPC service"),),
        proxy="one unary gRPC echo on one machine; no fleet of microservices is built",
    ),
    Statement(
        8,
        "Choose Rust for infrastructure (database, proxy, OS)",
        (("part7", "— a reverse proxy"),),
        proxy="a reverse proxy in front of one small backend; no database or kernel is built",
    ),
    Statement(8, "Juniors can pick up Go in a week", why="about people; no benchmark sees it"),
)


def status_of(statement: Statement, found: list[tuple[str, str, str]]) -> str:
    if not found:
        return NOT_YET if statement.evidence else NOT_MEASURABLE
    inconclusive = all(verdict_word(verdict) == "inconclusive here" for _, _, verdict in found)
    return PARTLY if statement.proxy or inconclusive else COVERED


def coverage(ledger: pd.DataFrame) -> pd.DataFrame:
    """One row per statement: its Part, the article's words, its status, and the verdicts of
    the claims that check it (or why none can)."""
    rows = []
    for statement in STATEMENTS:
        found = findings(ledger, statement.evidence)
        verdicts = "; ".join(verdict_ref(chapter, verdict) for chapter, _, verdict in found)
        if statement.proxy and found:
            verdicts += f" — through a proxy: {statement.proxy}"
        rows.append(
            {
                "part": statement.part,
                "statement": statement.says,
                "status": status_of(statement, found),
                "checked_by": verdicts or statement.why or NOT_YET,
            }
        )
    return pd.DataFrame(rows)


def coverage_counts(ledger: pd.DataFrame) -> pd.DataFrame:
    """How many of the article's checkable statements are covered, partly covered, or not
    measurable here."""
    statuses = coverage(ledger).status
    return pd.DataFrame(
        {"status": list(STATUSES), "statements": [int((statuses == s).sum()) for s in STATUSES]}
    )


def coverage_table(ledger: pd.DataFrame) -> Markdown:
    rows = [
        (row.part, row.statement, row.status, row.checked_by)
        for row in coverage(ledger).itertuples()
    ]
    return markdown_table(("Part", "The article says", "Status", "Checked by"), rows)
