"""The article's Summary Matrix, row by row, with the course's evidence and its reading, and the
chapter's closing paragraph: both computed from the comparisons and the ledger."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from gorust.claims import markdown_table, verdict_word
from gorust.part8.comparisons import IDIOMATIC

PARITY = 1.1  # within ±10% a comparison is called parity
# The Matrix row each comparison is evidence for (by key, best-of-each pairs included).
RUNTIME = (
    "alloc",
    "alloc-cpu",
    "p99",
    "json-decode-typed",
    "json-encode-typed",
    "json-decode-untyped",
    "crud-read",
    "crud-mixed",
    "errors-plain",
    "errors",
    "errors-panic",
    "cache-tail",
    "wordcount",
    "wordcount-wasm",
    "browser-first",
    "browser-call",
    "proxy-cpu",
    "proxy-p99",
    "grpc-cpu",
    "grpc-p99",
)
MEMORY = ("heap-memory", "cache-memory")
CONCURRENCY = ("task", "connection")
BINARY = ("binary", "service-binary", "wasm", "browser-download", "grpc-binary")
CODING = ("lines", "rebuild", "cold-build", "service-cold-build")


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _rows(dims: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    base = dims.key.str.removesuffix("-best")
    return dims[base.isin(keys)]


def evidence(dims: pd.DataFrame, keys: tuple[str, ...]) -> str:
    """Each comparison among ``keys``: Go's and Rust's figures, the pairing, and where from."""
    parts = [
        f"{row.dimension}{'' if row.pairing == IDIOMATIC else f' ({row.pairing})'}: "
        f"Go {_number(row.go)} vs Rust {_number(row.rust)} {row.unit} ({{ref}}`{row.chapter}`)"
        for row in _rows(dims, keys).itertuples()
    ]
    return "; ".join(parts) or "not measured yet"


def tally(ratios: pd.Series) -> tuple[int, int, int]:
    """How many ratios (Go ÷ Rust) favour Rust, favour Go, and are parity (±10%)."""
    rust = int((ratios > PARITY).sum())
    go = int((ratios < 1 / PARITY).sum())
    return rust, go, len(ratios) - rust - go


def lean(dims: pd.DataFrame, keys: tuple[str, ...]) -> str:
    """The tally of the idiomatic comparisons among ``keys``, and of the best-of-each ones."""
    rows = _rows(dims, keys)
    if rows.empty:
        return "not measured yet"
    texts = []
    for pairing, group in rows.groupby("pairing", sort=False):
        rust, go, even = tally(group.ratio)
        texts.append(
            f"{pairing}: Rust needs less in {rust}, Go in {go}, parity (±10%) in {even} of "
            f"{len(group)}"
        )
    return "; ".join(texts)


def _verdict_of(claims: pd.DataFrame, chapter: str, starts: str) -> str | None:
    match = claims[claims.chapter.str.contains(chapter) & claims.claim.str.contains(starts)]
    return None if match.empty else str(match.verdict.iloc[0])


def safety_reading(bugs: str | None, race: str | None, forgotten: str | None) -> str:
    """What the measurements say of “Good (runtime checks)” against “Best (compile checks)”:
    Part 1's classic-bug table decides when it is there (its verdict is the row's own claim
    check); without it, the two single bug classes, the data race (Rust's claim) and the
    forgotten error (Go's claim)."""
    if bugs is not None:
        return f"the classic-bug table decides it: {bugs}"
    if race is None or forgotten is None:
        return "not measured yet"
    compile_time = verdict_word(race) in ("holds", "depends")
    go_forgets = verdict_word(forgotten) in ("does not hold", "depends")
    supported = int(compile_time) + int(go_forgets)
    if supported == 2:
        return (
            "in both bug classes measured, rustc refused what Go compiled and left to a run-time "
            "detector or a linter: it supports the row, on two bug classes only"
        )
    if supported == 0:
        return "the two bug classes measured do not support the row"
    return "inconclusive here: the two bug classes measured disagree"


def summary_matrix(dims: pd.DataFrame, claims: pd.DataFrame) -> Markdown:
    """The article's Summary Matrix with our evidence and reading for each row."""
    bugs = _verdict_of(claims, "part1", "Safety")
    race = _verdict_of(claims, "part1", "If it compiles")
    forgotten = _verdict_of(claims, "part5", "forget")
    preempt = _verdict_of(claims, "part2", "Preemptive")
    snippet = _verdict_of(claims, "part2", "The article's snippet")
    threads = _verdict_of(claims, "part2", "few OS threads")
    rows = [
        (
            "Speed (Runtime)",
            "Fast (GC Overhead)",
            "Fastest (Native)",
            evidence(dims, RUNTIME),
            lean(dims, RUNTIME),
        ),
        (
            "Speed (Coding)",
            "Fast",
            "Slow (at first)",
            "not measurable here; proxies: " + evidence(dims, CODING),
            "not measured: how fast people write code is not something a benchmark can see; "
            "proxies: " + lean(dims, CODING),
        ),
        (
            "Learning Curve",
            "Flat",
            "Vertical Cliff",
            "not measured; the nearest proxy is the function colouring count in {ref}`part2` "
            "(`async`/`.await` sites against `go` statements)",
            "not measured",
        ),
        (
            "Concurrency",
            "Easy (Goroutines)",
            "Hard (Async/Await)",
            evidence(dims, CONCURRENCY)
            + (f"; preemption: {preempt}" if preempt else "")
            + (
                f"; the article's snippet on a real database ({{ref}}`part2`): {snippet}"
                if snippet
                else ""
            )
            + (f"; OS threads under blocked goroutines: {threads}" if threads else ""),
            lean(dims, CONCURRENCY) + "; ease is not measured",
        ),
        (
            "Safety",
            "Good (Runtime checks)",
            "Best (Compile checks)",
            f"classic bugs: {bugs or 'not measured yet'} ({{ref}}`part1`); data race: "
            f"{race or 'not measured yet'} ({{ref}}`part1`); forgotten errors: "
            f"{forgotten or 'not measured yet'} ({{ref}}`part5`)",
            safety_reading(bugs, race, forgotten),
        ),
        (
            "Binary Size",
            "Medium (~10MB)",
            "Small (~2MB)",
            evidence(dims, BINARY),
            lean(dims, BINARY),
        ),
        (
            "Memory (not a Matrix row; Parts 3 and 6)",
            "",
            "",
            evidence(dims, MEMORY),
            lean(dims, MEMORY),
        ),
    ]
    header = ("Feature", "Article: Go", "Article: Rust", "Measured here", "Our reading")
    return markdown_table(header, rows)
