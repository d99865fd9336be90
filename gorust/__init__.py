"""Go vs Rust, measured: the course's subprocess kernels, statistics and charts.

Chapters import from here; the Go and Rust programs live in ``code/``.
"""

from gorust.kernels import (
    Build,
    CompileDiagnostics,
    CompileError,
    GoKernel,
    Kernel,
    KernelError,
    ProgramFailed,
    ProtocolError,
    RunResult,
    RunTimeout,
    RustKernel,
    Server,
    ToolchainMissing,
    UnexpectedCompileSuccess,
)
from gorust.profile import Profile, current_profile

__all__ = [
    "Build",
    "CompileDiagnostics",
    "CompileError",
    "GoKernel",
    "Kernel",
    "KernelError",
    "Profile",
    "ProgramFailed",
    "ProtocolError",
    "RunResult",
    "RunTimeout",
    "RustKernel",
    "Server",
    "ToolchainMissing",
    "UnexpectedCompileSuccess",
    "current_profile",
]
