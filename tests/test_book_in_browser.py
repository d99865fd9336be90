"""The built book in a real browser: headless Chromium opens every page from disk, with the
network cut off, and checks that every chart was drawn interactively and nothing failed.

Run after `make html` (`make test` does both); skipped with a reason if there is no build.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gorust.paths import REPO
from tests.conftest import CHAPTERS_WITH_CHARTS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Route

pytestmark = pytest.mark.browser

HTML = REPO / "_build" / "html"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _pages() -> list[Path]:
    return sorted([HTML / "intro.html", *(HTML / "chapters").glob("*.html")])


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not (HTML / "intro.html").exists():
        pytest.fail("No built book in _build/html: run `make html` (or `make book`) first.")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium` (see .ci/run).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


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
