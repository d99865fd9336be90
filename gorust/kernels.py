"""Subprocess kernels: build a Go or Rust experiment in release mode, run it, collect its data.

An experiment is a folder ``code/go/<name>`` (a ``main`` package of the course's Go module) and a
crate ``code/rust/<name>`` (a member of the course's Cargo workspace) with the same name. A
program prints one JSON object per measurement on stdout and human text on stderr; the kernel
adds what only the parent can see (wall time, exit status, peak RSS from ``wait4``, binary size).

Builds are cached by content: the key hashes the sources the program is built from, the
toolchain version and the build options, so an unchanged program is never rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd

from gorust import commands, paths, progress, provenance
from gorust.kernel_errors import (
    CompileError,
    KernelError,
    ProgramFailed,
    ProtocolError,
    RunTimeout,
    UnexpectedCompileSuccess,
    stderr_section,
)
from gorust.process import Child, Finished, current_rss_bytes, run_child
from gorust.toolchains import CARGO, GO, Requirement, Toolchain, ToolchainMissing, locate

# Bump when the cache layout or the build commands change, to invalidate old binaries.
CACHE_FORMAT = "1"
BUILD_TIMEOUT_S = 1800.0

__all__ = [
    "Build",
    "CompileDiagnostics",
    "CompileError",
    "GoKernel",
    "Kernel",
    "KernelError",
    "ProgramFailed",
    "ProtocolError",
    "RunResult",
    "RunTimeout",
    "RustKernel",
    "Server",
    "ToolchainMissing",
    "UnexpectedCompileSuccess",
]


@dataclass(frozen=True)
class Build:
    language: str
    experiment: str
    features: tuple[str, ...]
    binary: Path
    content_hash: str
    toolchain: str
    cached: bool
    build_s: float  # seconds this call spent building (0 when cached)

    @property
    def binary_bytes(self) -> int:
        return self.binary.stat().st_size


@dataclass(frozen=True)
class CompileDiagnostics:
    """The compiler's refusal, as an expected result rather than an exception."""

    language: str
    experiment: str
    features: tuple[str, ...]
    source: Path
    exit_code: int
    text: str
    error_codes: tuple[str, ...] = field(default=())

    @property
    def first_error(self) -> str:
        """The first line of the compiler's first error message."""
        for line in self.text.splitlines():
            if re.match(r"^(error(\[E\d+\])?:|\S+\.go:\d+:\d+:)", line.strip()):
                return line.strip()
        return self.text.strip().splitlines()[0] if self.text.strip() else ""

    @property
    def first_message(self) -> str:
        """The first error's words alone, without rustc's ``error[E…]:`` prefix (the codes are
        in ``error_codes``)."""
        return re.sub(r"^error(\[E\d+\])?: ", "", self.first_error)


@dataclass(frozen=True)
class RunResult:
    build: Build
    finished: Finished
    records: list[dict]

    @property
    def exit_code(self) -> int:
        return self.finished.exit_code

    @property
    def stderr(self) -> str:
        return self.finished.stderr

    @property
    def peak_rss_bytes(self) -> int:
        return self.finished.peak_rss_bytes

    @property
    def wall_s(self) -> float:
        return self.finished.wall_s

    def process_columns(self) -> dict[str, object]:
        return {
            "language": self.build.language,
            "experiment": self.build.experiment,
            "features": ",".join(self.build.features),
            "toolchain": self.build.toolchain,
            "exit_code": self.finished.exit_code,
            "wall_s": self.finished.wall_s,
            "user_s": self.finished.user_s,
            "system_s": self.finished.system_s,
            "peak_rss_bytes": self.finished.peak_rss_bytes,
            "binary_bytes": self.build.binary_bytes,
            **provenance.host(),
        }

    @property
    def frame(self) -> pd.DataFrame:
        """One row per JSON record the program printed, with the process and host columns."""
        columns = self.process_columns()
        frame = pd.DataFrame.from_records(self.records)
        for name, value in columns.items():
            frame[name] = value
        return frame


class Kernel(ABC):
    """Builds and runs the experiments of one language. Subclasses: GoKernel, RustKernel."""

    language: ClassVar[str]
    requirement: ClassVar[Requirement]
    default_root: ClassVar[Path]
    # Files and folders every experiment of the language is built from, besides its own folder.
    shared_inputs: ClassVar[tuple[str, ...]]

    def __init__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        cache: Path | None = None,
        root: Path | None = None,
    ) -> None:
        self.env = dict(os.environ if env is None else env)
        self.cache = cache or paths.cache_dir()
        self.root = root or self.default_root
        self._toolchain: Toolchain | None = None

    # -- toolchain ----------------------------------------------------------------------------
    def toolchain(self) -> Toolchain:
        """The compiler this kernel uses; raises ToolchainMissing with install advice."""
        if self._toolchain is None:
            executable, version = locate(self.requirement, self.env)
            self._toolchain = Toolchain(executable, version)
        return self._toolchain

    # -- sources ------------------------------------------------------------------------------
    def experiments(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if self._is_experiment(p))

    @abstractmethod
    def _is_experiment(self, path: Path) -> bool: ...

    def source(self, experiment: str) -> Path:
        folder = self.root / experiment
        if not self._is_experiment(folder):
            known = ", ".join(self.experiments()) or "none"
            raise KernelError(
                f"There is no {self.language} experiment `{experiment}` in {self.root} "
                f"(known: {known})."
            )
        return folder

    def content_hash(self, experiment: str, features: Sequence[str], options: str = "") -> str:
        digest = hashlib.sha256()
        for part in (CACHE_FORMAT, self.toolchain().version, ",".join(features), options):
            digest.update(part.encode() + b"\0")
        inputs = [self.source(experiment), *(self.root / p for p in self.shared_inputs)]
        for path in _files(inputs):
            digest.update(str(path.relative_to(self.root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        return digest.hexdigest()[:20]

    # -- building -----------------------------------------------------------------------------
    def build(self, experiment: str, features: Sequence[str] = (), *, race: bool = False) -> Build:
        """Build ``experiment`` in release mode (or reuse the cached binary) and return it."""
        progress.step("building", self.language, experiment)
        outcome = self._build(experiment, tuple(features), race)
        if isinstance(outcome, CompileDiagnostics):
            raise CompileError(outcome)
        self._journal_build(experiment, tuple(features), race)
        return outcome

    # -- the journal of commands (gorust.commands) ----------------------------------------------
    def _journal_build(
        self, experiment: str, features: tuple[str, ...], race: bool, *, refused: bool = False
    ) -> None:
        root = commands.in_repository(self.root)
        if root is None:  # a scratch copy: its commands would name a folder that is gone
            return
        output = commands.program_path(self.language, experiment, features, race)
        line = self._build_line(root, experiment, features, race, output)
        extra = {k: v for k, v in self.env.items() if os.environ.get(k) != v and k != "GOTOOLCHAIN"}
        if extra:  # what this kernel sets for its builds (GOEXPERIMENT=jsonv2, say)
            line = commands.with_environment(line, extra)
        if refused:  # pasted, it fails as the chapter shows; the comment says so
            line += "  # the compiler refuses this build, as the chapter shows"
        version = self.toolchain().version
        commands.note(commands.Command(self.language, version, "build", experiment, line))

    @abstractmethod
    def _build_line(
        self, root: str, experiment: str, features: tuple[str, ...], race: bool, output: str
    ) -> str:
        """The shell line, from the repository's root, that builds what ``_compile`` builds."""

    def expect_compile_error(
        self, experiment: str, features: Sequence[str] = ()
    ) -> CompileDiagnostics:
        """Build a program the compiler is expected to refuse, and return its diagnostics.

        Raises UnexpectedCompileSuccess if it compiles after all.
        """
        outcome = self.try_build(experiment, features)
        if isinstance(outcome, Build):
            raise UnexpectedCompileSuccess(
                f"{self.language} compiled `{experiment}` with features {list(features)}, but "
                f"the course expects the compiler to refuse it."
            )
        return outcome

    def try_build(
        self, experiment: str, features: Sequence[str] = ()
    ) -> Build | CompileDiagnostics:
        """Build ``experiment``, or return the compiler's diagnostics if it refuses it: for a
        program whose fate at compile time is what the course measures."""
        outcome = self._build(experiment, tuple(features), race=False)
        refused = isinstance(outcome, CompileDiagnostics)
        self._journal_build(experiment, tuple(features), False, refused=refused)
        return outcome

    def _build(
        self, experiment: str, features: tuple[str, ...], race: bool
    ) -> Build | CompileDiagnostics:
        self._check_options(race)
        toolchain = self.toolchain()
        key = self.content_hash(experiment, features, f"race={race}")
        name = Path(experiment).name
        binary = self.cache / "bin" / self.language / experiment / key / name
        if binary.exists():
            return Build(
                self.language,
                experiment,
                features,
                binary,
                key,
                toolchain.version,
                cached=True,
                build_s=0.0,
            )
        binary.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=binary.parent) as scratch:
            staged = Path(scratch) / name
            finished = self._compile(experiment, features, race, staged)
            if finished.timed_out:
                raise RunTimeout(" ".join(finished.argv), finished, BUILD_TIMEOUT_S)
            if finished.exit_code != 0 or not staged.exists():
                text = finished.stderr if finished.stderr.strip() else finished.stdout
                return CompileDiagnostics(
                    language=self.language,
                    experiment=experiment,
                    features=features,
                    source=self.source(experiment),
                    exit_code=finished.exit_code,
                    text=text,
                    error_codes=tuple(dict.fromkeys(re.findall(r"error\[(E\d{4})\]", text))),
                )
            os.replace(staged, binary)
        return Build(
            self.language,
            experiment,
            features,
            binary,
            key,
            toolchain.version,
            cached=False,
            build_s=time.perf_counter() - started,
        )

    def _check_options(self, race: bool) -> None:
        del race

    @abstractmethod
    def _compile(
        self, experiment: str, features: tuple[str, ...], race: bool, output: Path
    ) -> Finished: ...

    # -- running ------------------------------------------------------------------------------
    def run(
        self,
        experiment: str,
        args: Sequence[str | int | float] = (),
        *,
        features: Sequence[str] = (),
        race: bool = False,
        env: Mapping[str, str] | None = None,
        cpus: str | None = None,
        timeout_s: float = 120.0,
        check: bool = True,
    ) -> RunResult:
        """Build (or reuse) ``experiment``, run it with ``args`` and parse its JSON Lines.

        ``cpus`` (e.g. ``"1"``) pins the program to those cores with ``taskset``.
        """
        build = self.build(experiment, features, race=race)
        progress.step("running", self.language, experiment)
        argv = [*_pinned(cpus), str(build.binary), *map(str, args)]
        child_env = {**self.env, **(env or {})}
        command = _describe(self.language, experiment, args)
        commands.note_run(self.language, self.toolchain().version, self.root, experiment,
                          features, race, args, env or {}, cpus)  # fmt: skip
        finished = run_child(argv, env=child_env, cwd=self.source(experiment), timeout_s=timeout_s)
        if finished.timed_out:
            raise RunTimeout(command, finished, timeout_s)
        if check and finished.exit_code != 0:
            raise ProgramFailed(command, finished)
        return RunResult(build, finished, _parse_json_lines(command, finished.stdout))

    def serve(
        self,
        experiment: str,
        args: Sequence[str | int | float] = (),
        *,
        env: Mapping[str, str] | None = None,
        cpus: str | None = None,
        ready_timeout_s: float = 30.0,
    ) -> Server:
        """Start a server experiment and wait until it prints its first JSON line (e.g. its port).

        Use the result as a context manager: leaving the block stops the server (SIGTERM, then
        SIGKILL for its whole process group), whatever happened inside.
        """
        build = self.build(experiment)
        progress.step("serving", self.language, experiment)
        command = _describe(self.language, experiment, args)
        commands.note_run(self.language, self.toolchain().version, self.root, experiment,
                          (), False, args, env or {}, cpus, kind="serve")  # fmt: skip
        child = Child(
            [*_pinned(cpus), str(build.binary), *map(str, args)],
            env={**self.env, **(env or {})},
            cwd=self.source(experiment),
        )
        line = child.first_stdout_line(ready_timeout_s)
        ready = _parse_json_lines(command, line) if line else []
        if not ready:
            finished = child.finish(10.0, terminate=True)
            raise KernelError(
                f"`{command}` did not report that it was ready within {ready_timeout_s:g} s "
                f"(exit status {finished.exit_code}); it was stopped."
                f"{stderr_section(finished.stderr)}"
            )
        return Server(build, child, command, ready[0])


class Server:
    """A running server experiment; its first JSON line is ``ready`` (e.g. ``{"port": ...}``)."""

    def __init__(self, build: Build, child: Child, command: str, ready: dict) -> None:
        self.build = build
        self.command = command
        self.ready = ready
        self._child = child
        self.result: RunResult | None = None

    @property
    def pid(self) -> int:
        """The server program's pid (not its launcher's)."""
        return self._child.program_pid()

    @property
    def port(self) -> int:
        return int(self.ready["port"])

    def rss_bytes(self) -> int:
        """The server's resident memory now."""
        return current_rss_bytes(self.pid)

    def stop(self, timeout_s: float = 10.0) -> RunResult:
        """Stop the server and return what it printed, with its peak RSS from ``wait4``."""
        if self.result is None:
            finished = self._child.finish(timeout_s, terminate=True)
            self.result = RunResult(
                self.build, finished, _parse_json_lines(self.command, finished.stdout)
            )
        return self.result

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class GoKernel(Kernel):
    """Go experiments: ``go build -trimpath`` of ``code/go/<name>`` (optimised by default)."""

    language = "go"
    requirement = GO
    default_root = paths.GO_MODULE
    shared_inputs = ("go.mod", "go.sum", "internal")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # Never let the go command try to download another toolchain.
        self.env.setdefault("GOTOOLCHAIN", "local")

    def _is_experiment(self, path: Path) -> bool:
        return path.is_dir() and path.name != "internal" and any(path.glob("*.go"))

    def _build_line(
        self, root: str, experiment: str, features: tuple[str, ...], race: bool, output: str
    ) -> str:
        return commands.go_build_line(root, experiment, features, race, output)

    def _compile(
        self, experiment: str, features: tuple[str, ...], race: bool, output: Path
    ) -> Finished:
        argv = [self.toolchain().executable, "build", "-trimpath", "-o", str(output)]
        if race:
            argv.append("-race")
        if features:
            argv += ["-tags", ",".join(features)]
        argv.append(f"./{experiment}")
        return run_child(argv, env=self.env, cwd=self.root, timeout_s=BUILD_TIMEOUT_S)


class RustKernel(Kernel):
    """Rust experiments: ``cargo build --release --locked -p <name>`` in the workspace."""

    language = "rust"
    requirement = CARGO
    default_root = paths.RUST_WORKSPACE
    shared_inputs = ("Cargo.toml", "Cargo.lock", "measure")

    def _is_experiment(self, path: Path) -> bool:
        return (path / "Cargo.toml").is_file() and (path / "src" / "main.rs").is_file()

    def _check_options(self, race: bool) -> None:
        if race:
            raise KernelError(
                "Rust has no run-time race detector to build in: safe Rust's data races are "
                "refused at compile time. Use expect_compile_error() to show that."
            )

    @property
    def target_dir(self) -> Path:
        return self.cache / "cargo-target"

    def _build_line(
        self, root: str, experiment: str, features: tuple[str, ...], race: bool, output: str
    ) -> str:
        return commands.rust_build_line(root, experiment, features, output)

    def _compile(
        self, experiment: str, features: tuple[str, ...], race: bool, output: Path
    ) -> Finished:
        argv = [
            self.toolchain().executable,
            "build",
            "--release",
            "--locked",
            "--color",
            "never",
            "-p",
            experiment,
        ]
        if features:
            argv += ["--features", ",".join(features)]
        env = {
            **self.env,
            "CARGO_TARGET_DIR": str(self.target_dir),
            "CARGO_TERM_PROGRESS_WHEN": "never",
        }
        finished = run_child(argv, env=env, cwd=self.root, timeout_s=BUILD_TIMEOUT_S)
        if finished.exit_code == 0:
            shutil.copy2(self.target_dir / "release" / experiment, output)
        return finished


def _pinned(cpus: str | None) -> list[str]:
    if cpus is None:
        return []
    taskset = shutil.which("taskset")
    if taskset is None:
        raise KernelError("Pinning to cores needs `taskset` (Debian package util-linux).")
    return [taskset, "-c", cpus]


def _describe(language: str, experiment: str, args: Sequence[object]) -> str:
    return f"{language}:{experiment} {' '.join(map(str, args))}".strip()


def _files(inputs: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in inputs:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [
                p
                for p in path.rglob("*")
                if p.is_file() and "target" not in p.relative_to(path).parts
            ]
    return sorted(found)


def _parse_json_lines(command: str, stdout: str) -> list[dict]:
    records = []
    for number, line in enumerate(stdout.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise ProtocolError(
                f"`{command}` printed a line on stdout that is not JSON (line {number}: "
                f"{line[:200]!r}: {err}). Programs print measurements as JSON Lines on stdout "
                f"and human text on stderr."
            ) from err
        if not isinstance(record, dict):
            raise ProtocolError(
                f"`{command}` line {number} is JSON but not an object: {line[:200]!r}"
            )
        records.append(record)
    return records
