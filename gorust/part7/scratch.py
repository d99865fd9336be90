"""Scratch copies of the service, so that Part 7 can list, build and edit it alone: a Go module
of its own and a Cargo workspace with the service as its only member (gorust.builds)."""

from __future__ import annotations

from pathlib import Path

from gorust import builds, paths
from gorust.kernels import GoKernel, RustKernel
from gorust.part7.common import SERVICE, TOOL_TIMEOUT_S

GO_SERVICE_SOURCE = paths.GO_MODULE / SERVICE / "main.go"
RUST_SERVICE_SOURCE = paths.RUST_WORKSPACE / SERVICE / "src" / "main.rs"
RUST_SERVICE_MANIFEST = paths.RUST_WORKSPACE / SERVICE / "Cargo.toml"


def rust_scratch_workspace(target: Path, package_name: str = SERVICE) -> Path:
    """A workspace in ``target`` with the service as its only member (same Cargo.lock),
    renamed ``package_name`` where that differs, so that its binary cannot overwrite the
    course's."""
    renamed = package_name if package_name != SERVICE else None
    files = builds.workspace_files(paths.RUST_WORKSPACE, SERVICE, renamed=renamed, only_member=True)
    return builds.sync_tree(files, target)


def go_scratch_module(go: GoKernel, target: Path) -> Path:
    """The service copied into a module of its own in ``target`` (``go mod init`` + ``tidy``:
    the course's go.mod also requires modules of other chapters, which the service does not
    import)."""
    return builds.standalone_go_module(go, SERVICE, target)


def host_triple(rust: RustKernel) -> str:
    """The platform Cargo builds for here (``rustc -vV``'s host line)."""
    rustc = Path(rust.toolchain().executable).with_name("rustc")
    out = builds.timed(
        [str(rustc), "-vV"], cwd=paths.RUST_WORKSPACE, env=rust.env, timeout_s=TOOL_TIMEOUT_S
    )
    return next(line.split()[1] for line in out.stdout.splitlines() if line.startswith("host:"))
