"""Summaries that survive a noisy shared machine: medians, spreads and ratio intervals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

# Fixed so that the same samples always give the same interval (and the same verdict).
BOOTSTRAP_SEED = 20250101
# Below this many samples on a side, a percentile bootstrap of the median is not a 95%
# interval (with 3 samples it can only pick among 3 values): show the min–max range instead.
SMALL_SAMPLE = 5


def summarize(frame: pd.DataFrame, value: str, by: Sequence[str]) -> pd.DataFrame:
    """Median, quartiles, extremes and sample count of ``value`` per group."""
    grouped = frame.groupby(list(by), sort=False)[value]
    return grouped.agg(
        median="median",
        q1=lambda s: s.quantile(0.25),
        q3=lambda s: s.quantile(0.75),
        min="min",
        max="max",
        n="count",
    ).reset_index()


@dataclass(frozen=True)
class Ratio:
    """median(numerator) / median(denominator) with a bootstrap confidence interval."""

    value: float
    low: float
    high: float
    n: int = 0  # the smaller side's sample count
    interval: str = "95% bootstrap interval"  # or "min–max range, n = 3"

    def within(self, lower: float, upper: float) -> bool:
        return lower <= self.low and self.high <= upper

    def above(self, bound: float) -> bool:
        return self.low > bound

    def below(self, bound: float) -> bool:
        return self.high < bound


def ratio_of_medians(
    numerator: Sequence[float], denominator: Sequence[float], confidence: float = 0.95
) -> Ratio:
    """The ratio of two samples' medians, with a percentile-bootstrap interval; with fewer
    than SMALL_SAMPLE samples on a side, with the range of ratios the samples allow (the
    smallest numerator over the largest denominator, and the reverse) instead."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    if num.size == 0 or den.size == 0:
        raise ValueError("ratio_of_medians needs at least one sample on each side")
    value = float(np.median(num) / np.median(den))
    n = int(min(num.size, den.size))
    if n < 2:
        return Ratio(value, float("-inf"), float("inf"), n, f"no interval, n = {n}")
    if n < SMALL_SAMPLE:
        low, high = num.min() / den.max(), num.max() / den.min()
        return Ratio(value, float(low), float(high), n, f"min–max range, n = {n}")
    result = stats.bootstrap(
        (num, den),
        lambda a, b, axis=-1: np.median(a, axis=axis) / np.median(b, axis=axis),
        confidence_level=confidence,
        n_resamples=2000,
        method="percentile",
        vectorized=True,
        random_state=np.random.default_rng(BOOTSTRAP_SEED),
    )
    interval = result.confidence_interval
    return Ratio(value, float(interval.low), float(interval.high), n)


def relative_cost_verdict(ratio: Ratio, *, tolerance: float = 0.10) -> str:
    """Words for a cost ratio that only commit where the interval does.

    "no measurable cost" when the whole interval is within ±tolerance of 1, "N× slower" or
    "N× faster" when it is entirely outside, "inconclusive here" otherwise.
    """
    if ratio.within(1 - tolerance, 1 + tolerance):
        return "no measurable cost"
    if ratio.above(1 + tolerance):
        return f"{ratio.value:.1f}× slower"
    if ratio.below(1 - tolerance):
        return f"{1 / ratio.value:.1f}× faster"
    return "inconclusive here"
