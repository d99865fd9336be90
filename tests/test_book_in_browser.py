"""The built book in a real browser: headless Chromium opens every page from disk, with the
network cut off, and checks that every chart was drawn interactively and nothing failed.

Run after `make html` (`make test` does both); skipped with a reason if there is no build.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import BUILT_HTML as HTML
from tests.conftest import CHAPTERS_WITH_CHARTS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Route

pytestmark = pytest.mark.browser


def _pages() -> list[Path]:
    return sorted([HTML / "intro.html", *(HTML / "chapters").glob("*.html")])


def test_every_chapter_is_in_the_build():
    names = {p.name for p in _pages()}
    assert len([n for n in names if n[:2].isdigit()]) == 8, names


@pytest.mark.parametrize("page_path", _pages(), ids=lambda p: p.stem)
def test_page_renders_its_charts_offline(browser: Browser, page_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def refuse_network(route: Route) -> None:
        if route.request.url.startswith(("file://", "data:", "blob:", "about:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", refuse_network)
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(f"script error: {err}"))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.goto(page_path.as_uri(), wait_until="load")
    relative = page_path.relative_to(HTML).as_posix()
    charts = page.locator(".gorust-chart")
    expected = CHAPTERS_WITH_CHARTS.get(relative, 0)
    assert charts.count() >= expected, f"{relative}: {charts.count()} charts, want {expected}"
    if charts.count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('.gorust-chart')]"
            ".every(el => el.dataset.rendered)",
            timeout=30_000,
        )
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("data-rendered") == "vega", f"{relative}: chart {index} failed"
        chart.scroll_into_view_if_needed()
        box = chart.locator("svg").first.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, (relative, box)
        # Drawn by Vega: its SVG renderer puts every mark in a group classed mark-<type>.
        assert chart.locator("svg [class*='mark-']").count() > 0
    assert not errors, errors
    assert not outside, f"{relative} tried to load from the network: {outside}"
    context.close()


def _measuring_pages() -> list[Path]:
    return [p for p in _pages() if p.name[:2].isdigit() and int(p.name[:2]) <= 7]


@pytest.mark.parametrize("page_path", _measuring_pages(), ids=lambda p: p.stem)
def test_every_experiment_has_a_reproduce_panel_whose_tables_are_in_the_build(
    browser: Browser, page_path: Path
) -> None:
    from urllib.parse import unquote, urlparse

    from gorust import experiments

    chapter = f"part{int(page_path.name[:2])}"
    page = browser.new_page()
    page.goto(page_path.as_uri(), wait_until="load")
    panels = page.locator("details.gvr-reproduce")
    declared = experiments.of(chapter)
    assert panels.count() >= len(declared), (
        f"{page_path.name}: {panels.count()} Reproduce panels for {len(declared)} experiments"
    )
    for index in range(panels.count()):
        panel = panels.nth(index)
        panel.locator("summary").click()
        links = panel.locator("a.gvr-table-link")
        assert links.count() >= 1, f"{page_path.name}: panel {index} links no table"
        for href in links.evaluate_all("links => links.map(a => a.href)"):
            target = Path(unquote(urlparse(href).path)).resolve()
            assert target.is_relative_to(HTML.resolve()), f"{href} leaves the build"
            assert target.is_file() and target.suffix == ".csv", f"{href} is not in the build"
            assert target.read_text(encoding="utf-8").count("\n") >= 1, f"{href} is empty"
    page.close()


def _chart_colours(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.gorust-chart svg.marks')].map(svg => {
            const text = svg.querySelector('text');
            const rects = [...svg.querySelectorAll('rect, path.background')]
                .filter(r => r.getBBox().width >= svg.getBBox().width * 0.9);
            return {
                text: text ? getComputedStyle(text).fill : null,
                backgrounds: rects.map(r => getComputedStyle(r).fill),
            };
        })"""
    )


def _luminance(rgb: str) -> float:
    red, green, blue = (int(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_charts_read_in_light_and_dark_mode(browser: Browser, mode: str) -> None:
    page = browser.new_page()
    page.goto((HTML / "chapters" / "03-memory-gc.html").as_uri(), wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gorust-chart')].every(el => el.dataset.rendered)"
    )
    page.evaluate(f"() => {{ document.documentElement.dataset.theme = '{mode}'; }}")
    colours = _chart_colours(page)
    assert colours, "no chart on the page"
    for chart in colours:
        # No opaque box behind the chart: the page's own background shows through.
        for fill in chart["backgrounds"]:
            assert fill in ("none", "transparent", "rgba(0, 0, 0, 0)"), chart
        text = _luminance(chart["text"])
        assert text > 0.75 if mode == "dark" else text < 0.35, (mode, chart["text"])
    page.close()


def test_the_status_page_has_a_row_per_chapter_and_the_build_time(browser: Browser) -> None:
    page = browser.new_page()
    page.goto((HTML / "status.html").as_uri(), wait_until="load")
    rows = page.locator("table#build-status tbody tr")
    assert rows.count() == 8, f"{rows.count()} rows on the status page"
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td")
        href = cells.nth(0).locator("a").get_attribute("href") or ""
        assert href.startswith("chapters/0") and (HTML / href.split("#")[0]).is_file(), href
        assert cells.nth(1).inner_text().strip() in ("live", "replay"), cells.nth(1).inner_text()
        assert cells.nth(2).inner_text().strip() in ("quick", "full"), cells.nth(2).inner_text()
    assert "s" in page.locator("#build-time").inner_text()
    page.close()
