"""The book's build is strict: a chapter whose cell fails must fail the build.

A plain `jupyter-book build` exits 0 when a cell raises; the course builds with
`-W -n --keep-going` (see the Makefile) so that it does not. This builds a two-page book whose
chapter raises, with the course's own _config.yml, and expects the build to fail.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from gorust.paths import REPO
from tests.conftest import build_book


def _book(tmp_path: Path, cell_source: str) -> Path:
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    shutil.copy(REPO / "_config.yml", book / "_config.yml")
    shutil.copytree(REPO / "_static", book / "_static", ignore=shutil.ignore_patterns("vega-*"))
    (book / "_static" / "vega-bundle.js").write_text("")
    (book / "intro.md").write_text("# Intro\n")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/one\n"
    )
    notebook = new_notebook(
        cells=[new_markdown_cell("# One"), new_code_cell(cell_source)],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(notebook, book / "chapters" / "one.ipynb")
    return book


def test_a_failing_cell_fails_the_build(tmp_path):
    result = build_book(_book(tmp_path, "raise RuntimeError('this cell fails on purpose')"))
    assert result.returncode != 0, result.stdout[-2000:]
    assert "this cell fails on purpose" in result.stdout + result.stderr


def test_a_passing_chapter_builds(tmp_path):
    result = build_book(_book(tmp_path, "print(6 * 7)"))
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
