"""What the live build that `make test` just ran left behind: its results outside the working
tree, the committed reference untouched."""

from __future__ import annotations

import subprocess

import pytest

from gorust import paths
from gorust.reference import MEASURING_PARTS

pytestmark = pytest.mark.built
LIVE_RESULTS = paths.REPO / "_build" / "results"


def test_the_live_build_left_the_reference_byte_for_byte_unchanged() -> None:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", "data"],
        cwd=paths.REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == "", f"a live run changed the committed reference:\n{status}"


def test_the_live_build_saved_every_measuring_chapter_outside_the_tree() -> None:
    for part in MEASURING_PARTS:
        tables = sorted((LIVE_RESULTS / part).glob("*.csv"))
        assert tables, f"no live results for {part} in {LIVE_RESULTS}"
        assert (LIVE_RESULTS / part / "claims.csv") in tables


def _chart_specs(page: str) -> list[dict]:
    """The Vega-Lite spec of every chart on a built page (each chart's script embeds it)."""
    import json
    import re

    decoder = json.JSONDecoder()
    return [
        decoder.raw_decode(page, match.end())[0]
        for match in re.finditer(r"window\.vegaEmbed\(el, ", page)
    ]


def _runs_drawn(spec: dict) -> set[str]:
    return {
        str(row["Run"])
        for rows in spec.get("datasets", {}).values()
        for row in rows
        if isinstance(row, dict) and "Run" in row
    }


def test_a_live_page_draws_the_reference_beside_this_machine_on_every_chart() -> None:
    html = paths.REPO / "_build" / "html" / "chapters"
    for part in MEASURING_PARTS:
        (page_path,) = html.glob(f"{int(part.removeprefix('part')):02d}-*.html")
        page = page_path.read_text(encoding="utf-8")
        if "Recorded results, not measured on this machine" in page:
            continue  # a replayed page shows the reference alone
        assert "Your machine against the reference" in page, f"{page_path.name}: no agreement"
        specs = _chart_specs(page)
        assert specs, f"{page_path.name} has no chart"
        for index, spec in enumerate(specs):
            drawn = _runs_drawn(spec)
            assert drawn == {"this machine", "reference"}, (
                f"{page_path.name}: chart {index} draws runs {sorted(drawn)}"
            )
