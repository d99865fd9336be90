"""Experiment 1, the service's dependencies: what Go's `go list` and Cargo's `cargo tree` say
each service builds, recorded so that a replayed page shows the very modules and crates."""

from __future__ import annotations

import tempfile
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from gorust import builds, paths, provenance
from gorust.experiments import experiment
from gorust.part7 import journal
from gorust.part7.common import CHAPTER, SERVICE, TOOL_TIMEOUT_S
from gorust.part7.scratch import go_scratch_module, host_triple, rust_scratch_workspace
from gorust.runs import kernels

# The crates the article says a Rust service needs, and the async runtimes one might find.
ARTICLE_CRATES = ("tokio", "hyper", "serde", "reqwest")
ASYNC_RUNTIMES = ("tokio", "async-std", "smol", "async-executor", "glommio", "monoio")


@dataclass(frozen=True)
class Dependencies:
    language: str
    direct: tuple[str, ...]  # what the service itself declares or imports from outside std
    transitive: tuple[str, ...]  # every third-party module or crate that gets built
    std_packages: int  # Go: standard-library packages compiled in; Rust: 0 (std is prebuilt)
    module_requirements: tuple[str, ...] = ()  # Go: `go list -m all` of the service alone
    tokio_dependents: tuple[str, ...] = ()  # Rust: crates of the graph that depend on tokio
    runtimes: tuple[str, ...] = ()  # Rust: async runtimes found in the graph

    @classmethod
    def from_table(cls, table: pd.DataFrame, language: str) -> Dependencies:
        """One language's Dependencies from its rows of ``dependency_table`` (its inverse;
        entries keep their recorded order)."""
        mine = table[table.language == language].set_index("kind")
        values: dict[str, object] = {}
        for recorded in fields(cls)[1:]:
            row = mine.loc[recorded.name]
            if recorded.name == "std_packages":
                values[recorded.name] = int(row["count"])
            else:  # no entries: an empty string, which reads back as NaN
                names = row.names
                values[recorded.name] = tuple(names.split("; ")) if isinstance(names, str) else ()
        return cls(language, **values)  # type: ignore[arg-type]


def dependency_table(found: Sequence[Dependencies]) -> pd.DataFrame:
    """Tidy: one row per language and field of Dependencies (its count, and its entries
    joined by "; "), the way data/part4/dependencies.csv records Part 4's services."""
    rows = []
    for deps in found:
        for listed_field in fields(Dependencies)[1:]:
            value = getattr(deps, listed_field.name)
            listed = value if isinstance(value, tuple) else ()
            rows.append(
                {
                    "language": deps.language,
                    "kind": listed_field.name,
                    "count": len(value) if isinstance(value, tuple) else value,
                    "names": "; ".join(listed),
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ServiceDependencies:
    """Both services' dependencies; unpacks as ``go_deps, rust_deps``."""

    go: Dependencies
    rust: Dependencies
    # As saved: dependency_table with each row's toolchain and provenance.
    table: pd.DataFrame = field(compare=False, repr=False)

    def __iter__(self) -> Iterator[Dependencies]:
        return iter((self.go, self.rust))

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {"dependencies": self.table}

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> ServiceDependencies:
        table = tables["dependencies"]
        return cls(
            Dependencies.from_table(table, "go"), Dependencies.from_table(table, "rust"), table
        )


@experiment(CHAPTER, programs=(SERVICE,), tables=("dependencies",), result=ServiceDependencies)
def dependencies() -> ServiceDependencies:
    """Both services' dependencies (Go, Rust), as the tools listed them."""
    found = go_dependencies(), rust_dependencies()
    frame = dependency_table(found)
    versions = {kernel.language: kernel.toolchain().version for kernel in kernels()}
    frame["toolchain"] = frame.language.map(versions)
    return ServiceDependencies(*found, frame.assign(**provenance.host()))


def go_dependencies() -> Dependencies:
    """What the Go service builds: `go list -deps` in the course's module, and `go list -m all`
    of the service copied into a module of its own (the course's go.mod also lists the modules
    of other chapters, which the service does not import)."""
    go, _ = kernels()
    journal.note_go_dependencies(SERVICE, go.toolchain().version)
    env = builds.go_env(go, offline=False)
    template = "{{.ImportPath}}\t{{.Standard}}\t{{with .Module}}{{.Path}}{{end}}"
    listing = builds.go_list(
        go, ["-deps", f"./{SERVICE}"], template=template, module=paths.GO_MODULE, env=env
    )
    # Each line: import path, whether it is standard, and its module (none for std).
    entries = [[*line.split("\t"), "", ""][:3] for line in listing]
    std = [path for path, standard, _ in entries if standard == "true"]
    modules = sorted(
        {module for _, standard, module in entries if standard == "false"} - {"", "govsrust"}
    )
    with tempfile.TemporaryDirectory(prefix="gorust-part7-gomod-") as folder:
        module = go_scratch_module(go, Path(folder))
        argv = [go.toolchain().executable, "list", "-m", "all"]
        listed = builds.timed(argv, cwd=module, env=env, timeout_s=TOOL_TIMEOUT_S)
    requirements = tuple(line for line in listed.stdout.splitlines()[1:] if line.strip())
    return Dependencies("go", tuple(modules), tuple(modules), len(std), requirements)


def _cargo_tree(
    *, edges: str, package: str | None = None, invert: str | None = None, depth: int | None = None
) -> list[str]:
    """`cargo tree` of the service alone, one ``name version`` per line (duplicates removed),
    run in a scratch workspace with the service as its only member and the course's
    Cargo.lock, for this machine's platform. `cargo tree` resolves features exactly as
    `cargo build -p http_service` does. The options are gorust.builds.cargo_tree's."""
    _, rust = kernels()
    with tempfile.TemporaryDirectory(prefix="gorust-part7-tree-") as folder:
        workspace = rust_scratch_workspace(Path(folder))
        # Downloads whatever is missing; the versions are the Cargo.lock's. Not --locked: with
        # the service as the only member, Cargo may trim the other members' entries from it.
        builds.fetch_crates(rust, workspace)
        return builds.cargo_tree(
            rust,
            workspace=workspace,
            package=package,
            edges=edges,
            depth=depth,
            invert=invert,
            target=host_triple(rust),
            locked=False,
        )


def rust_dependencies() -> Dependencies:
    """What the Rust service builds: its direct dependencies, every crate a release build
    compiles (normal and build dependencies, not dev ones), and who uses tokio."""
    own = f"{SERVICE} "
    _, rust = kernels()
    journal.note_rust_dependencies(SERVICE, rust.toolchain().version, host_triple(rust))
    everything = _cargo_tree(package=SERVICE, edges="normal,build")
    direct = _cargo_tree(package=SERVICE, edges="normal", depth=1)
    tokio_users = _cargo_tree(invert="tokio", edges="normal,build", depth=1)
    transitive = sorted(entry for entry in everything if not entry.startswith(own))
    names = {entry.split()[0] for entry in transitive}
    return Dependencies(
        "rust",
        tuple(sorted(entry for entry in direct if not entry.startswith(own))),
        tuple(transitive),
        0,
        (),
        tuple(
            sorted(
                entry.split()[0] for entry in tokio_users if not entry.startswith(("tokio ", own))
            )
        ),
        tuple(name for name in ASYNC_RUNTIMES if name in names),
    )


def article_crates_found(rust_deps: Dependencies) -> list[str]:
    """Which of the article's four crates the Rust service's graph holds, in its order."""
    names = {entry.split()[0] for entry in rust_deps.transitive}
    return [name for name in ARTICLE_CRATES if name in names]


def dependency_lines(go_deps: Dependencies, rust_deps: Dependencies) -> list[str]:
    """The counts in words (deterministic for a given Go version and Cargo.lock)."""
    found = article_crates_found(rust_deps)
    return [
        "Go",
        f"  third-party modules imported:  {len(go_deps.direct)}",
        f"  third-party modules built:     {len(go_deps.transitive)}",
        f"  standard-library packages:     {go_deps.std_packages}",
        f"  `go list -m all`, service alone: {len(go_deps.module_requirements)} modules "
        "besides itself",
        "Rust",
        f"  direct dependencies:           {len(rust_deps.direct)} "
        f"({', '.join(e.split()[0] for e in rust_deps.direct)})",
        f"  crates built in all:           {len(rust_deps.transitive)}",
        f"  the article's four crates:     {len(found)} of {len(ARTICLE_CRATES)} "
        f"({', '.join(found)})",
        f"  async runtimes in the graph:   {', '.join(rust_deps.runtimes) or 'none'}",
        f"  crates that depend on tokio:   {len(rust_deps.tokio_dependents)}",
    ]


def crate_list(deps: Dependencies, width: int = 100) -> str:
    """Every crate the Rust service builds, name and version, as Cargo resolved them, in lines
    of at most ``width`` characters (one line was 19,000 px wide on the page)."""
    return "\n".join(textwrap.wrap(", ".join(deps.transitive), width, break_on_hyphens=False))
