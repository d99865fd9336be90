"""Part 7 — the Summary Matrix's binary sizes (“~10MB” for Go, “~2MB” for Rust) against the
same service built two ways in each language: the release build every other experiment uses,
and a build with every size option the toolchain offers without changing what the program
does. Go: ``-ldflags="-s -w"`` (no symbol table, no DWARF). Rust: the workspace's ``size``
profile (opt-level "z", fat LTO, one codegen unit, symbols stripped); it keeps unwinding on
panic, since ``panic = "abort"`` would let one failing request end the whole server.
"""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

import pandas as pd

from gorust import builds, commands, paths, provenance
from gorust.experiments import experiment
from gorust.kernels import GoKernel, RustKernel
from gorust.part7.common import CHAPTER, SERVICE
from gorust.profile import Profile
from gorust.runs import kernels

RELEASE, TUNED = "release", "tuned for size"
BUILDS = (RELEASE, TUNED)
GO_SIZE_FLAGS = ("-trimpath", "-ldflags=-s -w")
RUST_SIZE_PROFILE = "size"  # [profile.size] in code/rust/Cargo.toml
OPTIONS = {
    ("go", RELEASE): "go build -trimpath",
    ("go", TUNED): 'go build -trimpath -ldflags="-s -w"',
    ("rust", RELEASE): "cargo build --release (opt-level 3)",
    ("rust", TUNED): 'cargo build --profile size (opt-level "z", LTO, 1 codegen unit, strip)',
}


def _go_tuned(go: GoKernel, folder: Path) -> Path:
    binary = folder / "go-tuned"
    argv = [go.toolchain().executable, "build", *GO_SIZE_FLAGS, "-o", str(binary), f"./{SERVICE}"]
    builds.timed(argv, cwd=paths.GO_MODULE, env=builds.go_env(go))
    output = f"_build/programs/go/{SERVICE}+size"
    line = f'go -C code/go build {shlex.join(GO_SIZE_FLAGS)} -o "$PWD"/{output} ./{SERVICE}'
    commands.note(commands.Command("go", go.toolchain().version, "build", SERVICE, line))
    return binary


def rust_tuned(rust: RustKernel) -> Path:
    """The size profile's build of the service (also run by ``make programs``)."""
    argv = ["build", "--profile", RUST_SIZE_PROFILE, "--locked", "-p", SERVICE]
    builds.timed(
        [rust.toolchain().executable, *argv],
        cwd=paths.RUST_WORKSPACE,
        env=builds.cargo_env(rust),
    )
    line = f"cargo {shlex.join(argv)} --manifest-path code/rust/Cargo.toml"
    commands.note(commands.Command("rust", rust.toolchain().version, "build", SERVICE, line))
    return rust.target_dir / RUST_SIZE_PROFILE / SERVICE


def _row(language: str, build: str, binary: Path, folder: Path, toolchain: str) -> dict:
    stripped_copy = folder / f"{language}-{build.replace(' ', '-')}-stripped"
    stripped = builds.stripped_size(binary, stripped_copy)
    return {
        "language": language,
        "experiment": SERVICE,
        "build": build,
        "options": OPTIONS[language, build],
        "binary_bytes": binary.stat().st_size,
        "stripped_bytes": stripped,
        "toolchain": toolchain,
        **provenance.host(),
    }


@experiment(CHAPTER, programs=(SERVICE,), tables=("size_builds",))
def size_builds(profile: Profile | None = None) -> pd.DataFrame:
    """Both builds of the service in both languages, their bytes as written and after GNU
    strip. The profile changes nothing: a size does not vary between builds of one source."""
    del profile
    go, rust = kernels()
    rows = []
    with tempfile.TemporaryDirectory(prefix="gorust-part7-size-") as name:
        folder = Path(name)
        for kernel in (go, rust):
            version = kernel.toolchain().version
            release = kernel.build(SERVICE).binary
            tuned = _go_tuned(go, folder) if kernel is go else rust_tuned(rust)
            rows.append(_row(kernel.language, RELEASE, release, folder, version))
            rows.append(_row(kernel.language, TUNED, tuned, folder, version))
    return pd.DataFrame(rows)


def size_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The four builds as the page shows them: the options, and megabytes as written and
    stripped."""
    shown = frame.assign(
        Language=frame.language.map({"go": "Go", "rust": "Rust"}),
        **{
            "binary (MB)": (frame.binary_bytes / 1e6).round(1),
            "stripped (MB)": (frame.stripped_bytes / 1e6).round(1),
        },
    )
    return shown.set_index(["Language", "build"])[["options", "binary (MB)", "stripped (MB)"]]


def tuned_megabytes(frame: pd.DataFrame, language: str) -> float | None:
    """The size-tuned build's stripped size in MB, or None if the table lacks it."""
    rows = frame[(frame.language == language) & (frame.build == TUNED)]
    return None if rows.empty else float(rows.stripped_bytes.iloc[0]) / 1e6
