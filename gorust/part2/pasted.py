"""Experiment 3 reproduced by hand: the echo server listens on a port the system picks, and the
client must be given it, so the two journaled run lines cannot simply be pasted one after the
other (the server's would never return). This adds, per run, the one shell line that starts the
server in the background, reads its port, runs the client against it and stops the server."""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence

from gorust import commands
from gorust.kernels import Kernel


def _program(kernel: Kernel, experiment: str) -> tuple[str, str] | None:
    """The program's source folder and where the pasted build put it; None for a scratch copy."""
    root = commands.in_repository(kernel.root)
    if root is None:
        return None
    return f"{root}/{experiment}", commands.program_path(kernel.language, experiment, (), False)


def echo_run_line(
    server: Kernel,
    client: Kernel,
    client_args: Sequence[object],
    server_cpus: str,
    client_cpus: str,
) -> str | None:
    """The shell line for one run: the server on ``server_cpus`` in the background, the client
    on ``client_cpus`` against the port the server printed first, then the server stopped."""
    served, run_by = _program(server, "echo_server"), _program(client, "tools/echo_client")
    if served is None or run_by is None:
        return None
    source, program = served
    start = (
        f"(cd {shlex.quote(source)} && exec taskset -c {server_cpus} "
        f"{shlex.quote(os.path.relpath(program, source))})"
    )
    client_line = commands.run_line(
        run_by[0], run_by[1], ["--port", "PORT", *client_args], {}, ["taskset", "-c", client_cpus]
    ).replace(" --port PORT ", ' --port "$port" ')
    return (
        'ulimit -n "$(ulimit -Hn)"; ready=$(mktemp) && '
        f'{{ {start} > "$ready" & }} && server=$! && '
        'until grep -q port "$ready"; do sleep 0.1; done && '
        'port=$(grep -o "[0-9][0-9]*" "$ready" | head -n 1) && '
        f'{client_line}; kill "$server"; wait "$server"; rm -f "$ready"'
    )


def note_echo_run(
    server: Kernel, client: Kernel, client_args: Sequence[object], *, cpus: tuple[str, str]
) -> None:
    """Journal the line (gorust.commands) for a run whose server and client are pinned to
    ``cpus`` (server's, client's)."""
    line = echo_run_line(server, client, client_args, *cpus)
    if line is not None:
        version = server.toolchain().version
        commands.note(
            commands.Command(
                "echo server and client together", version, "tool", "echo_server", line
            )
        )
