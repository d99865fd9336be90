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
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from gorust import sources

DIGESTS = "gorust-source-digests.json"
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


def _stale_chapters(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Sphinx's env-get-outdated hook: the chapters to re-read besides changed pages."""
    stored = _stored_digests(app)
    notebooks = _notebooks(env)
    current = sources.digests(notebooks)
    stale = {
        name
        for name in notebooks
        if stored.get(name) != current[name] or _failed_last_time(env, name)
    }
    summaries = {name for name, path in notebooks.items() if sources.summarises(path)}
    if ((stale | added | changed) & set(notebooks)) - summaries:
        stale |= summaries
    stale -= added | changed | removed
    if stale:
        logger.info("[gorust] re-executing chapters whose sources changed: %s", sorted(stale))
    return sorted(stale)


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


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _drop_duplicate_scripts)
    app.connect("env-get-outdated", _stale_chapters)
    app.connect("build-finished", _store_digests)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
