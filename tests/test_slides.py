"""Slides from the same notebooks (gorust.slides): MyST made plain, decks that need no network."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from gorust import slides
from gorust.paths import REPO

GLUED = {"part1_ratio": "3.51", "part1_word": "faster"}


@pytest.mark.parametrize(
    ("myst", "plain"),
    [
        ("Rust is {glue:text}`part1_word` here.", "Rust is faster here."),
        ("{glue:text}`part1_ratio:.1f`×", "3.5×"),
        ("a {term}`p99 <P99 latency>` and {term}`RSS`", "a p99 and RSS"),
        ("see {ref}`the exercise <ex-generics>`", "see the exercise"),
        (
            ":::{dropdown} Instructor notes\n:open:\nAsk first.\n:::",
            "**Instructor notes**\nAsk first.",
        ),
        ("(ex-generics)=\n## Title", "## Title"),
        ("```{literalinclude} ../code/go/x/main.go\n:start-after: a\n```\nNext", "Next"),
        ("```go\nfunc main() {}\n```", "```go\nfunc main() {}\n```"),
    ],
)
def test_myst_becomes_plain_markdown(myst, plain):
    assert slides.plain_markdown(myst, GLUED) == plain


def _glue(name: str, text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output(
        "display_data",
        data={slides.GLUE_PREFIX + "text/plain": text},
        metadata={"scrapbook": {"name": name, "mime_prefix": slides.GLUE_PREFIX}},
    )


def test_glued_values_are_the_text_the_page_shows():
    cell = nbformat.v4.new_code_cell("glue(...)")
    cell.outputs = [_glue("part1_word", "'faster'"), _glue("part1_ratio", "3.51")]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert slides.glued_values(notebook) == GLUED


def _slide(source: str, kind: str, code: bool = False) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if code else nbformat.v4.new_markdown_cell
    return make(source, metadata={"slideshow": {"slide_type": kind}})


def test_a_deck_has_a_slide_per_slide_cell_notes_and_no_network(tmp_path: Path):
    chart = _slide("chart()", "fragment", code=True)
    chart.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<svg id='drawn'></svg>"})
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[
            _slide("# Part 9", "slide"),
            _slide(":::{dropdown} Instructor notes\nAsk before the chart.\n:::", "notes"),
            _slide("## The experiment", "slide"),
            chart,
            _slide("Long prose the slides skip", "skip"),
            _slide("## Claims", "slide"),
        ]
    )
    source = tmp_path / "part9.ipynb"
    nbformat.write(notebook, source)
    deck = slides.export(source, tmp_path / "slides" / "part9.html").read_text()
    sections = re.findall(r"<section\b", deck)
    assert len(sections) >= 3
    assert re.search(r'<aside class="notes">.*Ask before the chart', deck, re.S)
    assert "Instructor notes" in deck and ":::" not in deck
    assert "<svg id='drawn'>" in deck or '<svg id="drawn">' in deck
    assert "Long prose the slides skip" not in deck
    loaded = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', deck)
    assert loaded and all(not u.startswith(("http:", "https:", "//")) for u in loaded), loaded
    for url in loaded:  # every file the deck loads is vendored in the book's _static
        assert url.startswith(slides.REVEAL), url
        vendored = REPO / "_static" / url.removeprefix("../_static/")
        assert vendored.is_file(), url
