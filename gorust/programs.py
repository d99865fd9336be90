"""Prebuild every program of the course, running nothing: ``make programs``.

An instructor prepares a machine before class with it: every Go and Rust program that a
chapter's experiments name (gorust.experiments) is built in release mode into the kernels'
cache, so that running a chapter live in the lecture starts measuring at once. A program that
only one language has (a Go client, say) is built in that language alone. Feature and race
variants, which few experiments use, build on first use, in seconds once the default build has
compiled their dependencies. The one exception is built here too: Part 7's size-tuned Rust
service, whose profile (LTO, opt-level "z") compiles every crate again, for minutes.
"""

from __future__ import annotations

import sys
import time

from gorust import experiments
from gorust.kernels import Kernel, KernelError, RustKernel
from gorust.part7 import binary_sizes
from gorust.reference import MEASURING_PARTS
from gorust.runs import kernels


def every_program() -> list[str]:
    """Every program folder the measuring chapters build, each once, in chapter order."""
    return list(dict.fromkeys(p for part in MEASURING_PARTS for p in experiments.programs(part)))


def has_program(kernel: Kernel, program: str) -> bool:
    try:
        kernel.source(program)
    except KernelError:
        return False
    return True


def build_all(programs: list[str]) -> list[tuple[str, str, float, bool]]:
    """Build each program in each language that has it: (language, program, seconds, cached)."""
    built = []
    for kernel in kernels():
        for program in programs:
            if not has_program(kernel, program):
                continue
            started = time.monotonic()
            print(f"  {kernel.language:<4} {program} …", end="", flush=True)
            build = kernel.build(program)
            seconds = time.monotonic() - started
            print(" cached" if build.cached else f" built in {seconds:.1f} s", flush=True)
            built.append((kernel.language, program, seconds, build.cached))
    return built


def main() -> int:
    started = time.monotonic()
    programs = every_program()
    print(f"Building {len(programs)} programs of Parts 1–7 in release mode (running none):")
    try:
        built = build_all(programs)
        print(f"  rust {binary_sizes.SERVICE} (Part 7, tuned for size) …", end="", flush=True)
        tuned_started = time.monotonic()
        binary_sizes.rust_tuned(RustKernel())
        print(f" done in {time.monotonic() - tuned_started:.1f} s", flush=True)
    except KernelError as error:
        print(f"✗ {error}", file=sys.stderr)
        return 1
    fresh = sum(not cached for *_, cached in built)
    print(
        f"✓ {len(built)} builds ({fresh} compiled, {len(built) - fresh} already cached) in "
        f"{time.monotonic() - started:.0f} s. Every chapter now starts measuring at once."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
