"""Part 4 — Developer Velocity: the same CRUD REST API on PostgreSQL in Gin + pgx and in
Axum + tokio + sqlx, held to one contract and then measured: code, dependencies, builds,
binaries, start-up, memory and load.

In replay mode (see gorust.replay) every experiment returns the table a real run recorded
in data/part4/ instead of starting PostgreSQL, a service, a compiler or a load generator."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
import requests
from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile

from gorust import charts, data, paths, postgres, provenance, replay, stats
from gorust.claims import Claim
from gorust.kernels import Build, KernelError
from gorust.process import current_rss_bytes, run_child
from gorust.profile import Profile, current_profile
from gorust.runs import kernels

CHAPTER = "part4"
EXPERIMENT = "crud_api"
CONTRACT = paths.CODE / "crud_api"
OPENAPI = CONTRACT / "openapi.yaml"
LOAD_SCRIPT = CONTRACT / "load.lua"
CONTRACT_TESTS = paths.REPO / "tests" / "test_part4_api.py"
# The service and its database on core 0, the load generator on core 1.
SERVER_CPUS, CLIENT_CPUS = "0", "1"
SEED_ROWS = 1_000
LOAD_CONNECTIONS = 16
POOL_SIZE = 10
SCHEMATHESIS_SEED = 20250101
IDLE_WAIT_S = 0.5
GO_SOURCES = paths.GO_MODULE / EXPERIMENT
RUST_SOURCES = paths.RUST_WORKSPACE / EXPERIMENT
LANGUAGE_ORDER = ["Go", "Rust"]


class ToolMissing(KernelError):
    """A program the chapter needs is not installed; the message says how to get it."""


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(
            f"Part 4 needs `{name}`, which is not on PATH. On Debian: `apt-get install {package}`."
        )
    return found


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    return charts.with_language_names(frame)


def migration_files() -> tuple[Path, Path]:
    """The schema each service embeds (they must be the same file)."""
    name = Path("migrations") / "001_users.sql"
    return GO_SOURCES / name, RUST_SOURCES / name


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a running process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _wait_ok(url: str, deadline_s: float = 30.0) -> None:
    """Poll ``url`` until it answers 200."""
    deadline = time.monotonic() + deadline_s
    with requests.Session() as http:
        while True:
            with contextlib.suppress(requests.ConnectionError):
                if http.get(url, timeout=5).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise KernelError(f"{url} did not answer 200 within {deadline_s:g} s")
            time.sleep(0.002)


def _row(language: str, toolchain: str, **values: object) -> dict[str, object]:
    return {"language": language, "toolchain": toolchain, **values, **provenance.host()}


# -- Experiment 1: one contract, two services ---------------------------------------------------
@dataclass(frozen=True)
class SchemathesisRun:
    exit_code: int
    generated: int
    passed: int
    output: str


def schemathesis_examples(profile: Profile | None = None) -> int:
    return (profile or current_profile()).pick(quick=20, full=200)


def schemathesis(base_url: str, *, max_examples: int | None = None) -> SchemathesisRun:
    """Run Schemathesis (every check it has) from the OpenAPI description against a server."""
    argv = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(OPENAPI),
        "--url",
        base_url,
        "--checks",
        "all",
        "--max-examples",
        str(max_examples or schemathesis_examples()),
        "--seed",
        str(SCHEMATHESIS_SEED),
        "--workers",
        "1",
        "--no-color",
    ]
    # In a scratch folder: Schemathesis keeps a cache in `.schemathesis/` of its working folder.
    with tempfile.TemporaryDirectory(prefix="gorust-part4-st-") as folder:
        finished = subprocess.run(
            argv, cwd=folder, capture_output=True, text=True, timeout=600, check=False
        )
    output = finished.stdout + finished.stderr
    if "No module named schemathesis" in output:
        raise ToolMissing("Part 4 needs Schemathesis: `pip install schemathesis`.")
    counts = re.search(r"(\d+) generated, (\d+) passed", output)
    generated, passed = (int(counts.group(1)), int(counts.group(2))) if counts else (0, 0)
    return SchemathesisRun(finished.returncode, generated, passed, output)


# The contract suite's tests, grouped for the chart (by test function name).
TEST_GROUPS = (
    (
        "create, read, list, update, delete",
        ("create_", "get_", "list_", "update_", "delete_", "health"),
    ),
    ("ids, routes, parameters", ("unknown_ids", "ids_that", "bad_page", "unknown_routes")),
    ("bad bodies change nothing", ("bad_bodies",)),
    (
        "limits, conflicts, SQL-like, Unicode",
        ("the_limits", "duplicate_email", "sql_injection", "unicode"),
    ),
    ("concurrent writes", ("concurrent_",)),
    ("migration, SIGTERM, config", ("two_instances", "a_missing_database", "both_services")),
    ("Schemathesis", ("schemathesis",)),
)


def _group(test: str) -> str:
    name = test.removeprefix("test_")
    for group, prefixes in TEST_GROUPS:
        if name.startswith(prefixes):
            return group
    return "other"


def _language_of(test_id: str) -> str:
    params = test_id.partition("[")[2].rstrip("]")
    for token in params.split("-"):
        if token in ("go", "rust"):
            return token
    return "both"


def contract(profile: Profile | None = None) -> pd.DataFrame:
    """Run the shared HTTP suite (tests/test_part4_api.py) and read back every test's outcome.

    The suite starts its own PostgreSQL and both services; pytest runs in a child process so
    that its result is exactly what ``make test`` sees.
    """
    if replay.active():
        return replay.recorded(CHAPTER, "contract")
    profile = profile or current_profile()
    go, rust = kernels()
    toolchains = {"go": go.toolchain().version, "rust": rust.toolchain().version, "both": ""}
    with tempfile.TemporaryDirectory(prefix="gorust-part4-") as folder:
        report = Path(folder) / "junit.xml"
        finished = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-o",
                "junit_family=xunit1",
                f"--junitxml={report}",
                str(CONTRACT_TESTS),
            ],
            cwd=paths.REPO,
            capture_output=True,
            text=True,
            timeout=1200,
            env={**os.environ, "GVR_PROFILE": profile.name},
            check=False,
        )
        if not report.exists():
            raise KernelError(f"The contract suite did not run:\n{finished.stdout[-3000:]}")
        rows = []
        for case in ET.parse(report).getroot().iter("testcase"):
            test_id = case.get("name", "")
            outcome = "passed"
            for tag in ("failure", "error", "skipped"):
                if case.find(tag) is not None:
                    outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[tag]
            properties = {
                p.get("name"): p.get("value") for p in case.iter("property") if p.get("name")
            }
            language = _language_of(test_id)
            rows.append(
                _row(
                    language,
                    toolchains[language],
                    test=test_id,
                    group=_group(test_id.partition("[")[0]),
                    outcome=outcome,
                    seconds=float(case.get("time", 0.0)),
                    schemathesis_generated=int(properties.get("schemathesis_generated", 0)),
                    schemathesis_passed=int(properties.get("schemathesis_passed", 0)),
                )
            )
    frame = pd.DataFrame(rows)
    frame.attrs["pytest_summary"] = finished.stdout.strip().splitlines()[-1:]
    data.save(frame, CHAPTER, "contract")
    return frame


def contract_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Tests per group and language: how many ran and how many passed."""
    named = frame.assign(
        Language=frame.language.map({"go": "Go", "rust": "Rust", "both": "both (no server)"})
    )
    order = [group for group, _ in TEST_GROUPS]
    table = (
        named.groupby(["group", "Language"], sort=False)
        .agg(tests=("outcome", "size"), passed=("outcome", lambda s: int((s == "passed").sum())))
        .reset_index()
    )
    table["rank"] = table.group.map({g: i for i, g in enumerate(order)})
    return table.sort_values(["rank", "Language"]).drop(columns="rank").reset_index(drop=True)


def contract_counts(frame: pd.DataFrame) -> str:
    """The suite's totals, in words (the same for every run that passes)."""
    lines = []
    for language, name in (("go", "Go"), ("rust", "Rust"), ("both", "no server")):
        part = frame[frame.language == language]
        passed = int((part.outcome == "passed").sum())
        lines.append(f"{name:<10} {passed:>3} of {len(part):>3} tests passed")
    return "\n".join(lines)


def schemathesis_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Requests Schemathesis generated from the description against each service."""
    fuzz = _named(frame[(frame.group == "Schemathesis") & frame.language.isin(["go", "rust"])])
    return fuzz.rename(
        columns={"schemathesis_generated": "cases generated", "schemathesis_passed": "passed"}
    )[["Language", "cases generated", "passed", "outcome"]].reset_index(drop=True)


def contract_chart(frame: pd.DataFrame) -> alt.Chart:
    table = contract_summary(frame)
    table = table[table.Language.isin(LANGUAGE_ORDER)].copy()
    table["failed"] = table.tests - table.passed
    order = [group for group, _ in TEST_GROUPS]
    bars = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
            yOffset=alt.YOffset("Language:N", sort=LANGUAGE_ORDER),
            x=alt.X("passed:Q", title="tests passed (of the same suite)"),
            color=charts.language_color(),
            tooltip=["group", "Language", "tests", "passed", "failed"],
        )
    )
    labels = (
        bars.mark_text(align="left", dx=3, fontSize=11)
        .encode(text=alt.Text("label:N"), color=alt.value("#333"))
        .transform_calculate(label="datum.passed + ' / ' + datum.tests")
    )
    return (bars + labels).properties(
        width=480,
        height=alt.Step(14),
        title=alt.Title(
            "One HTTP test suite, run against both services",
            subtitle="tests/test_part4_api.py on a real PostgreSQL; bars: passed / run",
        ),
        description="Contract tests passed per group by the Go and the Rust service",
    )


# -- Experiment 2: code ---------------------------------------------------------------------------
def _source_files(language: str) -> list[Path]:
    if language == "go":
        return sorted(GO_SOURCES.glob("*.go"))
    return sorted((RUST_SOURCES / "src").glob("*.rs"))


def source_lines() -> pd.DataFrame:
    """Blank, comment and code lines of each service's source files, counted by cloc."""
    if replay.active():
        return replay.recorded(CHAPTER, "source_lines")
    cloc = _tool("cloc", "cloc")
    version = subprocess.run([cloc, "--version"], capture_output=True, text=True).stdout.strip()
    go, rust = kernels()
    rows = []
    for language, kernel in (("go", go), ("rust", rust)):
        files = _source_files(language)
        out = subprocess.run(
            [cloc, "--json", "--by-file", "--quiet", *map(str, files)],
            capture_output=True,
            text=True,
            check=True,
        )
        counted = json.loads(out.stdout)
        for path in files:
            entry = counted[str(path)]
            rows.append(
                _row(
                    language,
                    kernel.toolchain().version,
                    file=str(path.relative_to(kernel.root)),
                    code=entry["code"],
                    comment=entry["comment"],
                    blank=entry["blank"],
                    counter=f"cloc {version}",
                )
            )
    frame = pd.DataFrame(rows)
    data.save(frame, CHAPTER, "source_lines")
    return frame


def source_lines_chart(lines: pd.DataFrame) -> alt.Chart:
    frame = _named(lines)
    totals = frame.groupby("Language").code.sum().reset_index()
    bars = (
        alt.Chart(frame)
        .mark_bar(stroke="white", strokeWidth=1.5)
        .encode(
            y=alt.Y("Language:N", sort=LANGUAGE_ORDER, title=None),
            x=alt.X("sum(code):Q", title="lines of code (cloc: no blanks, no comments)"),
            color=charts.language_color(),
            detail="file:N",
            tooltip=["Language", "file", "code", "comment", "blank"],
        )
    )
    names = (
        alt.Chart(frame)
        .mark_text(color="white", fontSize=11)
        .encode(
            y=alt.Y("Language:N", sort=LANGUAGE_ORDER),
            x=alt.X("sum(code):Q", stack="zero", bandPosition=0.5),
            detail="file:N",
            text="file:N",
        )
    )
    del names  # file names are in the tooltips; stacked labels collide at this width
    text = (
        alt.Chart(totals)
        .mark_text(align="left", dx=4, fontSize=12, fontWeight="bold")
        .encode(y=alt.Y("Language:N", sort=LANGUAGE_ORDER), x="code:Q", text="code:Q")
    )
    return (bars + text).properties(
        width=480,
        height=alt.Step(40),
        title=alt.Title(
            "Source lines of the two services",
            subtitle="one segment per source file (hover for names); the SQL migration and the "
            "manifests are not counted",
        ),
        description="Lines of code of the Go and Rust CRUD services",
    )


# What the article says the Rust version costs in reading and writing, counted in our code.
RUST_MARKERS = (
    ("named lifetimes ('a, 'de, ...)", r"'(?!static\b)[a-z_]+\b(?!')"),
    ("'static lifetimes", r"'static\b"),
    ("Box::pin", r"\bBox::pin\b"),
    ("explicit trait bounds (where / T: Trait)", r"\bwhere\b|<\s*[A-Z]\w*\s*:\s*\w+"),
    ("`impl Trait` arguments and results", r"[(<,:]\s*impl\s"),
    ("`.await` points", r"\.await\b"),
    ("`?` error propagations", r"\?(?=[;.),\s])"),
    ("#[derive] lines", r"#\[derive\("),
)
GO_MARKERS = (
    ("`err != nil` checks", r"\berr != nil\b"),
    ("other error checks (apiErr != nil, ...)", r"\b(?!err\b)\w+Err != nil\b"),
    ("goroutines started (`go` statements)", r"^\s*go\s"),
    ("struct tags", r"`(json|db):"),
    ("`defer` statements", r"^\s*defer\s"),
)


def _strip_strings(text: str) -> str:
    """The source with every "string" emptied and every // comment removed."""
    return re.sub(
        r'"(?:\\.|[^"\\])*"|//[^\n]*',
        lambda m: '""' if m.group(0).startswith('"') else "",
        text,
        flags=re.S,
    )


def code_markers() -> str:
    """Counts, in each service's source, of the constructs the article names."""
    lines = []
    for title, language, markers in (
        ("Rust (Axum + sqlx)", "rust", RUST_MARKERS),
        ("Go (Gin + pgx)", "go", GO_MARKERS),
    ):
        text = "\n".join(_strip_strings(p.read_text()) for p in _source_files(language))
        lines.append(title)
        for label, pattern in markers:
            lines.append(f"  {label:<45}{len(re.findall(pattern, text, re.M)):>4}")
    return "\n".join(lines)


# -- Experiment 3: dependencies -------------------------------------------------------------------
def _go_dependencies(build: Build) -> dict[str, list[str]]:
    go = kernels()[0]
    env = go.env
    info = subprocess.run(
        [go.toolchain().executable, "version", "-m", str(build.binary)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    linked = sorted(
        f"{parts[1]} {parts[2]}"
        for line in info.splitlines()
        if (parts := line.split()) and parts[0] == "dep"
    )
    imports = subprocess.run(
        [go.toolchain().executable, "list", "-f", '{{join .Imports "\\n"}}', f"./{EXPERIMENT}"],
        cwd=go.root,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    external = [p for p in imports if "." in p.split("/", 1)[0]]
    modules = subprocess.run(
        [go.toolchain().executable, "list", "-f", "{{.Module.Path}}", *external],
        cwd=go.root,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    by_path = {item.split()[0]: item for item in linked}
    direct = sorted({by_path.get(m, m) for m in modules})
    return {"direct": direct, "in the binary": linked, "compiled to build it": linked}


def _cargo_tree(edges: str, depth: int | None = None) -> list[str]:
    rust = kernels()[1]
    argv = [
        rust.toolchain().executable,
        "tree",
        "--locked",
        "--offline",
        "-p",
        EXPERIMENT,
        "-e",
        edges,
        "--prefix",
        "none",
        "--format",
        "{p}",
        "--color",
        "never",
    ]
    if depth is not None:
        argv += ["--depth", str(depth)]
    out = subprocess.run(
        argv, cwd=rust.root, capture_output=True, text=True, check=True, env=rust.env
    ).stdout
    found = set()
    for line in out.splitlines():
        line = line.replace("(*)", "").replace("(proc-macro)", "").strip()
        if not line or line.startswith(f"{EXPERIMENT} "):
            continue
        name, version = line.split()[:2]
        found.add(f"{name} {version.lstrip('v')}")
    return sorted(found)


def _rust_dependencies() -> dict[str, list[str]]:
    return {
        "direct": _cargo_tree("normal", depth=1),
        "in the binary": _cargo_tree("normal,no-proc-macro"),
        "compiled to build it": _cargo_tree("normal,build"),
    }


DEPENDENCY_KINDS = ("direct", "in the binary", "compiled to build it")


def dependencies() -> pd.DataFrame:
    """Third-party modules (Go) and crates (Rust) of each service, by how they are used."""
    if replay.active():
        return replay.recorded(CHAPTER, "dependencies")
    go, rust = kernels()
    go_build = go.build(EXPERIMENT)
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
    frame = pd.DataFrame(rows)
    data.save(frame, CHAPTER, "dependencies")
    return frame


def _dependencies_panel(deps: pd.DataFrame) -> alt.Chart:
    frame = _named(deps)
    base = alt.Chart(frame).encode(
        y=alt.Y("kind:N", sort=list(DEPENDENCY_KINDS), title=None),
        yOffset=alt.YOffset("Language:N", sort=LANGUAGE_ORDER),
        x=alt.X("count:Q", title="third-party Go modules / Rust crates"),
    )
    bars = base.mark_bar().encode(
        color=charts.language_color(), tooltip=["Language", "kind", "count"]
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(text="count:Q")
    return (bars + text).properties(width=260, height=alt.Step(16))


# -- Experiment 4: builds -------------------------------------------------------------------------
# The one-line handler change: the health handler's answer gains a field whose value is new
# on every build, so that no build cache can have seen it.
GO_EDIT = (
    'c.JSON(http.StatusOK, gin.H{"status": "ok"})',
    'c.JSON(http.StatusOK, gin.H{"status": "ok", "build": "TOKEN"})',
)
RUST_EDIT = (
    'Ok(Json(json!({ "status": "ok" })))',
    'Ok(Json(json!({ "status": "ok", "build": "TOKEN" })))',
)
GO_EDITED_FILE = Path(EXPERIMENT) / "handlers.go"
RUST_EDITED_FILE = Path(EXPERIMENT) / "src" / "api.rs"
RUST_SCRATCH_NAME = "crud_api_rebuild"
LOCK_WAIT = "Blocking waiting for file lock"


def _edited(text: str, edit: tuple[str, str], token: str) -> str:
    original, changed = edit
    if original not in text:
        raise KernelError(f"The line to change is not in the source any more: {original!r}")
    return text.replace(original, changed.replace("TOKEN", token), 1)


def _go_env(**extra: str) -> dict[str, str]:
    return {**kernels()[0].env, "GOTOOLCHAIN": "local", "GOPROXY": "off", **extra}


def _timed(argv: Sequence[str], *, cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    finished = run_child(list(argv), env=env, cwd=cwd, timeout_s=3600)
    elapsed = time.perf_counter() - started
    if finished.exit_code != 0:
        raise KernelError(f"`{' '.join(argv)}` failed:\n{finished.stderr[-3000:]}")
    return elapsed, finished.stderr


def _go_rebuilds(samples: int) -> list[dict[str, object]]:
    go = kernels()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="gorust-part4-go-") as folder:
        root = Path(folder) / "go"
        shutil.copytree(go.root, root)
        binary = Path(folder) / EXPERIMENT
        argv = [
            go.toolchain().executable,
            "build",
            "-trimpath",
            "-o",
            str(binary),
            f"./{EXPERIMENT}",
        ]
        _timed(argv, cwd=root, env=_go_env())  # the unchanged program: warm caches, untimed
        source = root / GO_EDITED_FILE
        original = source.read_text()
        for sample in range(samples):
            source.write_text(_edited(original, GO_EDIT, uuid.uuid4().hex))
            seconds, _ = _timed(argv, cwd=root, env=_go_env())
            rows.append(
                _row(
                    "go",
                    go.toolchain().version,
                    build="incremental",
                    sample=sample,
                    seconds=seconds,
                    note="one-line handler change",
                )
            )
    return rows


def _rust_scratch() -> Path:
    """A copy of the workspace in which crud_api is renamed, kept between runs.

    It builds into the kernels' own target directory: its dependencies are the very
    artifacts the kernel compiled, and under its own name it never overwrites the kernel's
    binary. Files are rewritten only when the repository's differ, so that Cargo's
    fingerprints stay fresh from one run to the next.
    """
    rust = kernels()[1]
    scratch = paths.cache_dir() / "part4" / "rebuild" / "rust"
    wanted: dict[Path, bytes] = {}
    for path in rust.root.rglob("*"):
        relative = path.relative_to(rust.root)
        if path.is_file() and relative.parts[0] != "target":
            wanted[relative] = path.read_bytes()
    manifest = Path(EXPERIMENT) / "Cargo.toml"
    wanted[manifest] = wanted[manifest].replace(
        f'name = "{EXPERIMENT}"'.encode(), f'name = "{RUST_SCRATCH_NAME}"'.encode(), 1
    )
    lock = Path("Cargo.lock")
    wanted[lock] = wanted[lock].replace(
        f'name = "{EXPERIMENT}"\n'.encode(), f'name = "{RUST_SCRATCH_NAME}"\n'.encode(), 1
    )
    token = re.compile(rb', "build": "[0-9a-f]+"')
    for relative, content in wanted.items():
        target = scratch / relative
        if target.exists():
            current = target.read_bytes()
            if relative == RUST_EDITED_FILE:
                current = token.sub(b"", current)
            if current == content:
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return scratch


def _cargo_env() -> dict[str, str]:
    rust = kernels()[1]
    return {
        **rust.env,
        "CARGO_TARGET_DIR": str(rust.target_dir),
        "CARGO_TERM_PROGRESS_WHEN": "never",
    }


def _rust_rebuilds(samples: int) -> list[dict[str, object]]:
    rust = kernels()[1]
    rust.build(EXPERIMENT)  # the dependencies, compiled once by the kernel
    scratch = _rust_scratch()
    argv = [
        rust.toolchain().executable,
        "build",
        "--release",
        "--offline",
        "--color",
        "never",
        "-p",
        RUST_SCRATCH_NAME,
    ]
    _timed(argv, cwd=scratch, env=_cargo_env())  # bring the copy up to date, untimed
    source = scratch / RUST_EDITED_FILE
    original = re.sub(r', "build": "[0-9a-f]+"', "", source.read_text())
    rows = []
    for sample in range(samples):
        for _attempt in range(3):
            source.write_text(_edited(original, RUST_EDIT, uuid.uuid4().hex))
            seconds, stderr = _timed(argv, cwd=scratch, env=_cargo_env())
            if LOCK_WAIT not in stderr:
                break  # another build held Cargo's lock: that sample waited, take it again
        rows.append(
            _row(
                "rust",
                rust.toolchain().version,
                build="incremental",
                sample=sample,
                seconds=seconds,
                note="one-line handler change",
            )
        )
    return rows


def rebuild_samples(profile: Profile) -> int:
    """Rebuilds timed per language: two in the quick profile (a Rust rebuild takes seconds
    on two cores, and the quick profile's budget is 90 s), the profile's repetitions in full."""
    return profile.pick(quick=2, full=profile.repetitions)


def rebuilds(profile: Profile | None = None) -> pd.DataFrame:
    """Release rebuild time after a one-line change to one handler, in a copy of the code."""
    if replay.active():
        frame = replay.recorded(CHAPTER, "rebuild")
        frame["when"] = _recorded_when(frame)  # not "measured in this run" (build_summary)
        return frame
    profile = profile or current_profile()
    samples = rebuild_samples(profile)
    frame = pd.DataFrame([*_go_rebuilds(samples), *_rust_rebuilds(samples)])
    data.save(frame, CHAPTER, "rebuild")
    return frame


def _cold_go(sample: int) -> dict[str, object]:
    go = kernels()[0]
    exe = go.toolchain().executable
    with tempfile.TemporaryDirectory(prefix="gorust-part4-gocache-") as folder:
        env = _go_env(GOCACHE=str(Path(folder) / "cache"))
        std = subprocess.run(
            [
                exe,
                "list",
                "-deps",
                "-f",
                "{{if .Standard}}{{.ImportPath}}{{end}}",
                f"./{EXPERIMENT}",
            ],
            cwd=go.root,
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.split()
        # Rust ships its standard library compiled; Go compiles it into the build cache.
        # Compile the standard packages the service uses first, untimed, to compare alike.
        _timed([exe, "build", "-trimpath", *std], cwd=go.root, env=env)
        seconds, _ = _timed(
            [exe, "build", "-trimpath", "-o", str(Path(folder) / EXPERIMENT), f"./{EXPERIMENT}"],
            cwd=go.root,
            env=env,
        )
    return _row(
        "go",
        go.toolchain().version,
        build="cold",
        sample=sample,
        seconds=seconds,
        note="empty build cache; standard library compiled beforehand, untimed",
    )


def _cold_rust(sample: int) -> dict[str, object]:
    rust = kernels()[1]
    with tempfile.TemporaryDirectory(prefix="gorust-part4-target-") as folder:
        env = {**_cargo_env(), "CARGO_TARGET_DIR": folder}
        seconds, _ = _timed(
            [
                rust.toolchain().executable,
                "build",
                "--release",
                "--locked",
                "--offline",
                "--color",
                "never",
                "-p",
                EXPERIMENT,
            ],
            cwd=rust.root,
            env=env,
        )
    return _row(
        "rust",
        rust.toolchain().version,
        build="cold",
        sample=sample,
        seconds=seconds,
        note="empty target directory; crate sources already downloaded",
    )


def measure_cold_builds(samples: int) -> pd.DataFrame:
    """Cold release builds in throwaway caches (minutes on two cores); saved for later runs."""
    rows = []
    for sample in range(samples):
        rows += [_cold_go(sample), _cold_rust(sample)]
    frame = pd.DataFrame(rows)
    data.save(frame, CHAPTER, "cold_build")
    return frame


def cold_builds(profile: Profile | None = None) -> pd.DataFrame:
    """Cold builds: measured now in the full profile (three each), else the last measurement.

    A cold build of the Rust service takes minutes, more than the quick profile's whole
    budget. The quick profile therefore shows the last cold builds recorded in
    data/part4/cold_build.csv, each labelled with when and in which profile it was measured
    (`python -m gorust.part4 cold-builds` measures them again); it measures them itself only
    when no record exists. Replay mode shows the recorded ones in every profile.
    """
    profile = profile or current_profile()
    measure = profile.name == "full" or not replay.has_recording(CHAPTER, "cold_build")
    if measure and not replay.active():
        frame = measure_cold_builds(profile.pick(quick=1, full=3))
        frame["when"] = "measured in this run"
        return frame
    # Replay shows the recorded builds in any profile (and says it needs them if missing).
    frame = replay.recorded(CHAPTER, "cold_build")
    if not replay.active():
        # The live results hold every table the page shows, these reused ones too (their rows
        # keep the provenance of the run that measured them).
        data.save(frame, CHAPTER, "cold_build")
    frame["when"] = _recorded_when(frame)
    return frame


def _recorded_when(frame: pd.DataFrame) -> list[str]:
    """For each row of a recorded table: when, in which profile and at which commit."""
    return [
        f"recorded {at[:10]}, {prof} profile, commit {commit}"
        for at, prof, commit in zip(frame.measured_at, frame.profile, frame.commit, strict=True)
    ]


def build_times_chart(rebuild: pd.DataFrame, cold: pd.DataFrame) -> alt.Chart:
    frame = _named(pd.concat([rebuild, cold[rebuild.columns.intersection(cold.columns)]]))
    frame["what"] = frame.build.map(
        {"cold": "cold build (empty caches)", "incremental": "rebuild after a one-line change"}
    )
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "what:N",
            title=None,
            sort=["cold build (empty caches)"],
            axis=alt.Axis(labelLimit=300),
        ),
        yOffset=alt.YOffset("Language:N", sort=LANGUAGE_ORDER),
        color=charts.language_color(),
    )
    points = base.mark_point(filled=True, size=60, opacity=0.8).encode(
        x=alt.X(
            "seconds:Q",
            scale=alt.Scale(type="log"),
            title="seconds (log scale)",
            axis=alt.Axis(values=[0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]),
        ),
        tooltip=["Language", "what", alt.Tooltip("seconds:Q", format=".1f"), "note"],
    )
    medians = base.mark_tick(thickness=3, size=14).encode(x="median(seconds):Q")
    return (points + medians).properties(
        width=480,
        height=alt.Step(22),
        title=alt.Title(
            "Release build times of the two services",
            subtitle="dots: single builds; ticks: medians. Cold builds labelled with when they "
            "were measured (see the table)",
        ),
        description="Cold and incremental release build times, Go and Rust",
    )


def build_summary(rebuild: pd.DataFrame, cold: pd.DataFrame) -> pd.DataFrame:
    cols = ["language", "build", "seconds"]
    # Rebuilds are measured in every live run; a replayed one says when it was recorded.
    ran = rebuild[cols].assign(when=rebuild.get("when", "measured in this run"))
    both = pd.concat([ran, cold[[*cols, "when"]]])
    return (
        both.groupby(["language", "build", "when"], sort=False)
        .seconds.agg(median="median", min="min", max="max", builds="size")
        .reset_index()
    )


# -- Experiment 5: binaries -----------------------------------------------------------------------
def _needed(path: Path) -> list[str]:
    with path.open("rb") as handle:
        elf = ELFFile(handle)
        for section in elf.iter_sections():
            if isinstance(section, DynamicSection):
                return [t.needed for t in section.iter_tags() if t.entry.d_tag == "DT_NEEDED"]
    return []


def binary_sizes() -> pd.DataFrame:
    """Release binary size as built and after `strip`; the shared libraries it needs."""
    if replay.active():
        return replay.recorded(CHAPTER, "binary_size")
    strip = _tool("strip", "binutils")
    rows = []
    with tempfile.TemporaryDirectory(prefix="gorust-part4-strip-") as folder:
        for kernel in kernels():
            build = kernel.build(EXPERIMENT)
            stripped = Path(folder) / f"{kernel.language}-{EXPERIMENT}"
            shutil.copy2(build.binary, stripped)
            subprocess.run([strip, str(stripped)], check=True)
            libraries = ", ".join(_needed(build.binary)) or "none (statically linked)"
            for variant, path in (("as built", build.binary), ("stripped", stripped)):
                rows.append(
                    _row(
                        kernel.language,
                        build.toolchain,
                        variant=variant,
                        bytes=path.stat().st_size,
                        shared_libraries=libraries,
                    )
                )
    frame = pd.DataFrame(rows)
    data.save(frame, CHAPTER, "binary_size")
    return frame


def binary_chart(deps: pd.DataFrame, sizes: pd.DataFrame) -> alt.Chart:
    """Dependencies (left) and the size of the binary they end up in (right)."""
    frame = _named(sizes)
    frame["MiB"] = frame.bytes / 2**20
    base = alt.Chart(frame).encode(
        y=alt.Y("variant:N", title=None),
        yOffset=alt.YOffset("Language:N", sort=LANGUAGE_ORDER),
        x=alt.X("MiB:Q", title="release binary (MiB)"),
    )
    bars = base.mark_bar().encode(
        color=charts.language_color(),
        tooltip=["Language", "variant", alt.Tooltip("bytes:Q", format=","), "shared_libraries"],
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        text=alt.Text("MiB:Q", format=".1f")
    )
    size = (bars + text).properties(width=200, height=alt.Step(22))
    return alt.hconcat(_dependencies_panel(deps), size).properties(
        title=alt.Title(
            "Dependencies, and the binary they end up in",
            subtitle="Go: go list, go version -m; Rust: cargo tree. Binaries: go build "
            "-trimpath, cargo build --release, then GNU strip",
        ),
        description="Dependency counts and binary sizes of the Go and Rust services",
    )


# -- Experiment 6: start-up and idle memory -------------------------------------------------
def startup(profile: Profile | None = None) -> pd.DataFrame:
    """Time from exec to the first successful query, and resident memory once idle.

    Each start gets a fresh database, so every start applies the migration for real.
    """
    if replay.active():
        return replay.recorded(CHAPTER, "startup")
    profile = profile or current_profile()
    go, rust = kernels()
    for kernel in (go, rust):
        kernel.build(EXPERIMENT)
    rows = []
    with postgres.cluster() as pg:
        for repetition in range(profile.repetitions):
            for kernel in (go, rust) if repetition % 2 == 0 else (rust, go):
                database = f"start_{kernel.language}_{repetition}"
                url = pg.create_database(database)
                started = time.perf_counter()
                with kernel.serve(EXPERIMENT, env={"DATABASE_URL": url}) as server:
                    port_line_s = time.perf_counter() - started
                    _wait_ok(f"http://127.0.0.1:{server.port}/users?limit=1")
                    ready_s = time.perf_counter() - started
                    time.sleep(IDLE_WAIT_S)
                    pid = server.pid
                    idle_rss = current_rss_bytes(pid)
                    threads = int(
                        re.search(
                            r"Threads:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()
                        ).group(1)
                    )
                stopped = server.stop()
                pg.drop_database(database)
                rows.append(
                    _row(
                        kernel.language,
                        stopped.build.toolchain,
                        repetition=repetition,
                        port_line_s=port_line_s,
                        ready_s=ready_s,
                        idle_rss_bytes=idle_rss,
                        threads=threads,
                        exit_code=stopped.exit_code,
                    )
                )
    frame = pd.DataFrame(rows)
    data.save(frame, CHAPTER, "startup")
    return frame


def startup_chart(start: pd.DataFrame) -> alt.Chart:
    frame = _named(start)
    frame["ready_ms"] = frame.ready_s * 1e3
    frame["idle_rss_mib"] = frame.idle_rss_bytes / 2**20

    def panel(field: str, title: str) -> alt.Chart:
        base = alt.Chart(frame).encode(
            y=alt.Y("Language:N", sort=LANGUAGE_ORDER, title=None),
            color=charts.language_color(),
        )
        dots = base.mark_point(filled=True, size=60, opacity=0.7).encode(
            x=alt.X(f"{field}:Q", title=title, scale=alt.Scale(zero=True)),
            tooltip=["Language", "repetition", alt.Tooltip(f"{field}:Q", format=".2f")],
        )
        ticks = base.mark_tick(thickness=3, size=24).encode(x=f"median({field}):Q")
        return (dots + ticks).properties(width=250, height=alt.Step(40))

    return alt.hconcat(
        panel("ready_ms", "start to first successful query (ms)"),
        panel("idle_rss_mib", "resident memory when idle (MiB)"),
    ).properties(
        title=alt.Title(
            "Start-up and idle memory",
            subtitle="fresh database each start (the migration runs); dots: starts, ticks: medians",
        ),
        description="Time to ready and idle RSS of the Go and Rust services",
    )


# -- Experiment 7: load ---------------------------------------------------------------------------
TEMPLATE_DATABASE = "load_template"
SCENARIOS = ("read", "mixed")


def _seed_template(pg: postgres.Cluster) -> None:
    pg.create_database(TEMPLATE_DATABASE)
    pg.sql(migration_files()[0].read_text(), TEMPLATE_DATABASE)
    pg.sql(
        "INSERT INTO users (email, name) SELECT 'user' || g || '@example.com', 'User ' || g "
        f"FROM generate_series(1, {SEED_ROWS}) AS g",
        TEMPLATE_DATABASE,
    )


def _wrk(port: int, seconds: float, scenario: str, tag: str) -> dict[str, float]:
    wrk = _tool("wrk", "wrk")
    argv = [
        _tool("taskset", "util-linux"),
        "-c",
        CLIENT_CPUS,
        wrk,
        "-t1",
        f"-c{LOAD_CONNECTIONS}",
        f"-d{seconds:g}s",
        "--timeout",
        "5s",
        "-s",
        str(LOAD_SCRIPT),
        f"http://127.0.0.1:{port}",
        "--",
        str(SEED_ROWS),
        scenario,
        tag,
    ]
    finished = run_child(argv, cwd=CONTRACT, timeout_s=seconds + 30)
    if finished.exit_code != 0 or finished.timed_out:
        raise KernelError(f"wrk failed (exit {finished.exit_code}):\n{finished.stderr[-2000:]}")
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise KernelError(f"wrk printed no summary:\n{finished.stdout[-2000:]}")
    return json.loads(lines[-1])


def _warm_up(port: int) -> None:
    """Open the service's pool connections and touch the data before the measured run."""

    def get(i: int) -> None:
        with requests.Session() as http:
            for j in range(10):
                http.get(f"http://127.0.0.1:{port}/users/{(i * 10 + j) % SEED_ROWS + 1}", timeout=5)

    with ThreadPoolExecutor(LOAD_CONNECTIONS) as pool:
        list(pool.map(get, range(LOAD_CONNECTIONS)))


def load_settings(profile: Profile | None = None) -> dict[str, float]:
    profile = profile or current_profile()
    return {
        "seconds": profile.pick(quick=2, full=15),
        "connections": LOAD_CONNECTIONS,
        "pool": POOL_SIZE,
        "rows": SEED_ROWS,
    }


@dataclass(frozen=True)
class LoadVariant:
    language: str
    label: str
    env: tuple[tuple[str, str], ...] = ()
    default: bool = True  # the libraries' default configuration

    def scenarios(self, profile: Profile) -> tuple[str, ...]:
        """The tuned variant runs only the read workload in the quick profile (time budget)."""
        return SCENARIOS if self.default else profile.pick(quick=("read",), full=SCENARIOS)


# sqlx's pool pings a connection every time it hands one out (`test_before_acquire`, on by
# default); pgxpool pings only connections that sat idle for over a second. The third variant
# is the same Rust service with that ping switched off, as sqlx's documentation allows.
LOAD_VARIANTS = (
    LoadVariant("go", "Go: Gin + pgx"),
    LoadVariant("rust", "Rust: Axum + sqlx"),
    LoadVariant(
        "rust",
        "Rust: sqlx without ping on acquire",
        (("DB_TEST_BEFORE_ACQUIRE", "false"),),
        default=False,
    ),
)
VARIANT_ORDER = [v.label for v in LOAD_VARIANTS]


def load(profile: Profile | None = None) -> pd.DataFrame:
    """wrk against each service variant, read-heavy and mixed, pinned apart, repeated.

    Runs with the libraries' defaults are saved to data/part4/load.csv, the tuned variant to
    data/part4/load_tuned.csv; the frame returned holds both, told apart by ``variant``.
    """
    if replay.active():
        return _recorded_load()
    profile = profile or current_profile()
    settings = load_settings(profile)
    go, rust = kernels()
    kernel_of = {"go": go, "rust": rust}
    for kernel in (go, rust):
        kernel.build(EXPERIMENT)
    rows = []
    with postgres.cluster(cpus=SERVER_CPUS) as pg:
        _seed_template(pg)
        for repetition in range(profile.repetitions):
            for scenario in SCENARIOS:
                order = LOAD_VARIANTS if repetition % 2 == 0 else LOAD_VARIANTS[::-1]
                for number, variant in enumerate(order):
                    if scenario not in variant.scenarios(profile):
                        continue
                    kernel = kernel_of[variant.language]
                    database = f"load_{scenario}_{repetition}_{number}"
                    url = pg.create_database(database, template=TEMPLATE_DATABASE)
                    env = {"DATABASE_URL": url, "DB_MAX_CONNS": str(POOL_SIZE), **dict(variant.env)}
                    with kernel.serve(EXPERIMENT, env=env, cpus=SERVER_CPUS) as server:
                        pid = server.pid
                        _warm_up(server.port)
                        cpu_before = cpu_seconds(pid)
                        result = _wrk(server.port, settings["seconds"], scenario, f"r{repetition}")
                        cpu_used = cpu_seconds(pid) - cpu_before
                        rss_after = current_rss_bytes(pid)
                    stopped = server.stop()
                    pg.drop_database(database)
                    seconds = result["duration_us"] / 1e6
                    rows.append(
                        _row(
                            kernel.language,
                            stopped.build.toolchain,
                            variant=variant.label,
                            default_config=variant.default,
                            scenario=scenario,
                            repetition=repetition,
                            **result,
                            requests_per_s=result["requests"] / seconds,
                            errors=sum(v for k, v in result.items() if k.startswith("errors_")),
                            server_cpu_s=cpu_used,
                            cpu_us_per_request=cpu_used / max(result["requests"], 1) * 1e6,
                            rss_after_load_bytes=rss_after,
                            peak_rss_bytes=stopped.peak_rss_bytes,
                            connections=settings["connections"],
                            pool=settings["pool"],
                        )
                    )
    frame = pd.DataFrame(rows)
    data.save(frame[frame.default_config], CHAPTER, "load")
    data.save(frame[~frame.default_config], CHAPTER, "load_tuned")
    return frame


def _recorded_load() -> pd.DataFrame:
    """The frame load() returned when it recorded load.csv and load_tuned.csv, rows in the
    order they ran: by repetition and workload, the variants forwards on even repetitions and
    backwards on odd ones (the frame's order is what the chart's data and a rerun see)."""
    frame = pd.concat(
        [replay.recorded(CHAPTER, "load"), replay.recorded(CHAPTER, "load_tuned")],
        ignore_index=True,
    )
    variant_rank = frame.variant.map({label: i for i, label in enumerate(VARIANT_ORDER)})
    order = pd.DataFrame(
        {
            "repetition": frame.repetition,
            "scenario": frame.scenario.map({name: i for i, name in enumerate(SCENARIOS)}),
            "variant": variant_rank.where(frame.repetition % 2 == 0, -variant_rank),
        }
    )
    ran = order.sort_values(list(order.columns), kind="stable").index
    return frame.loc[ran].reset_index(drop=True)


def load_summary(runs: pd.DataFrame) -> pd.DataFrame:
    frame = runs.assign(variant=pd.Categorical(runs.variant, VARIANT_ORDER, ordered=True))
    return (
        frame.groupby(["scenario", "variant"], sort=False, observed=True)
        .agg(
            rps=("requests_per_s", "median"),
            rps_min=("requests_per_s", "min"),
            rps_max=("requests_per_s", "max"),
            p50_ms=("latency_p50_us", lambda s: s.median() / 1e3),
            p99_ms=("latency_p99_us", lambda s: s.median() / 1e3),
            p999_ms=("latency_p999_us", lambda s: s.median() / 1e3),
            max_ms=("latency_max_us", lambda s: s.median() / 1e3),
            cpu_us_per_request=("cpu_us_per_request", "median"),
            peak_rss_mib=("peak_rss_bytes", lambda s: s.median() / 2**20),
            errors=("errors", "sum"),
            runs=("requests", "size"),
        )
        .reset_index()
        .sort_values(
            ["scenario", "variant"],
            key=lambda s: s.map({name: i for i, name in enumerate([*SCENARIOS, *VARIANT_ORDER])}),
        )
        .reset_index(drop=True)
    )


def load_chart(runs: pd.DataFrame) -> alt.Chart:
    frame = _named(runs)
    variant = alt.Shape(
        "variant:N",
        sort=VARIANT_ORDER,
        scale=alt.Scale(domain=VARIANT_ORDER, range=["circle", "circle", "diamond"]),
        legend=None,
    )
    base = alt.Chart(frame).encode(
        y=alt.Y("scenario:N", sort=list(SCENARIOS), title=None),
        yOffset=alt.YOffset("variant:N", sort=VARIANT_ORDER),
        color=charts.language_color(),
        shape=variant,
    )
    rps = (
        base.mark_point(filled=True, size=60, opacity=0.7).encode(
            x=alt.X("requests_per_s:Q", title="requests per second (one core)"),
            tooltip=[
                "variant",
                "scenario",
                "repetition",
                alt.Tooltip("requests_per_s:Q", format=",.0f"),
                alt.Tooltip("cpu_us_per_request:Q", title="service CPU µs/request", format=".1f"),
            ],
        )
        + base.mark_tick(thickness=3, size=10).encode(x="median(requests_per_s):Q")
    ).properties(width=250, height=alt.Step(14))
    long = frame.melt(
        id_vars=["Language", "variant", "scenario", "repetition"],
        value_vars=[
            "latency_p50_us",
            "latency_p90_us",
            "latency_p99_us",
            "latency_p999_us",
            "latency_max_us",
        ],
        var_name="percentile",
        value_name="us",
    )
    long["percentile"] = long.percentile.map(
        {
            "latency_p50_us": "p50",
            "latency_p90_us": "p90",
            "latency_p99_us": "p99",
            "latency_p999_us": "p99.9",
            "latency_max_us": "max",
        }
    )
    long["ms"] = long.us / 1e3
    medians = (
        long.groupby(["Language", "variant", "scenario", "percentile"], sort=False)
        .ms.median()
        .reset_index()
    )
    latency = (
        alt.Chart(medians)
        .mark_line(point=alt.OverlayMarkDef(size=40, filled=True))
        .encode(
            x=alt.X(
                "percentile:N",
                sort=["p50", "p90", "p99", "p99.9", "max"],
                title=None,
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("ms:Q", scale=alt.Scale(type="log"), title="latency (ms, log scale)"),
            color=charts.language_color(),
            shape=variant,
            strokeDash=alt.StrokeDash(
                "variant:N",
                sort=VARIANT_ORDER,
                scale=alt.Scale(domain=VARIANT_ORDER, range=[[1, 0], [1, 0], [5, 3]]),
                legend=alt.Legend(title=None, orient="bottom", symbolType="stroke"),
            ),
            tooltip=["variant", "scenario", "percentile", alt.Tooltip("ms:Q", format=".2f")],
        )
        .properties(width=190, height=200)
        .facet(
            column=alt.Column(
                "scenario:N",
                sort=list(SCENARIOS),
                title=None,
                header=alt.Header(labelFontWeight="bold"),
            )
        )
    )
    return alt.hconcat(rps, latency).properties(
        title=alt.Title(
            "Under load from wrk: throughput and latency",
            subtitle=[
                f"{LOAD_CONNECTIONS} connections; service and PostgreSQL on core 0, wrk on core 1",
                "dots: runs; ticks and lines: medians; diamonds and dashes: sqlx without its "
                "ping on acquire",
            ],
        ),
        description="Requests per second and latency percentiles of the Go and Rust services",
    )


# -- Claim check ----------------------------------------------------------------------------------
def _per_language(frame: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    return frame[frame.language == "go"][column], frame[frame.language == "rust"][column]


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


# Shared libraries that are part of the C runtime of any glibc-based Linux system.
C_RUNTIME = {
    "libc.so.6",
    "libm.so.6",
    "libgcc_s.so.1",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "none (statically linked)",
}


def claims(
    contract_runs: pd.DataFrame,
    lines: pd.DataFrame,
    deps: pd.DataFrame,
    rebuild: pd.DataFrame,
    cold: pd.DataFrame,
    sizes: pd.DataFrame,
    runs: pd.DataFrame,
) -> list[Claim]:
    code = lines.groupby("language").code.sum()
    passed = (
        contract_runs[contract_runs.language != "both"]
        .groupby("language")
        .outcome.apply(lambda s: f"{int((s == 'passed').sum())}/{len(s)}")
    )
    direct = deps[deps.kind == "direct"].set_index("language")["count"]
    linked = deps[deps.kind == "in the binary"].set_index("language")["count"]
    markers = code_markers()
    lifetimes = int(re.search(r"named lifetimes.*?(\d+)$", markers, re.M).group(1))
    statics = int(re.search(r"'static lifetimes\s+(\d+)$", markers, re.M).group(1))
    box_pin = int(re.search(r"Box::pin\s+(\d+)$", markers, re.M).group(1))
    bounds = int(re.search(r"explicit trait bounds.*?(\d+)$", markers, re.M).group(1))
    cold_go, cold_rust = _per_language(cold, "seconds")
    inc_go, inc_rust = _per_language(rebuild, "seconds")
    incremental = stats.ratio_of_medians(inc_rust, inc_go)
    stripped = sizes[sizes.variant == "stripped"].set_index("language")["bytes"] / 2**20
    built = sizes[sizes.variant == "as built"].set_index("language")["bytes"] / 2**20
    libraries = sizes.drop_duplicates("language").set_index("language").shared_libraries
    go_runs = runs[runs.variant == LOAD_VARIANTS[0].label]
    ratios: dict[tuple[str, str], stats.Ratio] = {}
    for variant in LOAD_VARIANTS[1:]:
        for scenario in SCENARIOS:
            rust_runs = runs[(runs.variant == variant.label) & (runs.scenario == scenario)]
            if rust_runs.empty:
                continue
            ratios[variant.label, scenario] = stats.ratio_of_medians(
                rust_runs.requests_per_s, go_runs[go_runs.scenario == scenario].requests_per_s
            )
    default, tuned = LOAD_VARIANTS[1].label, LOAD_VARIANTS[2].label
    go_read = go_runs[go_runs.scenario == "read"]
    cpu = {
        label: stats.ratio_of_medians(
            runs[(runs.variant == label) & (runs.scenario == "read")].cpu_us_per_request,
            go_read.cpu_us_per_request,
        )
        for label in (default, tuned)
    }

    def compare(ratio: stats.Ratio, rust_more: str, go_more: str) -> str:
        """Words for a Rust/Go ratio that commit only where its 95 % interval does."""
        if ratio.within(1 / 1.10, 1.10):
            return "within 10 % of each other"
        if ratio.above(1.0):
            return rust_more.format(ratio.value)
        if ratio.below(1.0):
            return go_more.format(1 / ratio.value)
        return f"undecided (Rust/Go {ratio.value:.2f}, interval {ratio.low:.2f}–{ratio.high:.2f})"

    def served(ratio: stats.Ratio) -> str:
        return compare(ratio, "Rust served {:.2f}× Go's", "Go served {:.2f}× Rust's")

    rust_cold_min = cold_rust.median() / 60
    if incremental.above(1.10):
        loop = f"a rebuild takes Rust {incremental.value:.1f}× as long as Go"
    elif incremental.below(1 / 1.10):
        loop = f"a rebuild takes Go {1 / incremental.value:.1f}× as long as Rust"
    else:
        loop = "rebuild times are not told apart here"
    if rust_cold_min >= 10:
        cold_verdict = f"holds: {rust_cold_min:.1f} min from cold; {loop}"
    else:
        cold_verdict = (
            f"does not hold as stated: {rust_cold_min:.1f} min from cold on this machine "
            f"({cold_rust.median() / cold_go.median():.1f}× Go's), and {loop}"
        )
    # The fairest comparison for the claim: each workload's fastest Rust variant measured.
    best = [
        max(
            (ratios[label, scenario] for label in (default, tuned) if (label, scenario) in ratios),
            key=lambda r: r.value,
        )
        for scenario in SCENARIOS
    ]
    if all(r.above(1.10) for r in best):
        throughput_verdict = "holds here: Rust served more requests/s in both workloads"
    elif all(r.high < 1.10 for r in best):
        throughput_verdict = "does not hold here: Rust was not over 10 % faster in either workload"
    else:
        throughput_verdict = "inconclusive here: the runs spread wider than the difference"
    return [
        Claim(
            "Go (Gin) “Time: 2 hours”; Rust (Axum) “Time: 6 hours” for a CRUD REST API "
            "with Postgres",
            f"Same contract passed by both (Go {passed.get('go')}, Rust {passed.get('rust')} "
            f"tests). Code: Go {code['go']} lines, Rust {code['rust']} (cloc). Direct "
            f"dependencies: Go {direct['go']}, Rust {direct['rust']}.",
            "No public measurement of developer hours for this task",
            "inconclusive here: a program cannot time a programmer; the proxies it can measure "
            f"— code size (Rust/Go {code['rust'] / code['go']:.2f}) and dependencies — do not "
            "show a threefold gap",
        ),
        Claim(
            "Go code: “Simple, procedural”; Rust: “Why does sqlx need this lifetime "
            "annotation?” … “I need to wrap this in Box::pin”",
            f"In the Rust service: {lifetimes} named lifetimes ({statics} `'static`), "
            f"{box_pin} Box::pin, {bounds} hand-written trait bounds; sqlx used without its "
            "compile-time-checked macros.",
            "axum 0.8 handlers are plain async functions; sqlx 0.8 queries take `&PgPool`",
            "does not hold here: with current Axum and sqlx a CRUD service needs none of "
            "these; the compiler's refusals while writing it are not counted by this page"
            if lifetimes == 0 and box_pin == 0 and bounds == 0
            else "depends: see the counts",
        ),
        Claim(
            "Rust: “Compile (Wait 10 minutes)”",
            f"Cold release build: Go {_duration(cold_go.median())}, Rust "
            f"{_duration(cold_rust.median())} "
            f"— {cold.when.iloc[0] if 'when' in cold else ''}; rebuild after a one-line "
            f"change: Go {inc_go.median():.1f} s, Rust {inc_rust.median():.1f} s.",
            "Article: 10 minutes (no machine stated)",
            cold_verdict,
        ),
        Claim(
            "Rust: “Binary is smaller” (matrix: Go ~10 MB, Rust ~2 MB)",
            f"As built: Go {built['go']:.1f} MiB, Rust {built['rust']:.1f} MiB; stripped: "
            f"Go {stripped['go']:.1f} MiB, Rust {stripped['rust']:.1f} MiB.",
            "Article's Summary Matrix: Go ~10 MB, Rust ~2 MB",
            f"holds: stripped, the Rust binary is {stripped['go'] / stripped['rust']:.1f}× smaller"
            if stripped["rust"] < stripped["go"] and built["rust"] < built["go"]
            else "does not hold here",
        ),
        Claim(
            "Go: “Compile to single binary. Deploy.”",
            f"Both build one executable. Shared libraries it loads — Go: {libraries['go']}; "
            f"Rust: {libraries['rust']}. Third-party code linked in: Go {linked['go']} "
            f"modules, Rust {linked['rust']} crates.",
            "Go links statically unless cgo is in play (the net package's resolver uses it "
            "where a C compiler is present); Rust links the C library dynamically by default",
            "holds for both: one file each, needing only the C runtime that every Linux system has"
            if all(set(libraries[k].split(", ")) <= C_RUNTIME for k in ("go", "rust"))
            else "depends: see the shared libraries",
        ),
        Claim(
            "Speed (runtime): Go “Fast (GC overhead)”, Rust “Fastest (native)”",
            "Requests/s with the service and PostgreSQL on one core. sqlx's defaults — "
            f"read: {served(ratios[default, 'read'])}; mixed: "
            f"{served(ratios[default, 'mixed'])}. Without sqlx's ping on acquire — "
            + "; ".join(
                f"{scenario}: {served(ratios[tuned, scenario])}"
                for scenario in SCENARIOS
                if (tuned, scenario) in ratios
            )
            + ". "
            "Service CPU per read: "
            + compare(cpu[default], "Rust used {:.2f}× Go's", "Go used {:.2f}× Rust's")
            + " (defaults), "
            + compare(cpu[tuned], "Rust used {:.2f}× Go's", "Go used {:.2f}× Rust's")
            + " (no ping).",
            "TechEmpower Round 23 (2025), 56 cores, no database: gin JSON ~498k rps, Go "
            "net/http ~388k rps",
            f"{throughput_verdict}; with a database round trip in every request, the driver and "
            "its pool settings weigh more than the language",
        ),
    ]


def main(argv: list[str]) -> int:
    """``python -m gorust.part4 cold-builds [N]``: measure cold builds and save them."""
    if argv[:1] == ["cold-builds"]:
        samples = int(argv[1]) if len(argv) > 1 else 1
        print(
            build_summary(
                pd.DataFrame(columns=["language", "build", "seconds"]),
                measure_cold_builds(samples).assign(when="measured now"),
            )
        )
        return 0
    print(main.__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
