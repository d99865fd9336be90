"""The folded "Reproduce it yourself" panel under every experiment.

It gives the shell commands that built and ran the experiment's programs, as this page's run
journaled them (gorust.commands: live, this machine's; in replay mode, the reference's), and a
download link for each table the page used, copied next to the built HTML.
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML

from gorust import data, paths, replay, tables
from gorust.experiments import Experiment

# Copied into the book with the rest of _static/ (ignored by git); chapter pages link to it.
PUBLISHED = paths.REPO / "_static" / "tables"
LINK_PREFIX = "../_static/tables"
LANGUAGES = {"go": "Go", "rust": "Rust"}
KIND_WORDS = {
    "build": "build",
    "run": "run",
    "serve": "serve, in the background",
    "tool": "prepare or measure",
}


def experiment_of(run: Callable[..., Any] | Experiment) -> Experiment:
    declared = getattr(run, "experiment", run)
    if not isinstance(declared, Experiment):
        raise TypeError(f"{run!r} is not an experiment declared with @experiment")
    return declared


def publish(chapter: str, table: str) -> str:
    """Copy the table this page shows into the book's static files; its link from a chapter."""
    source = tables.location(data.shown_root(), chapter, table)
    target = tables.location(PUBLISHED, chapter, table)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return f"{LINK_PREFIX}/{chapter}/{target.name}"


def command_block(commands: pd.DataFrame) -> str:
    """The commands in the order the run made them (inputs are written before the programs
    that read them), each stretch headed by what it does and in which language."""
    lines, heading = [], None
    for row in commands.drop_duplicates("line").itertuples():
        language = LANGUAGES.get(str(row.language), str(row.language))
        current = f"# {KIND_WORDS.get(str(row.kind), str(row.kind))} ({language})"
        if current != heading:
            lines += [""] if heading else []
            lines.append(current)
            heading = current
        lines.append(str(row.line))
    return f"<pre><code>{html.escape(chr(10).join(lines))}</code></pre>"


def intro(commands: pd.DataFrame) -> str:
    profile = ", ".join(sorted(commands.profile.dropna().astype(str).unique())) or "unknown"
    whose = "the reference run's" if replay.active() else "this run's"
    return (
        "<p>From the repository's root, on a machine with Go and Rust, these commands build "
        f"and run this experiment alone, with {whose} arguments ({html.escape(profile)} "
        "profile). Each program prints the JSON lines the chapter charts.</p>"
    )


def body(declared: Experiment) -> str:
    commands = declared.commands()
    if commands is None:
        text = (
            f"<p>The reference of {declared.chapter} was recorded before the course journaled "
            "its commands: run the chapter live to see them here.</p>"
        )
    elif commands.empty:
        text = "<p>This experiment runs no program of its own.</p>"
    else:
        text = intro(commands) + command_block(commands)
    links = ", ".join(
        f'<a class="gvr-table-link" href="{publish(declared.chapter, table)}" download>'
        f"{html.escape(table)}.csv</a>"
        for table in declared.tables
    )
    return f"{text}\n<p>The tables this page used: {links}.</p>"


def panel(run: Callable[..., Any] | Experiment) -> HTML:
    """The folded panel for one experiment (pass the experiment function itself)."""
    declared = experiment_of(run)
    return HTML(
        '<details class="gvr-reproduce">'
        f"<summary>Reproduce it yourself: <code>{html.escape(declared.name)}</code></summary>\n"
        f"{body(declared)}\n</details>"
    )


def published_files(root: Path = PUBLISHED) -> list[Path]:
    return sorted(root.rglob("*.csv"))
