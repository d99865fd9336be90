"""Experiment 3, the modules: one word-count program compiled to WebAssembly (WASI) by Go and
by Rust, cached by what each depends on, and the module format's sections (to strip them)."""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from gorust import builds, charts, paths, provenance
from gorust.builds import digest
from gorust.experiments import experiment
from gorust.kernels import KernelError, RustKernel
from gorust.part7 import journal
from gorust.part7.common import CHAPTER, TOOL_TIMEOUT_S, WASM
from gorust.runs import kernels
from gorust.toolchains import wasi_rustc

GO_WASM_SOURCE = paths.GO_MODULE / WASM / "main.go"
RUST_WASM_SOURCE = paths.RUST_WORKSPACE / WASM / "src" / "main.rs"
RUSTC_FLAGS = ("--edition", "2021", "-C", "opt-level=3")
WASM_INSTALL_HINT = (
    "Rust's standard library for WASI is missing: `rustup target add wasm32-wasip1` where "
    "rustup can download, or Debian's compiler with its wasm32 standard library "
    "(`apt-get install --no-install-recommends rustc libstd-rust-dev-wasm32 lld-14`, which puts "
    "a second rustc at /usr/bin/rustc and leaves rustup's first on PATH)."
)


# -- The module format -------------------------------------------------------------------------
def _leb128(data: bytes, offset: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, offset


def wasm_sections(module: bytes) -> list[tuple[int, str, int]]:
    """(id, name, size) of every section of a WebAssembly module; custom sections are named."""
    if module[:4] != b"\0asm":
        raise ValueError("not a WebAssembly module")
    sections, offset = [], 8
    while offset < len(module):
        section_id = module[offset]
        size, body = _leb128(module, offset + 1)
        name = ""
        if section_id == 0:
            length, start = _leb128(module, body)
            name = module[start : start + length].decode("utf-8", "replace")
        sections.append((section_id, name, body + size - offset))
        offset = body + size
    return sections


def strip_custom_sections(module: bytes) -> bytes:
    """The module without its custom sections (names, DWARF debug info, producers): what
    `wasm-strip` does. The code, data and imports are untouched, so it runs the same."""
    if module[:4] != b"\0asm":
        raise ValueError("not a WebAssembly module")
    kept, offset = [module[:8]], 8
    while offset < len(module):
        section_id = module[offset]
        size, body = _leb128(module, offset + 1)
        if section_id != 0:
            kept.append(module[offset : body + size])
        offset = body + size
    return b"".join(kept)


# -- The builds --------------------------------------------------------------------------------
@dataclass(frozen=True)
class WasmBuild:
    language: str
    toolchain: str
    target: str
    command: str
    module: Path | None = None  # None where it failed, and replayed (no module there)
    error: str | None = None  # why this side could not be built
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def plain_bytes(self) -> int:
        return self.module.stat().st_size if self.module else 0

    @property
    def stripped(self) -> bytes:
        return strip_custom_sections(self.module.read_bytes()) if self.module else b""

    @classmethod
    def from_record(cls, row: pd.Series) -> WasmBuild:
        """A build as its row of wasm_builds recorded it; the module itself is not kept."""
        error = row.error if isinstance(row.error, str) else None  # no error reads back as NaN
        cached = bool(row.cached)
        return cls(row.language, row.toolchain, row.target, row.command, None, error, cached)


# Every field of WasmBuild but the module, which lives in this machine's cache only.
RECORDED_FIELDS = tuple(f.name for f in fields(WasmBuild) if f.name != "module")


@dataclass(frozen=True)
class WasmBuilds(Sequence[WasmBuild]):
    """Both builds (Go, Rust): what built each module, or why it could not be built."""

    builds: tuple[WasmBuild, ...]
    table: pd.DataFrame = field(compare=False, repr=False)  # as saved, with provenance

    @classmethod
    def of(cls, made: Sequence[WasmBuild]) -> WasmBuilds:
        """The builds made live, with the table they are saved as."""
        frame = pd.DataFrame([{name: getattr(b, name) for name in RECORDED_FIELDS} for b in made])
        return cls(tuple(made), frame.assign(**provenance.host()))

    def __iter__(self) -> Iterator[WasmBuild]:
        return iter(self.builds)

    def __len__(self) -> int:
        return len(self.builds)

    def __getitem__(self, index: int) -> WasmBuild:  # type: ignore[override]
        return self.builds[index]

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {"wasm_builds": self.table}

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> WasmBuilds:
        table = tables["wasm_builds"]
        rows = (table[table.language == language].iloc[0] for language in ("go", "rust"))
        return cls(tuple(WasmBuild.from_record(row) for row in rows), table)


@experiment(CHAPTER, programs=(WASM,), tables=("wasm_builds",), result=WasmBuilds)
def build_wasm() -> WasmBuilds:
    """Both modules (Go, Rust). Replayed, what built them, or why not, as recorded."""
    made = [build_go_wasm(), build_rust_wasm()]
    note_modules(made)
    failed = [build for build in made if not build.ok]
    if failed:
        # Live, a module that cannot be built is a broken machine, not a finding to chart.
        raise KernelError(
            "Part 7 cannot build its WebAssembly modules: "
            + " ".join(f"{charts.LANGUAGE_NAMES[b.language]}: {b.error}" for b in failed)
            + " Run `make book` as root to install what is missing, or see the preflight table."
        )
    return WasmBuilds.of(made)


def module_line(build: WasmBuild) -> str:
    """The shell line that builds ``build``'s module where the journaled lines read it."""
    if build.language == "go":
        return journal.go_module_line()
    rustc = shlex.split(build.command)[0]
    return journal.rust_module_line(rustc, RUSTC_FLAGS, build.target)


def note_modules(made: Sequence[WasmBuild]) -> None:
    """Journal how each built module is made (the course builds them outside its kernels)."""
    for build in made:
        if build.ok:
            journal.note_module(build.language, build.toolchain, module_line(build))


def cached_module(
    language: str, key: str, build: Callable[[Path], None], name: str = f"{WASM}.wasm"
) -> tuple[Path, bool]:
    """The module ``name`` built under ``key``: from the course's cache, or built into it now."""
    module = paths.cache_dir() / "wasm" / language / key / name
    if module.exists():
        return module, True
    module.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=module.parent) as scratch:
        staged = Path(scratch) / module.name
        build(staged)
        os.replace(staged, module)  # atomic: a half-written module is never cached
    return module, False


def build_go_wasm() -> WasmBuild:
    go, _ = kernels()
    version = go.toolchain().version
    command = f"GOOS=wasip1 GOARCH=wasm go build -trimpath ./{WASM}"
    key = digest([version, "wasip1/wasm", GO_WASM_SOURCE.read_bytes()])

    def build(output: Path) -> None:
        builds.timed(
            [go.toolchain().executable, "build", "-trimpath", "-o", str(output), f"./{WASM}"],
            cwd=paths.GO_MODULE,
            env=builds.go_env(go, offline=False, GOOS="wasip1", GOARCH="wasm"),
            timeout_s=TOOL_TIMEOUT_S,
        )

    try:
        module, cached = cached_module("go", key, build)
    except KernelError as err:
        return WasmBuild("go", version, "wasip1/wasm", command, error=str(err))
    return WasmBuild("go", version, "wasip1/wasm", command, module, cached=cached)


def _rustc_for_wasm(rust: RustKernel) -> tuple[str, str, str] | None:
    """(rustc, its version, target) of a compiler that has a WASI standard library: the
    kernel's own first, then Debian's (see gorust.toolchains.wasi_rustc)."""
    return wasi_rustc([str(Path(rust.toolchain().executable).with_name("rustc"))])


def build_rust_wasm() -> WasmBuild:
    _, rust = kernels()
    found = _rustc_for_wasm(rust)
    if found is None:
        return WasmBuild(
            "rust", "none", "wasm32-wasip1", "rustc --target wasm32-wasip1", None, WASM_INSTALL_HINT
        )
    rustc, version, target = found
    command = f"{rustc} {' '.join(RUSTC_FLAGS)} --target {target} src/main.rs"
    key = digest([version, target, *RUSTC_FLAGS, RUST_WASM_SOURCE.read_bytes()])

    def build(output: Path) -> None:
        argv = [rustc, *RUSTC_FLAGS, "--target", target, "-o", str(output), "src/main.rs"]
        builds.timed(argv, cwd=RUST_WASM_SOURCE.parents[1], env=rust.env, timeout_s=TOOL_TIMEOUT_S)

    try:
        module, cached = cached_module("rust", key, build)
    except KernelError as err:
        return WasmBuild("rust", version, target, command, error=str(err))
    return WasmBuild("rust", version, target, command, module, cached=cached)
