"""Reproduce it yourself: the steps of Part 4 that no kernel journals (gorust.commands).

The kernels journal how each service is built and started. What Part 4 does around them —
counting lines with cloc, asking go and cargo for dependencies, stripping binaries, cold
builds in empty caches, rebuilds in a scratch copy, a throwaway PostgreSQL, wrk — is noted
here as shell lines of kind "tool", run from the repository's root, with this run's values
(ports, database names) so that the services' journaled run lines find what they expect.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

from gorust import builds, commands, paths, postgres
from gorust.kernels import Kernel
from gorust.part4.common import CLIENT_CPUS, CONTRACT, EXPERIMENT, SEED_ROWS

# Where the pasted PostgreSQL lines keep their cluster (the course's own is a temporary folder
# that it deletes when the experiment ends).
PG_FOLDER = "/tmp/gorust-part4-pg"
SCRATCH = "/tmp/gorust-part4"


def relative(path: Path | str) -> str:
    """``path`` as the pasted line names it: from the repository's root where it lies there."""
    try:
        return Path(path).resolve().relative_to(paths.REPO).as_posix()
    except ValueError:
        return str(path)


def note(tool: str, version: str, line: str, experiment: str = EXPERIMENT) -> None:
    commands.note(commands.Command(tool, version, "tool", experiment, line))


def note_argv(tool: str, version: str, argv: Sequence[object], cwd: Path | None = None) -> None:
    line = shlex.join(relative(a) if isinstance(a, Path) else str(a) for a in argv)
    note(tool, version, f"(cd {shlex.quote(relative(cwd))} && {line})" if cwd else line)


# -- PostgreSQL -------------------------------------------------------------------------------
def _psql(pg: postgres.Cluster, database: str) -> list[str]:
    return [pg.installation.program("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h",
            "127.0.0.1", "-p", str(pg.port), "-U", postgres.SUPERUSER, "-d", database]  # fmt: skip


def note_postgres(
    pg: postgres.Cluster, cpus: str | None = None, experiment: str = EXPERIMENT
) -> None:
    """A cluster like the experiment's: same settings and port, kept in PG_FOLDER; noted for
    ``experiment`` (Part 2's article snippet queries one too)."""
    version, program = f"PostgreSQL {pg.installation.version}", pg.installation.program
    settings = {**postgres.SETTINGS, "port": str(pg.port), "unix_socket_directories": PG_FOLDER}
    server = [*(["taskset", "-c", cpus] if cpus else []), program("postgres"), "-D"]
    server += [f"{PG_FOLDER}/data", *(a for k, v in settings.items() for a in ("-c", f"{k}={v}"))]
    initdb = [program("initdb"), "-D", f"{PG_FOLDER}/data", "-U", postgres.SUPERUSER]
    initdb += ["--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]
    ready = [program("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(pg.port)]
    note("postgres", version, f"mkdir -p {PG_FOLDER} && {shlex.join(initdb)}", experiment)
    note(
        "postgres", version, f"({shlex.join(server)} > {PG_FOLDER}/postgres.log 2>&1 &)", experiment
    )
    note("postgres", version, f"until {shlex.join(ready)}; do sleep 0.1; done", experiment)


def note_sql(pg: postgres.Cluster, statement: str, database: str = "postgres") -> None:
    version = f"PostgreSQL {pg.installation.version}"
    note("psql", version, shlex.join([*_psql(pg, database), "-c", statement]))


def note_sql_file(pg: postgres.Cluster, file: Path, database: str) -> None:
    version = f"PostgreSQL {pg.installation.version}"
    note("psql", version, shlex.join([*_psql(pg, database), "-f", relative(file)]))


# The service listens on a port of its choosing and prints it: a pasted run prints another.
PORT_NOTE = "  # the port the service printed"


def note_warm_up(port: int, requests: int) -> None:
    """The reads that open the pool before a measured run (the course sends them in parallel)."""
    user = f"$(( (i - 1) % {SEED_ROWS} + 1 ))"
    get = f"curl -s -o /dev/null http://127.0.0.1:{port}/users/{user}"
    note("curl", "curl", f"for i in $(seq 1 {requests}); do {get}; done{PORT_NOTE}")


def note_wrk(arguments: Sequence[str]) -> None:
    """wrk from the contract's folder (its Lua script beside it), on the client's core."""
    argv = ["taskset", "-c", CLIENT_CPUS, "wrk", *arguments]
    note("wrk", "wrk", f"(cd {relative(CONTRACT)} && {shlex.join(argv)}){PORT_NOTE}")


def note_strip(language: str) -> None:
    """The binary's size as built and stripped, and the shared libraries it names."""
    built, stripped = f"_build/programs/{language}/{EXPERIMENT}", f"{SCRATCH}-{language}-stripped"
    note("binutils", "strip, readelf", f"strip -o {stripped} {built} && stat -c '%s %n' {built} "
         f"{stripped} && (readelf -d {built} | grep NEEDED || true)")  # fmt: skip


# -- Builds -----------------------------------------------------------------------------------
def go_cold_line(go_exe: str) -> str:
    """A cold Go build: an empty GOCACHE, the standard library compiled first, untimed."""
    std = "{{if .Standard}}{{.ImportPath}}{{end}}"
    return (
        "export GOCACHE=$(mktemp -d) GOTOOLCHAIN=local GOFLAGS= GOPROXY=off && "
        f"{go_exe} -C code/go build -trimpath $({go_exe} -C code/go list -deps -f '{std}' "
        f'./{EXPERIMENT}) && time {go_exe} -C code/go build -v -trimpath -o "$GOCACHE"/'
        f"{EXPERIMENT} ./{EXPERIMENT}"
    )


def rust_cold_line(cargo: str) -> str:
    """A cold Rust build: an empty target directory, crate sources already downloaded."""
    return (
        f"export CARGO_TARGET_DIR=$(mktemp -d) && time {cargo} build --release --locked "
        f"--offline -p {EXPERIMENT} --manifest-path code/rust/Cargo.toml"
    )


def _sed(edit: builds.OneLineEdit, file: str) -> str:
    """sed that makes ``edit`` with a fresh token (its text holds no single quote or '|')."""
    before, after = edit.after.split(builds.TOKEN)
    old = edit.before.replace(".", r"\.").replace("[", r"\[")
    return f"sed -i 's|{old}|{before}'\"$(date +%s%N)\"'{after}|' {file}"


def go_rebuild_line(go_exe: str, edit: builds.OneLineEdit) -> str:
    """A copy of the Go module, built once untimed, then the one-line change, timed."""
    build = f"{go_exe} -C {SCRATCH}/go build -trimpath -o {SCRATCH}/{EXPERIMENT} ./{EXPERIMENT}"
    return (
        f"rm -rf {SCRATCH}/go && mkdir -p {SCRATCH} && cp -r code/go {SCRATCH}/go && {build} "
        f"&& {_sed(edit, f'{SCRATCH}/go/{edit.file}')} && time {build}"
    )


def rust_rebuild_line(cargo: str, edit: builds.OneLineEdit) -> str:
    """A copy of the workspace (not its target/), built once untimed, then the change, timed."""
    build = f"{cargo} build --release --offline --manifest-path {SCRATCH}/rust/Cargo.toml "
    build += f"-p {EXPERIMENT}"
    return (
        f"rm -rf {SCRATCH}/rust && mkdir -p {SCRATCH}/rust && tar -C code/rust --exclude=./target "
        f"-cf - . | tar -C {SCRATCH}/rust -xf - && {build} && "
        f"{_sed(edit, f'{SCRATCH}/rust/{edit.file}')} && time {build}"
    )


def note_cold_builds(toolchains: Mapping[str, str]) -> None:
    """``toolchains``: the compilers' versions by language, as the cold builds' table says."""
    note("go", toolchains.get("go", "go"), go_cold_line("go"))
    note("cargo", toolchains.get("rust", "cargo"), rust_cold_line("cargo"))


def note_rebuilds(
    go: Kernel, rust: Kernel, go_edit: builds.OneLineEdit, rust_edit: builds.OneLineEdit
) -> None:
    note(
        "go", go.toolchain().version, go_rebuild_line(Path(go.toolchain().executable).name, go_edit)
    )
    cargo = Path(rust.toolchain().executable).name
    note("cargo", rust.toolchain().version, rust_rebuild_line(cargo, rust_edit))
