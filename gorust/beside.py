"""This machine's run beside the reference's on a chart (gorust.charts.with_reference), for the
charts that shared helpers draw: a percentile distribution per facet, dots per run (Parts 2, 3,
4 and 7)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from gorust import charts


def shared_facets(
    reference: pd.DataFrame | None, live: pd.DataFrame, facet: str
) -> pd.DataFrame | None:
    """The reference's rows at the facet values (sizes) this run also measured: a full-profile
    reference has sizes a quick run lacks, which would only widen the chart with panels that
    have nothing to compare."""
    if reference is None:
        return None
    return reference[reference[facet].isin(set(live[facet]))]


def percentiles_by_run(frame: pd.DataFrame, *, facet: str, **options: object) -> alt.FacetChart:
    """charts.percentile_distribution of a frame stacked by charts.with_reference: one line per
    language and run, the reference faded, its provenance in the tooltip. A frame of one run
    draws exactly what percentile_distribution draws."""
    chart = charts.percentile_distribution(frame, facet=facet, **options)  # type: ignore[arg-type]
    if not both_runs(frame):
        return chart
    tooltip = list(chart.spec.encoding.tooltip) + charts.run_tooltip()
    chart.spec = chart.spec.encode(**run_encodings(frame), tooltip=tooltip)
    return chart


def stacked(live: pd.DataFrame, reference: pd.DataFrame | None) -> pd.DataFrame:
    """charts.with_reference when there is a reference; else ``live`` as it is, so that a
    replayed page's chart has no Run field at all."""
    return live if reference is None else charts.with_reference(live, reference)


def run_columns(frame: pd.DataFrame) -> list[str]:
    """The Run fields of a stacked frame (none of one run): to group by, so that a summary
    keeps the two runs apart."""
    return [c for c in (charts.RUN_FIELD, charts.RUN_DETAILS_FIELD) if c in frame]


def both_runs(frame: pd.DataFrame) -> bool:
    return frame.get(charts.RUN_FIELD, pd.Series()).nunique() > 1


def run_encodings(frame: pd.DataFrame) -> dict[str, object]:
    """One line per run, the reference's faded: nothing for a frame of one run."""
    if not both_runs(frame):
        return {}
    return {"detail": alt.Detail(f"{charts.RUN_FIELD}:N"), "opacity": charts.run_opacity(frame)}


def run_tooltip(frame: pd.DataFrame) -> list[alt.Tooltip]:
    return charts.run_tooltip() if both_runs(frame) else []
