"""Finding Go and Rust and checking that they are new enough."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass


class ToolchainMissing(RuntimeError):
    """A compiler the course needs is absent or too old; the message says how to get it."""


@dataclass(frozen=True)
class Requirement:
    tool: str
    minimum: tuple[int, int]
    version_args: tuple[str, ...]
    version_pattern: str
    install_hint: str

    @property
    def minimum_text(self) -> str:
        return ".".join(map(str, self.minimum))


GO = Requirement(
    tool="go",
    minimum=(1, 22),
    version_args=("version",),
    version_pattern=r"go(\d+)\.(\d+)(?:\.(\d+))?",
    install_hint="install it from https://go.dev/dl/ (or your package manager) and put "
    "its bin/ directory on PATH",
)
CARGO = Requirement(
    tool="cargo",
    minimum=(1, 88),
    version_args=("--version",),
    version_pattern=r"cargo (\d+)\.(\d+)(?:\.(\d+))?",
    install_hint="install Rust with rustup (https://rustup.rs), then run "
    "`rustup default stable` and make sure ~/.cargo/bin is on PATH",
)


@dataclass(frozen=True)
class Toolchain:
    executable: str
    version: str  # e.g. "go1.26.8" or "rustc 1.95.0"


def locate(requirement: Requirement, env: Mapping[str, str]) -> tuple[str, str]:
    """Return the executable's path and its version line, or raise ToolchainMissing."""
    needed = f"{requirement.tool} {requirement.minimum_text} or newer"
    executable = shutil.which(requirement.tool, path=env.get("PATH", ""))
    if executable is None:
        raise ToolchainMissing(
            f"`{requirement.tool}` was not found on PATH. The course needs {needed}: "
            f"{requirement.install_hint}."
        )
    try:
        out = subprocess.run(
            [executable, *requirement.version_args],
            capture_output=True,
            text=True,
            env=dict(env),
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as err:
        raise ToolchainMissing(
            f"`{executable} {' '.join(requirement.version_args)}` failed ({err}). "
            f"The course needs {needed}: {requirement.install_hint}."
        ) from err
    line = out.stdout.strip()
    match = re.search(requirement.version_pattern, line)
    if match is None:
        raise ToolchainMissing(
            f"Could not read a version from `{line}`; the course needs {needed}."
        )
    found = (int(match.group(1)), int(match.group(2)))
    if found < requirement.minimum:
        raise ToolchainMissing(
            f"{requirement.tool} {found[0]}.{found[1]} at {executable} is too old: the course "
            f"needs {needed}; {requirement.install_hint}."
        )
    return executable, line


def main(argv: list[str]) -> int:
    """Check both toolchains and say which versions the course will use.

    With ``--or-replay`` (``make book``) a missing toolchain is not an error: the book then
    builds in replay mode from the results committed under data/ (see gorust.replay).
    """
    import os
    import sys

    status = 0
    for requirement in (GO, CARGO):
        try:
            executable, version = locate(requirement, os.environ)
        except ToolchainMissing as missing:
            print(f"✗ {missing}", file=sys.stderr)
            status = 1
        else:
            print(f"✓ {version} ({executable}; need {requirement.minimum_text}+)")
    if status and "--or-replay" in argv:
        print(
            "→ The book will build in replay mode: every chapter shows the results recorded "
            "under data/, with a banner that says so. Install the toolchains above to measure "
            "this machine.",
            file=sys.stderr,
        )
        return 0
    return status


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
