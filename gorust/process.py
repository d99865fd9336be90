"""Run a child process in its own process group and account for it like a shell's ``time -v``.

The parent reaps the child with ``wait4`` so that it gets the child's own resource usage
(peak RSS), and kills the whole group on a timeout so that nothing the child started survives.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# After SIGTERM a group gets this long to exit before SIGKILL.
TERMINATE_GRACE_S = 2.0


@dataclass(frozen=True)
class Finished:
    """What the parent saw of a child that ran to the end or was killed."""

    argv: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    wall_s: float
    peak_rss_bytes: int
    user_s: float
    system_s: float
    timed_out: bool


def _kill_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_child(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout_s: float,
) -> Finished:
    """Run ``argv`` to completion or until ``timeout_s``, then leave nothing of it running."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        start_new_session=True,
    )
    pgid = proc.pid  # start_new_session makes the child the leader of a new group
    streams: dict[str, bytes] = {}

    def drain(name: str, pipe: IO[bytes]) -> None:
        streams[name] = pipe.read()
        pipe.close()

    readers = [
        threading.Thread(target=drain, args=("stdout", proc.stdout), daemon=True),
        threading.Thread(target=drain, args=("stderr", proc.stderr), daemon=True),
    ]
    for reader in readers:
        reader.start()

    timed_out = threading.Event()

    def on_timeout() -> None:
        timed_out.set()
        _kill_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + TERMINATE_GRACE_S
        while time.monotonic() < deadline and _group_alive(pgid):
            time.sleep(0.05)
        _kill_group(pgid, signal.SIGKILL)

    timer = threading.Timer(timeout_s, on_timeout)
    timer.daemon = True
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        # Interrupted (e.g. a notebook's stop button): take the whole group down with us.
        _kill_group(pgid, signal.SIGKILL)
        proc.wait()
        raise
    finally:
        timer.cancel()
    wall_s = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    # Grandchildren that outlive the child would hold our pipes open and leak; after a
    # timeout the timer may still be escalating. Either way the group goes now.
    _kill_group(pgid, signal.SIGKILL)
    for reader in readers:
        reader.join()
    return Finished(
        argv=tuple(argv),
        exit_code=proc.returncode,
        stdout=streams.get("stdout", b"").decode("utf-8", errors="replace"),
        stderr=streams.get("stderr", b"").decode("utf-8", errors="replace"),
        wall_s=wall_s,
        peak_rss_bytes=usage.ru_maxrss * 1024,  # Linux reports kilobytes
        user_s=usage.ru_utime,
        system_s=usage.ru_stime,
        timed_out=timed_out.is_set(),
    )
