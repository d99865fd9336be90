"""The preflight both README commands run first: every outside tool the course uses, checked
in a few seconds, before any chapter runs or any program is built.

This is the one list of the course's outside tools: the README's tool table is printed from it
(``python -m gorust.preflight --markdown``), and ``make book`` / ``make test`` install the
missing Debian packages from it when they run as root with ``apt-get``. Where they cannot
install, they stop at once and say what is missing and the exact command that installs it.

``make book`` without Go or Rust still builds the book, in replay mode (gorust.replay); every
other missing tool of a live build, and anything ``make test`` needs, stops the command.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from gorust import postgres, replay
from gorust.toolchains import CARGO, GO, ToolchainMissing, locate, wasi_rustc

BOOK, TEST = "book", "test"
# GVR_INSTALL=never: report what is missing instead of installing it, even as root.
INSTALL_VARIABLE = "GVR_INSTALL"


@dataclass(frozen=True)
class Found:
    where: str
    version: str


@dataclass(frozen=True)
class Tool:
    """One outside tool: how to find it, who needs it and how to install it."""

    name: str
    chapters: str  # who needs it, as the table says it
    find: Callable[[], Found | None]
    install: str  # the exact command a reader runs
    debian: tuple[str, ...] = ()  # Debian packages that provide it, if Debian has it
    recommends: bool = True  # False: apt-get install --no-install-recommends
    toolchain: bool = False  # Go or Rust: missing means replay mode for `make book`
    test_only: bool = False  # needed by `make test`, not by the book

    def needed_by(self, command: str) -> bool:
        return command == TEST or not self.test_only


def _version_line(argv: Sequence[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0].strip() if lines else "?"


def _on_path(name: str, version_args: Sequence[str] = ("--version",)) -> Callable[[], Found | None]:
    def find() -> Found | None:
        where = shutil.which(name)
        return Found(where, _version_line([where, *version_args])) if where else None

    return find


def _toolchain(requirement) -> Callable[[], Found | None]:
    def find() -> Found | None:
        try:
            where, version = locate(requirement, os.environ)
        except ToolchainMissing:
            return None
        return Found(where, version)

    return find


def _postgresql() -> Found | None:
    try:
        found = postgres.find_installation()
    except (postgres.PostgresMissing, ValueError):
        return None
    if found.source == "pgserver":  # its wheel is built without ICU: Part 4's e-mail collation
        return None
    return Found(str(found.bindir), f"PostgreSQL {found.version} ({found.source})")


def _wasi_rust() -> Found | None:
    found = wasi_rustc()
    linker = next(filter(None, map(shutil.which, ("wasm-ld-14", "wasm-ld", "lld-14"))), None)
    if found is None or linker is None:
        return None
    rustc, version, target = found
    return Found(f"{rustc} (+ {linker})", f"{version}, {target}")


def _chromium() -> Found | None:
    return _on_path("chromium")() or _on_path("chromium-browser")()


TOOLS: tuple[Tool, ...] = (
    Tool(
        "go",
        "Parts 1–7",
        _toolchain(GO),
        f"Go {GO.minimum_text}+: {GO.install_hint}",
        toolchain=True,
    ),
    Tool(
        "cargo",
        "Parts 1–7",
        _toolchain(CARGO),
        f"Rust {CARGO.minimum_text}+: {CARGO.install_hint}",
        toolchain=True,
    ),
    Tool(
        "cc",
        "Parts 1–7 (peak-RSS launcher, -race)",
        _on_path("cc"),
        "apt-get install gcc",
        debian=("gcc",),
    ),
    Tool(
        "strip",
        "Parts 4, 7 (stripped sizes)",
        _on_path("strip"),
        "apt-get install binutils",
        debian=("binutils",),
    ),
    Tool("cloc", "Part 4 (lines of code)", _on_path("cloc"), "apt-get install cloc", ("cloc",)),
    Tool(
        "wrk", "Part 4 (load generator)", _on_path("wrk", ("-v",)), "apt-get install wrk", ("wrk",)
    ),
    Tool(
        "PostgreSQL",
        "Parts 2 and 4 (database; Part 4 uses ICU for its e-mail collation)",
        _postgresql,
        "apt-get install postgresql",
        debian=("postgresql",),
    ),
    Tool(
        "rustc for wasm32-wasi + lld",
        "Part 7 (Rust → WebAssembly)",
        _wasi_rust,
        "apt-get install --no-install-recommends rustc libstd-rust-dev-wasm32 lld-14",
        debian=("rustc", "libstd-rust-dev-wasm32", "lld-14"),
        recommends=False,
    ),
    Tool(
        "protoc",
        "Part 7 (gRPC: tonic's build generates its code; Go's generated code is checked)",
        _on_path("protoc", ("--version",)),
        "apt-get install protobuf-compiler",
        debian=("protobuf-compiler",),
    ),
    Tool(
        "chromium",
        "Part 7 (WebAssembly in the browser), make test (browser test)",
        _chromium,
        "apt-get install chromium",
        debian=("chromium",),
    ),
)


def check(tools: Iterable[Tool]) -> dict[str, Found | None]:
    return {tool.name: tool.find() for tool in tools}


def table(tools: Sequence[Tool], found: dict[str, Found | None]) -> str:
    """A plain-text table: each tool, found or missing, its version, who needs it, the fix."""
    rows = [("tool", "status", "version", "needed by", "install")]
    for tool in tools:
        hit = found.get(tool.name)
        rows.append(
            (
                tool.name,
                "found" if hit else "MISSING",
                hit.version if hit else "-",
                tool.chapters,
                "" if hit else tool.install,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        (
            "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
            + (f"  → {row[4]}" if row[4] and row is not rows[0] else "")
        ).rstrip()
        for row in rows
    )


def markdown() -> str:
    """The README's tool table, made from TOOLS so that the two never disagree."""
    rows = ["| tool | needed by | install |", "|---|---|---|"]
    rows += [
        f"| {t.name} | {t.chapters} | "
        + (f"`{t.install}` |" if t.install.startswith(("apt-get", "pip")) else f"{t.install} |")
        for t in TOOLS
    ]
    return "\n".join(rows)


def can_install() -> bool:
    return (
        os.environ.get(INSTALL_VARIABLE, "").lower() != "never"
        and hasattr(os, "geteuid")
        and os.geteuid() == 0
        and shutil.which("apt-get") is not None
    )


def install(tools: Sequence[Tool]) -> None:
    """apt-get install the Debian packages of ``tools`` (as root)."""
    # Unattended, and without debconf's warning that apt-utils is not installed.
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "DEBCONF_NOWARNINGS": "yes"}
    print(f"Installing Debian packages for: {', '.join(t.name for t in tools)}", flush=True)
    commands = [["apt-get", "update", "-qq"]]
    for recommends in (True, False):
        packages = [p for t in tools if t.recommends == recommends for p in t.debian]
        if packages:
            extra = [] if recommends else ["--no-install-recommends"]
            commands.append(["apt-get", "install", "-y", "-qq", *extra, *packages])
    for argv in commands:
        # A failure is reported by apt-get itself; the table that follows says what is missing.
        finished = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=False)
        if finished.returncode != 0:
            print(f"✗ `{' '.join(argv)}` failed (exit {finished.returncode}).", flush=True)
            return


def _missing(tools: Sequence[Tool], found: dict[str, Found | None]) -> list[Tool]:
    return [tool for tool in tools if found[tool.name] is None]


def run(command: str, *, out: TextIO | None = None) -> int:
    """Check (and where possible install) what ``command`` (book or test) needs; 0 when ready."""
    out = out or sys.stdout
    forced = os.environ.get(replay.MODE_VARIABLE, "").strip().lower()
    if command == BOOK and forced == "replay":
        print("GVR_MODE=replay: the book renders from data/; no outside tool is needed.", file=out)
        return 0
    tools = [tool for tool in TOOLS if tool.needed_by(command)]
    found = check(tools)
    if command == BOOK and forced != "live" and any(t.toolchain for t in _missing(tools, found)):
        print(table(tools, found), file=out)
        print(
            "→ Go or Rust is missing, so the book will build in replay mode: every chapter "
            "shows the results recorded under data/, with a banner that says so. Install the "
            "toolchains above to measure this machine.",
            file=out,
        )
        return 0
    # The system's PostgreSQL is preferred to the pgserver fallback where it can be installed.
    installable = [
        t
        for t in tools
        if t.debian
        and (
            found[t.name] is None
            or (t.name == "PostgreSQL" and not postgres.has_system_installation())
        )
    ]
    if installable and can_install():
        install(installable)
        found = check(tools)
    print(table(tools, found), file=out)
    missing = _missing(tools, found)
    if not missing:
        return 0
    how = (
        "They could not be installed automatically (see apt-get's message above); install "
        "them with the commands in the table"
        if can_install()
        else "Install them with the commands in the table (as root, `make` installs the "
        "Debian ones itself)"
    )
    print(
        f"✗ Missing for `make {command}`: {', '.join(t.name for t in missing)}. {how}, then "
        "run the command again. Nothing was built.",
        file=out,
    )
    return 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m gorust.preflight", description=__doc__)
    parser.add_argument("command", nargs="?", choices=(BOOK, TEST), default=TEST)
    parser.add_argument("--markdown", action="store_true", help="print the README's tool table")
    options = parser.parse_args(argv)
    if options.markdown:
        print(markdown())
        return 0
    return run(options.command)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
