"""Replay mode: the book without Go or Rust, rendered from the results committed under data/.

A chapter measures live when both toolchains are on PATH. When one is missing, each
experiment function returns the table a real run recorded in ``data/<chapter>/`` instead of
running, the page opens with a banner that says so (when, where, which profile and commit), and
compiler messages are shown as the recording run saved them. Nothing is written to ``data/``
in replay mode, so the committed reference stays as it was recorded.

``GVR_MODE=live`` or ``GVR_MODE=replay`` overrides the choice; ``live`` with a missing
toolchain fails with the toolchain's install hint, as a live chapter always does.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from gorust import paths, tables
from gorust.toolchains import CARGO, GO

MODE_VARIABLE = "GVR_MODE"
MODES = ("live", "replay")


class RecordingMissing(FileNotFoundError):
    """Replay mode needs a recorded table that data/ does not have."""


def missing_toolchains() -> list[str]:
    """The toolchains (``go``, ``cargo``) that PATH does not provide."""
    return [tool.tool for tool in (GO, CARGO) if shutil.which(tool.tool) is None]


def mode() -> str:
    """``live`` or ``replay``: the override if set, otherwise what PATH allows."""
    chosen = os.environ.get(MODE_VARIABLE, "").strip().lower()
    if chosen and chosen not in MODES:
        raise ValueError(f"{MODE_VARIABLE}={chosen!r} is not a mode; use live or replay")
    if chosen:
        return chosen
    return "replay" if missing_toolchains() else "live"


def active() -> bool:
    """True when chapters render recorded results instead of measuring."""
    return mode() == "replay"


def has_recording(chapter: str, experiment: str) -> bool:
    return tables.location(paths.DATA, chapter, experiment).is_file()


def recorded(chapter: str, experiment: str) -> pd.DataFrame:
    """The table a real run saved as ``data/<chapter>/<experiment>.csv``."""
    if not has_recording(chapter, experiment):
        raise RecordingMissing(
            f"Replay mode needs data/{chapter}/{experiment}.csv, which is missing. Run the "
            f"chapter once with Go and Rust on PATH (make book) to record it, or restore it "
            f"with `git checkout -- data/{chapter}`."
        )
    return tables.read(paths.DATA, chapter, experiment)


def recordings(*chapters: str) -> pd.DataFrame:
    """Provenance of every table recorded for ``chapters``: one row per recorded row that
    ran."""
    columns = {"profile", "cpu", "cores", "os", "commit", "measured_at", "toolchain"}
    frames = []
    for chapter in chapters:
        for table in sorted((paths.DATA / chapter).glob("*.csv")):
            frame = pd.read_csv(table, usecols=lambda name: name in columns)
            # A row with no provenance at all is one that did not run (e.g. a count this
            # machine cannot run, kept with its reason): it was measured nowhere.
            frame = frame.dropna(how="all") if len(frame.columns) else frame
            frame["table"] = f"{chapter}/{table.stem}"
            frames.append(frame)
    if not frames:
        folders = ", ".join(f"data/{chapter}/" for chapter in chapters)
        raise RecordingMissing(
            f"Replay mode needs recorded results in {folders}, which has none. Run the "
            "chapters once with Go and Rust on PATH (make book) to record them."
        )
    return pd.concat(frames, ignore_index=True)


def _span(values: Iterable[str]) -> str:
    ordered = sorted({str(v) for v in values if isinstance(v, str) and v})
    if not ordered:
        return "unknown"
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]} – {ordered[-1]}"


def banner(chapter: str, recorded_in: Iterable[str] = ()) -> Markdown | None:
    """The replay banner for a chapter's first cell (None when measuring live).

    ``recorded_in`` names the chapters whose data the page shows when not its own (Part 8).
    """
    if not active():
        return None
    sources = tuple(recorded_in) or (chapter,)
    runs = recordings(*sources)
    folders = ", ".join(f"`data/{source}/`" for source in sources)
    missing = missing_toolchains()
    why = (
        f"`{'` and `'.join(missing)}` {'is' if len(missing) == 1 else 'are'} not on PATH"
        if missing
        else f"`{MODE_VARIABLE}=replay` is set"
    )
    profiles = ", ".join(sorted(runs.profile.dropna().astype(str).unique()))
    dates = _span(runs.measured_at.dropna().astype(str).str.slice(0, 10))
    commits = ", ".join(f"`{c}`" for c in sorted(runs["commit"].dropna().astype(str).unique()))
    cpus = "; ".join(sorted(runs.cpu.dropna().astype(str).unique()))
    return Markdown(
        ":::{admonition} Recorded results, not measured on this machine\n"
        ":class: warning\n"
        f"This page was built in **replay mode** because {why}. Every figure and table below "
        f"is read from the results a real run recorded in {folders} — {profiles} "
        f"profile, measured {dates} on {cpus}, commit {commits}; compiler and tool messages "
        "are the ones that run recorded. Install Go and Rust (see the README) and rebuild "
        "the book to measure your own machine.\n"
        ":::"
    )


TOOLCHAIN_PROGRAMS = frozenset({"go", "gofmt", "cargo", "cargo-clippy", "cargo-fmt", "rustup"})


def path_without_toolchains(
    path: str, shadow_root: Path, hidden: Iterable[str] = TOOLCHAIN_PROGRAMS
) -> str:
    """``path`` with ``hidden`` programs (by default Go and Cargo) hidden: a folder that holds
    one is replaced by a shadow folder under ``shadow_root`` that links to everything else."""
    hidden = set(hidden)
    folders = []
    for index, entry in enumerate(path.split(os.pathsep)):
        folder = Path(entry)
        if not entry or not folder.is_dir():
            continue
        if not any((folder / name).exists() for name in hidden):
            folders.append(entry)
            continue
        shadow = shadow_root / f"{index}-{folder.name}"
        shadow.mkdir(parents=True, exist_ok=True)
        for item in folder.iterdir():
            if item.name not in hidden and not (shadow / item.name).exists():
                (shadow / item.name).symlink_to(item)
        folders.append(str(shadow))
    return os.pathsep.join(folders)


def main(argv: list[str]) -> int:
    """Execute notebooks as a reader without Go and Rust would: ``python -m gorust.replay
    chapters/01-philosophies.ipynb ...``. Prints each failing cell's error."""
    import tempfile

    from nbclient.exceptions import CellExecutionError

    from gorust import notebooks, process

    status = 0
    with tempfile.TemporaryDirectory(prefix="gvr-replay-") as shadow:
        hidden = path_without_toolchains(os.environ.get("PATH", ""), Path(shadow))
        with process.environment({"PATH": hidden}):
            for name in argv:
                try:
                    notebooks.execute(Path(name).resolve(), timeout_s=600)
                except CellExecutionError as failed:
                    print(f"✗ {name}: {failed}")
                    status = 1
                else:
                    print(f"✓ {name} replays without toolchains")
    return status


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
