"""Run a child process in its own process group and account for it like a shell's ``time -v``.

Every child is started through ``launcher.c`` (a few lines of C, compiled on first use): it
reaps the program with ``wait4`` and reports the program's own resource usage (peak RSS, CPU
time) on a pipe. Started straight from Python, a program would inherit the kernel's peak RSS
(Linux keeps ru_maxrss across fork and exec). The parent kills the whole process group at the
end, so that nothing the child started survives.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# After SIGTERM a group gets this long to exit before SIGKILL.
TERMINATE_GRACE_S = 2.0
LAUNCHER_SOURCE = Path(__file__).with_name("launcher.c")


@dataclass(frozen=True)
class Finished:
    """What the parent saw of a child that ran to the end or was stopped."""

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


def _terminate_group(pgid: int) -> None:
    """SIGTERM, a grace period, then SIGKILL for whatever is left of the group."""
    _kill_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + TERMINATE_GRACE_S
    while time.monotonic() < deadline and _group_alive(pgid):
        time.sleep(0.02)
    _kill_group(pgid, signal.SIGKILL)


@functools.cache
def launcher() -> Path:
    """The compiled launcher, built once per source version into the course's cache."""
    from gorust.paths import cache_dir
    from gorust.toolchains import ToolchainMissing

    source = LAUNCHER_SOURCE.read_bytes()
    binary = cache_dir() / "launcher" / hashlib.sha256(source).hexdigest()[:16] / "launcher"
    if binary.exists():
        return binary
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise ToolchainMissing(
            "A C compiler (`cc`) was not found on PATH. The course compiles a 50-line process "
            "launcher with it, and `go build -race` needs it too: `apt-get install gcc`."
        )
    binary.parent.mkdir(parents=True, exist_ok=True)
    staged = binary.with_suffix(".tmp")
    subprocess.run(
        [compiler, "-O2", "-o", str(staged), str(LAUNCHER_SOURCE)], check=True, capture_output=True
    )
    os.replace(staged, binary)
    return binary


class Child:
    """A started child process, leader of its own process group."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.argv = tuple(argv)
        self._report, report_writer = os.pipe()
        self._started = time.perf_counter()
        try:
            self._proc = subprocess.Popen(
                [str(launcher()), str(report_writer), *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                start_new_session=True,
                pass_fds=(report_writer,),
            )
        finally:
            os.close(report_writer)
        self.pid = self._proc.pid  # also the process group id
        self._stdout: list[bytes] = []
        self._stderr: list[bytes] = []
        self._first_line = threading.Event()
        self._readers = [
            threading.Thread(
                target=self._drain, args=(self._proc.stdout, self._stdout), daemon=True
            ),
            threading.Thread(
                target=self._drain, args=(self._proc.stderr, self._stderr), daemon=True
            ),
        ]
        for reader in self._readers:
            reader.start()

    def _drain(self, pipe: IO[bytes], sink: list[bytes]) -> None:
        for line in pipe:
            sink.append(line)
            if sink is self._stdout:
                self._first_line.set()
        pipe.close()
        if sink is self._stdout:
            self._first_line.set()  # end of output also ends the wait for a first line

    def first_stdout_line(self, timeout_s: float) -> str | None:
        """The first line the child printed on stdout, or None if none came in time."""
        self._first_line.wait(timeout_s)
        return self._stdout[0].decode("utf-8", errors="replace") if self._stdout else None

    def program_pid(self, timeout_s: float = 5.0) -> int:
        """The program's own pid: the launcher's one child (the launcher is ``self.pid``)."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with open(f"/proc/{self.pid}/task/{self.pid}/children", encoding="utf-8") as f:
                    children = f.read().split()
            except FileNotFoundError:
                children = []
            if children:
                return int(children[0])
            if time.monotonic() > deadline:
                raise ProcessLookupError(f"the launcher {self.pid} has no running program")
            time.sleep(0.01)

    def stderr_so_far(self) -> str:
        return b"".join(self._stderr).decode("utf-8", errors="replace")

    def finish(self, timeout_s: float, *, terminate: bool = False) -> Finished:
        """Wait for the child (stopping it first if ``terminate``), then clear its group."""
        timed_out = threading.Event()

        def on_timeout() -> None:
            timed_out.set()
            _terminate_group(self.pid)

        if terminate:
            threading.Thread(target=_terminate_group, args=(self.pid,), daemon=True).start()
        timer = threading.Timer(timeout_s, on_timeout)
        timer.daemon = True
        timer.start()
        try:
            # The launcher's own usage would include this Python process's; see _read_report.
            _, status, _ = os.wait4(self.pid, 0)
        except BaseException:
            # Interrupted (e.g. a notebook's stop button): take the whole group down with us.
            _kill_group(self.pid, signal.SIGKILL)
            self._proc.wait()
            raise
        finally:
            timer.cancel()
        wall_s = time.perf_counter() - self._started
        self._proc.returncode = os.waitstatus_to_exitcode(status)
        report = self._read_report()
        # Grandchildren that outlive the child would hold our pipes open and leak; after a
        # timeout the timer may still be escalating. Either way the group goes now.
        _kill_group(self.pid, signal.SIGKILL)
        for reader in self._readers:
            reader.join()
        # Without a report the launcher itself was killed (SIGKILL after a timeout) and the
        # program's usage is unknown.
        return Finished(
            argv=self.argv,
            exit_code=int(report.get("exit_code", self._proc.returncode)),
            stdout=b"".join(self._stdout).decode("utf-8", errors="replace"),
            stderr=self.stderr_so_far(),
            wall_s=wall_s,
            peak_rss_bytes=int(report.get("maxrss_kb", 0)) * 1024,  # Linux reports kilobytes
            user_s=float(report.get("user_s", 0.0)),
            system_s=float(report.get("system_s", 0.0)),
            timed_out=timed_out.is_set(),
        )

    def _read_report(self) -> dict:
        chunks = []
        while chunk := os.read(self._report, 4096):
            chunks.append(chunk)
        os.close(self._report)
        text = b"".join(chunks).decode("utf-8", errors="replace").strip()
        return json.loads(text) if text else {}


@contextlib.contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a block (the children started in it, a
    notebook's kernel among them, inherit them), then restore what was there."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_child(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout_s: float,
) -> Finished:
    """Run ``argv`` to completion or until ``timeout_s``, then leave nothing of it running."""
    return Child(argv, env=env, cwd=cwd).finish(timeout_s)


def current_rss_bytes(pid: int) -> int:
    """Resident memory of a running process now (VmRSS), in bytes."""
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise ProcessLookupError(f"process {pid} reports no VmRSS")
