"""The status page (gorust.status, the gorust-status directive of gorust.book) and
``make chapter PART=N`` (GVR_RERUN)."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

from gorust import book, paths, status
from gorust.paths import REPO
from tests.conftest import build_book
from tests.test_fast_rebuild import CHAPTERS, _sphinx, _write, repo  # noqa: F401

EARLIER = time.time() - 3600


def test_the_reference_provenance_of_a_part() -> None:
    found = status.provenance(paths.DATA, "part3")
    assert found is not None
    assert found.profiles == "full"
    assert "go version go" in found.toolchains and "cargo" in found.toolchains
    assert "cores" in found.machine
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", found.measured)


def test_a_chapter_without_tables_shows_what_it_summarises() -> None:
    # The Verdict saves no reference of its own: its row describes the Parts it shows.
    every_part = status.provenance(paths.DATA, "part8")
    assert every_part is not None
    assert every_part.measured != status.provenance(paths.DATA, "part3").measured


def test_no_tables_at_all(tmp_path: Path) -> None:
    assert status.provenance(tmp_path, "part3") is None
    record = status.Record("part3", "live", "quick", EARLIER)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(paths.RESULTS_VARIABLE, str(tmp_path))
        cells = status.row("Part 3", None, record, EARLIER)
    assert cells[3] == "not executed"
    assert cells[5] == "no saved tables"


def test_a_row_says_whether_the_chapter_executed_in_this_build() -> None:
    started = time.time()
    now = {"mtime": started + 5, "runtime": 12.25, "succeeded": True}
    before = {"mtime": EARLIER, "runtime": 3.0, "succeeded": False}
    assert status.executed(now, started) == "in this build"
    assert status.executed(before, started).startswith("in an earlier build, ")
    assert status.executed(before, started).endswith("(failed)")
    assert status.total_runtime([now, before, None], started) == 12.25


def test_a_replayed_row_shows_the_reference_and_its_profile() -> None:
    record = status.Record("part5", "replay", "quick", EARLIER)
    cells = status.row("Part 5", {"mtime": EARLIER, "runtime": 1.5}, record, 0.0)
    assert dict(zip(status.HEADER, cells, strict=True)) | {"Data measured": ""} == {
        "Chapter": "Part 5",
        "Mode": "replay",
        "Profile": "full",  # the reference's, not this build's
        "Executed": "in this build",
        "Execution time": "1.5 s",
        "Data measured": "",
        "Toolchains": status.provenance(paths.DATA, "part5").toolchains,
        "Machine": status.provenance(paths.DATA, "part5").machine,
    }
    assert cells[5].endswith("(reference)")


def test_a_live_row_shows_this_machines_results(tmp_path: Path) -> None:
    table = "language,toolchain,profile,cpu,cores,commit,measured_at\n"
    table += "go,go version go9,quick,Test CPU,4,abc,2030-01-02T03:04:05+00:00\n"
    _write(tmp_path / "part3" / "binary_trees.csv", table)
    record = status.Record("part3", "live", "quick", EARLIER)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(paths.RESULTS_VARIABLE, str(tmp_path))
        cells = status.row("Part 3", None, record, 0.0)
    assert cells[1:3] == ("live", "quick")
    assert cells[5:] == ("2030-01-02 03:04 (this machine)", "go version go9", "Test CPU, 4 cores")


def test_records_survive_between_builds(tmp_path: Path) -> None:
    records = {"chapters/03-memory-gc": status.Record("part3", "live", "full", EARLIER)}
    status.save_records(tmp_path / status.RECORDS, records)
    assert status.load_records(tmp_path / status.RECORDS) == records
    assert status.load_records(tmp_path / "missing.json") == {}


def test_the_book_records_the_mode_of_chapters_executed_in_this_build(
    repo: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, env = _sphinx(repo)
    book._build_started(app)
    env.nb_metadata["chapters/03-memory-gc"]["exec_data"]["mtime"] = time.time() + 1
    env.nb_metadata["chapters/04-velocity-crud"]["exec_data"]["mtime"] = EARLIER
    monkeypatch.setenv("GVR_MODE", "replay")
    book._record_executions(app, env)
    records = status.load_records(Path(app.doctreedir) / status.RECORDS)
    assert set(records) == {"chapters/03-memory-gc"}
    assert records["chapters/03-memory-gc"].mode == "replay"
    assert records["chapters/03-memory-gc"].part == "part3"


def test_the_status_page_is_read_again_on_every_build(repo: Path) -> None:  # noqa: F811
    app, env = _sphinx(repo)
    env.found_docs.add("status")
    env.gorust_status_pages = {"status"}
    book._store_digests(app, None)
    assert book._stale_chapters(app, env, set(), set(), set()) == ["status"]
    assert book._stale_chapters(app, env, set(), {"status"}, set()) == []


def test_rerun_re_reads_the_chapter_and_the_verdict(
    repo: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, env = _sphinx(repo)
    book._store_digests(app, None)
    assert book._stale_chapters(app, env, set(), set(), set()) == []
    monkeypatch.setenv(book.RERUN_VARIABLE, "part3")
    assert book._stale_chapters(app, env, set(), set(), set()) == [
        "chapters/03-memory-gc",
        "chapters/08-verdict",
    ]
    monkeypatch.setenv(book.RERUN_VARIABLE, "4, part3")
    assert book._stale_chapters(app, env, set(), set(), set()) == sorted(CHAPTERS)
    # Re-running the Verdict alone re-runs nothing else.
    monkeypatch.setenv(book.RERUN_VARIABLE, "8")
    assert book._stale_chapters(app, env, set(), set(), set()) == ["chapters/08-verdict"]


def test_rerun_of_an_unknown_part_fails_clearly(
    repo: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, env = _sphinx(repo)
    monkeypatch.setenv(book.RERUN_VARIABLE, "part9")
    with pytest.raises(ExtensionError, match=r"part9, which no chapter measures.*part3, part4"):
        book._stale_chapters(app, env, set(), set(), set())


def _status_book(root: Path) -> Path:
    """The status page and one tiny notebook, with the course's configuration."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    root.mkdir(parents=True)
    shutil.copy(REPO / "_config.yml", root / "_config.yml")
    shutil.copy(REPO / "status.md", root / "status.md")
    _write(root / "_static" / "vega-bundle.js", "")
    _write(root / "intro.md", "# Intro\n")
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cells = [new_markdown_cell("# A tiny chapter"), new_code_cell("print('hello')")]
    (root / "chapters").mkdir()
    nbformat.write(
        new_notebook(cells=cells, metadata={"kernelspec": kernel}),
        root / "chapters" / "01-tiny.ipynb",
    )
    toc = "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/01-tiny\n  - file: status\n"
    _write(root / "_toc.yml", toc)
    return root


def _status_html(root: Path, results: Path) -> str:
    env = {**os.environ, "GVR_MODE": "replay", paths.RESULTS_VARIABLE: str(results)}
    result = build_book(root, env=env)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return (root / "_build" / "html" / "status.html").read_text(encoding="utf-8")


def _cells(html: str) -> list[str]:
    body = html.split('id="build-status"', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", body, re.S)]


def test_a_strict_build_renders_the_status_page_and_refreshes_it(tmp_path: Path) -> None:
    root = _status_book(tmp_path / "book")
    results = tmp_path / "results"
    first = _status_html(root, results)
    cells = _cells(first)
    assert cells[:4] == ["A tiny chapter", "replay", "full", "in this build"]
    assert re.fullmatch(r"[\d,.]+ s", cells[4])
    assert 'href="chapters/01-tiny.html"' in first
    assert 'id="build-time"' in first
    # Nothing changed: the chapter is not executed again, the status page is rebuilt and
    # says the chapter's time comes from the earlier build.
    second = _status_html(root, results)
    assert _cells(second)[3].startswith("in an earlier build, ")
    assert not results.exists()  # replay writes no results
