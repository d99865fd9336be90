"""A small Sphinx extension for the course's book (listed in _config.yml).

Fast rebuilds: Sphinx re-reads, and myst-nb therefore re-executes, only pages whose own file
changed. A chapter's figures also depend on the Go and Rust programs it builds and the modules
it calls, so before reading we compare each chapter's source digest (gorust.sources) with the
one stored by the last successful build and re-read the chapters whose digest changed, those
whose execution failed last time, and the summarising chapter whenever a measuring one re-runs.

Duplicate scripts: Jupyter Book 1 loads sphinx-thebe even with live code switched off, and
sphinx-thebe registers its inline configuration script on every read pass; a page that includes
it twice throws "Identifier 'THEBE_JS_URL' has already been declared". We drop exact duplicate
scripts so pages load without script errors (the browser test checks that).

The status page: a page with the ``gorust-status`` directive gets a table, one row per chapter,
built when the page is written (after every chapter executed): mode, profile, execution time,
when the data were measured, toolchains and machine (gorust.status), and the build's time so
far. That page is re-read on every build, so its table is never one build old.

One chapter at a time: ``GVR_RERUN=part6`` (comma-separated; ``6`` also works) re-reads those
chapters even when nothing they depend on changed (``make chapter PART=6``).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from gorust import replay, slides, sources, status
from gorust.profile import current_profile

DIGESTS = "gorust-source-digests.json"
RERUN_VARIABLE = "GVR_RERUN"
logger = logging.getLogger(__name__)


def _notebooks(env: BuildEnvironment) -> dict[str, Path]:
    return {
        name: Path(env.doc2path(name))
        for name in sorted(env.found_docs)
        if str(env.doc2path(name)).endswith(".ipynb")
    }


def _digest_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / DIGESTS


def _stored_digests(app: Sphinx) -> dict[str, str]:
    try:
        return json.loads(_digest_file(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _failed_last_time(env: BuildEnvironment, name: str) -> bool:
    # myst-nb keeps each notebook's last execution result in env.nb_metadata.
    result = getattr(env, "nb_metadata", {}).get(name, {}).get("exec_data")
    return bool(result) and not result.get("succeeded", True)


def _rerun_parts() -> set[str]:
    """The Parts ``GVR_RERUN`` names (``part6,7`` reads as part6 and part7)."""
    names = re.split(r"[,\s]+", os.environ.get(RERUN_VARIABLE, "").strip().lower())
    return {name if name.startswith("part") else f"part{name}" for name in names if name}


def _rerun(notebooks: dict[str, Path]) -> set[str]:
    """The chapters ``GVR_RERUN`` asks to execute again; an unknown Part is an error."""
    wanted = _rerun_parts()
    if not wanted:
        return set()
    chosen = {
        name for name, path in notebooks.items() if wanted & set(sources.chapter_modules(path))
    }
    known = {m for path in notebooks.values() for m in sources.chapter_modules(path)}
    unknown = wanted - known
    if unknown:
        raise ExtensionError(
            f"{RERUN_VARIABLE} names {', '.join(sorted(unknown))}, which no chapter measures; "
            f"the book's Parts are {', '.join(sorted(known, key=_part_number))}"
        )
    return chosen


def _part_number(part: str) -> int:
    return int(part.removeprefix("part"))


def _stale_chapters(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Sphinx's env-get-outdated hook: the chapters to re-read besides changed pages, and the
    status page, which every build re-reads."""
    stored = _stored_digests(app)
    notebooks = _notebooks(env)
    current = sources.digests(notebooks)
    stale = {
        name
        for name in notebooks
        if stored.get(name) != current[name] or _failed_last_time(env, name)
    } | _rerun(notebooks)
    summaries = {name for name, path in notebooks.items() if sources.summarises(path)}
    if ((stale | added | changed) & set(notebooks)) - summaries:
        stale |= summaries
    stale -= added | changed | removed
    if stale:
        logger.info("[gorust] re-executing chapters whose sources changed: %s", sorted(stale))
    pages = getattr(env, "gorust_status_pages", set()) & env.found_docs
    return sorted(stale | (pages - added - changed - removed))


def _store_digests(app: Sphinx, exception: Exception | None) -> None:
    """After a build: remember the digests of chapters that executed successfully, taken now
    so that the data written during the build count as seen."""
    if exception is not None or app.env is None:
        return
    succeeded = {
        name: path
        for name, path in _notebooks(app.env).items()
        if not _failed_last_time(app.env, name)
    }
    digests = sources.digests(succeeded)
    _digest_file(app).write_text(json.dumps(digests, indent=1), encoding="utf-8")


def _drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        # The same inline script arrives once with filename None and once with "".
        filename = getattr(script, "filename", str(script)) or ""
        key = (filename, tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def _records_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / status.RECORDS


def _build_started(app: Sphinx) -> None:
    app.gorust_build_started = time.time()  # type: ignore[attr-defined]


def _record_executions(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: remember the mode and profile of every chapter executed in this build
    (the kernels inherit this process's environment, so its mode is theirs)."""
    started = getattr(app, "gorust_build_started", 0.0)
    records = status.load_records(_records_file(app))
    for name, path in _notebooks(env).items():
        data = getattr(env, "nb_metadata", {}).get(name, {}).get("exec_data") or {}
        if (data.get("mtime") or 0) >= started:
            records[name] = status.Record(
                part=status.chapter_part(path),
                mode=replay.mode(),
                profile=current_profile().name,
                executed_at=data["mtime"],
            )
    status.save_records(_records_file(app), records)


class StatusNode(nodes.General, nodes.Element):
    """Where the status table goes, once every chapter has executed."""


class StatusDirective(SphinxDirective):
    """``gorust-status``: the table of how this build produced each chapter."""

    def run(self) -> list[nodes.Node]:
        pages = getattr(self.env, "gorust_status_pages", set())
        pages.add(self.env.docname)
        self.env.gorust_status_pages = pages  # type: ignore[attr-defined]
        return [StatusNode()]


def _purge_status_page(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "gorust_status_pages", set()).discard(docname)


def _merge_status_pages(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    pages = getattr(env, "gorust_status_pages", set())
    pages |= getattr(other, "gorust_status_pages", set()) & docnames
    env.gorust_status_pages = pages  # type: ignore[attr-defined]


def _cell(text: str, link: str | None = None) -> nodes.entry:
    paragraph = nodes.paragraph()
    paragraph += nodes.reference("", text, refuri=link) if link else nodes.Text(text)
    return nodes.entry("", paragraph)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], links: list[str]) -> nodes.table:
    table = nodes.table(classes=["colwidths-auto", "gorust-status-table"], ids=["build-status"])
    group = nodes.tgroup(cols=len(header))
    table += group
    group += [nodes.colspec(colwidth=1) for _ in header]
    head = nodes.thead()
    body = nodes.tbody()
    group += [head, body]
    head += nodes.row("", *(_cell(text) for text in header))
    for cells, link in zip(rows, links, strict=True):
        body += nodes.row("", _cell(cells[0], link), *(_cell(text) for text in cells[1:]))
    return table


class StatusTransform(SphinxPostTransform):
    """Fills the status table when the page is written, after every chapter executed."""

    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        started = getattr(self.app, "gorust_build_started", time.time())
        records = status.load_records(_records_file(self.app))
        metadata = getattr(self.env, "nb_metadata", {})
        # Chapter files are numbered, so their names sort in the order of the book.
        chapters = sorted(_notebooks(self.env))
        rows = []
        for name in chapters:
            title = self.env.titles[name].astext() if name in self.env.titles else name
            data = metadata.get(name, {}).get("exec_data")
            rows.append(status.row(title, data, records.get(name), started))
        executed = [metadata.get(name, {}).get("exec_data") for name in chapters]
        summary = nodes.paragraph(
            text=(
                f"This build, from its start to the writing of this page: "
                f"{status.seconds(time.time() - started)}; executing chapters: "
                f"{status.seconds(status.total_runtime(executed, started))}."
            ),
            ids=["build-time"],
            classes=["gorust-build-time"],
        )
        for node in self.document.findall(StatusNode):
            links = [self.app.builder.get_relative_uri(self.env.docname, n) for n in chapters]
            node.replace_self([_table(status.HEADER, rows, links), summary.deepcopy()])


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _drop_duplicate_scripts)
    app.connect("env-get-outdated", _stale_chapters)
    app.connect("build-finished", _store_digests)
    app.connect("builder-inited", _build_started)
    app.connect("env-updated", _record_executions)
    app.connect("env-purge-doc", _purge_status_page)
    app.connect("env-merge-info", _merge_status_pages)
    slides.setup(app)
    app.add_node(StatusNode)
    app.add_directive("gorust-status", StatusDirective)
    app.add_post_transform(StatusTransform)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
