"""The errors a kernel raises (gorust.kernels), each with a message that says what happened and
what to do, and the tail of the program's stderr where it wrote one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gorust.process import Finished

if TYPE_CHECKING:
    from gorust.kernels import CompileDiagnostics

STDERR_TAIL_LINES = 40


class KernelError(RuntimeError):
    """Something went wrong building or running an experiment; the message says what."""


class CompileError(KernelError):
    def __init__(self, diagnostics: CompileDiagnostics) -> None:
        self.diagnostics = diagnostics
        super().__init__(
            f"{diagnostics.language} build of `{diagnostics.experiment}` failed "
            f"(exit status {diagnostics.exit_code}). The compiler said:\n\n"
            f"{diagnostics.text.rstrip()}\n\nFix the source in {diagnostics.source} and run again."
        )


class UnexpectedCompileSuccess(KernelError):
    """A build that the course expects the compiler to refuse compiled."""


class RunTimeout(KernelError):
    def __init__(self, command: str, finished: Finished, timeout_s: float) -> None:
        self.finished = finished
        super().__init__(
            f"`{command}` did not finish within {timeout_s:g} s; its whole process group was "
            f"killed and nothing of it is left running. Raise timeout_s, or choose the quick "
            f"profile (GVR_PROFILE=quick).{stderr_section(finished.stderr)}"
        )


class ProgramFailed(KernelError):
    def __init__(self, command: str, finished: Finished) -> None:
        self.finished = finished
        super().__init__(
            f"`{command}` exited with status {finished.exit_code}.{stderr_section(finished.stderr)}"
        )


class ProtocolError(KernelError):
    """A program printed something on stdout that is not a JSON object."""


def stderr_section(stderr: str) -> str:
    """The last lines a program wrote on stderr, for an error message (or a note that it wrote
    none)."""
    lines = stderr.rstrip().splitlines()
    if not lines:
        return " It wrote nothing on stderr."
    shown = lines[-STDERR_TAIL_LINES:]
    cut = f" (last {len(shown)} of {len(lines)} lines)" if len(lines) > len(shown) else ""
    return f"\n\nIts stderr{cut}:\n" + "\n".join(shown)
