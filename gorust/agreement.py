"""This machine against the reference: each chapter's headline figures, side by side.

A chapter declares the few figures its claims rest on, as a function of its tables::

    @agreement.headlines("part6", tables=("read_states",))
    def headline_figures(t: claims.Tables) -> list[agreement.Figure]:
        return [agreement.Figure.of_ratio("p99, Go ÷ Rust", ratio, rules=("spikes",))]

Each figure carries its spread in the run that measured it (a ratio's interval, or the range
over repetitions). When the chapter runs live, ``table`` computes every figure twice, from this
machine's tables and from the reference's (data/), and says for each whether the two agree,
that is whether their spreads overlap, or differ beyond the spread of both runs. It then judges
every claim on both and shows the verdicts that differ, flagging those that flip. In replay
mode there is only the reference, and the table says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import Markdown

from gorust import claims, data, replay, stats

AGREES = "agrees"
DIFFERS = "differs beyond the spread of both runs"
NO_REFERENCE = "no reference figure"
NO_LIVE = "no figure in this run"


@dataclass(frozen=True)
class Figure:
    """A headline figure with its spread (low ≤ value ≤ high) in the run that measured it."""

    name: str
    value: float
    low: float
    high: float
    unit: str = ""  # "×" for a ratio, else the unit shown after the number ("µs", "MiB", …)
    rules: tuple[str, ...] = ()  # the claim rules that rest on it

    @classmethod
    def of_ratio(
        cls, name: str, ratio: stats.Ratio, *, unit: str = "×", rules: Sequence[str] = ()
    ) -> Figure:
        """A ratio with its interval (with one sample a side it has none: the point itself)."""
        low, high = ratio.low, ratio.high
        if not (math.isfinite(low) and math.isfinite(high)):
            low = high = ratio.value
        return cls(name, ratio.value, low, high, unit, tuple(rules))

    @classmethod
    def of_samples(
        cls, name: str, samples: Sequence[float], *, unit: str = "", rules: Sequence[str] = ()
    ) -> Figure:
        """The median of repeated measurements, spread over their range."""
        values = np.asarray(samples, dtype=float)
        values = values[np.isfinite(values)]
        if values.size == 0:
            raise ValueError(f"{name}: no finite sample")
        return cls(
            name, float(np.median(values)), float(values.min()), float(values.max()), unit,
            tuple(rules),
        )  # fmt: skip


@dataclass(frozen=True)
class Headlines:
    chapter: str
    name: str
    tables: tuple[str, ...]
    compute: Callable[[claims.Tables], list[Figure]]

    def __call__(self, tables: claims.Tables) -> list[Figure]:
        return list(self.compute({n: tables[n] for n in self.tables}))


HEADLINES: dict[str, list[Headlines]] = {}


def headlines(
    chapter: str, *, tables: tuple[str, ...]
) -> Callable[[Callable[[claims.Tables], list[Figure]]], Headlines]:
    """Declare the function from the chapter's tables to its headline figures."""

    def declare(compute: Callable[[claims.Tables], list[Figure]]) -> Headlines:
        declared = Headlines(chapter, compute.__name__, tuple(tables), compute)
        chapter_headlines = HEADLINES.setdefault(chapter, [])
        chapter_headlines[:] = [h for h in chapter_headlines if h.name != declared.name]
        chapter_headlines.append(declared)
        return declared

    return declare


def headlines_of(chapter: str) -> list[Headlines]:
    claims.rules(chapter)  # imports the chapter's module, which declares them
    return list(HEADLINES.get(chapter, []))


def table_names(chapter: str) -> set[str]:
    return {name for h in headlines_of(chapter) for name in h.tables}


def figures(chapter: str, tables: claims.Tables) -> list[Figure]:
    """Every headline figure of the chapter, from ``tables``."""
    found = [figure for declared in headlines_of(chapter) for figure in declared(tables)]
    names = [f.name for f in found]
    if len(set(names)) != len(names):
        raise ValueError(f"{chapter}: headline figures share a name: {names}")
    return found


def agreement(live: Figure, reference: Figure | None) -> str:
    """``AGREES`` when the two runs' spreads overlap, else ``DIFFERS``."""
    if reference is None:
        return NO_REFERENCE
    overlap = live.low <= reference.high and reference.low <= live.high
    return AGREES if overlap else DIFFERS


def load(chapter: str, loader: Callable[[str, str], pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables the chapter's rules, facts and headline figures read, with ``loader``."""
    found = claims.load_tables(chapter, loader)
    for name in sorted(table_names(chapter) - set(found)):
        found[name] = loader(*claims.split_table_name(chapter, name))
    return found


def reference_tables(chapter: str) -> dict[str, pd.DataFrame] | None:
    """Those tables as the reference recorded them; None when it lacks one of them."""
    try:
        return load(chapter, replay.recorded)
    except replay.RecordingMissing:
        return None


def compare(live: Sequence[Figure], reference: Sequence[Figure] | None) -> pd.DataFrame:
    """One row per live headline figure: both values, their ratio, and the agreement."""
    by_name = {f.name: f for f in reference or ()}
    rows = []
    for figure in live:
        other = by_name.get(figure.name)
        rows.append(
            {
                "figure": figure.name,
                "unit": figure.unit,
                "live": figure.value,
                "live_low": figure.low,
                "live_high": figure.high,
                "reference": other.value if other else math.nan,
                "reference_low": other.low if other else math.nan,
                "reference_high": other.high if other else math.nan,
                "live_over_reference": figure.value / other.value
                if other and other.value
                else math.nan,
                "agreement": agreement(figure, other),
                "rules": ", ".join(figure.rules),
            }
        )
    shown = {f.name for f in live}
    for other in reference or ():
        if other.name not in shown:  # the reference has it, this run could not compute it
            rows.append(
                {
                    "figure": other.name, "unit": other.unit, "live": math.nan,
                    "live_low": math.nan, "live_high": math.nan, "reference": other.value,
                    "reference_low": other.low, "reference_high": other.high,
                    "live_over_reference": math.nan, "agreement": NO_LIVE,
                    "rules": ", ".join(other.rules),
                }
            )  # fmt: skip
    return pd.DataFrame(rows)


def verdicts(chapter: str, live: claims.Tables, reference: claims.Tables) -> pd.DataFrame:
    """Every claim judged on both runs: one row per rule, ``flips`` when the verdict's word
    differs between the two machines."""
    rules = claims.rules(chapter)
    here = claims.judge(chapter, live)
    there = claims.judge(chapter, reference)
    return pd.DataFrame(
        {
            "rule": [r.name for r in rules],
            "claim": [c.claim for c in here],
            "live": [c.verdict for c in here],
            "reference": [c.verdict for c in there],
            "flips": [
                claims.verdict_word(a.verdict) != claims.verdict_word(b.verdict)
                for a, b in zip(here, there, strict=True)
            ],
        }
    )


def number(value: float, unit: str) -> str:
    """A figure as the table shows it: three significant digits, its unit after it."""
    if not math.isfinite(value):
        return "–"
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return f"{text}×" if unit == "×" else (f"{text} {unit}" if unit else text)


def with_spread(value: float, low: float, high: float, unit: str) -> str:
    if not math.isfinite(value) or low == high:
        return number(value, unit)
    return f"{number(value, unit)} ({number(low, unit)} – {number(high, unit)})"


def run_description(frames: claims.Tables) -> str:
    facts = claims.provenance_of(frames)
    parts = [f"{facts.get('profile') or '?'} profile", facts.get("cpu") or "?"]
    if facts.get("commit"):
        parts.append(f"commit {facts['commit']}")
    if facts.get("measured_at"):
        parts.append(str(facts["measured_at"])[:10])
    return ", ".join(parts)


def replay_table(chapter: str, reference: claims.Tables) -> str:
    rows = [
        "| Headline figure | Reference (spread) |",
        "|---|---|",
        *(
            f"| {claims.markdown_cell(f.name)} | {with_spread(f.value, f.low, f.high, f.unit)} |"
            for f in figures(chapter, reference)
        ),
    ]
    return (
        "**Your machine against the reference.** This page replays the reference "
        f"({run_description(reference)}), so there is no second run to compare: these are the "
        "reference's headline figures alone. Run the chapter live to see this machine's "
        "beside them.\n\n" + "\n".join(rows)
    )


def live_table(chapter: str, live: claims.Tables, reference: claims.Tables | None) -> str:
    compared = compare(figures(chapter, live), None if reference is None else figures(
        chapter, reference))  # fmt: skip
    rows = ["| Headline figure | This machine | Reference | This ÷ reference | Agreement |",
            "|---|---|---|---|---|"]  # fmt: skip
    for row in compared.itertuples():
        rows.append(
            f"| {claims.markdown_cell(row.figure)} "
            f"| {with_spread(row.live, row.live_low, row.live_high, row.unit)} "
            f"| {with_spread(row.reference, row.reference_low, row.reference_high, row.unit)} "
            f"| {number(row.live_over_reference, '×')} | {row.agreement} |"
        )
    agreeing = int((compared.agreement == AGREES).sum())
    both = int(compared.agreement.isin((AGREES, DIFFERS)).sum())
    intro = (
        f"**Your machine against the reference.** This machine: {run_description(live)}. "
        + (
            f"Reference: {run_description(reference)}. "
            if reference is not None
            else "The reference lacks this chapter's tables. "
        )
        + f"{agreeing} of the {both} headline figures both runs have agree: their spreads "
        "overlap."
    )
    text = intro + "\n\n" + "\n".join(rows)
    if reference is not None:
        text += "\n\n" + verdict_section(chapter, live, reference, compared)
    return text


def verdict_section(
    chapter: str, live: claims.Tables, reference: claims.Tables, compared: pd.DataFrame
) -> str:
    judged = verdicts(chapter, live, reference)
    differing_rules = {
        rule.strip()
        for rules in compared[compared.agreement == DIFFERS].rules
        for rule in str(rules).split(",")
        if rule.strip()
    }
    shown = judged[judged.flips | judged.rule.isin(differing_rules)]
    flips = int(judged.flips.sum())
    summary = f"{len(judged) - flips} of {len(judged)} verdicts are the same on both machines" + (
        f"; ⚑ {flips} flip{'s' if flips != 1 else ''} between them." if flips else "."
    )
    if shown.empty:
        return summary
    rows = ["| Claim | Verdict here | Verdict in the reference | |", "|---|---|---|---|"]
    rows += [
        f"| {claims.markdown_cell(r.claim)} | {claims.verdict_cell(r.live)} "
        f"| {claims.verdict_cell(r.reference)} | {'⚑ flips' if r.flips else 'same word'} |"
        for r in shown.itertuples()
    ]
    return (
        summary
        + " The verdicts that rest on a figure that differs, or that flip:\n\n"
        + ("\n".join(rows))
    )


def table(chapter: str) -> Markdown:
    """The agreement table for the end of the chapter's claim check."""
    if not headlines_of(chapter):
        return Markdown("")
    reference = reference_tables(chapter)
    if replay.active():
        if reference is None:
            return Markdown("")
        return Markdown(replay_table(chapter, reference))
    return Markdown(live_table(chapter, load(chapter, data.load), reference))


__all__ = ["Figure", "agreement", "compare", "figures", "headlines", "table"]
