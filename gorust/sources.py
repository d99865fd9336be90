"""Which files a chapter's results depend on, and one digest of them.

Jupyter Book re-executes a notebook only when Sphinx re-reads it, and Sphinx re-reads a page
only when the page's own file changes. A chapter's figures also depend on the Go and Rust
programs it builds, on the ``gorust`` modules it calls, on the profile and on the toolchains;
the book extension (gorust.book) compares this digest between builds so that changing one Go
or Rust file re-executes exactly the chapters that build it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from gorust import data, paths, replay
from gorust import experiments as registry
from gorust.profile import PROFILE_VARIABLE

PACKAGE = paths.REPO / "gorust"
CHAPTER_MODULE = re.compile(r"^part\d+$")


def shared_code() -> tuple[Path, ...]:
    """The harness every experiment links and the files that pin dependency versions."""
    return (
        paths.GO_MODULE / "go.mod",
        paths.GO_MODULE / "go.sum",
        paths.GO_MODULE / "internal",
        paths.RUST_WORKSPACE / "Cargo.toml",
        paths.RUST_WORKSPACE / "Cargo.lock",
        paths.RUST_WORKSPACE / "measure",
    )


# Settings that change what a chapter measures or shows (replay mode is seen through the
# toolchain versions, which read "not found" without them).
ENVIRONMENT = (PROFILE_VARIABLE, "GVR_MODE")


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        skipped = {"target", "__pycache__"}
        return sorted(p for p in path.rglob("*") if p.is_file() and not skipped & set(p.parts))
    return []


def module_files(module: str) -> list[Path]:
    """The source files of a chapter's module: ``gorust/partN.py``, or every file of the
    package ``gorust/partN/``."""
    single = PACKAGE / f"{module}.py"
    return [single] if single.is_file() else _files(PACKAGE / module)


def chapter_modules(notebook: Path) -> list[str]:
    """The ``gorust.partN`` modules a notebook imports (``from gorust import part3, runs``)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    names = set(re.findall(r"\bpart\d+\b", source))
    return sorted(n for n in names if module_files(n))


def experiments(module: str) -> list[Path]:
    """The program folders a chapter's experiments build, as the experiment registry declares
    them (gorust.experiments): each name is a folder in code/go, code/rust or code/ itself."""
    folders = []
    for name in registry.programs(module):
        found = [
            root / name
            for root in (paths.GO_MODULE, paths.RUST_WORKSPACE, paths.CODE)
            if (root / name).is_dir()
        ]
        if not found:
            raise ValueError(f"{module} declares program {name!r}, which is not in code/")
        folders += found
    return folders


def summarises(notebook: Path) -> bool:
    """True for a chapter whose module sets ``SHOWS_RECORDED_DATA = True`` (Part 8): it builds
    no program and shows what the measuring chapters saved, so it is stale whenever any of
    them re-runs."""
    return any(
        getattr(importlib.import_module(f"gorust.{module}"), "SHOWS_RECORDED_DATA", False)
        for module in chapter_modules(notebook)
    )


def dependencies(notebook: Path) -> list[Path]:
    """Every file the notebook's figures depend on, besides the notebook itself.

    Saved tables count only where the page reads them: for a summarising chapter, those it
    shows (live results, or the reference in replay mode); for every chapter in replay mode,
    its reference tables. A live chapter's own results must not make it stale for the next
    build.
    """
    modules = chapter_modules(notebook)
    shared_modules = [p for p in PACKAGE.glob("*.py") if not CHAPTER_MODULE.match(p.stem)] + [
        PACKAGE / "launcher.c"
    ]
    files: set[Path] = set()
    for path in [*shared_modules, *(f for m in modules for f in module_files(m))]:
        files.update(_files(path))
    if summarises(notebook):
        files.update(_files(data.shown_root()))
        return sorted(files)
    for module in modules:
        folders = experiments(module)
        for folder in [*folders, *(shared_code() if folders else ())]:
            files.update(_files(folder))
        if replay.active():
            files.update(_files(paths.DATA / module))
    return sorted(files)


def _toolchain_versions() -> list[str]:
    versions = []
    for argv in (["go", "version"], ["cargo", "--version"]):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
            versions.append(out.stdout.strip())
        except OSError:
            versions.append(f"{argv[0]}: not found")
    return versions


def _name(path: Path) -> str:
    """A dependency's name in the digest: relative, so that clones agree."""
    for root in (paths.REPO, paths.results_dir(), PACKAGE.parent):
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return str(path)


def digest(notebook: Path, toolchains: Sequence[str] | None = None) -> str:
    """A digest of the notebook's dependencies, settings and toolchains (not of the notebook
    itself, which Sphinx already tracks). ``toolchains``: the versions, when already read."""
    h = hashlib.sha256()
    for path in dependencies(notebook):
        h.update(_name(path).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    for name in ENVIRONMENT:
        h.update(f"{name}={os.environ.get(name, '')}".encode())
    for line in _toolchain_versions() if toolchains is None else toolchains:
        h.update(line.encode())
    return h.hexdigest()


def digests(notebooks: Mapping[str, Path]) -> dict[str, str]:
    """The digest of every named notebook, asking go and cargo for their versions once."""
    versions = _toolchain_versions()
    return {name: digest(path, versions) for name, path in notebooks.items()}
