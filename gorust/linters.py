"""The linter each toolchain ships, run over one experiment: ``go vet`` for Go, Clippy for
Rust. A chapter asks what the linter says about a program the compiler accepted."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from gorust import builds, commands
from gorust.kernels import Kernel, KernelError, RustKernel
from gorust.process import run_child

LINT_TIMEOUT_S = 600.0
TOOLS = {"go": "go vet", "rust": "cargo clippy"}


@dataclass(frozen=True)
class LintReport:
    language: str
    tool: str  # "go vet" or "cargo clippy"
    exit_code: int
    text: str

    def findings(self, source_file: str) -> list[str]:
        """The linter's messages about ``source_file`` (a file name such as ``nil_use.go``)."""
        return [
            line.strip()
            for line in self.text.splitlines()
            if f"/{source_file}:" in line or line.strip().startswith(f"{source_file}:")
        ]


def _argv(kernel: Kernel, experiment: str, features: Sequence[str]) -> list[str]:
    joined = ",".join(features)
    if isinstance(kernel, RustKernel):
        argv = ["clippy", "--release", "--locked", "--color", "never", "-p", experiment]
        argv += ["--message-format", "short"]
        return argv + (["--features", joined] if joined else [])
    return ["vet", *(["-tags", joined] if joined else []), f"./{experiment}"]


def lint(kernel: Kernel, experiment: str, features: Sequence[str] = ()) -> LintReport:
    """Run the language's linter over ``experiment`` built with ``features``.

    A linter that finds something exits non-zero; one that cannot run at all (Clippy not
    installed, a compile error) raises KernelError with its output.
    """
    argv = [kernel.toolchain().executable, *_argv(kernel, experiment, features)]
    env = builds.cargo_env(kernel) if isinstance(kernel, RustKernel) else dict(kernel.env)
    finished = run_child(argv, env=env, cwd=kernel.root, timeout_s=LINT_TIMEOUT_S)
    text = finished.stderr + finished.stdout
    report = LintReport(kernel.language, TOOLS[kernel.language], finished.exit_code, text)
    if finished.timed_out or _could_not_check(report):
        raise KernelError(
            f"`{report.tool}` could not check `{experiment}` (exit status "
            f"{finished.exit_code}). Is it installed (rustup component add clippy)?\n{text}"
        )
    _journal(kernel, experiment, features)
    return report


def _could_not_check(report: LintReport) -> bool:
    """Clippy's warnings leave its exit status 0, so any other status is a failure to check
    (a compile error); go vet exits 1 for findings too, and prefixes ``vet:`` to an error of
    its own (a type error, a missing package)."""
    if report.exit_code == 0:
        return False
    lines = report.text.splitlines()
    if report.language == "rust":
        return True
    return any(line.startswith("vet: ") for line in lines) or not any(
        ".go:" in text for text in lines
    )


def _journal(kernel: Kernel, experiment: str, features: Sequence[str]) -> None:
    root = commands.in_repository(kernel.root)
    if root is None:
        return
    if isinstance(kernel, RustKernel):
        argv = ["cargo", *_argv(kernel, experiment, features), "--manifest-path"]
        line = f"{shlex.join(argv)} {shlex.quote(root + '/Cargo.toml')}"
    else:
        line = shlex.join(["go", "-C", root, *_argv(kernel, experiment, features)])
    version = kernel.toolchain().version
    commands.note(commands.Command(kernel.language, version, "tool", experiment, line))
