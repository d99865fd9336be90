"""The claim registry: every verdict in the course is a small rule over named tables.

A chapter declares each of the article's claims it checks as one function::

    @claims.rule(
        "part1",
        claim="Rust: “If it compiles, it works”",
        anchor="The Rustonomicon: safe Rust has no data races",
        tables=("data_race",),
    )
    def data_race(t: claims.Tables) -> claims.Finding:
        ...
        return claims.Finding(measured="…numbers…", verdict="holds")

A rule sees only the tables it names (``"data_race"`` is this chapter's, ``"part4/load"``
another's), as the chapter saved them, and returns what was measured, in words with numbers,
and a verdict. So:

- a live page and a replayed one judge the same CSV files the same way (``check``);
- ``python -m gorust.reference --derive-claims`` re-derives every ``claims.csv`` of the
  reference from its recorded tables, after a rule's wording or threshold changes, without
  measuring anything;
- a test can feed a rule synthetic tables on both sides of its threshold and see it flip.

Numbers in a chapter's prose come the same way: ``@claims.facts(chapter, tables=...)``
declares a function from tables to ``{glue key: text}``; ``check`` glues them (MyST-NB's
``glue``), and the prose shows them with ``{glue:text}`key```.

``source="course"`` marks a row that is the course's own finding rather than the article's
claim: the Verdict shows it but does not count it among the article's claims. ``key`` names a
claim that more than one chapter judges (binary size in Parts 4 and 7): the Verdict's ledger
shows it once, with the evidence of every chapter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import pandas as pd
from IPython.display import Markdown

from gorust import data, experiments

VERDICTS = ("holds", "does not hold", "depends", "inconclusive here")
SOURCES = ("article", "course")
Tables = Mapping[str, pd.DataFrame]


def _check_verdict(verdict: str) -> None:
    if not verdict.startswith(VERDICTS):
        raise ValueError(f"verdict {verdict!r} must start with one of {VERDICTS}")


@dataclass(frozen=True)
class Finding:
    """What a rule found: the measurement in words, and the verdict it supports."""

    measured: str
    verdict: str  # one of VERDICTS, optionally followed by ": why"

    def __post_init__(self) -> None:
        _check_verdict(self.verdict)


@dataclass(frozen=True)
class Claim:
    claim: str  # the article's words, quoted briefly
    measured: str  # what this chapter measured, with numbers
    anchor: str  # the public figure to compare against, with its source
    verdict: str  # one of VERDICTS, optionally followed by ": why"
    source: str = "article"  # "course" for the course's own finding, not the article's claim
    key: str = ""  # a claim judged in several chapters shares one key

    def __post_init__(self) -> None:
        _check_verdict(self.verdict)
        if self.source not in SOURCES:
            raise ValueError(f"source {self.source!r} must be one of {SOURCES}")


@dataclass(frozen=True)
class Rule:
    chapter: str
    name: str
    claim: str
    anchor: str
    tables: tuple[str, ...]
    source: str
    key: str
    judge: Callable[[Tables], Finding]

    def __call__(self, tables: Tables) -> Claim:
        """The claim as these tables support it (``tables`` may hold more than it needs)."""
        missing = [name for name in self.tables if name not in tables]
        if missing:
            raise KeyError(f"{self.chapter}.{self.name} needs tables {missing}")
        found = self.judge({name: tables[name] for name in self.tables})
        return Claim(self.claim, found.measured, self.anchor, found.verdict, self.source, self.key)


# Every declared rule, by chapter, in the order the chapter's module declares them.
RULES: dict[str, list[Rule]] = {}


def rule(
    chapter: str,
    *,
    claim: str,
    anchor: str,
    tables: tuple[str, ...],
    source: str = "article",
    key: str = "",
) -> Callable[[Callable[[Tables], Finding]], Rule]:
    """Declare one claim a chapter checks, judged by the decorated function."""

    def declare(judge: Callable[[Tables], Finding]) -> Rule:
        declared = Rule(chapter, judge.__name__, claim, anchor, tuple(tables), source, key, judge)
        declared_rules = RULES.setdefault(chapter, [])
        declared_rules[:] = [r for r in declared_rules if r.name != declared.name]
        declared_rules.append(declared)
        return declared

    return declare


def rules(chapter: str) -> list[Rule]:
    """The chapter's rules, in declaration order (imports the chapter's module)."""
    import importlib

    importlib.import_module(f"gorust.{chapter}")
    return list(RULES.get(chapter, []))


@dataclass(frozen=True)
class Facts:
    chapter: str
    name: str
    tables: tuple[str, ...]
    compute: Callable[[Tables], Mapping[str, str]]

    def __call__(self, tables: Tables) -> dict[str, str]:
        return {
            key: str(text)
            for key, text in self.compute({n: tables[n] for n in self.tables}).items()
        }


# The functions that give each chapter's prose its numbers, by chapter.
FACTS: dict[str, list[Facts]] = {}


def facts(
    chapter: str, *, tables: tuple[str, ...]
) -> Callable[[Callable[[Tables], Mapping[str, str]]], Facts]:
    """Declare a function from the chapter's tables to the texts its prose glues, by key."""

    def declare(compute: Callable[[Tables], Mapping[str, str]]) -> Facts:
        declared = Facts(chapter, compute.__name__, tuple(tables), compute)
        chapter_facts = FACTS.setdefault(chapter, [])
        chapter_facts[:] = [f for f in chapter_facts if f.name != declared.name]
        chapter_facts.append(declared)
        return declared

    return declare


def facts_of(chapter: str) -> list[Facts]:
    rules(chapter)  # imports the chapter's module, which declares them
    return list(FACTS.get(chapter, []))


def glued_values(chapter: str, tables: Tables | None = None) -> dict[str, str]:
    """Every text the chapter's prose glues, computed from ``tables`` (by default, as this run
    shows them)."""
    tables = load_tables(chapter) if tables is None else tables
    values: dict[str, str] = {}
    for declared in facts_of(chapter):
        for key, text in declared(tables).items():
            if key in values:
                raise ValueError(f"{chapter}: glue key {key!r} computed twice")
            values[key] = text
    return values


def split_table_name(chapter: str, name: str) -> tuple[str, str]:
    """ "load" is this chapter's table; "part4/load" is Part 4's."""
    owner, _, table = name.rpartition("/")
    return (owner or chapter), table


def load_tables(chapter: str, loader: Callable[[str, str], pd.DataFrame] = data.load) -> dict:
    """Every table the chapter's rules name, read with ``loader(chapter, table)``."""
    names = {name for r in rules(chapter) for name in r.tables}
    names |= {name for f in facts_of(chapter) for name in f.tables}
    return {name: loader(*split_table_name(chapter, name)) for name in sorted(names)}


def judge(chapter: str, tables: Tables | None = None) -> list[Claim]:
    """Every claim of the chapter, judged on ``tables`` (by default, as this run shows them:
    the live results, or the reference in replay mode)."""
    tables = load_tables(chapter) if tables is None else tables
    return [r(tables) for r in rules(chapter)]


def verdict_word(verdict: str) -> str:
    """The verdict's word ("holds", "does not hold", ...), whatever reason follows it."""
    return next((word for word in VERDICTS if str(verdict).startswith(word)), "inconclusive here")


def markdown_cell(text: object) -> str:
    """``text`` made safe for one cell of a Markdown table."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Markdown:
    """A Markdown table: ``header``, then one line per row, each cell made safe."""
    lines = [f"| {' | '.join(header)} |", "|" + "---|" * len(header)]
    lines += [f"| {' | '.join(markdown_cell(cell) for cell in row)} |" for row in rows]
    return Markdown("\n".join(lines))


def verdict_cell(verdict: str) -> str:
    """The verdict's label as its coloured badge (inline HTML, which MyST and JupyterLab
    show), its reason (after a colon) in plain text."""
    from gorust.claim_view import badge

    _, _, reason = str(verdict).partition(":")
    return badge(verdict) + (f":{markdown_cell(reason)}" if reason else "")


def claim_cell(claim: str, source: str) -> str:
    """The claim, marked when it is the course's own finding rather than the article's."""
    return markdown_cell(claim) + (" *(the course’s finding)*" if source == "course" else "")


def table(claims: Iterable[Claim]) -> Markdown:
    rows = ["| Claim | Measured here | Public anchor | Verdict |", "|---|---|---|---|"]
    rows += [
        f"| {claim_cell(c.claim, c.source)} | {markdown_cell(c.measured)} "
        f"| {markdown_cell(c.anchor)} | {verdict_cell(c.verdict)} |"
        for c in claims
    ]
    return Markdown("\n".join(rows))


def provenance_of(tables: Tables) -> dict[str, str]:
    """Where a claim check's tables came from: their toolchains, profile, machine and commit,
    so a derived table carries the provenance of what it judged."""
    columns = ("toolchain", *data.PROVENANCE_COLUMNS)
    # Only the provenance columns: the tables themselves can be large (Part 6's bins).
    frames = [f[[c for c in columns if c in f]] for f in tables.values() if not f.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def distinct(column: str) -> str:
        if column not in rows:
            return ""
        return "; ".join(sorted({str(v) for v in rows[column].dropna()}))

    facts = {column: distinct(column) for column in columns}
    if "measured_at" in rows and not rows.measured_at.dropna().empty:
        facts["measured_at"] = str(rows.measured_at.dropna().astype(str).max())
    return facts


def claims_frame(chapter: str, claims: list[Claim], tables: Tables) -> pd.DataFrame:
    """The chapter's claims.csv: one row per rule, with the provenance of its tables."""
    frame = pd.DataFrame([asdict(c) for c in claims])
    frame.insert(0, "rule", [r.name for r in rules(chapter)])
    frame["chapter"] = chapter
    frame["language"] = "go+rust"
    for column, value in provenance_of(tables).items():
        frame[column] = value
    return frame


def check(chapter: str) -> Markdown:
    """Judge the chapter's claims on what this run shows, save them as the run's
    ``<chapter>/claims.csv`` (live only; the Verdict builds its ledger from these files), glue
    the numbers its prose shows, and return the claims as the chapter's claim-check table,
    followed by this machine's headline figures against the reference's (gorust.agreement)."""
    from myst_nb import glue

    tables = load_tables(chapter)
    for key, text in glued_values(chapter, tables).items():
        glue(key, text, display=False)
    from gorust import agreement

    found = judge(chapter, tables)
    experiments.save_derived(chapter, "claims", lambda: claims_frame(chapter, found, tables))
    return ClaimCheck(found, agreement.table(chapter).data)


class ClaimCheck(Markdown):
    """The claim check as the chapter shows it: in HTML (the book, JupyterLab) a table a reader
    scans (gorust.claim_view: badge, one sentence, the numbers folded beneath) and the
    agreement table; as Markdown (``.data``), the full table with every column."""

    def __init__(self, found: list[Claim], agreement_markdown: str) -> None:
        super().__init__(f"{table(found).data}\n\n{agreement_markdown}".rstrip())
        self.found = found
        self.agreement_markdown = agreement_markdown

    def _repr_html_(self) -> str:
        from gorust.claim_view import claims_html, markdown_html

        agreement_html = markdown_html(self.agreement_markdown) if self.agreement_markdown else ""
        return f'<div class="gvr-claim-check">{claims_html(self.found)}{agreement_html}</div>'
