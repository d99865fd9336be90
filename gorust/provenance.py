"""Where and with what a measurement was made: recorded with every result."""

from __future__ import annotations

import datetime as dt
import functools
import os
import platform
import subprocess

import pandas as pd
from IPython.display import Markdown

from gorust.paths import REPO
from gorust.profile import current_profile


@functools.cache
def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@functools.cache
def operating_system() -> str:
    try:
        info = platform.freedesktop_os_release()
        distro = info.get("PRETTY_NAME", "")
    except OSError:
        distro = ""
    return f"{platform.system()} {platform.release()}" + (f" ({distro})" if distro else "")


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout


def tree_is_clean() -> bool | None:
    """Whether the working tree matches its commit (None outside a git checkout). Files git
    ignores, such as live results under _build/, do not count."""
    status = _git("status", "--porcelain")
    return None if status is None else status.strip() == ""


@functools.cache
def git_commit() -> str:
    """The short commit the results were measured at, with ``-dirty`` when the working tree
    had changes: a result from uncommitted code must say so."""
    commit = _git("rev-parse", "--short", "HEAD")
    if not commit:
        return "unknown"
    return commit.strip() + ("" if tree_is_clean() else "-dirty")


def host() -> dict[str, str | int]:
    """The host columns that every tidy result carries."""
    return {
        "profile": current_profile().name,
        "cpu": cpu_model(),
        "cores": os.cpu_count() or 0,
        "os": operating_system(),
        "commit": git_commit(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def footer(toolchains: dict[str, str]) -> Markdown:
    """The provenance footer every chapter ends with."""
    facts = host()
    rows = [
        *(f"| {name} | `{version}` |" for name, version in toolchains.items()),
        f"| CPU | {facts['cpu']} ({facts['cores']} cores) |",
        f"| OS | {facts['os']} |",
        f"| Profile | `{facts['profile']}` (set `GVR_PROFILE=quick` or `full`) |",
        f"| Executed | {facts['measured_at']} (commit `{facts['commit']}`) |",
    ]
    return Markdown("| | |\n|---|---|\n" + "\n".join(rows))


def _distinct(values: pd.Series) -> str:
    return ", ".join(sorted({str(v) for v in values.dropna()})) or "unknown"


def recorded_footer(recordings: pd.DataFrame) -> Markdown:
    """The footer of a replayed chapter: where and with what its recorded figures were made."""
    toolchains = recordings.toolchain.dropna().astype(str)
    toolchains = toolchains[~toolchains.str.contains(";")].str.split(" [(]").str[0]
    rows = [
        f"| Toolchains (recorded) | {_distinct(toolchains)} |",
        f"| CPU | {_distinct(recordings.cpu)} ({_distinct(recordings.cores)} cores) |",
        f"| OS | {_distinct(recordings.os)} |",
        f"| Profile | `{_distinct(recordings.profile)}` |",
        f"| Measured | {_distinct(recordings.measured_at.astype(str).str.slice(0, 10))} "
        f"(commit `{_distinct(recordings['commit'])}`) |",
        f"| Rendered | {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} in replay "
        "mode, from data/ |",
    ]
    return Markdown("| | |\n|---|---|\n" + "\n".join(rows))
