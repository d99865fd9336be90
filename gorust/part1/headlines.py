"""Part 1's headline figures (gorust.agreement): what the claim check rests on, in forms a quick
run and the full reference can share (ratios to the hand-written code, bytes per type, the
share of increments a race loses), each with the spread its run gives."""

from __future__ import annotations

from gorust import agreement, claims
from gorust.part1 import DataRace, generics_ratios, size_growth

CHAPTER = "part1"
# The generic cases whose ratio to hand-written code the two generics verdicts quote.
GENERIC_FIGURES = (
    ("go", "sum(int64) generic", "go_generics"),
    ("go", "area(pointer to Rect) generic", "go_generics"),
    ("rust", "area(pointer to Rect) generic", "rust_generics"),
)
LANGUAGE_NAMES = {"go": "Go", "rust": "Rust"}


def _generic_figures(t: claims.Tables) -> list[agreement.Figure]:
    ratios = generics_ratios(t["generics_cost"])
    figures = []
    for language, case, rule in GENERIC_FIGURES:
        row = ratios[(ratios.language == language) & (ratios.case == case)].iloc[0]
        figures.append(
            agreement.Figure(
                f"{LANGUAGE_NAMES[language]}: {case} ÷ hand-written, per call",
                float(row.ratio),
                float(row.ratio_low),
                float(row.ratio_high),
                "×",
                (rule,),
            )
        )
    return figures


def _size_figures(t: claims.Tables) -> list[agreement.Figure]:
    """Bytes of machine code per further type: one build per count, so no spread but the
    point (a build is deterministic for a toolchain)."""
    growth = size_growth(t["generic_size"]).set_index("language")
    return [
        agreement.Figure.of_samples(
            f"{LANGUAGE_NAMES[language]}: machine code per further type",
            [growth.loc[language, "bytes_per_further_type"] / 1024],
            unit="KiB",
            rules=("code_size",),
        )
        for language in ("rust", "go")
    ]


def _race_figure(t: claims.Tables) -> agreement.Figure:
    """The share of increments the unsynchronised Go counter lost, over its runs (a share, so
    that the quick profile's shorter runs compare with the full one's)."""
    lost = DataRace(t["data_race"]).go_lost_updates
    return agreement.Figure.of_samples(
        "Go, unsynchronised counter: increments lost",
        list(100 * lost.lost / lost.expected),
        unit="%",
        rules=("data_race",),
    )


@agreement.headlines(CHAPTER, tables=("generics_cost", "generic_size", "data_race"))
def headline_figures(t: claims.Tables) -> list[agreement.Figure]:
    return [*_generic_figures(t), *_size_figures(t), _race_figure(t)]
