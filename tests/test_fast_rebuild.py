"""Fast rebuilds: a chapter is re-executed exactly when a file its figures depend on changes."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from gorust import book, paths, sources
from gorust.paths import REPO
from tests.conftest import build_book

CHAPTERS = {
    "chapters/03-memory-gc": "part3",
    "chapters/04-velocity-crud": "part4",
    "chapters/08-verdict": "part8",
}


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small copy of the course's layout: three chapters, their programs and some data."""
    monkeypatch.setattr(paths, "REPO", tmp_path)
    monkeypatch.setattr(paths, "CODE", tmp_path / "code")
    monkeypatch.setattr(paths, "GO_MODULE", tmp_path / "code" / "go")
    monkeypatch.setattr(paths, "RUST_WORKSPACE", tmp_path / "code" / "rust")
    monkeypatch.setattr(paths, "DATA", tmp_path / "data")
    monkeypatch.setenv("GVR_MODE", "live")
    for experiment in ("binary_trees", "live_heap", "crud_api"):
        _write(tmp_path / "code" / "go" / experiment / "main.go", "package main\n")
        _write(tmp_path / "code" / "rust" / experiment / "src" / "main.rs", "fn main() {}\n")
    # Part 4's fixed-rate experiment also builds the shared load client.
    _write(tmp_path / "code" / "go" / "tools" / "http_rate" / "main.go", "package main\n")
    _write(tmp_path / "code" / "go" / "go.mod", "module govsrust\n")
    _write(tmp_path / "code" / "go" / "internal" / "measure" / "measure.go", "package measure\n")
    _write(tmp_path / "code" / "rust" / "Cargo.lock", "# lock\n")
    _write(tmp_path / "code" / "crud_api" / "openapi.yaml", "openapi: 3.1.0\n")
    _write(tmp_path / "data" / "part3" / "binary_trees.csv", "language,wall_s\ngo,1\n")
    _write(paths.results_dir() / "part3" / "binary_trees.csv", "language,wall_s\ngo,2\n")
    for docname, module in CHAPTERS.items():
        notebook = {
            "cells": [{"cell_type": "code", "source": [f"from gorust import {module}, runs\n"]}]
        }
        _write(tmp_path / f"{docname}.ipynb", json.dumps(notebook))
    return tmp_path


def _digests(repo: Path) -> dict[str, str]:
    return {name: sources.digest(repo / f"{name}.ipynb") for name in CHAPTERS}


def test_a_chapter_depends_on_the_programs_its_module_names(repo: Path) -> None:
    gc = sources.dependencies(repo / "chapters/03-memory-gc.ipynb")
    assert repo / "code/go/binary_trees/main.go" in gc
    assert repo / "code/rust/live_heap/src/main.rs" in gc
    assert repo / "code/go/internal/measure/measure.go" in gc  # the shared harness
    assert repo / "code/go/crud_api/main.go" not in gc
    assert paths.REPO / "data/part3/binary_trees.csv" not in gc  # live: it writes its data
    crud = sources.dependencies(repo / "chapters/04-velocity-crud.ipynb")
    assert repo / "code/crud_api/openapi.yaml" in crud
    assert repo / "code/go/binary_trees/main.go" not in crud


def test_the_verdict_depends_on_the_data_it_shows_not_on_programs(repo: Path) -> None:
    verdict = repo / "chapters/08-verdict.ipynb"
    assert sources.summarises(verdict)
    assert not sources.summarises(repo / "chapters/03-memory-gc.ipynb")
    files = sources.dependencies(verdict)
    # Live, it shows this machine's results; the reference is not on its page.
    assert paths.results_dir() / "part3/binary_trees.csv" in files
    assert repo / "data/part3/binary_trees.csv" not in files
    assert repo / "code/go/binary_trees/main.go" not in files


def test_replay_mode_makes_a_chapter_depend_on_its_recorded_data(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GVR_MODE", "replay")
    assert repo / "data/part3/binary_trees.csv" in sources.dependencies(
        repo / "chapters/03-memory-gc.ipynb"
    )


def test_editing_one_program_changes_only_the_digest_of_the_chapter_that_builds_it(
    repo: Path,
) -> None:
    before = _digests(repo)
    _write(repo / "code/go/binary_trees/main.go", "package main\n\nfunc main() {}\n")
    after = _digests(repo)
    assert after["chapters/03-memory-gc"] != before["chapters/03-memory-gc"]
    assert after["chapters/04-velocity-crud"] == before["chapters/04-velocity-crud"]
    assert after["chapters/08-verdict"] == before["chapters/08-verdict"]


def test_the_profile_is_part_of_the_digest(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = repo / "chapters/03-memory-gc.ipynb"
    quick = sources.digest(notebook)
    monkeypatch.setenv("GVR_PROFILE", "full")
    assert sources.digest(notebook) != quick


class _Env(SimpleNamespace):
    def doc2path(self, name: str) -> str:
        return str(self.root / f"{name}.{'ipynb' if name in CHAPTERS else 'md'}")


def _sphinx(repo: Path) -> tuple[SimpleNamespace, _Env]:
    env = _Env(root=repo, found_docs=set(CHAPTERS) | {"intro"})
    env.nb_metadata = {name: {"exec_data": {"succeeded": True}} for name in CHAPTERS}
    app = SimpleNamespace(doctreedir=str(repo / "_build" / ".doctrees"), env=env)
    Path(app.doctreedir).mkdir(parents=True)
    return app, env


def test_the_book_re_reads_exactly_the_stale_chapters(repo: Path) -> None:
    app, env = _sphinx(repo)
    # The first build has no stored digests: every chapter executes.
    assert book._stale_chapters(app, env, set(), set(), set()) == sorted(CHAPTERS)
    book._store_digests(app, None)
    # Nothing changed: nothing to re-execute.
    assert book._stale_chapters(app, env, set(), set(), set()) == []
    # One Go file of Part 3: Part 3, and the Verdict that shows Part 3's results.
    _write(repo / "code/go/live_heap/main.go", "package main // edited\n")
    assert book._stale_chapters(app, env, set(), set(), set()) == [
        "chapters/03-memory-gc",
        "chapters/08-verdict",
    ]
    book._store_digests(app, None)
    # A notebook Sphinx re-reads anyway is not listed twice, but still drags the Verdict.
    assert book._stale_chapters(app, env, set(), {"chapters/04-velocity-crud"}, set()) == [
        "chapters/08-verdict"
    ]


def test_a_chapter_that_failed_is_executed_again(repo: Path) -> None:
    app, env = _sphinx(repo)
    book._store_digests(app, None)
    env.nb_metadata["chapters/04-velocity-crud"]["exec_data"] = {"succeeded": False}
    assert "chapters/04-velocity-crud" in book._stale_chapters(app, env, set(), set(), set())
    book._store_digests(app, None)
    stored = json.loads((Path(app.doctreedir) / book.DIGESTS).read_text())
    assert "chapters/04-velocity-crud" not in stored


def test_a_failed_build_keeps_the_previous_digests(repo: Path) -> None:
    app, env = _sphinx(repo)
    book._store_digests(app, None)
    _write(repo / "code/rust/crud_api/src/main.rs", "fn main() { /* edited */ }\n")
    book._store_digests(app, RuntimeError("the build failed"))
    assert "chapters/04-velocity-crud" in book._stale_chapters(app, env, set(), set(), set())


def _mini_book(root: Path) -> Path:
    """Two chapters that import the real Part 3 and Part 8 modules, with the course's config."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    shutil.copy(REPO / "_config.yml", root / "_config.yml")
    _write(root / "_static" / "vega-bundle.js", "")
    _write(root / "intro.md", "# Intro\n")
    toc = "format: jb-book\nroot: intro\nchapters:\n"
    for name, module in (("03-memory-gc", "part3"), ("08-verdict", "part8")):
        toc += f"  - file: chapters/{name}\n"
        cells = [new_markdown_cell(f"# {name}"), new_code_cell(f"from gorust import {module}")]
        kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
        (root / "chapters").mkdir(exist_ok=True)
        nbformat.write(
            new_notebook(cells=cells, metadata={"kernelspec": kernel}),
            root / "chapters" / f"{name}.ipynb",
        )
    _write(root / "_toc.yml", toc)
    return root


def _executed(root: Path, **env: str) -> list[str]:
    result = build_book(root, env={**os.environ, **env})
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return sorted(re.findall(r"chapters/([\w-]+)\.ipynb: Executed notebook", result.stdout))


def test_a_real_build_executes_a_chapter_again_only_when_its_sources_change(
    tmp_path: Path,
) -> None:
    book_root = _mini_book(tmp_path)
    assert _executed(book_root) == ["03-memory-gc", "08-verdict"]
    assert _executed(book_root) == []  # nothing changed
    # The profile is one of the chapter's inputs: both chapters show results that depend on it.
    assert _executed(book_root, GVR_PROFILE="full") == ["03-memory-gc", "08-verdict"]
