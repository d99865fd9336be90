"""Slides from the same notebooks: a static reveal.js deck per chapter, next to the book.

After the book is built, each chapter's executed notebook (the one its page shows) goes through
nbconvert's slides exporter with the course's template (``gorust/slides_template``): reveal.js is
loaded from the vendored copy in ``_static/vendor/revealjs-5.2.1``, and the template drops the
CDN scripts nbconvert's own reveal template loads (jQuery, RequireJS, Mermaid, MathJax), so the deck
works with no network. Which cells become slides, fragments, notes or nothing is the chapter's
own ``slideshow`` cell metadata, which RISE reads in JupyterLab too: the lecture follows the page.

Markdown written for MyST is turned into plain Markdown first: a glued value becomes the text
the page shows, a role becomes its text, a directive's fence lines go (its title stays, in
bold), a ``{literalinclude}`` or ``{glue:figure}`` block goes. The instructor notes (cells
whose slide type is ``notes``) become reveal.js speaker notes: key ``S`` opens the speaker view.
Each chapter page links to its deck (``slides_link``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from nbconvert import SlidesExporter
from nbconvert.preprocessors import Preprocessor
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

TEMPLATE = Path(__file__).with_name("slides_template")
FOLDER = "slides"  # _build/html/slides/<chapter>.html
REVEAL = "../_static/vendor/revealjs-5.2.1"  # from a deck to the vendored reveal.js
GLUE_PREFIX = "application/papermill.record/"
CHAPTERS = "chapters/"

_ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
_FENCE = re.compile(r"^\s*(:{3,}|`{3,})\s*\{([\w:-]+)\}\s*(.*)$")
_CLOSING = re.compile(r"^\s*(:{3,}|`{3,})\s*$")
_OPTION = re.compile(r"^\s*:[\w-]+:")
_TARGET = re.compile(r"^\s*\([\w-]+\)=\s*$")
# Directives whose body is not prose a slide can show.
_DROPPED = {"literalinclude", "glue:figure", "glue:any", "code-cell", "gorust-status"}


def glued_values(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Every value the notebook glued, as the text ``{glue:text}`` shows."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            text = output.get("data", {}).get(GLUE_PREFIX + "text/plain")
            if name and text is not None:
                values[name] = text[1:-1] if text[:1] == text[-1:] == "'" else text
    return values


def _role_text(role: str, body: str, glued: dict[str, str]) -> str:
    if role.startswith("glue"):
        key, _, spec = body.partition(":")
        value = glued.get(key, body)
        if spec:
            try:
                return format(float(value), spec)
            except ValueError:
                return value
        return value
    shown = re.match(r"^(.*?)\s*<[^>]*>$", body)  # {term}`text <target>`
    return shown.group(1) if shown else body


def plain_markdown(source: str, glued: dict[str, str]) -> str:
    """MyST Markdown as plain Markdown that a slide (or RISE) can render."""
    lines: list[str] = []
    dropping: str | None = None
    options_may_follow = False
    for line in source.splitlines():
        fence = _FENCE.match(line)
        if dropping is not None:
            if line.strip() == dropping:
                dropping = None
            continue
        if fence:
            marks, directive, title = fence.groups()
            if directive in _DROPPED:
                dropping = marks
                continue
            options_may_follow = True
            if title.strip():
                lines.append(f"**{title.strip()}**")
            continue
        if options_may_follow and _OPTION.match(line):
            continue
        options_may_follow = False
        if (_CLOSING.match(line) and line.strip().startswith(":")) or _TARGET.match(line):
            continue
        lines.append(line)
    text = "\n".join(lines)
    return _ROLE.sub(lambda m: _role_text(m.group(1), m.group(2), glued), text)


class PlainMarkdown(Preprocessor):
    """nbconvert step: every Markdown cell through ``plain_markdown``."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        glued = glued_values(nb)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = plain_markdown(cell.source, glued)
        return nb, resources


def exporter() -> SlidesExporter:
    slides = SlidesExporter(
        extra_template_basedirs=[str(TEMPLATE.parent)],
        template_name=TEMPLATE.name,
        reveal_url_prefix=REVEAL,
        reveal_theme="white",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    slides.register_preprocessor(PlainMarkdown(), enabled=True)
    return slides


def export(notebook: Path, target: Path) -> Path:
    """Write ``notebook``'s deck to ``target`` (an HTML file)."""
    body, _ = exporter().from_notebook_node(nbformat.read(notebook, as_version=4))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target


def executed_notebook(app: Sphinx, docname: str) -> Path:
    """The notebook myst-nb executed for ``docname`` (what its page shows)."""
    return Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"


def chapters(app: Sphinx) -> list[str]:
    return sorted(d for d in app.env.found_docs if d.startswith(CHAPTERS))


def export_book(app: Sphinx, exception: Exception | None) -> None:
    """After an HTML build: one deck per chapter, from the notebooks the pages show."""
    if exception is not None or app.builder.format != "html":
        return
    for docname in chapters(app):
        source = executed_notebook(app, docname)
        if not source.exists():  # not executed (a failed build says why elsewhere)
            logger.warning(f"no executed notebook for {docname}: its slides were not written")
            continue
        export(source, Path(app.outdir) / FOLDER / f"{Path(docname).name}.html")


def slides_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Under a chapter's title: a link to its deck, and how to present it live."""
    if not docname.startswith(CHAPTERS) or app.builder.format != "html":
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    href = f"../{FOLDER}/{Path(docname).name}.html"
    html = (
        '<p class="gorust-slides-link">'
        f'<a href="{href}">Present this chapter as slides</a> '
        "(reveal.js, works offline; <kbd>S</kbd> opens the speaker notes). "
        "To run it live as slides: <code>make lab</code>, then RISE's slideshow button.</p>"
    )
    section.insert(1, nodes.raw("", html, format="html"))


def setup(app: Sphinx) -> None:
    app.connect("doctree-resolved", slides_link)
    app.connect("build-finished", export_book)


if __name__ == "__main__":  # python -m gorust.slides NOTEBOOK TARGET (an author's check)
    import sys

    print(json.dumps(str(export(Path(sys.argv[1]), Path(sys.argv[2])))))
