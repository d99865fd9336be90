"""Where and with what a measurement was made: recorded with every result."""

from __future__ import annotations

import datetime as dt
import functools
import os
import platform
import subprocess

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


@functools.cache
def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


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
