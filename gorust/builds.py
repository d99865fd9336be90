"""Timed builds of the course's services, in scratch copies and throwaway caches.

Shared by Part 4 (the CRUD API) and Part 7 (the HTTP services). Nothing here writes to the
repository: every build runs in a copy of the Go module or Cargo workspace, or in the
repository with an empty cache of its own, and every edit is made in a copy.

- environments: ``go_env`` and ``cargo_env`` (no toolchain downloads, no progress bars);
- scratch copies: ``copy_go_module`` (the course's module as it is), ``standalone_go_module``
  (one program in a module of its own), ``workspace_files`` with ``sync_tree`` (a Cargo
  workspace, a package renamed, kept fresh between runs);
- ``timed``: one command, timed by this process around the child;
- cold builds in empty caches: ``cold_go_build`` (``go_std`` says whether Go's standard
  library is compiled beforehand or timed with the rest) and ``cold_cargo_build``;
- rebuilds after a one-line edit: ``OneLineEdit`` and ``Rebuild``;
- ``sources_key``: what a cold build depends on (sources, lock files, toolchains), to key a
  cached measurement on;
- ``stripped_size`` (GNU strip), and dependency lists: ``go_list``, ``go_std_packages``,
  ``go_linked_modules``, ``cargo_tree``.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from gorust.kernels import GoKernel, KernelError, RustKernel
from gorust.process import run_child

# "prebuilt": Go's standard packages are compiled into the empty cache first, untimed, since
# Rust ships its standard library compiled. "timed": the timed build compiles them too, as the
# first build on a fresh machine does.
GoStd = Literal["prebuilt", "timed"]
GO_STD_CHOICES: tuple[GoStd, ...] = ("prebuilt", "timed")
BUILD_TIMEOUT_S = 3600
# What Cargo prints when another build holds the target directory: that build waited.
LOCK_WAIT = "Blocking waiting for file lock"
# Where an edit's fresh token goes; tokens are lower-case hexadecimal (or decimal) digits.
TOKEN = "TOKEN"


class ToolMissing(KernelError):
    """A program a chapter needs is not installed; the message says how to get it."""


def require_tool(name: str, package: str, *, needed_by: str) -> str:
    """The path of ``name`` on PATH, or ToolMissing with the Debian package to install."""
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(
            f"{needed_by} needs `{name}`, which is not on PATH. On Debian: "
            f"`apt-get install {package}`."
        )
    return found


# -- Environments -----------------------------------------------------------------------------
def go_env(go: GoKernel, *, offline: bool = True, **extra: str) -> dict[str, str]:
    """The go command's environment: the local toolchain only, none of the user's GOFLAGS,
    and (``offline``) no module downloads: builds use the module cache as it is."""
    env = {**go.env, "GOTOOLCHAIN": "local", "GOFLAGS": ""}
    if offline:
        env["GOPROXY"] = "off"
    return {**env, **extra}


def cargo_env(rust: RustKernel, *, target_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """Cargo's environment: quiet (no progress bar, no colour), building into ``target_dir``
    (by default the kernels' own target directory, which holds every dependency compiled)."""
    return {
        **rust.env,
        "CARGO_TARGET_DIR": str(target_dir or rust.target_dir),
        "CARGO_TERM_PROGRESS_WHEN": "never",
        "CARGO_TERM_COLOR": "never",
        **extra,
    }


# -- Running and timing -----------------------------------------------------------------------
@dataclass(frozen=True)
class Timed:
    """A command that ran to success: how long it took and what it printed."""

    seconds: float  # wall-clock, timed by this process around the child
    cpu_s: float  # user + system CPU time of the child
    stdout: str
    stderr: str


def timed(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout_s: float = BUILD_TIMEOUT_S,
) -> Timed:
    """Run ``argv`` to success and time it; KernelError with its stderr if it fails."""
    started = time.perf_counter()
    finished = run_child(list(argv), env=env, cwd=cwd, timeout_s=timeout_s)
    seconds = time.perf_counter() - started
    command = " ".join(str(a) for a in argv)
    if finished.timed_out:
        raise KernelError(f"`{command}` did not finish within {timeout_s:g} s; it was stopped.")
    if finished.exit_code != 0:
        raise KernelError(f"`{command}` failed:\n{finished.stderr[-3000:]}")
    return Timed(seconds, finished.user_s + finished.system_s, finished.stdout, finished.stderr)


# -- Scratch copies ---------------------------------------------------------------------------
def copy_go_module(go: GoKernel, target: Path) -> Path:
    """The course's whole Go module copied to ``target`` (go.mod and go.sum as they are)."""
    shutil.copytree(go.root, target)
    return target


def standalone_go_module(
    go: GoKernel, program: str, target: Path, *, module_name: str = "govsrust"
) -> Path:
    """``program``'s Go files copied into a module of its own in ``target`` (``go mod init``
    and ``go mod tidy``): the course's go.mod also requires the modules of other chapters,
    which the program does not import. Tidy may consult the module proxy."""
    (target / program).mkdir(parents=True)
    for source in (go.root / program).glob("*.go"):
        shutil.copy2(source, target / program / source.name)
    exe, env = go.toolchain().executable, go_env(go, offline=False)
    timed([exe, "mod", "init", module_name], cwd=target, env=env)
    timed([exe, "mod", "tidy"], cwd=target, env=env)
    return target


def _only_member(manifest: bytes, package: str) -> bytes:
    text = manifest.decode()
    return re.sub(r"^members = \[.*\]$", f'members = ["{package}"]', text, flags=re.M).encode()


def workspace_files(
    root: Path, package: str, *, renamed: str | None = None, only_member: bool = False
) -> dict[Path, bytes]:
    """The files of the Cargo workspace at ``root`` (never its target/), by relative path.

    ``only_member``: the workspace's manifest, its Cargo.lock and ``package`` alone.
    ``renamed``: ``package`` under a new name, in its manifest and in Cargo.lock alike (so a
    ``--locked`` build accepts it), so that its binary never overwrites the original's.
    """
    files: dict[Path, bytes] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or relative.parts[0] == "target":
            continue
        if only_member and len(relative.parts) > 1 and relative.parts[0] != package:
            continue
        if (
            only_member
            and len(relative.parts) == 1
            and relative.name
            not in (
                "Cargo.toml",
                "Cargo.lock",
            )
        ):
            continue
        files[relative] = path.read_bytes()
    if only_member:
        files[Path("Cargo.toml")] = _only_member(files[Path("Cargo.toml")], package)
    if renamed:
        manifest, lock = Path(package) / "Cargo.toml", Path("Cargo.lock")
        files[manifest] = files[manifest].replace(
            f'name = "{package}"'.encode(), f'name = "{renamed}"'.encode(), 1
        )
        files[lock] = files[lock].replace(
            f'name = "{package}"\n'.encode(), f'name = "{renamed}"\n'.encode(), 1
        )
    return files


def digest(parts: Sequence[bytes | str]) -> str:
    """A short key for caching a build or its measurement: the sha256 of ``parts``, each one
    delimited."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode() if isinstance(part, str) else part)
        hashed.update(b"\0")
    return hashed.hexdigest()[:20]


def sources_key(files: Iterable[Path], root: Path, *facts: str) -> str:
    """A short key for a build measurement: the digest of each file's path (relative to
    ``root``) and content, in path order, and of ``facts`` (toolchain versions, settings).
    A measurement is reused only under the same key, so never for other code than it built,
    whatever the commit says (a commit cannot vouch for uncommitted files)."""
    named: list[bytes | str] = []
    for path in sorted(set(files)):
        named += [str(path.relative_to(root)), path.read_bytes()]
    return digest([*named, *facts])[:16]


def measured_once(
    cache_file: Path, reuse: bool, measure: Callable[[], pd.DataFrame]
) -> pd.DataFrame:
    """A build measurement this machine already made under the same key (``cache_file``, named
    by ``sources_key`` or ``digest``) when ``reuse`` allows, else a fresh one from ``measure``,
    kept for next time. The ``reused`` column says which."""
    if reuse and cache_file.exists():
        return pd.read_csv(cache_file).assign(reused=True)
    frame = measure()
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(cache_file, index=False)
    return frame.assign(reused=False)


def _as_it_is(_relative: Path, content: bytes) -> bytes:
    return content


def sync_tree(
    files: Mapping[Path, bytes],
    target: Path,
    *,
    normalise: Callable[[Path, bytes], bytes] = _as_it_is,
) -> Path:
    """Write ``files`` under ``target``, each only where the file there differs: unchanged
    files keep their times, so Cargo's fingerprints stay fresh from one run to the next.
    ``normalise`` undoes what an earlier run left in a file (an edit) before comparing."""
    for relative, content in files.items():
        path = target / relative
        if path.exists() and normalise(relative, path.read_bytes()) == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return target


# -- Rebuilds after a one-line edit -----------------------------------------------------------
def fresh_token() -> str:
    """A value no build cache can have seen."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class OneLineEdit:
    """A change to one line of one file: ``before`` becomes ``after`` with a fresh token in
    place of TOKEN, so that every edited build differs from every earlier one."""

    file: Path  # relative to the root of the copy
    before: str
    after: str  # holds TOKEN once

    def applied(self, text: str, token: str) -> str:
        if self.before not in text:
            raise KernelError(f"The line to change is not in the source any more: {self.before!r}")
        return text.replace(self.before, self.after.replace(TOKEN, token), 1)

    def undone(self, text: str) -> str:
        """``text`` with every earlier application of this edit (any token) reverted."""
        pattern = re.escape(self.after).replace(TOKEN, "[0-9a-f]+")
        return re.sub(pattern, lambda _: self.before, text)

    def undone_bytes(self, relative: Path, content: bytes) -> bytes:
        """As ``undone``, for ``sync_tree``: only this edit's file is touched."""
        return self.undone(content.decode()).encode() if relative == self.file else content


class Rebuild:
    """A release build repeated in a scratch copy, each time after the one-line edit with a
    fresh token: what a programmer waits for after changing a line."""

    def __init__(
        self, argv: Sequence[str], *, root: Path, env: Mapping[str, str], edit: OneLineEdit
    ) -> None:
        self.argv, self.root, self.env, self.edit = list(argv), root, dict(env), edit
        # The file as the repository has it: a copy kept between runs may hold an old edit.
        self.original = edit.undone((root / edit.file).read_text())

    def warm_up(self) -> Timed:
        """Build once as the copy is (call it untimed): the caches are up to date and every
        timed build follows a build."""
        return timed(self.argv, cwd=self.root, env=self.env)

    def after_edit(self, *, attempts: int = 3) -> tuple[Timed, str]:
        """The build after a fresh edit, and the edit's token. A build that waited for
        Cargo's lock on the target directory (another build held it) is taken again."""
        for _attempt in range(attempts):
            token = fresh_token()
            (self.root / self.edit.file).write_text(self.edit.applied(self.original, token))
            build = timed(self.argv, cwd=self.root, env=self.env)
            if LOCK_WAIT not in build.stderr:
                break
        return build, token


# -- Cold builds ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ColdBuild:
    build: Timed
    units: int  # packages (Go, from -v) or crates (Cargo's "Compiling" lines) compiled
    binary: Path

    @property
    def binary_bytes(self) -> int:
        return self.binary.stat().st_size


def go_std_note(go_std: GoStd) -> str:
    """What a cold Go build's time includes of the standard library, in a sentence."""
    if go_std == "prebuilt":
        return (
            "The cold Go build starts from an empty build cache into which the standard "
            "packages the service imports were compiled first, untimed: Rust ships its "
            "standard library compiled, so neither time includes compiling it."
        )
    if go_std == "timed":
        return (
            "The cold Go build starts from an empty build cache and its time includes "
            "compiling the standard packages the service imports, as a first build on a fresh "
            "machine does; Rust's standard library comes compiled with the toolchain."
        )
    raise ValueError(f"go_std must be one of {GO_STD_CHOICES}, not {go_std!r}")


def cold_go_build(
    go: GoKernel, program: str, *, go_std: GoStd, module: Path, scratch: Path
) -> ColdBuild:
    """``go build -v -trimpath ./program`` in ``module`` with an empty GOCACHE under
    ``scratch`` (the binary: ``scratch/bin/program``). ``go_std``: see GoStd."""
    go_std_note(go_std)  # refuses an unknown choice before anything runs
    cache = scratch / "gocache"
    cache.mkdir(parents=True, exist_ok=True)
    env = go_env(go, GOCACHE=str(cache))
    exe = go.toolchain().executable
    if go_std == "prebuilt":
        std = go_std_packages(go, program, module=module, env=env)
        timed([exe, "build", "-trimpath", *std], cwd=module, env=env)
    binary = scratch / "bin" / program
    build = timed(
        [exe, "build", "-v", "-trimpath", "-o", str(binary), f"./{program}"], cwd=module, env=env
    )
    units = len([line for line in build.stderr.splitlines() if line.strip()])
    return ColdBuild(build, units, binary)


def fetch_crates(rust: RustKernel, workspace: Path) -> None:
    """Download whatever crate the workspace's Cargo.lock names and the cache lacks (untimed:
    a cold build compiles from sources already downloaded)."""
    timed([rust.toolchain().executable, "fetch"], cwd=workspace, env=cargo_env(rust))


def cold_cargo_build(
    rust: RustKernel, package: str, *, workspace: Path, target_dir: Path, locked: bool = True
) -> ColdBuild:
    """``cargo build --release --offline -p package`` in ``workspace`` into an empty
    ``target_dir``: every crate compiled from sources already downloaded (fetch_crates)."""
    argv = [rust.toolchain().executable, "build", "--release"]
    argv += ["--locked"] if locked else []
    argv += ["--offline", "--color", "never", "-p", package]
    build = timed(argv, cwd=workspace, env=cargo_env(rust, target_dir=target_dir))
    units = len(re.findall(r"^\s*Compiling ", build.stderr, flags=re.M))
    return ColdBuild(build, units, target_dir / "release" / package)


def stripped_size(binary: Path, output: Path) -> int:
    """Bytes of ``binary`` after GNU strip (symbols and debug sections removed), written to
    ``output``."""
    strip = require_tool("strip", "binutils", needed_by="Stripping binaries")
    subprocess.run([strip, "-o", str(output), str(binary)], check=True, timeout=120)
    return output.stat().st_size


# -- Dependencies -----------------------------------------------------------------------------
def go_list(
    go: GoKernel, arguments: Sequence[str], *, template: str, module: Path, env: Mapping[str, str]
) -> list[str]:
    """``go list -f template arguments`` in ``module``: its output, one entry per line."""
    argv = [go.toolchain().executable, "list", "-f", template, *arguments]
    return [
        line.strip()
        for line in timed(argv, cwd=module, env=env).stdout.splitlines()
        if line.strip()
    ]


def go_std_packages(
    go: GoKernel, program: str, *, module: Path, env: Mapping[str, str]
) -> list[str]:
    """The standard-library packages ``./program`` builds on (``go list -deps``)."""
    template = "{{if .Standard}}{{.ImportPath}}{{end}}"
    return go_list(go, ["-deps", f"./{program}"], template=template, module=module, env=env)


def go_linked_modules(go: GoKernel, binary: Path, *, env: Mapping[str, str]) -> list[str]:
    """Every module linked into ``binary``, as ``path version``, sorted (``go version -m``)."""
    argv = [go.toolchain().executable, "version", "-m", str(binary)]
    info = timed(argv, cwd=binary.parent, env=env).stdout
    return sorted(
        f"{parts[1]} {parts[2]}"
        for line in info.splitlines()
        if (parts := line.split()) and parts[0] == "dep"
    )


def cargo_tree(
    rust: RustKernel,
    *,
    workspace: Path,
    package: str | None = None,
    edges: str = "normal",
    depth: int | None = None,
    invert: str | None = None,
    target: str | None = None,
    locked: bool = True,
) -> list[str]:
    """``cargo tree --offline --prefix none``: one ``name vX.Y.Z`` entry per crate, in the
    order Cargo printed them, each once (markers such as ``(*)`` and ``(proc-macro)`` and
    path dependencies' folders dropped). The package itself is listed too."""
    argv = [rust.toolchain().executable, "tree", "--offline", "--prefix", "none"]
    argv += ["--locked"] if locked else []
    argv += ["-p", package] if package else []
    argv += ["-i", invert] if invert else []
    argv += ["-e", edges, "--format", "{p}", "--color", "never"]
    argv += ["--depth", str(depth)] if depth is not None else []
    argv += ["--target", target] if target else []
    out = timed(argv, cwd=workspace, env=cargo_env(rust)).stdout
    entries = [" ".join(line.split()[:2]) for line in out.splitlines() if line.strip()]
    return list(dict.fromkeys(entries))
