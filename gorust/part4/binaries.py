"""Experiment 3 — what goes into the binary: each service's third-party dependencies, and
the size of its release binary as built and stripped, with the shared libraries it loads."""

from __future__ import annotations

import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile

from gorust import builds, charts
from gorust.experiments import experiment
from gorust.kernels import Build
from gorust.part4 import reproducing
from gorust.part4.common import (
    CHAPTER,
    EXPERIMENT,
    LANGUAGE_ORDER,
    _row,
    run_encodings,
    series,
    series_order,
    with_runs,
)
from gorust.runs import kernels

DEPENDENCY_KINDS = ("direct", "in the binary", "compiled to build it")


def _go_dependencies(build: Build) -> dict[str, list[str]]:
    """Go: the modules the service imports packages from, and every module linked in (which
    are the modules compiled to build it: Go has no build-time-only dependencies here)."""
    go = kernels()[0]
    env = builds.go_env(go)
    linked = builds.go_linked_modules(go, build.binary, env=env)
    imports = builds.go_list(
        go, [f"./{EXPERIMENT}"], template='{{join .Imports "\\n"}}', module=go.root, env=env
    )
    external = [p for p in imports if "." in p.split("/", 1)[0]]
    modules = builds.go_list(go, external, template="{{.Module.Path}}", module=go.root, env=env)
    by_path = {item.split()[0]: item for item in linked}
    direct = sorted({by_path.get(m, m) for m in modules})
    return {"direct": direct, "in the binary": linked, "compiled to build it": linked}


def _crates(edges: str, depth: int | None = None) -> list[str]:
    """``cargo tree`` of the service: every other crate once, as ``name version``, sorted."""
    rust = kernels()[1]
    entries = builds.cargo_tree(
        rust, workspace=rust.root, package=EXPERIMENT, edges=edges, depth=depth
    )
    found = {
        f"{name} {version.lstrip('v')}"
        for name, version in (entry.split() for entry in entries)
        if name != EXPERIMENT
    }
    return sorted(found)


def _note_dependency_commands() -> None:
    """The go and cargo questions the experiment asks, as a reader would type them."""
    go, rust = kernels()
    go_exe, cargo = "go", "cargo"  # as the journaled build lines name them
    version = go.toolchain().version
    note = reproducing.note_argv
    note(
        "go",
        version,
        [go_exe, "-C", go.root, "list", "-f", '{{join .Imports "\\n"}}', f"./{EXPERIMENT}"],
    )
    note("go", version, [go_exe, "version", "-m", f"_build/programs/go/{EXPERIMENT}"])
    tree = [cargo, "tree", "--offline", "--prefix", "none", "--locked", "-p", EXPERIMENT]
    tree += ["--manifest-path", rust.root / "Cargo.toml", "--format", "{p}"]
    for edges, depth in (
        ("normal", ["--depth", "1"]),
        ("normal,no-proc-macro", []),
        ("normal,build", []),
    ):
        note("cargo", rust.toolchain().version, [*tree, "-e", edges, *depth])


def _rust_dependencies() -> dict[str, list[str]]:
    return {
        "direct": _crates("normal", depth=1),
        "in the binary": _crates("normal,no-proc-macro"),
        "compiled to build it": _crates("normal,build"),
    }


@experiment(CHAPTER, programs=(EXPERIMENT,))
def dependencies() -> pd.DataFrame:
    """Third-party modules (Go) and crates (Rust) of each service, by how they are used."""
    go, rust = kernels()
    go_build = go.build(EXPERIMENT)
    _note_dependency_commands()
    rows = []
    for language, kernel, found in (
        ("go", go, _go_dependencies(go_build)),
        ("rust", rust, _rust_dependencies()),
    ):
        for kind in DEPENDENCY_KINDS:
            rows.append(
                _row(
                    language,
                    kernel.toolchain().version,
                    kind=kind,
                    count=len(found[kind]),
                    names="; ".join(found[kind]),
                )
            )
    return pd.DataFrame(rows)


def _needed(path: Path) -> list[str]:
    """The shared libraries an ELF binary names (DT_NEEDED)."""
    with path.open("rb") as handle:
        elf = ELFFile(handle)
        for section in elf.iter_sections():
            if isinstance(section, DynamicSection):
                return [t.needed for t in section.iter_tags() if t.entry.d_tag == "DT_NEEDED"]
    return []


@experiment(CHAPTER, programs=(EXPERIMENT,), tables=("binary_size",))
def binary_sizes() -> pd.DataFrame:
    """Release binary size as built and after `strip`; the shared libraries it needs."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="gorust-part4-strip-") as folder:
        for kernel in kernels():
            build = kernel.build(EXPERIMENT)
            stripped = Path(folder) / f"{kernel.language}-{EXPERIMENT}"
            reproducing.note_strip(kernel.language)
            stripped_bytes = builds.stripped_size(build.binary, stripped)
            libraries = ", ".join(_needed(build.binary)) or "none (statically linked)"
            for variant, size in (("as built", build.binary_bytes), ("stripped", stripped_bytes)):
                rows.append(
                    _row(
                        kernel.language,
                        build.toolchain,
                        variant=variant,
                        bytes=size,
                        shared_libraries=libraries,
                    )
                )
    return pd.DataFrame(rows)


def _dependencies_panel(deps: pd.DataFrame, reference: pd.DataFrame | None) -> alt.Chart:
    frame = with_runs(deps, reference)
    frame["series"] = series(frame, "Language")
    base = alt.Chart(frame).encode(
        y=alt.Y("kind:N", sort=list(DEPENDENCY_KINDS), title=None),
        yOffset=alt.YOffset("series:N", sort=series_order(LANGUAGE_ORDER)),
        x=alt.X("count:Q", title="third-party Go modules / Rust crates"),
        **run_encodings(frame),
    )
    bars = base.mark_bar().encode(
        color=charts.language_color(),
        tooltip=["Language", "kind", "count", *charts.run_tooltip()],
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(text="count:Q")
    return (bars + text).properties(width=260, height=alt.Step(16))


def binary_chart(
    deps: pd.DataFrame,
    sizes: pd.DataFrame,
    reference: tuple[pd.DataFrame | None, pd.DataFrame | None] | None = None,
) -> alt.Chart:
    """Dependencies (left) and the size of the binary they end up in (right); ``reference``:
    the reference's (dependencies, binary sizes), drawn faded under this machine's."""
    reference_deps, reference_sizes = reference or (None, None)
    frame = with_runs(sizes, reference_sizes)
    frame["MiB"] = frame.bytes / 2**20
    frame["series"] = series(frame, "Language")
    base = alt.Chart(frame).encode(
        y=alt.Y("variant:N", title=None),
        yOffset=alt.YOffset("series:N", sort=series_order(LANGUAGE_ORDER)),
        x=alt.X("MiB:Q", title="release binary (MiB)"),
        **run_encodings(frame),
    )
    tooltip = ["Language", "variant", alt.Tooltip("bytes:Q", format=","), "shared_libraries"]
    bars = base.mark_bar().encode(
        color=charts.language_color(), tooltip=[*tooltip, *charts.run_tooltip()]
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        text=alt.Text("MiB:Q", format=".1f")
    )
    size = (bars + text).properties(width=200, height=alt.Step(22))
    return alt.hconcat(_dependencies_panel(deps, reference_deps), size).properties(
        title=alt.Title(
            "Dependencies, and the binary they end up in",
            subtitle="Go: go list, go version -m; Rust: cargo tree. Binaries: go build "
            "-trimpath, cargo build --release, then GNU strip",
        ),
        description="Dependency counts and binary sizes of the Go and Rust services",
    )
