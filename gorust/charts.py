"""One look for every chart, and a renderer that works with no network.

Altair's default renderer loads Vega from a CDN and draws nothing offline. Ours emits one
HTML fragment that holds a static SVG of the chart (drawn by vl-convert, so JupyterLab and any
page without scripts show the chart) and a script that, where the page has loaded the vendored
Vega bundle (the built book does, from ``_static/vega-bundle.js``), replaces the SVG with the
interactive chart, tooltips included.
"""

from __future__ import annotations

import html
import json
import math
import re
import uuid
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert

COLORS = {"Go": "#00ADD8", "Rust": "#CE422B"}
LANGUAGE_NAMES = {"go": "Go", "rust": "Rust"}
THEME = "gorust"
RENDERER = "gorust"
BUNDLE_NAME = "vega-bundle.js"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# A live chart draws this run and the reference's: a full run's bins beside a full reference
# pass Altair's 5,000-row guard, which exists for notebooks that embed data by accident.
alt.data_transformers.disable_max_rows()


def language_color(field: str = "Language") -> alt.Color:
    """Go and Rust in their fixed colours, whatever else the chart shows."""
    return alt.Color(
        f"{field}:N",
        scale=alt.Scale(domain=list(COLORS), range=list(COLORS.values())),
        legend=alt.Legend(title=None, orient="top"),
    )


def language_series(dashes: dict[str, list[int]], field: str = "series") -> dict[str, object]:
    """Colour and dash on one field ("Go, p99"), so that one legend shows both: a dash
    legend of its own draws no stroke when the colour comes from another field.
    ``dashes``: each series name (after the language) and its dash pattern."""
    domain = [f"{language}, {name}" for language in COLORS for name in dashes]
    legend = alt.Legend(title=None, orient="top", symbolType="stroke", symbolStrokeWidth=2)
    colours = [colour for colour in COLORS.values() for _ in dashes]
    patterns = [pattern for _ in COLORS for pattern in dashes.values()]
    return {
        "color": alt.Color(
            f"{field}:N", scale=alt.Scale(domain=domain, range=colours), legend=legend
        ),
        "strokeDash": alt.StrokeDash(
            f"{field}:N", scale=alt.Scale(domain=domain, range=patterns), legend=legend
        ),
    }


def with_language_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with a ``Language`` column spelled as readers expect."""
    named = frame.copy()
    named["Language"] = named["language"].map(LANGUAGE_NAMES)
    return named


@alt.theme.register(THEME, enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            # Transparent, with greys that read on white and on the theme's dark mode (where
            # course.css lightens the text): a chart is never a white box on a dark page.
            "background": "transparent",
            "font": FONT,
            "view": {"continuousWidth": 560, "continuousHeight": 300, "stroke": None},
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "titleFontWeight": "normal",
                "gridColor": "#888888",
                "gridOpacity": 0.25,
                "domainColor": "#888",
                "tickColor": "#888",
            },
            "legend": {"labelFontSize": 13, "symbolSize": 120},
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555"},
            "header": {"labelFontSize": 13, "titleFontSize": 13},
            "range": {"category": list(COLORS.values())},
        }
    }


def _render(spec: dict, **metadata) -> dict:
    del metadata
    return {"text/html": chart_html(spec), "text/plain": "<chart>"}


def chart_html(spec: dict) -> str:
    """The HTML fragment for one chart: static SVG now, interactive once Vega is loaded."""
    element_id = f"gorust-chart-{uuid.uuid4().hex[:12]}"
    svg = vl_convert.vegalite_to_svg(spec)
    options = {
        "renderer": "svg",
        "actions": {"export": True, "source": False, "compiled": False, "editor": False},
    }
    script = (
        "(function () {"
        f"{KEEP_TEXT_READABLE}"
        f"var el = document.getElementById({json.dumps(element_id)});"
        "if (!el || typeof window.vegaEmbed !== 'function') { return; }"
        f"window.vegaEmbed(el, {json.dumps(spec)}, {json.dumps(options)})"
        ".then(function () { el.dataset.rendered = 'vega'; keepTextReadable(el); })"
        ".catch(function (err) { el.dataset.rendered = 'error'; console.error(err); });"
        "})();"
    )
    return (
        f'<div id="{element_id}" class="gorust-chart" style="{min_width_style(svg)}" '
        f'aria-label="{html.escape(spec.get("description", "chart"))}">{svg}</div>'
        f"<script>{script}</script>"
    )


# The smallest chart text a reader should meet, in CSS pixels: a chart scales down with its
# column only until its smallest text reaches this size; below it, the chart scrolls sideways.
MIN_TEXT_PX = 9.0


# The same rule for the interactive chart, whose SVG Vega draws in the browser with the
# browser's fonts: its width can differ from the static SVG's.
KEEP_TEXT_READABLE = (
    "function keepTextReadable(el) {"
    "var svg = el.querySelector('svg.marks'); if (!svg) { return; }"
    "var sizes = Array.prototype.map.call(svg.querySelectorAll('text'),"
    " function (t) { return parseFloat(window.getComputedStyle(t).fontSize); })"
    ".filter(function (size) { return size > 0; });"
    "if (!sizes.length) { return; }"
    f"var scale = Math.min(1, {MIN_TEXT_PX} / Math.min.apply(null, sizes));"
    "var width = parseFloat(svg.getAttribute('width'));"
    "if (width) { el.style.setProperty('--gvr-min-width', Math.ceil(width * scale) + 'px'); }"
    "}"
)


def min_width_style(svg: str) -> str:
    """``--gvr-min-width``: the width at which the chart's smallest text is MIN_TEXT_PX
    (course.css keeps the chart at least that wide). The static SVG and the interactive chart
    draw the same spec, so one value holds for both."""
    width = re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg)
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]
    if width is None or not sizes:
        return ""
    scale = min(1.0, MIN_TEXT_PX / min(sizes))
    return f"--gvr-min-width: {math.ceil(float(width.group(1)) * scale)}px"


def enable() -> None:
    """Use the course's theme and renderer (call once at the top of a chapter)."""
    alt.renderers.register(RENDERER, _render)
    alt.renderers.enable(RENDERER)
    alt.theme.enable(THEME)


def one_row_per_variant(
    chart: alt.LayerChart, order: list[str], *, width: int, height: int
) -> alt.FacetChart:
    """``chart`` drawn once per variant, one panel per row in ``order``, each titled above."""
    return chart.properties(width=width, height=height).facet(
        row=alt.Row("variant:N", sort=order, title=None, header=row_header())
    )


def row_header() -> alt.Header:
    """Facet rows titled above their panel, left-aligned, as a list of variants reads."""
    return alt.Header(
        labelAngle=0,
        labelAlign="left",
        labelAnchor="start",
        labelOrient="top",
        labelFontWeight="bold",
    )


def interval_dots(
    base: alt.Chart,
    *,
    x: alt.X,
    low: str,
    high: str,
    tooltip: list,
    color: alt.Color | None = None,
    stroke_width: float = 2,
) -> alt.LayerChart:
    """A median dot with its interval as a bar behind it: the course's one way to draw an
    estimate with its spread (``low``/``high``: the fields where the bar starts and ends)."""
    coloured = {} if color is None else {"color": color}
    scale = x.to_dict().get("scale")
    start = alt.X(f"{low}:Q", scale=alt.Scale(**scale)) if scale else alt.X(f"{low}:Q")
    spread = base.mark_rule(strokeWidth=stroke_width).encode(x=start, x2=f"{high}:Q", **coloured)
    dots = base.mark_point(filled=True, size=90).encode(x=x, tooltip=tooltip, **coloured)
    return alt.layer(spread, dots)


# Ticks of a percentile axis on the "nines" scale 1/(1−p): p50, p90, p99, p99.9 and the
# maximum. p99.99 is drawn but not labelled: in a narrow panel its label ran into p99.9's.
PERCENTILE_TICKS = (2, 10, 100, 1000, 100000)
PERCENTILE_LABELS = (
    "{'2': 'p50', '10': 'p90', '100': 'p99', '1000': 'p99.9', "
    "'100000': 'max'}[datum.value] || datum.label"
)


def percentile_distribution(
    frame: pd.DataFrame, *, facet: str, facet_unit: str, y_title: str, width: int, height: int
) -> alt.FacetChart:
    """Latency against percentile (log of 1/(1−p)), Go and Rust, one panel per ``facet`` value.

    ``frame`` has columns ``language``, ``percentile`` (0–100), ``latency_us`` and ``facet``.
    """
    named = with_language_names(frame)
    named["nines"] = named.percentile.map(lambda p: 1 / max(1 - p / 100, 1e-5))
    named["label"] = named.percentile.map(lambda p: f"p{p:g}" if p < 100 else "max")
    return (
        alt.Chart(named)
        .mark_line(point=alt.OverlayMarkDef(size=50, filled=True))
        .encode(
            x=alt.X(
                "nines:Q",
                scale=alt.Scale(type="log"),
                title="percentile (log scale of 1/(1−p))",
                axis=alt.Axis(values=list(PERCENTILE_TICKS), labelExpr=PERCENTILE_LABELS),
            ),
            y=alt.Y(
                "latency_us:Q",
                scale=alt.Scale(type="log"),
                title=y_title,
                axis=alt.Axis(values=powers_of_ten(named.latency_us), format=",~g"),
            ),
            color=language_color(),
            tooltip=[
                "Language",
                alt.Tooltip(f"{facet}:Q", format=","),
                "label",
                alt.Tooltip("latency_us:Q", title="µs", format=",.1f"),
            ],
        )
        .properties(width=width, height=height)
        .facet(
            column=alt.Column(
                f"{facet}:O",
                title=None,
                header=alt.Header(
                    labelExpr=f"format(datum.value, ',') + ' {facet_unit}'", labelFontWeight="bold"
                ),
            )
        )
    )


def write_bundle(static_dir: Path) -> Path:
    """Vendor vl-convert's Vega, Vega-Lite and Vega-Embed bundle into the book's static files.

    The bundle is wrapped in a function scope: at top level its minified names would clash
    with Sphinx's own globals (``_`` among them). It exports ``window.vegaEmbed`` itself.
    """
    bundle = vl_convert.javascript_bundle()
    target = static_dir / BUNDLE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"(function () {{\n{bundle}\n}})();\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    import sys

    print(write_bundle(Path(sys.argv[1] if len(sys.argv) > 1 else "_static")))


def powers_of_ten(values: pd.Series) -> list[float]:
    """The powers of ten from just below the smallest positive value to just above the largest:
    tick values for a log axis whose default ticks would crowd into each other."""
    import math

    positive = values[values > 0]
    if positive.empty:
        return []
    low = math.floor(math.log10(positive.min()))
    high = math.ceil(math.log10(positive.max()))
    return [10.0**exponent for exponent in range(low, high + 1)]


def log_ticks(values: pd.Series) -> list[float]:
    """Tick values for a log axis: powers of ten, and their doubles and fives where the data
    span too little for three powers of ten to show."""
    tens = powers_of_ten(values)
    positive = values[values > 0]
    if positive.empty:
        return tens
    low, high = float(positive.min()), float(positive.max())
    if sum(low <= t <= high for t in tens) >= 3:
        return tens
    return sorted(t * m for t in tens for m in (1, 2, 5))


# This machine's run against the reference (gorust.agreement): every chart of a live page draws
# the reference's marks beside its own, faded, with the reference's provenance in the tooltip.
RUN_FIELD = "Run"
RUN_DETAILS_FIELD = "Run details"
THIS_RUN = "this machine"
REFERENCE_RUN = "reference"
RUN_OPACITY = {THIS_RUN: 1.0, REFERENCE_RUN: 0.35}


def run_details(frame: pd.DataFrame) -> str:
    """Where a frame's rows were measured, in one line: profile, machine, commit, date."""

    def first(column: str) -> str:
        values = frame[column].dropna().astype(str) if column in frame else pd.Series()
        return values.iloc[0] if not values.empty else "?"

    return (
        f"{first('profile')} profile, {first('cpu')} ({first('cores')} cores), "
        f"commit {first('commit')}, {first('measured_at')[:10]}"
    )


def with_reference(live: pd.DataFrame, reference: pd.DataFrame | None) -> pd.DataFrame:
    """``live`` and (when given) ``reference`` stacked, each row marked with its run
    (``Run``: "this machine" or "reference") and that run's provenance (``Run details``)."""
    runs = [live.assign(**{RUN_FIELD: THIS_RUN, RUN_DETAILS_FIELD: run_details(live)})]
    if reference is not None and not reference.empty:
        details = run_details(reference)
        runs.append(reference.assign(**{RUN_FIELD: REFERENCE_RUN, RUN_DETAILS_FIELD: details}))
    return pd.concat(runs, ignore_index=True)


def run_opacity(frame: pd.DataFrame) -> alt.Opacity | alt.OpacityValue:
    """Full marks for this machine, faded ones for the reference, with a legend when both show."""
    runs = [run for run in RUN_OPACITY if run in set(frame.get(RUN_FIELD, ()))]
    if len(runs) < 2:
        return alt.OpacityValue(1.0)
    return alt.Opacity(
        f"{RUN_FIELD}:N",
        scale=alt.Scale(domain=runs, range=[RUN_OPACITY[r] for r in runs]),
        legend=alt.Legend(title="Run", orient="top"),
    )


def run_tooltip() -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{RUN_FIELD}:N"), alt.Tooltip(f"{RUN_DETAILS_FIELD}:N")]


# The provenance a derived table keeps from its measurements, so that a chart can say which
# run each mark comes from (run_details).
RUN_COLUMNS = ("profile", "cpu", "cores", "commit", "measured_at")


def with_run_columns(derived: pd.DataFrame, measured: pd.DataFrame) -> pd.DataFrame:
    """``derived`` with the provenance of the table it was computed from."""
    for column in RUN_COLUMNS:
        values = measured[column].dropna() if column in measured else pd.Series()
        derived[column] = values.iloc[0] if not values.empty else None
    return derived


REFERENCE_SUFFIX = " · reference"


def run_series(frame: pd.DataFrame, field: str) -> pd.Series:
    """``field`` of each row, marked when the row is the reference's: one band per run."""
    reference = frame[RUN_FIELD] == REFERENCE_RUN
    return frame[field].astype(str) + reference.map({True: REFERENCE_SUFFIX, False: ""})


def run_series_order(order: list[str]) -> list[str]:
    """Each of ``order`` with its reference right after it."""
    return [name + suffix for name in order for suffix in ("", REFERENCE_SUFFIX)]


def dots_and_median(
    base: alt.Chart, field: str, title: str, tooltip: list, *, log: bool = False
) -> alt.LayerChart:
    """One dot per run along x and a tick at their median: the course's way to show a few
    repeated measurements of one thing (``base`` carries y, colour and the run encodings);
    ``log`` for values that span decades."""
    scale = alt.Scale(type="log") if log else alt.Scale(zero=True)
    dots = base.mark_point(filled=True, size=60, opacity=0.7).encode(
        x=alt.X(f"{field}:Q", title=title, scale=scale), tooltip=tooltip
    )
    return dots + base.mark_tick(thickness=3, size=24).encode(x=f"median({field}):Q")
