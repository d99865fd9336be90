"""Recording the reference: the one writer of data/.

``make record-reference`` (``python -m gorust.reference``) executes the chosen chapters live,
with their results going to a staging folder under _build/, and only when every chapter has
run copies each one's tables into ``data/<part>/``, replacing what was there, and notes in
``data/reference.json`` how each Part was recorded: the profile, the commit, whether the
working tree was clean, the toolchains, the machine and how long it took. A Part may be
recorded alone (``PARTS=part6``); the other Parts keep their reference.

It refuses a dirty working tree unless told otherwise (``--allow-dirty``), in which case the
results' commit reads ``<commit>-dirty``. Record on a quiet machine: nothing else building or
measuring at the same time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from gorust import paths, process, provenance
from gorust.profile import PROFILE_VARIABLE

MEASURING_PARTS = tuple(f"part{n}" for n in range(1, 8))
MANIFEST = "reference.json"
CHAPTERS = paths.REPO / "chapters"
CELL_TIMEOUT_S = 3600


def staging_root() -> Path:
    """A staging folder of this recording's own: two recordings never share one."""
    parent = paths.REPO / "_build"
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="reference-run-", dir=parent))


def notebook_of(part: str) -> Path:
    number = int(part.removeprefix("part"))
    found = sorted(CHAPTERS.glob(f"{number:02d}-*.ipynb"))
    if len(found) != 1:
        raise ValueError(f"{part}: expected one chapters/{number:02d}-*.ipynb, found {found}")
    return found[0]


def execute(notebook: Path) -> float:
    """Run every cell of ``notebook`` in a fresh kernel; the seconds it took."""
    from gorust import notebooks

    started = time.monotonic()
    notebooks.execute(notebook, CELL_TIMEOUT_S)
    return time.monotonic() - started


def install(
    staging: Path, parts: Sequence[str], facts: Mapping[str, Mapping], reference: Path
) -> list[Path]:
    """Replace ``reference/<part>/`` with each staged Part's tables and note how each was
    recorded in ``reference/reference.json``; returns the folders written."""
    for part in parts:
        if not any((staging / part).glob("*.csv")):
            raise RuntimeError(
                f"{part} ran but saved no table in {staging / part}; nothing was copied into data/."
            )
    written = []
    for part in parts:
        target = reference / part
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(staging / part, target)
        written.append(target)
    manifest_path = reference / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest.update({part: dict(facts[part]) for part in parts})
    manifest_path.write_text(json.dumps(dict(sorted(manifest.items())), indent=2) + "\n")
    return written


def _toolchains() -> dict[str, str]:
    from gorust.runs import kernels

    go, rust = kernels()
    return {"go": go.toolchain().version, "rust": rust.toolchain().version}


def record(parts: Sequence[str], profile: str, allow_dirty: bool) -> int:
    clean = provenance.tree_is_clean()
    if not clean and not allow_dirty:
        print(
            "✗ The working tree has uncommitted changes (git status), so the reference would "
            "not match any commit. Commit or stash them, or pass --allow-dirty to record "
            "results marked <commit>-dirty.",
            file=sys.stderr,
        )
        return 1
    staging = staging_root()
    staging.mkdir(parents=True, exist_ok=True)
    settings = {
        "GVR_MODE": "live",
        PROFILE_VARIABLE: profile,
        paths.RESULTS_VARIABLE: str(staging),
    }
    facts = {}
    with process.environment(settings):
        toolchains = _toolchains()
        for part in parts:
            notebook = notebook_of(part)
            print(f"Recording {part} ({notebook.name}, {profile} profile)…", flush=True)
            seconds = execute(notebook)
            print(f"  {part}: {seconds:.0f} s", flush=True)
            facts[part] = {
                "profile": profile,
                "commit": provenance.git_commit(),
                "tree_clean": bool(clean),
                "toolchains": toolchains,
                "cpu": provenance.cpu_model(),
                "cores": os.cpu_count() or 0,
                "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "duration_s": round(seconds, 1),
            }
    for folder in install(staging, parts, facts, paths.DATA):
        print(f"✓ wrote {folder}/")
    print(f"Review with `git diff --stat data/`, then commit data/ ({', '.join(parts)}).")
    return 0


def derive_claims(parts: Sequence[str], reference: Path = paths.DATA) -> list[Path]:
    """Re-judge each Part's claims on its recorded tables and rewrite its claims.csv: for a
    rule whose wording or threshold changed, no measurement needed."""
    from gorust import claims, tables

    written = []
    for part in parts:
        recorded = claims.load_tables(
            part, lambda chapter, table: tables.read(reference, chapter, table)
        )
        found = claims.judge(part, recorded)
        target = tables.location(reference, part, "claims")
        claims.claims_frame(part, found, recorded).to_csv(target, index=False)
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m gorust.reference", description=__doc__)
    parser.add_argument(
        "--parts",
        default=",".join(MEASURING_PARTS),
        help="comma-separated Parts to record (default: all measuring Parts, part1..part7)",
    )
    parser.add_argument("--profile", default="full", choices=("quick", "full"))
    parser.add_argument("--allow-dirty", action="store_true")
    parser.add_argument(
        "--derive-claims",
        action="store_true",
        help="measure nothing: re-judge the Parts' claims on their recorded tables",
    )
    options = parser.parse_args(argv)
    parts = [p.strip() for p in options.parts.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(MEASURING_PARTS))
    if unknown:
        parser.error(f"unknown Parts {unknown}; choose from {', '.join(MEASURING_PARTS)}")
    if options.derive_claims:
        for target in derive_claims(parts):
            print(f"✓ re-derived {target.relative_to(paths.REPO)}")
        return 0
    return record(parts, options.profile, options.allow_dirty)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
