"""Reproduce it yourself: the shell commands an experiment ran, as the kernels ran them.

While an experiment runs live (``gorust.experiments``), every build and every run of a Go or
Rust program through a kernel is journaled here as one shell line that a reader can paste in the
repository's root on a machine with Go and Rust: the same program, the same profile's arguments,
the same environment variables, the same core pinning. Tools an experiment drives itself (wrk,
cloc, PostgreSQL) add their own lines with ``note``. The journal is saved beside the
experiment's tables as ``<chapter>/<experiment>.commands.csv``, so the reference carries the
commands it was recorded with, and ``gorust.reproduce`` shows them under the experiment.
"""

from __future__ import annotations

import contextlib
import os
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from gorust import paths

SUFFIX = ".commands"  # <chapter>/<experiment>.commands.csv
# Where the pasted build commands put their programs (ignored by git, like the whole _build/).
PROGRAMS = Path("_build") / "programs"
KINDS = ("build", "run", "serve", "tool")


@dataclass(frozen=True)
class Command:
    language: str  # "go", "rust", or the tool's own name
    toolchain: str  # the compiler's version, or the tool's
    kind: str  # one of KINDS ("serve": a server, started in the background)
    program: str  # the experiment folder (or the tool)
    line: str  # one shell line, run from the repository's root


_journals: list[list[Command]] = []


@contextlib.contextmanager
def journal() -> Iterator[list[Command]]:
    """Collect every command noted inside the block, in order, each once."""
    commands: list[Command] = []
    _journals.append(commands)
    try:
        yield commands
    finally:
        _journals.remove(commands)


def note(command: Command) -> None:
    """Add ``command`` to every open journal (none is open outside an experiment)."""
    for commands in _journals:
        if command not in commands:
            commands.append(command)


def table(commands: Sequence[Command], provenance: Mapping[str, object]) -> pd.DataFrame:
    """The journal as a tidy table, with ``provenance``: the provenance columns of the tables
    the experiment saved, so that its commands and its data say the same run."""
    frame = pd.DataFrame([asdict(c) for c in commands], columns=list(Command.__annotations__))
    for column, value in provenance.items():
        frame[column] = value
    return frame


def table_name(experiment: str) -> str:
    return f"{experiment}{SUFFIX}"


def in_repository(root: Path) -> str | None:
    """``root`` relative to the repository, or None when a kernel builds a scratch copy."""
    try:
        return root.resolve().relative_to(paths.REPO).as_posix()
    except ValueError:
        return None


def program_path(language: str, experiment: str, features: Sequence[str], race: bool) -> str:
    """Where a pasted build puts the program: one file per set of build options."""
    name = Path(experiment).name + "".join(f"+{f}" for f in features) + ("-race" if race else "")
    return (PROGRAMS / language / name).as_posix()


def go_build_line(
    root: str, experiment: str, features: Sequence[str], race: bool, output: str
) -> str:
    argv = ["go", "-C", root, "build", "-trimpath"]
    if race:
        argv.append("-race")
    if features:
        argv += ["-tags", ",".join(features)]
    # -o is resolved from code/go (go -C); "$PWD" is the repository's root where it is pasted.
    return (
        f"mkdir -p {shlex.quote(str(Path(output).parent))} && {shlex.join(argv)} "
        f'-o "$PWD"/{shlex.quote(output)} ./{shlex.quote(experiment)}'
    )


def rust_build_line(root: str, experiment: str, features: Sequence[str], output: str) -> str:
    argv = ["cargo", "build", "--release", "--locked", "--manifest-path", f"{root}/Cargo.toml"]
    argv += ["-p", experiment]
    if features:
        argv += ["--features", ",".join(features)]
    # cargo puts the program under its target directory; copying it out keeps one file per
    # feature set, as the kernel's cache does.
    built = f'"${{CARGO_TARGET_DIR:-{root}/target}}"/release/{shlex.quote(experiment)}'
    return (
        f"{shlex.join(argv)} && mkdir -p {shlex.quote(str(Path(output).parent))} && "
        f"cp {built} {shlex.quote(output)}"
    )


def run_line(
    source: str,
    output: str,
    args: Sequence[object],
    env: Mapping[str, str],
    pinned: Sequence[str],
) -> str:
    """Run the built program from its own folder (as the kernel does), with ``env`` set."""
    program = os.path.relpath(output, source)
    assignments = [f"{k}={shlex.quote(str(v))}" for k, v in env.items()]
    argv = [*pinned, program, *map(str, args)]
    return f"(cd {shlex.quote(source)} && {' '.join([*assignments, shlex.join(argv)])})"


def with_environment(line: str, env: Mapping[str, str]) -> str:
    """``line`` with ``env`` exported for all of it (a build line is several commands)."""
    exports = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in sorted(env.items()))
    return f"(export {exports} && {line})"


def note_run(
    language: str,
    version: str,
    root: Path,
    experiment: str,
    features: Sequence[str],
    race: bool,
    args: Sequence[object],
    env: Mapping[str, str],
    cpus: str | None,
    kind: str = "run",
) -> None:
    """Journal one run (or, ``kind="serve"``, the start of a server) of a kernel's program."""
    folder = in_repository(root)
    if folder is None:  # a scratch copy: its commands would name a folder that is gone
        return
    output = program_path(language, experiment, features, race)
    pinned = ["taskset", "-c", cpus] if cpus is not None else []
    line = run_line(f"{folder}/{experiment}", output, args, env, pinned)
    if kind == "serve":  # pasted, a server keeps running: in the background, with its port
        line += " &  # serves until stopped; its first JSON line gives its port"
    note(Command(language, version, kind, experiment, line))
