"""Experiment 4, the modules: the word count compiled for the browser by Go (``GOOS=js``, with
the ``wasm_exec.js`` its toolchain ships) and by Rust (``wasm32-unknown-unknown``, a plain
``cdylib``), cached by what each depends on, and what a page downloads of each."""

from __future__ import annotations

import gzip
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gorust import builds, paths
from gorust.builds import digest
from gorust.kernels import KernelError
from gorust.part7 import journal
from gorust.part7.common import TOOL_TIMEOUT_S, WASM_BROWSER
from gorust.part7.wasm_modules import cached_module, strip_custom_sections
from gorust.runs import kernels
from gorust.toolchains import DEBIAN_RUSTC

GO_SOURCES = tuple(paths.GO_MODULE / WASM_BROWSER / name for name in ("wordcount.go", "main_js.go"))
RUST_SOURCE = paths.RUST_WORKSPACE / WASM_BROWSER / "src" / "lib.rs"
RUST_TARGET = "wasm32-unknown-unknown"
RUSTC_FLAGS = ("--edition", "2021", "-C", "opt-level=3", "--crate-type", "cdylib")
GZIP_LEVEL = 9
BROWSER_INSTALL_HINT = (
    "Rust's standard library for wasm32-unknown-unknown is missing: `rustup target add "
    "wasm32-unknown-unknown` where rustup can download, or Debian's compiler with its wasm32 "
    "standard library (`apt-get install --no-install-recommends rustc libstd-rust-dev-wasm32 "
    "lld-14`)."
)


def gzipped_bytes(data: bytes) -> int:
    """What a server sends of ``data`` compressed with gzip at level 9."""
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


@dataclass(frozen=True)
class BrowserModule:
    """One language's module for the browser, and the support script its page must load."""

    language: str
    toolchain: str
    target: str
    command: str
    module: Path
    support_js: Path | None  # Go's wasm_exec.js; Rust's page needs none
    cached: bool

    @property
    def stripped(self) -> bytes:
        """The module as the page gets it: without custom sections (names, debug info)."""
        return strip_custom_sections(self.module.read_bytes())

    def sizes(self) -> dict[str, int]:
        """Bytes as built, stripped, stripped and gzipped; the support script's, plain and
        gzipped."""
        stripped = self.stripped
        support = self.support_js.read_bytes() if self.support_js else b""
        return {
            "plain_bytes": self.module.stat().st_size,
            "stripped_bytes": len(stripped),
            "gzip_bytes": gzipped_bytes(stripped),
            "support_js_bytes": len(support),
            "support_js_gzip_bytes": gzipped_bytes(support) if support else 0,
        }


def wasm_exec_js(go_executable: str) -> Path:
    """The support script of Go's toolchain (lib/wasm since Go 1.24, misc/wasm before)."""
    goroot = subprocess.run(
        [go_executable, "env", "GOROOT"], capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()
    for folder in ("lib/wasm", "misc/wasm"):
        script = Path(goroot) / folder / "wasm_exec.js"
        if script.is_file():
            return script
    raise KernelError(f"Go's toolchain at {goroot} has no wasm_exec.js (lib/wasm or misc/wasm).")


def build_go_module() -> BrowserModule:
    go, _ = kernels()
    version = go.toolchain().version
    command = f"GOOS=js GOARCH=wasm go build -trimpath ./{WASM_BROWSER}"
    key = digest([version, "js/wasm", *(source.read_bytes() for source in GO_SOURCES)])

    def build(output: Path) -> None:
        argv = [go.toolchain().executable, "build", "-trimpath", "-o", str(output)]
        builds.timed(
            [*argv, f"./{WASM_BROWSER}"],
            cwd=paths.GO_MODULE,
            env=builds.go_env(go, offline=False, GOOS="js", GOARCH="wasm"),
            timeout_s=TOOL_TIMEOUT_S,
        )

    module, cached = cached_module("go", key, build, f"{WASM_BROWSER}.wasm")
    support = wasm_exec_js(go.toolchain().executable)
    return BrowserModule("go", version, "js/wasm", command, module, support, cached)


def browser_rustc() -> tuple[str, str]:
    """(rustc, its version) of a compiler with a wasm32-unknown-unknown standard library: the
    kernel's own first, then Debian's; KernelError with the install hint when none has one."""
    _, rust = kernels()
    for rustc in dict.fromkeys(
        [str(Path(rust.toolchain().executable).with_name("rustc")), str(DEBIAN_RUSTC)]
    ):
        if not Path(rustc).exists():
            continue
        found = subprocess.run(
            [rustc, "--print", "sysroot"], capture_output=True, text=True, timeout=60
        )
        if (Path(found.stdout.strip()) / "lib" / "rustlib" / RUST_TARGET / "lib").is_dir():
            version = subprocess.run(
                [rustc, "--version"], capture_output=True, text=True, timeout=60, check=True
            ).stdout.strip()
            return rustc, version
    raise KernelError(BROWSER_INSTALL_HINT)


def build_rust_module() -> BrowserModule:
    _, rust = kernels()
    rustc, version = browser_rustc()
    flags = (*RUSTC_FLAGS, "--crate-name", WASM_BROWSER, "--target", RUST_TARGET)
    command = f"{rustc} {' '.join(flags)} src/lib.rs"
    key = digest([version, *flags, RUST_SOURCE.read_bytes()])

    def build(output: Path) -> None:
        argv = [rustc, *flags, "-o", str(output), "src/lib.rs"]
        builds.timed(argv, cwd=RUST_SOURCE.parents[1], env=rust.env, timeout_s=TOOL_TIMEOUT_S)

    module, cached = cached_module("rust", key, build, f"{WASM_BROWSER}.wasm")
    return BrowserModule("rust", version, RUST_TARGET, command, module, None, cached)


def module_line(module: BrowserModule) -> str:
    """The shell line, from the repository's root, that builds ``module`` where the journaled
    browser run reads it (_build/programs/wasm/<language>/wasm_browser.wasm)."""
    output = (journal.MODULES / module.language / f"{WASM_BROWSER}.wasm").as_posix()
    folder = shlex.quote(str(Path(output).parent))
    if module.language == "go":
        return (
            f"mkdir -p {folder} && GOOS=js GOARCH=wasm go -C code/go build -trimpath "
            f'-o "$PWD"/{shlex.quote(output)} ./{WASM_BROWSER}'
        )
    rustc = shlex.split(module.command)[0]
    flags = (*RUSTC_FLAGS, "--crate-name", WASM_BROWSER, "--target", RUST_TARGET)
    argv = [rustc, *flags, "-o", f"../../../{output}", "src/lib.rs"]
    return f"mkdir -p {folder} && (cd code/rust/{WASM_BROWSER} && {shlex.join(argv)})"


def build_modules() -> list[BrowserModule]:
    """Both modules (Go, Rust), journaled; KernelError naming what is missing where a side
    cannot be built (live, a module that cannot be built is a broken machine)."""
    made = [build_go_module(), build_rust_module()]
    for module in made:
        journal.note(module.language, module.toolchain, WASM_BROWSER, module_line(module))
    return made
