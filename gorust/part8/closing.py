"""The Verdict's closing paragraph, computed: which side needed less, where the gaps are widest,
what the CRUD services served, and how the article's claims fared."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from gorust.part8.claim_ledger import verdict_counts
from gorust.part8.comparisons import IDIOMATIC
from gorust.part8.matrix import PARITY, RUNTIME, tally


def _times(ratio: float) -> str:
    return f"{ratio:.2g}×" if ratio < 10 else f"{ratio:,.0f}×"


def widest_gaps(dims: pd.DataFrame) -> str:
    """The comparison most in each side's favour, idiomatic pairs only."""
    idiomatic = dims[dims.pairing == IDIOMATIC]
    texts = []
    rust = idiomatic[idiomatic.ratio > PARITY]
    if not rust.empty:
        top = rust.loc[rust.ratio.idxmax()]
        texts.append(f"in Rust's favour, {top.dimension} (Go needed {_times(top.ratio)})")
    go = idiomatic[idiomatic.ratio < 1 / PARITY]
    if not go.empty:
        top = go.loc[go.ratio.idxmin()]
        texts.append(f"in Go's favour, {top.dimension} (Rust needed {_times(1 / top.ratio)})")
    return "; ".join(texts)


def served(dims: pd.DataFrame) -> str:
    """What the two CRUD services served, Go's requests/s against Rust's, per workload."""
    by_key = dims.set_index("key")
    texts = []
    for key, workload in (("crud-read", "reading"), ("crud-mixed", "in the mixed workload")):
        if key not in by_key.index:
            continue
        go_share = by_key.loc[key, "ratio"] ** -1  # time per request inverted: Go rps ÷ Rust rps
        if 1 / PARITY <= go_share <= PARITY:
            texts.append(f"about the same load {workload} (Go {go_share:.2f}× Rust's requests/s)")
        else:
            more, less = ("Go", "Rust's") if go_share > 1 else ("Rust", "Go's")
            factor = go_share if go_share > 1 else 1 / go_share
            texts.append(f"{more} served {factor:.2f}× {less} requests/s {workload}")
        best = f"{key}-best"
        if best in by_key.index:
            texts[-1] += (
                f" (Go {1 / by_key.loc[best, 'ratio']:.2f}× against Rust's best variant, "
                f"“{by_key.loc[best, 'rust_variant']}”)"
            )
    return "; ".join(texts)


def _claims_sentence(claims: pd.DataFrame) -> str:
    counts = verdict_counts(claims).set_index("verdict")
    article = counts["article claims"]
    words = ", ".join(f"{n} {verdict}" for verdict, n in article.items())
    return (
        f"Of the article's {int(article.sum())} claims the chapters judged: {words}. "
        f"The chapters add {int(counts['course findings'].sum())} findings of their own."
    )


def conclusions(dims: pd.DataFrame, claims: pd.DataFrame) -> Markdown:
    runtime = dims[(dims.pairing == IDIOMATIC) & dims.key.isin(RUNTIME)]
    rust, go, even = tally(runtime.ratio)
    sentences = [
        f"In the {len(runtime)} runtime comparisons in their idiomatic pairing, Rust needed less "
        f"in {rust}, Go in {go}, and {even} were parity (±10%).",
    ]
    gaps = widest_gaps(dims)
    if gaps:
        sentences.append(f"The widest gaps among all the comparisons: {gaps}.")
    crud = served(dims)
    if crud:
        sentences.append(f"On one core, against PostgreSQL, {crud}.")
    if not claims.empty:
        sentences.append(_claims_sentence(claims))
    return Markdown(" ".join(sentences))
