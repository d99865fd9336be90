"""Finding Go and Rust and checking that they are new enough."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


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
    minimum=(1, 26),  # code/go/go.mod's go line (grpc-go and golang.org/x need it)
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


# Targets under which a rustc may keep its WASI standard library (the name changed in 1.78).
WASI_TARGETS = ("wasm32-wasip1", "wasm32-wasi")
# Debian's compiler, installed beside rustup's (`apt-get install rustc libstd-rust-dev-wasm32`):
# rustup cannot download targets here, Debian ships the WASI standard library as a package.
DEBIAN_RUSTC = Path("/usr/bin/rustc")


def _rustc_facts(rustc: str) -> tuple[str, str] | None:
    try:
        sysroot = subprocess.run(
            [rustc, "--print", "sysroot"], capture_output=True, text=True, timeout=60
        ).stdout.strip()
        version = subprocess.run(
            [rustc, "--version"], capture_output=True, text=True, timeout=60
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return sysroot, version


def wasi_rustc(candidates: Sequence[str] = ()) -> tuple[str, str, str] | None:
    """(rustc, its version, target) of the first compiler with a WASI standard library:
    ``candidates`` first, then rustup's rustc on PATH, then Debian's."""
    on_path = shutil.which("rustc")
    for rustc in dict.fromkeys([*candidates, *([on_path] if on_path else []), str(DEBIAN_RUSTC)]):
        if not Path(rustc).exists():
            continue
        facts = _rustc_facts(rustc)
        if facts is None or not facts[0]:
            continue
        sysroot, version = facts
        for target in WASI_TARGETS:
            if (Path(sysroot) / "lib" / "rustlib" / target / "lib").is_dir():
                return rustc, version, target
    return None
