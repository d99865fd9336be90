"""Experiment 1, build costs: cold builds of both services from nothing (an empty GOCACHE, an
empty Cargo target directory) and warm rebuilds after a one-line change to a handler, with the
course's shared build code (gorust.builds)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from gorust import builds, paths, provenance
from gorust.builds import digest
from gorust.kernels import GoKernel, KernelError, RustKernel
from gorust.part7.common import SERVICE
from gorust.part7.scratch import (
    GO_SERVICE_SOURCE,
    RUST_SERVICE_MANIFEST,
    RUST_SERVICE_SOURCE,
    go_scratch_module,
    rust_scratch_workspace,
)
from gorust.part7.service_deps import rust_dependencies
from gorust.profile import Profile, current_profile
from gorust.runs import kernels

# A first build on a fresh machine compiles the Go standard library packages the service
# imports (Go ships them as source); Part 7 times that with the rest (Part 4 compiles them
# beforehand, untimed), so its cold Go build is what a new checkout waits for.
GO_STD: builds.GoStd = "timed"
# The one-line change of a warm rebuild: the health check's reply, in each copy.
GO_EDIT = builds.OneLineEdit(
    Path(SERVICE) / "main.go", '"status": "ok"', f'"status": "ok {builds.TOKEN}"'
)
RUST_EDIT = builds.OneLineEdit(
    Path(SERVICE) / "src" / "main.rs", '"status": "ok"', f'"status": "ok {builds.TOKEN}"'
)
# The Rust copy's package name: its binary never overwrites the course's.
EDITED_PACKAGE = f"{SERVICE}_edited"


def go_std_note() -> Markdown:
    """What this page's cold Go build includes of the standard library (from GO_STD)."""
    return Markdown(builds.go_std_note(GO_STD))


def _build_row(language: str, kind: str, build: builds.Timed, **extra: object) -> dict:
    return {
        "language": language,
        "kind": kind,
        "wall_s": build.seconds,
        "cpu_s": build.cpu_s,
        **extra,
    }


def _cold_go(go: GoKernel, scratch: Path) -> dict:
    """One cold Go build in an empty GOCACHE, standard library as GO_STD says."""
    module = go_scratch_module(go, scratch / "go")
    cold = builds.cold_go_build(go, SERVICE, go_std=GO_STD, module=module, scratch=scratch)
    return _build_row(
        "go",
        "cold",
        cold.build,
        units=cold.units,
        binary_bytes=cold.binary_bytes,
        stripped_bytes=builds.stripped_size(cold.binary, scratch / "go-stripped"),
        toolchain=go.toolchain().version,
    )


def _cold_rust(rust: RustKernel, scratch: Path) -> dict:
    """One cold Cargo build into an empty target directory, every crate already downloaded."""
    workspace = rust_scratch_workspace(scratch / "rust")
    builds.fetch_crates(rust, workspace)  # untimed; the Cargo.lock keeps the versions
    # Not --locked, as before: Cargo may trim the other members' entries from the lock.
    cold = builds.cold_cargo_build(
        rust, SERVICE, workspace=workspace, target_dir=scratch / "rust-target", locked=False
    )
    return _build_row(
        "rust",
        "cold",
        cold.build,
        units=cold.units,
        binary_bytes=cold.binary_bytes,
        stripped_bytes=builds.stripped_size(cold.binary, scratch / "rust-stripped"),
        toolchain=rust.toolchain().version,
    )


def cold_build_key() -> str:
    """What a cold build depends on: both services' sources, the Rust crates they resolve to,
    both toolchains and what the Go build includes. A cached cold-build measurement is reused
    only under the same key."""
    go, rust = kernels()
    transitive = rust_dependencies().transitive
    return digest(
        [
            go.toolchain().version,
            rust.toolchain().version,
            f"go_std={GO_STD}",
            *(p.read_bytes() for p in (GO_SERVICE_SOURCE, RUST_SERVICE_SOURCE)),
            RUST_SERVICE_MANIFEST.read_bytes(),
            *transitive,
        ]
    )


def _cold_cache_file() -> Path:
    return paths.cache_dir() / "part7" / f"cold-builds-{cold_build_key()}.csv"


def cold_repetitions(profile: Profile) -> int:
    """Cold builds per language: one in quick (and only when none is cached), three in full."""
    return profile.pick(quick=1, full=3)


def cold_builds(profile: Profile | None = None) -> pd.DataFrame:
    """Cold builds of both services: an empty GOCACHE, an empty Cargo target directory.

    The full profile builds each ``cold_repetitions`` times, afresh. The quick profile reuses
    the last measurement made on this machine for the very same sources, crates and toolchains
    (kept in the course's cache, keyed by them) and builds once only when there is none; the
    ``reused`` column says which happened.
    """
    profile = profile or current_profile()
    return builds.measured_once(
        _cold_cache_file(), reuse=profile.name == "quick", measure=lambda: _measure_cold(profile)
    )


def _measure_cold(profile: Profile) -> pd.DataFrame:
    go, rust = kernels()
    rows = []
    for repetition in range(cold_repetitions(profile)):
        order = ("go", "rust") if repetition % 2 == 0 else ("rust", "go")
        for language in order:
            with tempfile.TemporaryDirectory(prefix="gorust-part7-cold-") as folder:
                scratch = Path(folder)
                row = _cold_go(go, scratch) if language == "go" else _cold_rust(rust, scratch)
            rows.append({**row, "repetition": repetition, **provenance.host()})
    return pd.DataFrame(rows)


def _compile_dependencies(go: GoKernel, rust: RustKernel) -> None:
    """Untimed: both services and every dependency already compiled, as a warm rebuild finds
    them (Go's GOCACHE holds the standard library, Cargo's target directory every crate)."""
    go.build(SERVICE)
    rust.build(SERVICE)
    builds.timed(
        [rust.toolchain().executable, "build", "--release", "--locked", "-p", SERVICE],
        cwd=paths.RUST_WORKSPACE,
        env=builds.cargo_env(rust),
    )


def _rebuilds(
    go: GoKernel, rust: RustKernel, scratch: Path
) -> dict[str, tuple[builds.Rebuild, Path]]:
    """Each language's warm rebuild of its scratch copy, and the binary it writes.

    Go: a copy in a module of its own, built with the usual GOCACHE (which holds the standard
    library already), once untimed so that each timed build follows a build. Rust: a renamed
    copy in a workspace of its own, built in the course's Cargo target directory (which holds
    every dependency already)."""
    module = go_scratch_module(go, scratch / "go")
    workspace = rust_scratch_workspace(scratch / "rust", package_name=EDITED_PACKAGE)
    go_binary = scratch / "go-bin"
    go_argv = [go.toolchain().executable, "build", "-trimpath", "-o", str(go_binary)]
    go_rebuild = builds.Rebuild(
        [*go_argv, f"./{SERVICE}"], root=module, env=builds.go_env(go), edit=GO_EDIT
    )
    go_rebuild.warm_up()
    rust_argv = [rust.toolchain().executable, "build", "--release", "--offline"]
    rust_rebuild = builds.Rebuild(
        [*rust_argv, "-p", EDITED_PACKAGE],
        root=workspace,
        env=builds.cargo_env(rust),
        edit=RUST_EDIT,
    )
    rust_binary = rust.target_dir / "release" / EDITED_PACKAGE
    return {"go": (go_rebuild, go_binary), "rust": (rust_rebuild, rust_binary)}


def warm_builds(profile: Profile | None = None) -> pd.DataFrame:
    """Rebuilds after a one-line change to a handler, with everything else already compiled.
    Every rebuild carries a new edit, so nothing is cached (see ``_rebuilds``)."""
    profile = profile or current_profile()
    go, rust = kernels()
    _compile_dependencies(go, rust)
    toolchains = {"go": go.toolchain().version, "rust": rust.toolchain().version}
    rows = []
    with tempfile.TemporaryDirectory(prefix="gorust-part7-warm-") as folder:
        rebuilds = _rebuilds(go, rust, Path(folder))
        for repetition in range(profile.repetitions):
            order = ("go", "rust") if repetition % 2 == 0 else ("rust", "go")
            for language in order:
                rebuild, binary = rebuilds[language]
                build, token = rebuild.after_edit()
                if f"ok {token}".encode() not in binary.read_bytes():
                    raise KernelError(f"the warm {language} build did not pick up the edit")
                rows.append(
                    {
                        **_build_row(language, "warm", build),
                        "toolchain": toolchains[language],
                        "repetition": repetition,
                        **provenance.host(),
                    }
                )
    return pd.DataFrame(rows)
