"""The claims ledger: every chapter's claim check, one row per claim.

A claim more than one chapter judges (the same ``key``, such as binary size in Parts 4 and 7)
is one row, with each chapter's evidence; its verdict is theirs when they agree and "depends"
when they do not. The course's own findings (``source == "course"``) are listed but not
counted among the article's claims.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from gorust.claims import (
    VERDICTS,
    claim_cell,
    markdown_cell,
    verdict_cell,
    verdict_word,
)

LEDGER_COLUMNS = ["chapter", "claim", "measured", "anchor", "verdict", "source", "key"]


def ledger(data_dir: Path) -> pd.DataFrame:
    """Every chapter's claim check, as its chapter recorded it, claims judged in several
    chapters merged into one row."""
    frames = [pd.read_csv(p) for p in sorted(data_dir.glob("part[1-7]/claims.csv"))]
    if not frames:
        return pd.DataFrame(columns=[*LEDGER_COLUMNS, "profile", "measured_at"])
    claims = pd.concat(frames, ignore_index=True)
    for column, default in (("source", "article"), ("key", "")):
        claims[column] = (
            claims[column].astype(object).fillna(default) if column in claims else default
        )
    return merge_shared(claims)


def merged_verdict(rows: pd.DataFrame) -> str:
    words = {
        chapter: verdict_word(v) for chapter, v in zip(rows.chapter, rows.verdict, strict=True)
    }
    if len(set(words.values())) == 1:
        return str(rows.verdict.iloc[0]) if len(rows) == 1 else next(iter(words.values()))
    return "depends: " + "; ".join(f"{chapter} finds it {w}" for chapter, w in words.items())


def merge_shared(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: rows sharing a non-empty ``key`` become one."""
    rows = []
    for _, group in claims.groupby(
        claims.key.where(claims.key != "", claims.index.astype(str)), sort=False
    ):
        first = group.iloc[0].to_dict()
        if len(group) > 1:
            first["chapter"] = ", ".join(group.chapter)
            first["measured"] = " ".join(
                f"{chapter}: {measured}"
                for chapter, measured in zip(group.chapter, group.measured, strict=True)
            )
            first["verdict"] = merged_verdict(group)
            first["measured_at"] = str(group.measured_at.astype(str).max())
            first["profile"] = ", ".join(dict.fromkeys(group.profile.astype(str)))
        rows.append(first)
    return pd.DataFrame(rows).reset_index(drop=True)


def verdict_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """How many of the article's claims got each verdict; the course's findings apart."""
    words = claims.verdict.map(verdict_word)
    counts = pd.DataFrame(
        {
            "verdict": list(VERDICTS),
            "article claims": [
                int(((words == w) & (claims.source == "article")).sum()) for w in VERDICTS
            ],
            "course findings": [
                int(((words == w) & (claims.source == "course")).sum()) for w in VERDICTS
            ],
        }
    )
    return counts


def _chapters(chapter: str) -> str:
    return ", ".join(f"{{ref}}`{c.strip()}`" for c in chapter.split(","))


def ledger_table(claims: pd.DataFrame) -> Markdown:
    rows = ["| Chapter | Claim | Measured | Verdict | Run |", "|---|---|---|---|---|"]
    for row in claims.itertuples():
        rows.append(
            f"| {_chapters(row.chapter)} | {claim_cell(row.claim, row.source)} | "
            f"{markdown_cell(row.measured)} | {verdict_cell(row.verdict)} | "
            f"{row.profile}, {str(row.measured_at)[:10]} |"
        )
    return Markdown("\n".join(rows))
