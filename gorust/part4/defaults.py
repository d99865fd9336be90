"""Experiment 7 — what each stack does by default: the two services as they were before they
were hardened to the strict contract (commit ``BASELINE``), and as they are now, each sent one
probe per category of the contract (gorust.part4.default_probes), and the lines it took to
harden each one (``git diff --numstat BASELINE``, the service's own files only).

The unhardened services are built from the repository's history: ``git archive BASELINE``
of the Go module and the Cargo workspace, extracted once into the course's cache. The Rust
package is renamed ``crud_api_default`` there, so that its binary never overwrites the current
service's in the shared target directory. A clone without that commit (a shallow one) cannot
run this experiment; ``BaselineMissing`` says so and how to fetch it.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gorust import commands, paths, postgres
from gorust.experiments import experiment
from gorust.kernels import GoKernel, Kernel, KernelError, RustKernel
from gorust.part4 import default_probes
from gorust.part4.common import CHAPTER, EXPERIMENT, POOL_SIZE, _row
from gorust.part4.default_probes import CASES, FROZEN, SLOW, STOPPED, Case, Target, frozen
from gorust.runs import kernels

# The last commit before the services were hardened to the strict contract.
BASELINE = "2c9e825"
DEFAULT, HARDENED = "default", "hardened"
RUST_DEFAULT_NAME = f"{EXPERIMENT}_default"
# What counts as the service's own files in the diff: its folder, and the manifests that
# declare its dependencies. Tests, the OpenAPI description and lock files do not count.
DIFFED = {
    "go": (f"code/go/{EXPERIMENT}", "code/go/go.mod"),
    "rust": (f"code/rust/{EXPERIMENT}", "code/rust/Cargo.toml"),
}
NOT_COUNTED = ("_test.go", ".lock", "go.sum", "openapi")


class BaselineMissing(KernelError):
    """The repository lacks the commit the unhardened services are built from."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=False, check=False
    )


def require_baseline(repo: Path = paths.REPO, commit: str | None = None) -> str:
    """The full id of ``commit`` (by default BASELINE), or BaselineMissing that says why it
    is not there."""
    commit = commit or BASELINE
    found = _git(repo, "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}")
    if found.returncode == 0:
        return found.stdout.decode().strip()
    shallow = _git(repo, "rev-parse", "--is-shallow-repository").stdout.decode().strip()
    why = (
        "this is a shallow clone; fetch the whole history with `git fetch --unshallow`"
        if shallow == "true"
        else "fetch the history that holds it (`git fetch origin`), or clone the repository whole"
    )
    raise BaselineMissing(
        f"The defaults experiment builds the unhardened services from commit {commit}, which "
        f"this repository ({repo}) does not have: {why}."
    )


def _extract(repo: Path, commit: str, target: Path) -> None:
    """``git archive`` of the Go module and the Cargo workspace at ``commit`` into ``target``,
    with the Rust package renamed."""
    archive = _git(repo, "archive", "--format=tar", commit, "code/go", "code/rust")
    if archive.returncode != 0:
        raise BaselineMissing(f"git archive {commit} failed: {archive.stderr.decode()[-1000:]}")
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    rust = target / "code" / "rust"
    (rust / EXPERIMENT).rename(rust / RUST_DEFAULT_NAME)
    for file, before in (
        (rust / RUST_DEFAULT_NAME / "Cargo.toml", f'name = "{EXPERIMENT}"'),
        (rust / "Cargo.toml", f'"{EXPERIMENT}"'),
        (rust / "Cargo.lock", f'name = "{EXPERIMENT}"\n'),
    ):
        text = file.read_text()
        if before not in text:
            raise KernelError(f"{file.name} at {commit} lacks {before!r}; cannot rename it")
        file.write_text(text.replace(before, before.replace(EXPERIMENT, RUST_DEFAULT_NAME), 1))


def baseline_tree(repo: Path = paths.REPO, commit: str | None = None) -> Path:
    """The Go module and Cargo workspace at ``commit`` (by default BASELINE), extracted once
    into the cache."""
    full = require_baseline(repo, commit)
    tree = paths.cache_dir() / "part4" / "defaults" / full[:12]
    if not (tree / ".complete").exists():
        tree.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f"{tree.name}.", dir=tree.parent))
        _extract(repo, full, staged)
        (staged / ".complete").touch()
        shutil.rmtree(tree, ignore_errors=True)
        staged.rename(tree)
    return tree


# Where a reader's pasted lines put the unhardened sources and programs.
PASTED_TREE = "_build/defaults"


def note_baseline_builds(go: Kernel, rust: Kernel, commit: str) -> None:
    """Journal how to build the unhardened services by hand: the sources from ``git archive``,
    each built in its own copy (Cargo into that copy's own target directory, as it stands at
    ``commit``, without the renaming this module does to share the kernels' target)."""
    extract = (
        f"mkdir -p {PASTED_TREE} && git archive {commit} code/go code/rust "
        f"| tar -x -C {PASTED_TREE} && mkdir -p _build/programs/default"
    )
    lines = {
        go: f"{extract} && go -C {PASTED_TREE}/code/go build -trimpath "
        f'-o "$PWD"/_build/programs/default/go_{EXPERIMENT} ./{EXPERIMENT}',
        rust: f"{extract} && cargo build --release --locked --manifest-path "
        f"{PASTED_TREE}/code/rust/Cargo.toml -p {EXPERIMENT} && cp "
        f"{PASTED_TREE}/code/rust/target/release/{EXPERIMENT} "
        f"_build/programs/default/rust_{EXPERIMENT}",
    }
    for kernel, line in lines.items():
        version = kernel.toolchain().version
        commands.note(commands.Command(kernel.language, version, "build", EXPERIMENT, line))


def default_kernels(tree: Path) -> tuple[tuple[Kernel, str], tuple[Kernel, str]]:
    """The kernels that build the unhardened services, with each one's program name."""
    go = GoKernel(root=tree / "code" / "go")
    rust = RustKernel(root=tree / "code" / "rust")
    return (go, EXPERIMENT), (rust, RUST_DEFAULT_NAME)


# -- Lines changed to harden ------------------------------------------------------------------
def _counted(path: str) -> bool:
    return not any(part in path for part in NOT_COUNTED) and "/tests/" not in path


def _kind(path: str) -> str:
    if path.endswith((".go", ".rs")):
        return "source"
    if path.endswith(".sql"):
        return "migration"
    return "manifest"


def hardening_lines(repo: Path = paths.REPO, commit: str | None = None) -> pd.DataFrame:
    """Per language and file: lines added and deleted since ``commit`` in the working tree
    (``git diff --numstat``), the service's own files only (not tests, the OpenAPI
    description or lock files; new files count once committed or staged)."""
    commit = commit or BASELINE
    require_baseline(repo, commit)
    go, rust = kernels()
    rows = []
    for kernel in (go, rust):
        out = _git(repo, "diff", "--numstat", commit, "--", *DIFFED[kernel.language])
        for line in out.stdout.decode().splitlines():
            added, deleted, path = line.split("\t", 2)
            if added == "-" or not _counted(path):  # a binary file, or not the service's
                continue
            rows.append(
                _row(
                    kernel.language,
                    kernel.toolchain().version,
                    path=path,
                    kind=_kind(path),
                    added=int(added),
                    deleted=int(deleted),
                    baseline=commit,
                )
            )
    return pd.DataFrame(rows)


# -- Probing the four services ----------------------------------------------------------------
def _probe(case: Case, target: Target, toolchain: str) -> dict[str, object]:
    answer, behaviour = case.probe(target)
    return _row(
        target.language,
        toolchain,
        build=target.build,
        case=case.name,
        category=case.category,
        expected=_expected(case),
        status=answer.status if answer.status is not None else -1,
        error_shape=answer.error_code is not None,
        seconds=round(answer.seconds, 3),
        meets_contract=case.meets(answer),
        behaviour=behaviour,
    )


def _expected(case: Case) -> str:
    if case.closes:
        return f"closed within {default_probes.SLOW_WINDOW_S:g} s"
    return f"{case.status} {case.code or ''}".strip()


def _at_once(case: Case, services: list) -> list[dict[str, object]]:
    """``case`` sent to every service at the same time: its waits overlap."""
    with ThreadPoolExecutor(len(services)) as pool:
        return list(pool.map(lambda service: _probe(case, *service), services))


def _services(pg: postgres.Cluster, tree: Path, stack: contextlib.ExitStack) -> list:
    """The four services, each on a database of its own: (target, toolchain)."""
    go, rust = kernels()
    builds = {
        DEFAULT: default_kernels(tree),
        HARDENED: ((go, EXPERIMENT), (rust, EXPERIMENT)),
    }
    started = []
    for build, pairs in builds.items():
        for kernel, program in pairs:
            database = f"defaults_{kernel.language}_{build}"
            env = {"DATABASE_URL": pg.create_database(database), "DB_MAX_CONNS": str(POOL_SIZE)}
            server = stack.enter_context(kernel.serve(program, env=env))
            target = Target(kernel.language, build, server.port, pg, database)
            started.append((target, kernel.toolchain().version))
    return started


def probe_services(tree: Path) -> pd.DataFrame:
    """Every case against the four services: the quick ones one by one, then those that wait
    (a slow client, PostgreSQL frozen, then stopped) sent to all four at once."""
    rows = []
    with postgres.cluster() as pg, contextlib.ExitStack() as stack:
        services = _services(pg, tree, stack)
        for case in CASES:
            rows += [_probe(case, target, toolchain) for target, toolchain in services]
        rows += _at_once(SLOW, services)
        with frozen(pg):
            rows += _at_once(FROZEN, services)
        pg.stop()
        rows += _at_once(STOPPED, services)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Defaults:
    """What the probes found (``defaults``) and the lines changed to harden
    (``hardening_lines``)."""

    probes: pd.DataFrame
    lines: pd.DataFrame

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {"defaults": self.probes, "hardening_lines": self.lines}

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> Defaults:
        return cls(tables["defaults"], tables["hardening_lines"])


@experiment(
    CHAPTER, programs=(EXPERIMENT,), tables=("defaults", "hardening_lines"), result=Defaults
)
def default_behaviour() -> Defaults:
    """The unhardened and the hardened services, probed case by case, and the diff between."""
    tree = baseline_tree()
    (go, _), (rust, _) = default_kernels(tree)
    note_baseline_builds(go, rust, require_baseline())
    return Defaults(probe_services(tree), hardening_lines())


# -- What the page shows ----------------------------------------------------------------------
def defaults_table(result: Defaults) -> pd.DataFrame:
    """One row per case: each service's behaviour, default and hardened, ✓ where it meets
    the strict contract."""
    probes = result.probes.copy()
    mark = probes.meets_contract.astype(bool).map({True: "✓ ", False: "✗ "})
    probes["answer"] = mark + probes.behaviour.astype(str)
    probes["column"] = probes.language.map({"go": "Go", "rust": "Rust"}) + " " + probes.build
    wide = probes.pivot_table(
        index=["case", "expected"], columns="column", values="answer", aggfunc="first", sort=False
    )
    order = [f"{lang} {build}" for lang in ("Go", "Rust") for build in (DEFAULT, HARDENED)]
    return wide[[c for c in order if c in wide]].reset_index()


def lines_table(result: Defaults) -> pd.DataFrame:
    """Lines changed to harden, per language and kind of file (added + deleted)."""
    lines = result.lines.assign(changed=result.lines.added + result.lines.deleted)
    return lines.groupby(["language", "kind"])[["added", "deleted", "changed"]].sum().reset_index()


def met_counts(probes: pd.DataFrame) -> pd.DataFrame:
    """Per language and build: cases that meet the contract, and cases probed."""
    met = probes.meets_contract.astype(bool)
    return (
        probes.assign(met=met)
        .groupby(["language", "build"])
        .met.agg(met="sum", cases="size")
        .reset_index()
    )
