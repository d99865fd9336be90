"""Teaching with the course, in a real browser, offline: a chapter run live in JupyterLab (what
``make lab`` opens), the same chapter as a RISE slideshow, and the static reveal.js decks built
next to the book. Headless Chromium, every request outside this machine refused and counted.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

from gorust import slides
from gorust.paths import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

HTML = REPO / "_build" / "html"
CHAPTERS = sorted((REPO / "chapters").glob("0*.ipynb"))
LIVE_CHAPTER = "01-philosophies.ipynb"  # the shortest chapter that builds and runs programs
RUN_ALL_TIMEOUT_S = 300


def offline_page(browser: Browser, local: str) -> tuple[Page, list[str]]:
    """A page whose requests outside ``local`` (a URL prefix) are refused and listed."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    refused: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith((local, "data:", "blob:", "about:")):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    context.route("**/*", route)
    return page, refused


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """JupyterLab as ``make lab`` starts it, on a copy of the chapters (nothing is saved back)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(REPO / "chapters", root / "chapters")
    _lab_settings(root / "settings")
    port, token = _free_port(), "gorust-test"
    env = {
        **os.environ,
        "GVR_PROGRESS": "1",
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
    }
    command = [
        str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root / 'chapters'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]  # fmt: skip
    log = (root / "lab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/api/status?token={token}", server, root / "lab.log")
        yield f"{base}/%s?token={token}", root / "chapters"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


# JupyterLab 4 attaches only the cells in view (its default windowing), so a test that reads the
# whole notebook from the page asks for every cell; no news feed is fetched (the test is offline).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
}


def _lab_settings(folder: Path) -> None:
    for plugin, settings in LAB_SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))


def _wait_for(url: str, server: subprocess.Popen, log: Path, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {timeout_s:.0f} s:\n{log.read_text()[-3000:]}")


def _lab_command(page: Page, command: str) -> None:
    """Start a JupyterLab command without waiting for it: run-all's promise settles only when
    every cell has run, and the test waits for that through ALL_RAN with its own timeout."""
    page.evaluate(f"() => {{ window.jupyterapp.commands.execute({json.dumps(command)}); }}")


# The notebook's document and kernel session are ready (a command sent before that is lost).
NOTEBOOK_READY = """() => {
  const widget = window.jupyterapp.shell.currentWidget;
  return !!widget && !!widget.context && widget.context.isReady && widget.sessionContext.isReady
    && widget.sessionContext.session?.kernel?.status === 'idle';
}"""

# The committed chapter keeps some execution counts; cleared, no code cell has one.
NONE_RAN = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .every(cell => cell.model.type !== 'code' || cell.model.executionCount === null)"""


WATCH_PROGRESS = """() => {
  window.gorustProgress = [];
  new MutationObserver(() => {
    for (const out of document.querySelectorAll('.jp-OutputArea-output')) {
      const text = out.innerText || '';
      if (text.includes(' · ') && !window.gorustProgress.includes(text)) {
        window.gorustProgress.push(text);
      }
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

# Every code cell has an execution count, or one failed (run-all stops there), and the kernel is
# idle again: read from the notebook's model, not from what the page has drawn so far.
ALL_RAN = """() => {
  const widget = window.jupyterapp.shell.currentWidget;
  const cells = widget.content.widgets.filter(cell => cell.model.type === 'code');
  const ran = cells.every(cell => cell.model.executionCount !== null);
  const failed = cells.some(cell => [...Array(cell.model.outputs.length).keys()]
    .some(i => cell.model.outputs.get(i).type === 'error'));
  const idle = widget.sessionContext.session?.kernel?.status === 'idle';
  return cells.length > 0 && (ran || failed) && idle;
}"""


@pytest.fixture(scope="module")
def ran_in_lab(browser: Browser, lab: tuple[str, Path]) -> Iterator[tuple[Page, list[str]]]:
    """The live chapter opened in JupyterLab, every cell run, the notebook saved (in the copy)."""
    url, _ = lab
    page, refused = offline_page(browser, "http://127.0.0.1:")
    page.goto(url % f"lab/tree/{LIVE_CHAPTER}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=90_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_function(NOTEBOOK_READY, timeout=90_000, polling=500)
    _lab_command(page, "notebook:clear-all-cell-outputs")
    page.wait_for_function(NONE_RAN, timeout=10_000, polling=200)
    page.evaluate(WATCH_PROGRESS)
    _lab_command(page, "notebook:run-all-cells")
    page.wait_for_function(ALL_RAN, timeout=RUN_ALL_TIMEOUT_S * 1000, polling=1000)
    _lab_command(page, "docmanager:save")
    page.wait_for_timeout(2000)
    yield page, refused
    page.context.close()


def test_a_chapter_runs_live_in_jupyterlab_and_draws_every_chart(ran_in_lab):
    page, refused = ran_in_lab
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    assert errors.count() == 0, errors.first.inner_text()
    expected = _charts_in(REPO / "chapters" / LIVE_CHAPTER)
    drawn = page.locator(".jp-OutputArea-output .gorust-chart svg")
    assert expected > 0 and drawn.count() == expected
    assert refused == [], refused


def test_jupyterlab_shows_what_an_experiment_does_while_it_runs(ran_in_lab):
    page, _ = ran_in_lab
    shown = page.evaluate("() => window.gorustProgress")
    assert any("Part 1 · " in text and ("building" in text or "running" in text) for text in shown)
    leftover = page.locator(".jp-OutputArea-output", has_text="Part 1 · ")
    assert leftover.count() == 0  # every progress line was removed when its experiment ended


def test_the_chapter_runs_as_a_rise_slideshow_with_its_notes(browser, lab, ran_in_lab):
    url, copy = lab
    notebook = nbformat.read(copy / LIVE_CHAPTER, as_version=4)
    page, refused = offline_page(browser, "http://127.0.0.1:")
    page.goto(url % f"rise/{LIVE_CHAPTER}")
    page.wait_for_selector(".reveal .slides section", timeout=90_000)
    page.wait_for_timeout(2000)
    sections = page.locator(".reveal .slides > section")
    assert sections.count() == _slide_count(notebook)
    assert page.locator(".reveal .slides aside.notes").count() == _notes_count(notebook)
    assert page.locator(".reveal .slides .gorust-chart svg").count() == _charts_in_slides(notebook)
    assert refused == [], refused
    page.context.close()


def _slide_type(cell) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def _slide_count(notebook) -> int:
    return max(1, sum(_slide_type(c) == "slide" for c in notebook.cells))


def _notes_count(notebook) -> int:
    return sum(_slide_type(c) == "notes" for c in notebook.cells)


def _chart_outputs(cell) -> int:
    return sum(
        "gorust-chart" in output.get("data", {}).get("text/html", "")
        for output in cell.get("outputs", [])
    )


def _charts_in_slides(notebook) -> int:
    return sum(_chart_outputs(c) for c in notebook.cells if _slide_type(c) not in ("skip", "notes"))


def _charts_in(path: Path) -> int:
    """How many charts a chapter draws: its chart calls, counted from the executed book."""
    executed = REPO / "_build" / "jupyter_execute" / "chapters" / path.name
    if not executed.exists():
        pytest.fail(f"No executed {path.name} in _build/jupyter_execute: run `make html` first.")
    return sum(_chart_outputs(c) for c in nbformat.read(executed, as_version=4).cells)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_has_a_static_deck_that_needs_no_network(browser, chapter: Path):
    deck = HTML / slides.FOLDER / f"{chapter.stem}.html"
    assert deck.exists(), f"{deck} was not written: run `make html`"
    executed = nbformat.read(REPO / "_build" / "jupyter_execute" / "chapters" / chapter.name, 4)
    page, refused = offline_page(browser, "file://")
    page.goto(deck.as_uri())
    page.wait_for_function("() => window.Reveal && window.Reveal.isReady()", timeout=30_000)
    assert page.locator(".reveal .slides > section").count() == _slide_count(executed)
    assert page.locator(".reveal .slides aside.notes").count() == _notes_count(executed)
    charts = page.locator(".reveal .slides .gorust-chart svg").count()
    assert charts == _charts_in_slides(executed)
    assert "{glue" not in page.locator(".reveal .slides").inner_text()
    assert refused == [], refused
    page.context.close()


def test_the_speaker_view_opens_with_the_notes(browser):
    with_notes = [c for c in CHAPTERS if _notes_count(nbformat.read(c, as_version=4)) > 0]
    if not with_notes:
        pytest.fail("No chapter has instructor notes (cells whose slide type is notes).")
    deck = HTML / slides.FOLDER / f"{with_notes[0].stem}.html"
    page, _ = offline_page(browser, "file://")
    page.goto(deck.as_uri())
    page.wait_for_function("() => window.Reveal && window.Reveal.isReady()", timeout=30_000)
    written = page.evaluate(GO_TO_FIRST_NOTES)
    assert written, f"{deck.name} has no slide with notes"
    with page.expect_popup() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    speaker.wait_for_selector(".speaker-controls-notes:not(.hidden)", timeout=15_000)
    shown = " ".join(speaker.locator(".speaker-controls-notes").inner_text().split())
    assert " ".join(written.split()[:4]) in shown
    page.context.close()


# Notes belong to a slide (maybe a vertical one); the speaker view shows them on that slide, so
# go there first. Returns the notes' text.
GO_TO_FIRST_NOTES = """() => {
  const notes = document.querySelector('.reveal .slides aside.notes');
  if (!notes) return '';
  const {h, v} = window.Reveal.getIndices(notes.closest('section'));
  window.Reveal.slide(h, v);
  return notes.textContent;
}"""


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_page_links_to_its_deck(chapter: Path):
    page = (HTML / "chapters" / f"{chapter.stem}.html").read_text()
    assert f'href="../{slides.FOLDER}/{chapter.stem}.html"' in page
