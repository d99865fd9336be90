"""Results tables formatted for people: human headers with their units, integers as integers,
numbers to three significant digits, and a wrapper that scrolls sideways on a narrow screen
instead of clipping.

``enable()`` (called by ``runs.begin`` at the top of every chapter) makes every DataFrame a
chapter displays render this way in HTML; its text/plain form stays pandas' own, so the
outputs nbval compares do not change. ``table(frame)`` gives the same rendering explicitly.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

SCROLL_CLASS = "gvr-table-scroll"
TABLE_CLASS = "gvr-table"
# A table of more columns than this is set in smaller type, to fit the page at 1300 px.
WIDE_COLUMNS = 8
WIDE_CLASS = "gvr-wide"

# A column name's unit token and how a header writes it.
UNITS = {
    "ns": "ns",
    "us": "µs",
    "ms": "ms",
    "s": "s",
    "bytes": "bytes",
    "kib": "KiB",
    "mib": "MiB",
    "gib": "GiB",
    "mb": "MB",
    "pct": "%",
    "percent": "%",
    "rps": "requests/s",
}
# Words written as readers know them.
WORDS = {
    "rss": "RSS",
    "cpu": "CPU",
    "gc": "GC",
    "gogc": "GOGC",
    "json": "JSON",
    "http": "HTTP",
    "io": "I/O",
    "id": "ID",
    "p999": "p99.9",
    "p9999": "p99.99",
    "q1": "Q1",
    "q3": "Q3",
    "loc": "LOC",
    "wasm": "Wasm",
    "kib": "KiB",
    "mib": "MiB",
    "gib": "GiB",
    "rps": "requests/s",
}


def header(name: object) -> str:
    """A column name as a person reads it: ``spawn_us_per_task`` → "spawn (µs per task)",
    ``idle_rss_bytes`` → "idle RSS (bytes)", ``p999_us`` → "p99.9 (µs)"; names that are
    not snake_case (already written for people) are kept."""
    text = str(name)
    if not re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", text):
        return text
    tokens = text.split("_")
    unit_at = next((i for i, t in enumerate(tokens) if t in UNITS and i > 0), None)
    words = [WORDS.get(t, t) for t in tokens[:unit_at]]
    label = " ".join(words)
    if not re.match(r"p\d", label):  # "p99" stays as it is written
        label = label[:1].upper() + label[1:]
    if unit_at is None:
        return label
    rest = [WORDS.get(t, t) for t in tokens[unit_at + 1 :]]
    return f"{label} ({' '.join([UNITS[tokens[unit_at]], *rest])})"


def number(value: float) -> str:
    """A number to three significant digits, thousands separated; integers whole."""
    if not math.isfinite(value):
        return "–"
    if float(value).is_integer():
        return f"{value:,.0f}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    digits = max(0, 2 - math.floor(math.log10(magnitude))) if magnitude else 0
    return f"{value:,.{digits}f}"


def cell(value: object) -> tuple[str, bool]:
    """The text of one cell, and whether it is a number (right-aligned)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–", False
    if isinstance(value, bool | np.bool_):
        return ("yes" if value else "no"), False
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}", True
    if isinstance(value, numbers.Real):
        return number(float(value)), True
    if value is pd.NaT:
        return "–", False
    return str(value), False


def td(value: object) -> str:
    text, numeric = cell(value)
    kind = ' class="gvr-num"' if numeric else ""
    return f"<td{kind}>{html.escape(text)}</td>"


def verdict_td(value: object) -> str:
    """A verdict as its coloured badge (the claim check's), its reason after it."""
    from gorust.claim_view import badge

    if not isinstance(value, str) or not value:
        return td(value)
    _, _, reason = value.partition(":")
    return f"<td>{badge(value)}{html.escape(':' + reason) if reason else ''}</td>"


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a meaningful index turned into leading columns."""
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        return frame
    return frame.reset_index()


def html_table(frame: pd.DataFrame, headers: Mapping[str, str] | None = None) -> str:
    """``frame`` as an HTML table for people, in a container that scrolls sideways."""
    shown = _shown(frame)
    names = [headers.get(str(c), header(c)) if headers else header(c) for c in shown.columns]
    head = "".join(f'<th scope="col">{html.escape(n)}</th>' for n in names)
    verdicts = [str(c).lower() == "verdict" for c in shown.columns]
    rows = []
    for values in shown.itertuples(index=False):
        cells = []
        for value, is_verdict in zip(values, verdicts, strict=True):
            cells.append(verdict_td(value) if is_verdict else td(value))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    wide = f" {WIDE_CLASS}" if len(names) > WIDE_COLUMNS else ""
    return (
        f'<div class="{SCROLL_CLASS}"><table class="{TABLE_CLASS}{wide}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


class Table:
    """A results table for display: HTML for people, pandas' text for plain output."""

    def __init__(self, frame: pd.DataFrame, headers: Mapping[str, str] | None = None) -> None:
        self.frame = frame
        self.headers = dict(headers or {})

    def _repr_html_(self) -> str:
        return html_table(self.frame, self.headers)

    def __repr__(self) -> str:
        return repr(self.frame)


def table(frame: pd.DataFrame, headers: Mapping[str, str] | None = None) -> Table:
    """``frame`` shown for people (``headers``: names to use instead of the derived ones)."""
    return Table(frame, headers)


def enable() -> None:
    """Render every DataFrame the kernel displays with ``html_table`` (HTML only)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the book
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, html_table)


__all__ = ["Table", "enable", "header", "html_table", "number", "table"]
