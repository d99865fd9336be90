"""Part 7 — Ecosystem & Libraries: one small HTTP+JSON service on Go's standard library and on
Rust's usual crates, JSON throughput of the two standard choices, and one program compiled to
WebAssembly (WASI) by both and run with wasmtime."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import Markdown

from gorust import charts, data, paths, provenance, replay, stats
from gorust.claims import Claim
from gorust.kernels import GoKernel, KernelError, RustKernel
from gorust.process import Finished, run_child
from gorust.profile import Profile, current_profile
from gorust.runs import interleaved, kernels
from gorust.toolchains import wasi_rustc

CHAPTER = "part7"
SERVICE = "http_service"
JSON_EXPERIMENT = "json_throughput"
WASM = "wasm_wordcount"
BUILD_TIMEOUT_S = 1800.0
TOOL_TIMEOUT_S = 300.0


# -- Small helpers -----------------------------------------------------------------------------
class SplitMix64:
    """The course's deterministic generator (the same as the Go and Rust programs use)."""

    MASK = (1 << 64) - 1

    def __init__(self, seed: int) -> None:
        self.state = seed & self.MASK

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return self.next() % n

    def unit(self) -> float:
        """A float in [0, 1)."""
        return (self.next() >> 11) / float(1 << 53)

    def pick(self, items: Sequence[str]) -> str:
        return items[self.below(len(items))]


def _checked(finished: Finished, what: str) -> Finished:
    if finished.timed_out:
        raise KernelError(f"{what} did not finish in time; it was stopped.")
    if finished.exit_code != 0:
        output = (finished.stderr + finished.stdout).strip()[-3000:]
        raise KernelError(f"{what} failed (exit status {finished.exit_code}):\n\n{output}")
    return finished


def _tool(argv: Sequence[str], *, cwd: Path, env: dict[str, str], what: str) -> Finished:
    return _checked(run_child(list(argv), env=env, cwd=cwd, timeout_s=TOOL_TIMEOUT_S), what)


def _go_env(go: GoKernel, **extra: str) -> dict[str, str]:
    return {**go.env, "GOTOOLCHAIN": "local", "GOFLAGS": "", **extra}


def _cargo_env(rust: RustKernel, **extra: str) -> dict[str, str]:
    return {**rust.env, "CARGO_TERM_PROGRESS_WHEN": "never", "CARGO_TERM_COLOR": "never", **extra}


def _digest(parts: Sequence[bytes | str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def _strip_binary(binary: Path, output: Path) -> int:
    """Bytes of ``binary`` after binutils' ``strip`` (symbols and debug sections removed)."""
    strip = shutil.which("strip")
    if strip is None:
        raise KernelError("Stripping binaries needs `strip` (Debian package binutils).")
    subprocess.run([strip, "-o", str(output), str(binary)], check=True, timeout=120)
    return output.stat().st_size


def source_lines(path: Path) -> int:
    """Lines of code by the page's rule: neither blank nor a `//` comment (doc comments too)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("//"))


# -- Experiment 1: the same service, standard library against crates ---------------------------
GO_SERVICE_SOURCE = paths.GO_MODULE / SERVICE / "main.go"
RUST_SERVICE_SOURCE = paths.RUST_WORKSPACE / SERVICE / "src" / "main.rs"
RUST_SERVICE_MANIFEST = paths.RUST_WORKSPACE / SERVICE / "Cargo.toml"
# The crates the article says a Rust service needs, and the async runtimes one might find.
ARTICLE_CRATES = ("tokio", "hyper", "serde", "reqwest")
ASYNC_RUNTIMES = ("tokio", "async-std", "smol", "async-executor", "glommio", "monoio")

# US dollars per unit of each currency, in basis points; "ERR" makes the stub fail.
RATES_BP = {"EUR": 10_850, "GBP": 12_700, "JPY": 67}


class _RateHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        match = re.fullmatch(r"/rates/([A-Za-z]{3})", self.path)
        code = match.group(1) if match else ""
        if code == "ERR":
            status, body = 500, {"error": "the rate feed is down"}
        elif code in RATES_BP:
            status, body = 200, {"currency": code, "usd_per_unit_bp": RATES_BP[code]}
        else:
            status, body = 404, {"error": "no such currency"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        del format, args  # quiet: the chapter prints what matters


@contextmanager
def rate_stub() -> Iterator[str]:
    """A tiny exchange-rate service on a free loopback port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RateHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass(frozen=True)
class Call:
    label: str
    method: str
    path: str
    body: str | None = None


_EUR_BASKET = {
    "currency": "EUR",
    "items": [
        {"sku": "A-1", "quantity": 2, "unit_price_cents": 1250},
        {"sku": "B-7", "quantity": 1, "unit_price_cents": 999},
    ],
}
_JPY_BASKET = {
    "currency": "JPY",
    "items": [{"sku": "C-3", "quantity": 3, "unit_price_cents": 5000}],
}

# The script both services are put through, in order, each against a fresh server.
SERVICE_SCRIPT = (
    Call("health check", "GET", "/healthz"),
    Call("create a quote in EUR", "POST", "/quotes", json.dumps(_EUR_BASKET)),
    Call("read it back", "GET", "/quotes/1"),
    Call("create a quote in JPY", "POST", "/quotes", json.dumps(_JPY_BASKET)),
    Call("unknown quote", "GET", "/quotes/99"),
    Call("id that is not a number", "GET", "/quotes/abc"),
    Call("malformed JSON", "POST", "/quotes", '{"currency": "EUR", "items": ['),
    Call("field of the wrong type", "POST", "/quotes", '{"currency": "EUR", "items": "many"}'),
    Call("empty basket", "POST", "/quotes", '{"currency": "EUR", "items": []}'),
    Call(
        "currency the rate service lacks",
        "POST",
        "/quotes",
        json.dumps({**_EUR_BASKET, "currency": "XYZ"}),
    ),
    Call("rate service fails", "POST", "/quotes", json.dumps({**_EUR_BASKET, "currency": "ERR"})),
    Call("method not allowed", "DELETE", "/quotes/1"),
)


def _call(port: int, call: Call) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/json"} if call.body is not None else {}
        connection.request(call.method, call.path, body=call.body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def service_check() -> pd.DataFrame:
    """Both services, each started fresh, through the same script against the same rate stub.

    In replay mode, the recorded answers (an empty body reads back as NaN, which the reports
    below treat as empty)."""
    if replay.active():
        return replay.recorded(CHAPTER, "service_check")
    rows = []
    with rate_stub() as rates_url:
        for kernel in kernels():
            with kernel.serve(SERVICE, ["--rates-url", rates_url]) as server:
                for step, call in enumerate(SERVICE_SCRIPT):
                    status, body = _call(server.port, call)
                    rows.append(
                        {
                            "language": kernel.language,
                            "toolchain": kernel.toolchain().version,
                            "step": step,
                            "call": call.label,
                            "request": f"{call.method} {call.path}",
                            "status": status,
                            "body": body.strip(),
                        }
                    )
    frame = pd.DataFrame(rows)
    for name, value in provenance.host().items():
        frame[name] = value
    data.save(frame, CHAPTER, "service_check")
    return frame


def _parsed(body: object) -> object:
    if not isinstance(body, str):
        return None  # an empty body, read back from CSV
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        return None


def service_agreement(frame: pd.DataFrame) -> pd.DataFrame:
    """Per step: both statuses, and whether the two bodies agree (all of a success; the shape,
    {"error": …}, of a JSON error)."""
    rows = []
    for step, group in frame.groupby("step", sort=True):
        by = group.set_index("language")
        go_body, rust_body = _parsed(by.loc["go", "body"]), _parsed(by.loc["rust", "body"])
        go_status, rust_status = int(by.loc["go", "status"]), int(by.loc["rust", "status"])
        if go_status < 300:
            bodies = "identical JSON" if go_body == rust_body and go_body else "differ"
        elif isinstance(go_body, dict) and isinstance(rust_body, dict):
            bodies = (
                "both {error: …}"
                if set(go_body) == set(rust_body) == {"error"}
                else "differ in shape"
            )
        else:
            bodies = "not JSON (router's own reply)"
        rows.append(
            {
                "step": step,
                "call": by.loc["go", "call"],
                "request": by.loc["go", "request"],
                "go": go_status,
                "rust": rust_status,
                "same_status": go_status == rust_status,
                "bodies": bodies,
            }
        )
    return pd.DataFrame(rows)


_BODY_WORDS = {
    "identical JSON": "same JSON",
    "differ": "DIFFERENT",
    "both {error: …}": '{"error": …}',
    "differ in shape": "DIFFERENT SHAPES",
    "not JSON (router's own reply)": "router's text",
}


def service_report(frame: pd.DataFrame) -> str:
    """The script's outcome in words (deterministic: statuses and agreement only)."""
    agreement = service_agreement(frame)
    width = max(len(row.call) for row in agreement.itertuples()) + 2
    lines = [f"  {'':<{width}}{'Go':<5}{'Rust':<6}bodies"]
    for row in agreement.itertuples():
        words = _BODY_WORDS[row.bodies]
        lines += [row.request, f"  {row.call:<{width}}{row.go:<5}{row.rust:<6}{words}"]
    created = _parsed(frame[(frame.language == "go") & (frame.step == 1)].body.iloc[0])
    same = bool(agreement.same_status.all())
    shown = textwrap.wrap(json.dumps(created), width=74)
    lines += [
        "",
        "The first quote, as both returned it:",
        *(f"  {line}" for line in shown),
        f"Same status for every request: {'yes' if same else 'NO'}",
    ]
    return "\n".join(lines)


def error_messages(frame: pd.DataFrame) -> str:
    """What each service said for every failed request (messages are each library's own)."""
    lines = []
    for step, group in frame[frame.status >= 400].groupby("step", sort=True):
        del step
        lines.append(f"{group.request.iloc[0]} ({group.call.iloc[0]})")
        for row in group.itertuples():
            name = charts.LANGUAGE_NAMES[row.language]
            body = row.body if isinstance(row.body, str) and row.body else "(empty body)"
            lines.append(f"  {name + ':':<6}{row.status} {body}")
    return "\n".join(lines)


# Dependencies ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dependencies:
    language: str
    direct: tuple[str, ...]  # what the service itself declares or imports from outside std
    transitive: tuple[str, ...]  # every third-party module or crate that gets built
    std_packages: int  # Go: standard-library packages compiled in; Rust: 0 (std is prebuilt)
    module_requirements: tuple[str, ...] = ()  # Go: `go list -m all` of the service alone
    tokio_dependents: tuple[str, ...] = ()  # Rust: crates of the graph that depend on tokio
    runtimes: tuple[str, ...] = ()  # Rust: async runtimes found in the graph


def dependency_table(found: Sequence[Dependencies]) -> pd.DataFrame:
    """Tidy: one row per language and field of Dependencies (its count, and its entries
    joined by "; "), the way data/part4/dependencies.csv records Part 4's services."""
    rows = []
    for deps in found:
        for field in fields(Dependencies)[1:]:
            value = getattr(deps, field.name)
            listed = value if isinstance(value, tuple) else ()
            rows.append(
                {
                    "language": deps.language,
                    "kind": field.name,
                    "count": len(value) if isinstance(value, tuple) else value,
                    "names": "; ".join(listed),
                }
            )
    return pd.DataFrame(rows)


def recorded_dependencies(language: str) -> Dependencies:
    """One language's Dependencies as a live run recorded them (the inverse of
    ``dependency_table``; entries keep their recorded order)."""
    table = replay.recorded(CHAPTER, "dependencies")
    mine = table[table.language == language].set_index("kind")
    values: dict[str, object] = {}
    for field in fields(Dependencies)[1:]:
        row = mine.loc[field.name]
        if field.name == "std_packages":
            values[field.name] = int(row["count"])
        else:  # no entries: an empty string, which reads back as NaN
            values[field.name] = tuple(row.names.split("; ")) if isinstance(row.names, str) else ()
    return Dependencies(language, **values)  # type: ignore[arg-type]


def dependencies() -> tuple[Dependencies, Dependencies]:
    """Both services' dependencies (Go, Rust), recorded to data/part7/dependencies.csv so that
    a replayed page shows the very crates and counts that the tools listed."""
    found = go_dependencies(), rust_dependencies()
    if not replay.active():
        frame = dependency_table(found)
        versions = {kernel.language: kernel.toolchain().version for kernel in kernels()}
        frame["toolchain"] = frame.language.map(versions)
        data.save(frame.assign(**provenance.host()), CHAPTER, "dependencies")
    return found


def go_dependencies() -> Dependencies:
    """What the Go service builds: `go list -deps` in the course's module, and `go list -m all`
    of the service copied into a module of its own (the course's go.mod also lists the modules
    of other chapters, which the service does not import)."""
    if replay.active():
        return recorded_dependencies("go")
    go, _ = kernels()
    env = _go_env(go)
    go_exe = go.toolchain().executable
    template = "{{.ImportPath}}\t{{.Standard}}\t{{with .Module}}{{.Path}}{{end}}"
    listing = _tool(
        [go_exe, "list", "-deps", "-f", template, f"./{SERVICE}"],
        cwd=paths.GO_MODULE,
        env=env,
        what="go list -deps",
    ).stdout.splitlines()
    std = [line for line in listing if line.split("\t")[1] == "true"]
    modules = sorted(
        {
            parts[2]
            for parts in (line.split("\t") for line in listing)
            if parts[1] == "false" and parts[2] and parts[2] != "govsrust"
        }
    )
    with tempfile.TemporaryDirectory(prefix="gorust-part7-gomod-") as folder:
        module = _go_scratch_module(go, Path(folder))
        listed = _tool(
            [go_exe, "list", "-m", "all"], cwd=module, env=env, what="go list -m all"
        ).stdout.splitlines()
    requirements = tuple(line for line in listed[1:] if line.strip())
    return Dependencies("go", tuple(modules), tuple(modules), len(std), requirements)


def _host_triple(rust: RustKernel) -> str:
    rustc = Path(rust.toolchain().executable).with_name("rustc")
    out = _tool([str(rustc), "-vV"], cwd=paths.RUST_WORKSPACE, env=rust.env, what="rustc -vV")
    return next(line.split()[1] for line in out.stdout.splitlines() if line.startswith("host:"))


def _cargo_tree(extra: Sequence[str]) -> list[str]:
    """`cargo tree` of the service alone, one ``name version`` per line (duplicates removed),
    run in a scratch workspace with the service as its only member and the course's
    Cargo.lock, for this machine's platform. `cargo tree` resolves features exactly as
    `cargo build -p http_service` does."""
    _, rust = kernels()
    with tempfile.TemporaryDirectory(prefix="gorust-part7-tree-") as folder:
        workspace = _rust_scratch_workspace(Path(folder))
        cargo, env = rust.toolchain().executable, _cargo_env(rust)
        # Downloads whatever is missing; the versions are the Cargo.lock's.
        _tool([cargo, "fetch"], cwd=workspace, env=env, what="cargo fetch")
        argv = [
            cargo,
            *("tree", "--offline", "--prefix", "none", "--target", _host_triple(rust)),
            *extra,
        ]
        out = _tool(argv, cwd=workspace, env=env, what="cargo tree")
    entries = [" ".join(line.split()[:2]) for line in out.stdout.splitlines() if line.strip()]
    return list(dict.fromkeys(entries))


def rust_dependencies() -> Dependencies:
    """What the Rust service builds: its direct dependencies, every crate a release build
    compiles (normal and build dependencies, not dev ones), and who uses tokio."""
    if replay.active():
        return recorded_dependencies("rust")
    own = f"{SERVICE} "
    everything = _cargo_tree(["-p", SERVICE, "-e", "normal,build"])
    direct = _cargo_tree(["-p", SERVICE, "-e", "normal", "--depth", "1"])
    tokio_users = _cargo_tree(["-i", "tokio", "-e", "normal,build", "--depth", "1"])
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


def dependency_lines(go_deps: Dependencies, rust_deps: Dependencies) -> list[str]:
    """The counts in words (deterministic for a given Go version and Cargo.lock)."""
    rust_names = {entry.split()[0] for entry in rust_deps.transitive}
    found = [name for name in ARTICLE_CRATES if name in rust_names]
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


# Build time and size --------------------------------------------------------------------------
def _rust_scratch_workspace(target: Path, package_name: str = SERVICE) -> Path:
    """A workspace in ``target`` with the service as its only member (same Cargo.lock)."""
    target.mkdir(parents=True, exist_ok=True)
    manifest = (paths.RUST_WORKSPACE / "Cargo.toml").read_text(encoding="utf-8")
    manifest = re.sub(r"^members = \[.*\]$", f'members = ["{SERVICE}"]', manifest, flags=re.M)
    (target / "Cargo.toml").write_text(manifest, encoding="utf-8")
    shutil.copy2(paths.RUST_WORKSPACE / "Cargo.lock", target / "Cargo.lock")
    shutil.copytree(paths.RUST_WORKSPACE / SERVICE, target / SERVICE)
    if package_name != SERVICE:
        crate_manifest = target / SERVICE / "Cargo.toml"
        text = crate_manifest.read_text(encoding="utf-8")
        crate_manifest.write_text(
            text.replace(f'name = "{SERVICE}"', f'name = "{package_name}"', 1), encoding="utf-8"
        )
    return target


def _go_scratch_module(go: GoKernel, target: Path) -> Path:
    """The service copied into a module of its own in ``target`` (``go mod init`` + ``tidy``:
    the course's go.mod also requires modules of other chapters, which the service does not
    import)."""
    (target / SERVICE).mkdir(parents=True)
    shutil.copy2(GO_SERVICE_SOURCE, target / SERVICE / "main.go")
    go_exe, env = go.toolchain().executable, _go_env(go)
    _tool([go_exe, "mod", "init", "govsrust"], cwd=target, env=env, what="go mod init")
    _tool([go_exe, "mod", "tidy"], cwd=target, env=env, what="go mod tidy")
    return target


def _edit_handler(original: Path, copy: Path, marker: str) -> None:
    """The one-line change of a warm rebuild: the health check's reply, in the copy."""
    text = original.read_text(encoding="utf-8")
    edited = text.replace('"status": "ok"', f'"status": "ok {marker}"', 1)
    if edited == text:
        raise KernelError(f"could not find the health check's reply in {original}")
    copy.write_text(edited, encoding="utf-8")


def _build_row(language: str, kind: str, finished: Finished, **extra: object) -> dict:
    return {
        "language": language,
        "kind": kind,
        "wall_s": finished.wall_s,
        "cpu_s": finished.user_s + finished.system_s,
        **extra,
    }


def _cold_go(go: GoKernel, scratch: Path) -> dict:
    module = _go_scratch_module(go, scratch / "go")
    (scratch / "gocache").mkdir()
    binary = scratch / "go-bin" / SERVICE
    binary.parent.mkdir()
    go_exe = go.toolchain().executable
    env = _go_env(go, GOCACHE=str(scratch / "gocache"))
    finished = _tool(
        [go_exe, "build", "-v", "-trimpath", "-o", str(binary), f"./{SERVICE}"],
        cwd=module,
        env=env,
        what="the cold go build",
    )
    units = len([line for line in finished.stderr.splitlines() if line.strip()])
    return _build_row(
        "go",
        "cold",
        finished,
        units=units,
        binary_bytes=binary.stat().st_size,
        stripped_bytes=_strip_binary(binary, scratch / "go-bin" / "stripped"),
        toolchain=go.toolchain().version,
    )


def _cold_rust(rust: RustKernel, scratch: Path) -> dict:
    workspace = _rust_scratch_workspace(scratch / "rust")
    cargo = rust.toolchain().executable
    # Untimed: make sure every crate is downloaded (the Cargo.lock keeps the versions).
    _tool([cargo, "fetch"], cwd=workspace, env=_cargo_env(rust), what="cargo fetch")
    target = scratch / "rust-target"
    env = _cargo_env(rust, CARGO_TARGET_DIR=str(target))
    finished = _tool(
        [cargo, "build", "--release", "--offline", "-p", SERVICE],
        cwd=workspace,
        env=env,
        what="the cold cargo build",
    )
    units = len(re.findall(r"^\s*Compiling ", finished.stderr, flags=re.M))
    binary = target / "release" / SERVICE
    return _build_row(
        "rust",
        "cold",
        finished,
        units=units,
        binary_bytes=binary.stat().st_size,
        stripped_bytes=_strip_binary(binary, scratch / "rust-stripped"),
        toolchain=rust.toolchain().version,
    )


def cold_build_key() -> str:
    """What a cold build depends on: both services' sources, the Rust crates they resolve to,
    and both toolchains. A cached cold-build measurement is reused only under the same key."""
    go, rust = kernels()
    transitive = rust_dependencies().transitive
    return _digest(
        [
            go.toolchain().version,
            rust.toolchain().version,
            *(p.read_bytes() for p in (GO_SERVICE_SOURCE, RUST_SERVICE_SOURCE)),
            RUST_SERVICE_MANIFEST.read_bytes(),
            *transitive,
        ]
    )


def _cold_cache_file() -> Path:
    return paths.cache_dir() / "part7" / f"cold-builds-{cold_build_key()}.csv"


def cold_builds(profile: Profile | None = None) -> pd.DataFrame:
    """Cold builds of both services: an empty GOCACHE, an empty Cargo target directory.

    The full profile builds each ``cold_repetitions`` times, afresh. The quick profile reuses
    the last measurement made on this machine for the very same sources, crates and toolchains
    (kept in the course's cache, keyed by them) and builds once only when there is none; the
    ``reused`` column says which happened.
    """
    profile = profile or current_profile()
    cache_file = _cold_cache_file()
    if profile.name == "quick" and cache_file.exists():
        frame = pd.read_csv(cache_file)
        frame["reused"] = True
        return frame
    go, rust = kernels()
    rows = []
    for repetition in range(cold_repetitions(profile)):
        order = ("go", "rust") if repetition % 2 == 0 else ("rust", "go")
        for language in order:
            with tempfile.TemporaryDirectory(prefix="gorust-part7-cold-") as folder:
                build = _cold_go if language == "go" else _cold_rust
                row = build(go if language == "go" else rust, Path(folder))  # type: ignore[arg-type]
            rows.append({**row, "repetition": repetition, **provenance.host()})
    frame = pd.DataFrame(rows)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(cache_file, index=False)
    frame["reused"] = False
    return frame


def cold_repetitions(profile: Profile) -> int:
    """Cold builds per language: one in quick (and only when none is cached), three in full."""
    return profile.pick(quick=1, full=3)


def warm_builds(profile: Profile | None = None) -> pd.DataFrame:
    """Rebuilds after a one-line change to a handler, with everything else already compiled.

    Go: a copy of the service in a scratch module, built with the usual GOCACHE (which holds
    the standard library already). Rust: a copy in a scratch workspace, renamed so that its
    binary cannot overwrite the course's, built in the course's Cargo target directory (which
    holds every dependency already). Every rebuild carries a new edit, so nothing is cached.
    """
    profile = profile or current_profile()
    go, rust = kernels()
    go.build(SERVICE)
    rust.build(SERVICE)
    go_exe, cargo = go.toolchain().executable, rust.toolchain().executable
    cargo_env = _cargo_env(rust, CARGO_TARGET_DIR=str(rust.target_dir))
    # Untimed: bring the dependencies up to date in the shared target directory.
    _tool(
        [cargo, "build", "--release", "--locked", "-p", SERVICE],
        cwd=paths.RUST_WORKSPACE,
        env=cargo_env,
        what="cargo build",
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="gorust-part7-warm-") as folder:
        scratch = Path(folder)
        module = _go_scratch_module(go, scratch / "go")
        workspace = _rust_scratch_workspace(scratch / "rust", package_name=f"{SERVICE}_edited")
        go_binary = scratch / "go-bin"
        # Untimed: the unedited copies once, so that each timed build follows a build.
        _tool(
            [go_exe, "build", "-trimpath", "-o", str(go_binary), f"./{SERVICE}"],
            cwd=module,
            env=_go_env(go),
            what="go build",
        )
        rust_argv = [cargo, "build", "--release", "--offline", "-p", f"{SERVICE}_edited"]
        for repetition in range(profile.repetitions):
            order = ("go", "rust") if repetition % 2 == 0 else ("rust", "go")
            marker = f"{time.time_ns()}"
            for language in order:
                if language == "go":
                    _edit_handler(GO_SERVICE_SOURCE, module / SERVICE / "main.go", marker)
                    finished = _tool(
                        [go_exe, "build", "-trimpath", "-o", str(go_binary), f"./{SERVICE}"],
                        cwd=module,
                        env=_go_env(go),
                        what="the warm go build",
                    )
                    toolchain, binary = go.toolchain().version, go_binary
                else:
                    _edit_handler(
                        RUST_SERVICE_SOURCE, workspace / SERVICE / "src" / "main.rs", marker
                    )
                    finished = _tool(
                        rust_argv, cwd=workspace, env=cargo_env, what="the warm cargo build"
                    )
                    toolchain = rust.toolchain().version
                    binary = rust.target_dir / "release" / f"{SERVICE}_edited"
                if f"ok {marker}".encode() not in binary.read_bytes():
                    raise KernelError(f"the warm {language} build did not pick up the edit")
                rows.append(
                    {
                        **_build_row(language, "warm", finished),
                        "toolchain": toolchain,
                        "repetition": repetition,
                        **provenance.host(),
                    }
                )
    return pd.DataFrame(rows)


def build_summary(
    cold: pd.DataFrame,
    warm: pd.DataFrame,
    go_deps: Dependencies,
    rust_deps: Dependencies,
) -> pd.DataFrame:
    """One row per language: dependency counts, lines, build times (medians), binary sizes."""
    rows = []
    for language, deps, source in (
        ("go", go_deps, GO_SERVICE_SOURCE),
        ("rust", rust_deps, RUST_SERVICE_SOURCE),
    ):
        mine_cold = cold[cold.language == language]
        mine_warm = warm[warm.language == language]
        rows.append(
            {
                "language": language,
                "direct_dependencies": len(deps.direct),
                "transitive_dependencies": len(deps.transitive),
                "std_packages": deps.std_packages,
                "source_lines": source_lines(source),
                "units_compiled": int(mine_cold.units.median()),
                "cold_wall_s": mine_cold.wall_s.median(),
                "cold_cpu_s": mine_cold.cpu_s.median(),
                "cold_builds": len(mine_cold),
                "cold_measured_at": mine_cold.measured_at.iloc[0],
                "cold_profile": mine_cold.profile.iloc[0],
                "cold_reused": bool(cold.reused.iloc[0]),
                "warm_wall_s": mine_warm.wall_s.median(),
                "warm_cpu_s": mine_warm.cpu_s.median(),
                "warm_builds": len(mine_warm),
                "binary_bytes": int(mine_cold.binary_bytes.median()),
                "stripped_bytes": int(mine_cold.stripped_bytes.median()),
            }
        )
    return pd.DataFrame(rows)


def service_costs(
    go_deps: Dependencies, rust_deps: Dependencies, profile: Profile | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build times and sizes of both services, with their dependency counts: (summary, every
    build). In replay mode, the recorded ones (the summary without the columns saving adds)."""
    if replay.active():
        recorded = replay.recorded(CHAPTER, "service_summary")
        summary = recorded.drop(columns=["toolchain", *data.PROVENANCE_COLUMNS])
        return summary, replay.recorded(CHAPTER, "service_builds")
    profile = profile or current_profile()
    cold = cold_builds(profile)
    warm = warm_builds(profile)
    builds = pd.concat([cold, warm.assign(reused=False)], ignore_index=True)
    summary = build_summary(cold, warm, go_deps, rust_deps)
    data.save(builds, CHAPTER, "service_builds")
    data.save(
        summary.assign(
            toolchain=[kernel.toolchain().version for kernel in kernels()],
            **provenance.host(),
        ),
        CHAPTER,
        "service_summary",
    )
    return summary, builds


def build_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as the page shows it: one column per language."""
    rows = {
        "third-party modules / crates built": "transitive_dependencies",
        "direct dependencies": "direct_dependencies",
        "standard-library packages compiled": "std_packages",
        "packages / crates compiled in the cold build": "units_compiled",
        "lines of code": "source_lines",
        "cold build, wall (s)": "cold_wall_s",
        "cold build, CPU (s)": "cold_cpu_s",
        "cold builds measured": "cold_builds",
        "rebuild after a one-line change, wall (s)": "warm_wall_s",
        "rebuild after a one-line change, CPU (s)": "warm_cpu_s",
        "rebuilds measured": "warm_builds",
        "binary (MB)": "binary_bytes",
        "binary, stripped (MB)": "stripped_bytes",
    }
    by = summary.set_index("language")
    megabytes = {"binary_bytes", "stripped_bytes"}

    def shown(language: str, column: str) -> str:
        value = by.loc[language, column]
        if column in megabytes:
            return f"{value / 1e6:,.1f}"
        if column.endswith("_s"):
            return f"{value:,.1f}"
        return f"{int(value):,}"

    return pd.DataFrame(
        {
            name: [shown(language, column) for column in rows.values()]
            for language, name in (("go", "Go"), ("rust", "Rust"))
        },
        index=list(rows),
    )


def crate_list(deps: Dependencies) -> str:
    """Every crate the Rust service builds, name and version, as Cargo resolved them."""
    return ", ".join(deps.transitive)


def cold_build_note(summary: pd.DataFrame) -> Markdown:
    """Says where the cold-build numbers come from: this run, or an earlier identical one."""
    row = summary.iloc[0]
    builds = int(row.cold_builds)
    if replay.active():
        # "This machine" and "this run" would be the reader's, who measured nothing.
        return Markdown(
            f"Cold builds: recorded — {builds} build(s) per language, measured "
            f"{row.cold_measured_at} (profile `{row.cold_profile}`); warm rebuilds come from "
            f"the same recorded run as the rest of this page."
        )
    if row.cold_reused:
        return Markdown(
            f"Cold builds: **reused** from the last measurement on this machine "
            f"({row.cold_measured_at}, profile `{row.cold_profile}`, {builds} build(s) per "
            f"language) — the sources, the resolved crates and both toolchains are the same, "
            f"so the quick profile does not spend minutes rebuilding them. Run with "
            f"`GVR_PROFILE=full` to measure them afresh. Warm rebuilds were measured in this run."
        )
    return Markdown(
        f"Cold builds: measured in this run ({builds} per language, profile "
        f"`{row.cold_profile}`). Warm rebuilds too."
    )


_METRICS = (
    ("transitive_dependencies", "third-party modules / crates built", "{:,.0f}"),
    ("source_lines", "lines of code (service)", "{:,.0f}"),
    ("cold_wall_s", "cold build, wall (s)", "{:,.1f}"),
    ("cold_cpu_s", "cold build, CPU (s)", "{:,.1f}"),
    ("warm_wall_s", "rebuild after a one-line change (s)", "{:,.1f}"),
    ("binary_mb", "binary (MB)", "{:,.1f}"),
    ("stripped_mb", "binary, stripped (MB)", "{:,.1f}"),
)


def service_chart(summary: pd.DataFrame) -> alt.FacetChart:
    frame = charts.with_language_names(summary)
    frame["binary_mb"] = frame.binary_bytes / 1e6
    frame["stripped_mb"] = frame.stripped_bytes / 1e6
    long = frame.melt(
        id_vars=["Language"],
        value_vars=[name for name, _, _ in _METRICS],
        var_name="metric",
        value_name="value",
    )
    titles = {name: title for name, title, _ in _METRICS}
    formats = {name: fmt for name, _, fmt in _METRICS}
    long["label"] = [formats[m].format(v) for m, v in zip(long.metric, long.value, strict=True)]
    long["metric"] = long.metric.map(titles)
    order = [title for _, title, _ in _METRICS]
    y = alt.Y("Language:N", title=None, sort=["Go", "Rust"])
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("value:Q", title=None, axis=alt.Axis(labels=False, ticks=False)),
            color=charts.language_color(),
            tooltip=["Language", "metric", alt.Tooltip("label:N", title="value")],
        )
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=4, fontSize=12, color="#333")
        .encode(y=y, x="value:Q", text="label:N")
    )
    baseline = alt.Chart().mark_rule(color="#888").encode(x=alt.datum(0))
    return (
        alt.layer(bars, baseline, labels, data=long)
        .properties(width=480, height=alt.Step(20))
        .facet(
            row=alt.Row(
                "metric:N",
                sort=order,
                title=None,
                header=alt.Header(
                    labelAngle=0, labelOrient="top", labelAnchor="start", labelFontWeight="bold"
                ),
            ),
            spacing=6,
        )
        .resolve_scale(x="independent")
        .properties(
            title=alt.Title(
                "One small HTTP+JSON service: what it takes to build",
                subtitle=[
                    "Go: standard library only; Rust: tokio, axum, serde, reqwest (defaults)",
                    "build times are medians; each panel has its own scale",
                ],
            ),
            description="Dependencies, lines, build times and binary sizes of the Go and Rust "
            "services",
        )
    )


# -- Experiment 2: JSON throughput --------------------------------------------------------------
_FIRST = ("Ada", "Björn", "Chloé", "Dmitri", "Eun-ji", "Farah", "Giulia", "Hiro", "Ines", "Jonas")
_LAST = ("Okafor", "Müller", "García", "Nakamura", "Smith", "Novák", "Haddad", "Svensson", "Rossi")
_CITIES = (
    ("Lyon", "FR"),
    ("Köln", "DE"),
    ("東京", "JP"),
    ("São Paulo", "BR"),
    ("Kraków", "PL"),
    ("Austin", "US"),
    ("Zürich", "CH"),
)
_PRODUCTS = (
    "USB-C cable, 2 m",
    "Espresso beans 1 kg",
    "Wool socks (3 pairs)",
    "Noise-cancelling headphones",
    "Café table — oak",
    'Notebook, dotted "A5"',
    "Back\\slash sticker",
)
_STATUSES = ("pending", "paid", "shipped", "delivered", "refunded")
_TAGS = ("gift", "express", "fragile", "b2b", "first-order", "promo")
_STREETS = ("Rue de la République", "Hauptstraße", "Main Street", "Calle Mayor", "ul. Długa")


def _price(rng: SplitMix64, low: int, high: int) -> float:
    """A price with a non-zero cent part, so every JSON encoder writes it the same way."""
    cents = low * 100 + rng.below((high - low) * 100)
    if cents % 100 == 0:
        cents += 1
    return cents / 100


def _coordinate(rng: SplitMix64, limit: int) -> float:
    """A coordinate with six decimals, at least 1 in size (no exponent in any encoder)."""
    value = 1 + rng.below((limit - 1) * 1_000_000) / 1_000_000
    return round(-value if rng.below(2) else value, 6)


def make_payload(orders: int = 24, seed: int = 7) -> bytes:
    """The JSON payload both programs decode and encode: a page of orders, as an API would
    return it; compact, fields in declaration order, so that a faithful re-encoding is
    byte-identical in every encoder (prices are never whole numbers, no HTML characters)."""
    rng = SplitMix64(seed)
    page_orders = []
    for number in range(orders):
        first, last = rng.pick(_FIRST), rng.pick(_LAST)
        city, country = _CITIES[rng.below(len(_CITIES))]
        items = [
            {
                "sku": f"SKU-{rng.below(100_000):05d}",
                "name": rng.pick(_PRODUCTS),
                "quantity": 1 + rng.below(5),
                "unit_price": _price(rng, 1, 400),
            }
            for _ in range(1 + rng.below(6))
        ]
        note = (
            None if rng.below(3) else f'Leave at the door.\nCall {first} on arrival — "ring twice".'
        )
        page_orders.append(
            {
                "id": 1_000_000 + number * 37 + rng.below(37),
                "status": rng.pick(_STATUSES),
                "created_at": f"2025-{1 + rng.below(12):02d}-{1 + rng.below(28):02d}T"
                f"{rng.below(24):02d}:{rng.below(60):02d}:{rng.below(60):02d}Z",
                "customer": {
                    "id": 10_000 + rng.below(90_000),
                    "name": f"{first} {last}",
                    "email": f"{first.lower()}.{last.lower()}@example.com",
                    "loyalty_points": rng.below(20_000),
                    "vip": rng.below(5) == 0,
                },
                "items": items,
                "shipping": {
                    "street": f"{1 + rng.below(200)} {rng.pick(_STREETS)}",
                    "city": city,
                    "postcode": f"{rng.below(100_000):05d}",
                    "country": country,
                    "lat": _coordinate(rng, 60),
                    "lon": _coordinate(rng, 150),
                },
                "note": note,
                "paid": rng.below(4) != 0,
                "total": _price(rng, 5, 2_000),
                "tags": sorted({rng.pick(_TAGS) for _ in range(rng.below(4))}),
            }
        )
    page = {"page": 3, "per_page": orders, "total": 1_234, "orders": page_orders}
    return json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _depth(value: object) -> int:
    """How deeply objects and arrays nest in a decoded JSON value."""
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def payload_facts(payload: bytes) -> str:
    decoded = json.loads(payload)
    items = sum(len(order["items"]) for order in decoded["orders"])
    return (
        f"{len(payload):,} bytes of compact UTF-8 JSON\n"
        f"{len(decoded['orders'])} orders, {items} line items, objects and arrays nested "
        f"{_depth(decoded)} deep\n"
        f"sha256 {hashlib.sha256(payload).hexdigest()[:32]}…"
    )


GO_JSON_V2 = "encoding/json/v2"


def _jsonv2_kernel() -> GoKernel | None:
    """A Go kernel that builds with GOEXPERIMENT=jsonv2, or None where this Go lacks it."""
    kernel = GoKernel(env={**os.environ, "GOEXPERIMENT": "jsonv2", "GOTOOLCHAIN": "local"})
    try:
        kernel.build(JSON_EXPERIMENT, features=["jsonv2"])
    except KernelError:
        return None
    return kernel


def json_throughput(profile: Profile | None = None) -> pd.DataFrame:
    """ns per decode/encode of the payload: encoding/json (and v2 where Go has it), serde_json.
    In replay mode, the recorded runs."""
    if replay.active():
        return replay.recorded(CHAPTER, JSON_EXPERIMENT)
    profile = profile or current_profile()
    args_base = ["--samples", profile.pick(quick=5, full=10)]
    args_base += ["--target-ms", profile.pick(quick=20, full=50)]
    with tempfile.TemporaryDirectory(prefix="gorust-part7-json-") as folder:
        payload = Path(folder) / "payload.json"
        payload.write_bytes(make_payload())
        args = ["--payload", str(payload), *args_base]
        frame = interleaved(JSON_EXPERIMENT, args, rounds=profile.repetitions)
        v2 = _jsonv2_kernel()
        if v2 is not None:
            extra = []
            for round_number in range(profile.repetitions):
                run = v2.run(JSON_EXPERIMENT, args, features=["jsonv2"]).frame
                run["round"] = round_number
                extra.append(run)
            frame = pd.concat([frame, *extra], ignore_index=True)
    data.save(frame, CHAPTER, "json_throughput")
    return frame


def json_checks(frame: pd.DataFrame) -> str:
    """Did every library decode the payload and re-encode it byte for byte? (deterministic)"""
    checks = frame[frame.get("check").eq("round trip")] if "check" in frame else frame.iloc[0:0]
    lines = []
    for api, group in checks.groupby("api", sort=False):
        identical = bool(group.identical.astype(bool).all())
        lines.append(
            f"{api}\n  {int(group.orders.iloc[0])} orders decoded, re-encoded "
            f"{'byte for byte identical' if identical else 'DIFFERENTLY'} "
            f"({int(group.encoded_bytes.iloc[0]):,} bytes)"
        )
    return "\n".join(lines)


def json_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per library and operation: median MB/s and ns/op, quartiles, and each Go library's ratio
    to serde_json (serde_json's MB/s ÷ Go's: above 1, serde_json is faster)."""
    timed = frame[frame.operation.notna()].copy()
    timed["mb_per_s"] = timed.bytes / timed.ns_per_op * 1e3
    rows = []
    for (api, operation), group in timed.groupby(["api", "operation"], sort=False):
        serde = timed[(timed.api == "serde_json") & (timed.operation == operation)]
        if api == "serde_json":
            ratio = stats.Ratio(1.0, float("nan"), float("nan"))
        else:
            ratio = stats.ratio_of_medians(group.ns_per_op, serde.ns_per_op)
        rows.append(
            {
                "language": group.language.iloc[0],
                "api": api,
                "operation": operation,
                "mb_per_s": group.mb_per_s.median(),
                "q1": group.mb_per_s.quantile(0.25),
                "q3": group.mb_per_s.quantile(0.75),
                "ns_per_op": group.ns_per_op.median(),
                "serde_speedup": ratio.value,
                "speedup_low": ratio.low,
                "speedup_high": ratio.high,
                "samples": len(group),
            }
        )
    return pd.DataFrame(rows)


def json_table(summary: pd.DataFrame) -> pd.DataFrame:
    columns = ["api", "operation", "mb_per_s", "ns_per_op", "serde_speedup"]
    return summary[[*columns, "speedup_low", "speedup_high", "samples"]].round(
        {"mb_per_s": 0, "ns_per_op": 0, "serde_speedup": 2, "speedup_low": 2, "speedup_high": 2}
    )


def json_chart(summary: pd.DataFrame) -> alt.FacetChart:
    frame = charts.with_language_names(summary)
    apis = list(dict.fromkeys(frame.api))
    y = alt.Y("api:N", title=None, sort=apis, axis=alt.Axis(labelLimit=260))
    base = alt.Chart().encode(y=y)
    spread = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("q1:Q", title="throughput (MB/s, median of all samples)"),
        x2="q3:Q",
        color=charts.language_color(),
    )
    points = base.mark_point(filled=True, size=90).encode(
        x="mb_per_s:Q",
        color=charts.language_color(),
        tooltip=[
            "api",
            "operation",
            alt.Tooltip("mb_per_s:Q", title="MB/s", format=",.0f"),
            alt.Tooltip("ns_per_op:Q", title="ns per operation", format=",.0f"),
            alt.Tooltip("serde_speedup:Q", title="serde_json ÷ this", format=".2f"),
            "samples",
        ],
    )
    labels = base.mark_text(align="left", dx=4, dy=-10, fontSize=11, color="#333").encode(
        x="mb_per_s:Q", text=alt.Text("mb_per_s:Q", format=",.0f")
    )
    return (
        alt.layer(spread, points, labels, data=frame)
        .properties(width=330, height=alt.Step(26))
        .facet(
            row=alt.Row(
                "operation:N",
                title=None,
                sort=["decode typed", "encode typed", "decode untyped"],
                header=alt.Header(
                    labelAngle=0, labelOrient="top", labelAnchor="start", labelFontWeight="bold"
                ),
            ),
            spacing=8,
        )
        .properties(
            title=alt.Title(
                "JSON throughput on one payload of orders",
                subtitle="MB of JSON text per second (higher is better); bars: quartiles of "
                "all samples",
            ),
            description="JSON decode and encode throughput, Go encoding/json and Rust serde_json",
        )
    )


JSON_OPERATIONS = ("decode typed", "encode typed", "decode untyped")
GO_JSON_V1 = "encoding/json"
GO_JSON_V1_ON_V2 = "encoding/json (GOEXPERIMENT=jsonv2)"


def json_ratio(frame: pd.DataFrame, slower: str, faster: str, operation: str) -> stats.Ratio:
    """median ns of ``slower`` ÷ median ns of ``faster`` for one operation (above 1: the
    second is faster), with its bootstrap interval."""
    timed = frame[frame.operation == operation]
    return stats.ratio_of_medians(
        timed[timed.api == slower].ns_per_op, timed[timed.api == faster].ns_per_op
    )


def json_notes(frame: pd.DataFrame) -> Markdown:
    """The comparisons the chart shows, in words that commit only where the intervals do."""
    apis = set(frame.api.dropna())
    pairs = [("serde_json", GO_JSON_V1, "against Go's `encoding/json`")]
    if GO_JSON_V2 in apis:
        pairs.append((GO_JSON_V2, GO_JSON_V1, "against `encoding/json`, from the same Go"))
    if GO_JSON_V1_ON_V2 in apis:
        pairs.append((GO_JSON_V1_ON_V2, GO_JSON_V1, "against the same API without the experiment"))
    lines = []
    for candidate, baseline, context in pairs:
        parts = [
            f"{operation}: {_speed_words(json_ratio(frame, baseline, candidate, operation))}"
            for operation in JSON_OPERATIONS
        ]
        lines.append(f"- **`{candidate}`** {context} — " + "; ".join(parts) + ".")
    return Markdown("\n".join(lines))


# -- Experiment 3: WebAssembly -----------------------------------------------------------------
GO_WASM_SOURCE = paths.GO_MODULE / WASM / "main.go"
RUST_WASM_SOURCE = paths.RUST_WORKSPACE / WASM / "src" / "main.rs"
RUSTC_FLAGS = ("--edition", "2021", "-C", "opt-level=3")
WASM_INSTALL_HINT = (
    "Rust's standard library for WASI is missing: `rustup target add wasm32-wasip1` where "
    "rustup can download, or Debian's compiler with its wasm32 standard library "
    "(`apt-get install --no-install-recommends rustc libstd-rust-dev-wasm32 lld-14`, which puts "
    "a second rustc at /usr/bin/rustc and leaves rustup's first on PATH)."
)


@dataclass(frozen=True)
class WasmBuild:
    language: str
    toolchain: str
    target: str
    command: str
    module: Path | None = None  # None where it failed, and in replay mode (no module there)
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


def _rustc_for_wasm(rust: RustKernel) -> tuple[str, str, str] | None:
    """(rustc, its version, target) of a compiler that has a WASI standard library: the
    kernel's own first, then Debian's (see gorust.toolchains.wasi_rustc)."""
    return wasi_rustc([str(Path(rust.toolchain().executable).with_name("rustc"))])


def _cached_module(language: str, key: str, build: Callable[[Path], None]) -> tuple[Path, bool]:
    module = paths.cache_dir() / "wasm" / language / key / f"{WASM}.wasm"
    if module.exists():
        return module, True
    module.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=module.parent) as scratch:
        staged = Path(scratch) / module.name
        build(staged)
        os.replace(staged, module)
    return module, False


def recorded_wasm_build(language: str) -> WasmBuild:
    """One language's build as a live run recorded it in data/part7/wasm_builds.csv: what
    built it, or why it could not be built; the module itself is not kept."""
    table = replay.recorded(CHAPTER, "wasm_builds")
    row = table[table.language == language].iloc[0]
    error = row.error if isinstance(row.error, str) else None  # no error reads back as NaN
    return WasmBuild(
        language, row.toolchain, row.target, row.command, None, error, bool(row.cached)
    )


def build_wasm() -> list[WasmBuild]:
    """Both modules (Go, Rust); what built them, or why not, is recorded to
    data/part7/wasm_builds.csv so that a replayed page shows the same report."""
    builds = [build_go_wasm(), build_rust_wasm()]
    failed = [build for build in builds if not build.ok]
    if failed and not replay.active():
        # Live, a module that cannot be built is a broken machine, not a finding to chart.
        raise KernelError(
            "Part 7 cannot build its WebAssembly modules: "
            + " ".join(f"{charts.LANGUAGE_NAMES[b.language]}: {b.error}" for b in failed)
            + " Run `make book` as root to install what is missing, or see the preflight table."
        )
    if not replay.active():
        # Every field but the module, which lives in this machine's cache only.
        recorded = [field.name for field in fields(WasmBuild) if field.name != "module"]
        frame = pd.DataFrame(
            [{name: getattr(build, name) for name in recorded} for build in builds]
        )
        data.save(frame.assign(**provenance.host()), CHAPTER, "wasm_builds")
    return builds


def build_go_wasm() -> WasmBuild:
    if replay.active():
        return recorded_wasm_build("go")
    go, _ = kernels()
    version = go.toolchain().version
    command = f"GOOS=wasip1 GOARCH=wasm go build -trimpath ./{WASM}"
    key = _digest([version, "wasip1/wasm", GO_WASM_SOURCE.read_bytes()])

    def build(output: Path) -> None:
        _tool(
            [go.toolchain().executable, "build", "-trimpath", "-o", str(output), f"./{WASM}"],
            cwd=paths.GO_MODULE,
            env=_go_env(go, GOOS="wasip1", GOARCH="wasm"),
            what=command,
        )

    try:
        module, cached = _cached_module("go", key, build)
    except KernelError as err:
        return WasmBuild("go", version, "wasip1/wasm", command, error=str(err))
    return WasmBuild("go", version, "wasip1/wasm", command, module, cached=cached)


def build_rust_wasm() -> WasmBuild:
    if replay.active():
        return recorded_wasm_build("rust")
    _, rust = kernels()
    found = _rustc_for_wasm(rust)
    if found is None:
        return WasmBuild(
            "rust",
            "none",
            "wasm32-wasip1",
            "rustc --target wasm32-wasip1",
            None,
            error=WASM_INSTALL_HINT,
        )
    rustc, version, target = found
    command = f"{rustc} {' '.join(RUSTC_FLAGS)} --target {target} src/main.rs"
    key = _digest([version, target, *RUSTC_FLAGS, RUST_WASM_SOURCE.read_bytes()])

    def build(output: Path) -> None:
        argv = [rustc, *RUSTC_FLAGS, "--target", target, "-o", str(output), "src/main.rs"]
        _tool(argv, cwd=RUST_WASM_SOURCE.parents[1], env=rust.env, what=command)

    try:
        module, cached = _cached_module("rust", key, build)
    except KernelError as err:
        return WasmBuild("rust", version, target, command, error=str(err))
    return WasmBuild("rust", version, target, command, module, cached=cached)


def make_text(megabytes: float, seed: int = 11) -> bytes:
    """Deterministic English-looking text: a vocabulary of 20,000 invented words drawn with a
    skewed (Zipf-like) frequency, about 12 words a line."""
    rng = SplitMix64(seed)
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    vocabulary = []
    for _ in range(20_000):
        length = 2 + rng.below(9)
        vocabulary.append(
            "".join(letters[min(rng.below(26), rng.below(26))] for _ in range(length))
        )
    target, lines, size = int(megabytes * 1_000_000), [], 0
    while size < target:
        words = [
            vocabulary[int(len(vocabulary) * rng.unit() ** 4)] for _ in range(8 + rng.below(9))
        ]
        line = " ".join(words) + "\n"
        lines.append(line)
        size += len(line)
    return "".join(lines).encode("ascii")


RESULT_FIELDS = ("bytes", "lines", "words", "distinct", "top_word", "top_count")


def _run_wasm(module_bytes: bytes, folder: Path, input_name: str) -> dict:
    """Compile and run a WASI module with wasmtime: its JSON line plus compile and run times."""
    try:
        import wasmtime
    except ImportError as err:
        raise KernelError(
            "Running WebAssembly needs the `wasmtime` package from PyPI (pip install wasmtime)."
        ) from err
    engine = wasmtime.Engine()
    started = time.perf_counter()
    module = wasmtime.Module(engine, module_bytes)
    compile_s = time.perf_counter() - started
    out = folder / f"stdout-{time.time_ns()}.txt"
    config = wasmtime.WasiConfig()
    config.argv = [WASM, f"/data/{input_name}"]
    config.preopen_dir(str(folder), "/data")
    config.stdout_file = str(out)
    config.inherit_stderr()
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    started = time.perf_counter()
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    exit_code = 0
    try:
        start(store)  # type: ignore[operator]
    except wasmtime.ExitTrap as trap:
        exit_code = trap.code
    run_s = time.perf_counter() - started
    text = out.read_text(encoding="utf-8").strip()
    if exit_code != 0 or not text:
        raise KernelError(f"the WebAssembly module exited with status {exit_code}: {text!r}")
    return {**json.loads(text.splitlines()[-1]), "compile_s": compile_s, "run_s": run_s}


def wasm_runs(builds: Sequence[WasmBuild], profile: Profile | None = None) -> pd.DataFrame:
    """Each module compiled and run by wasmtime, and the same program natively, repeated and
    interleaved: the program's own time for the work, wasmtime's compile time, and the result.
    In replay mode, the recorded runs."""
    if replay.active():
        return replay.recorded(CHAPTER, "wasm_runs")
    profile = profile or current_profile()
    megabytes = profile.pick(quick=4, full=16)
    by_language = {kernel.language: kernel for kernel in kernels()}
    usable = [build for build in builds if build.ok]
    rows = []
    with tempfile.TemporaryDirectory(prefix="gorust-part7-wasm-") as folder:
        directory = Path(folder)
        (directory / "input.txt").write_bytes(make_text(megabytes))
        for build in usable:
            # Checked once: the stripped module gives the same answer as the plain one.
            stripped = _run_wasm(build.stripped, directory, "input.txt")
            rows.append(_wasm_row(build, "wasm, stripped (check)", stripped, -1))
        for repetition in range(profile.repetitions):
            order = usable if repetition % 2 == 0 else usable[::-1]
            for build in order:
                result = _run_wasm(build.module.read_bytes(), directory, "input.txt")  # type: ignore[union-attr]
                rows.append(_wasm_row(build, "wasm (wasmtime)", result, repetition))
            for language in [build.language for build in order]:
                run = by_language[language].run(WASM, [str(directory / "input.txt")])
                record = {**run.records[0], "compile_s": 0.0, "run_s": run.wall_s}
                rows.append(
                    {
                        "language": language,
                        "toolchain": run.build.toolchain,
                        "mode": "native",
                        "repetition": repetition,
                        **record,
                    }
                )
    frame = pd.DataFrame(rows)
    for name, value in provenance.host().items():
        frame[name] = value
    frame["input_mb"] = megabytes
    data.save(frame, CHAPTER, "wasm_runs")
    return frame


def _wasm_row(build: WasmBuild, mode: str, result: dict, repetition: int) -> dict:
    return {
        "language": build.language,
        "toolchain": build.toolchain,
        "mode": mode,
        "repetition": repetition,
        **result,
    }


def wasm_sizes(builds: Sequence[WasmBuild]) -> pd.DataFrame:
    """Each built module's size, as built and stripped (in replay mode, the recorded sizes)."""
    if replay.active():
        return replay.recorded(CHAPTER, "wasm_sizes")
    rows = []
    for build in builds:
        if not build.ok:
            continue
        sections = wasm_sections(build.module.read_bytes())  # type: ignore[union-attr]
        custom = sum(size for section_id, _, size in sections if section_id == 0)
        rows.append(
            {
                "language": build.language,
                "toolchain": build.toolchain,
                "target": build.target,
                "plain_bytes": build.plain_bytes,
                "stripped_bytes": len(build.stripped),
                "custom_section_bytes": custom,
            }
        )
    frame = pd.DataFrame(rows)
    for name, value in provenance.host().items():
        frame[name] = value
    data.save(frame, CHAPTER, "wasm_sizes")
    return frame


def wasm_build_report(builds: Sequence[WasmBuild]) -> str:
    """Which compiler built which module for which target, or why a side could not be built.
    (No sizes or paths: the same text on every machine with the same toolchains.)"""
    lines = []
    for build in builds:
        name = charts.LANGUAGE_NAMES[build.language]
        if build.ok:
            lines.append(f"{name}: built by {build.toolchain} for {build.target}")
        else:
            lines.append(f"{name}: NOT BUILT — {build.error}")
    return "\n".join(lines)


def wasm_agreement(runs: pd.DataFrame) -> str:
    """Do all runs (native, wasm, stripped wasm; both languages) give one answer? The text
    names no build, so it reads the same where one side could not be built."""
    answers = runs[list(RESULT_FIELDS)].drop_duplicates()
    if len(answers) == 1:
        answer = answers.iloc[0]
        return "Every run gives the same answer: yes\n" + "\n".join(
            f"  {name:<10} {answer[name]}" for name in RESULT_FIELDS
        )
    return f"The runs DISAGREE:\n{runs[['language', 'mode', *RESULT_FIELDS]].to_string()}"


def wasm_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per language and mode: median work time, compile time and start-to-exit time."""
    timed = runs[runs.repetition >= 0]
    rows = []
    for (language, mode), group in timed.groupby(["language", "mode"], sort=False):
        rows.append(
            {
                "language": language,
                "mode": mode,
                "work_ms": group.work_ns.median() / 1e6,
                "work_q1_ms": group.work_ns.quantile(0.25) / 1e6,
                "work_q3_ms": group.work_ns.quantile(0.75) / 1e6,
                "compile_ms": group.compile_s.median() * 1e3,
                "run_ms": group.run_s.median() * 1e3,
                "runs": len(group),
            }
        )
    return pd.DataFrame(rows)


def wasm_table(sizes: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Sizes and median times per language and mode, as the page shows them."""
    size_by = sizes.set_index("language")
    rows = []
    for row in summary.itertuples():
        wasm = row.mode != "native"
        rows.append(
            {
                "language": charts.LANGUAGE_NAMES[row.language],
                "mode": row.mode,
                "module KB as built": size_by.loc[row.language, "plain_bytes"] / 1e3
                if wasm
                else None,
                "module KB stripped": size_by.loc[row.language, "stripped_bytes"] / 1e3
                if wasm
                else None,
                "wasmtime compile ms": row.compile_ms if wasm else None,
                "work ms": row.work_ms,
                "start to exit ms": row.run_ms,
                "runs": row.runs,
            }
        )
    return pd.DataFrame(rows).round(1)


def wasm_chart(sizes: pd.DataFrame, summary: pd.DataFrame) -> alt.VConcatChart:
    size_frame = charts.with_language_names(sizes).melt(
        id_vars=["Language"],
        value_vars=["plain_bytes", "stripped_bytes"],
        var_name="kind",
        value_name="bytes",
    )
    size_frame["kind"] = size_frame.kind.map(
        {"plain_bytes": "as built", "stripped_bytes": "stripped"}
    )
    size_frame["kb"] = size_frame.bytes / 1e3
    size_frame["label"] = size_frame.kb.map(lambda kb: f"{kb:,.0f} KB")
    size_frame["row"] = size_frame.Language + ", " + size_frame.kind
    rows = list(size_frame.row)
    anchors = pd.DataFrame(
        {"kb": [2_000.0, 10.0], "text": ["Go wiki: ~2 MB minimum", "Rust: tens of KB"]}
    )
    size_scale = alt.Scale(type="log", domain=[5, 20_000])
    y_rows = alt.Y("row:N", title=None, sort=rows)
    size_bars = (
        alt.Chart(size_frame)
        .mark_bar(height=16)
        .encode(
            y=y_rows,
            x=alt.X("kb:Q", scale=size_scale, title="module size (KB, log scale)"),
            x2=alt.datum(5),
            color=charts.language_color(),
            opacity=alt.Opacity(
                "kind:N",
                scale=alt.Scale(domain=["as built", "stripped"], range=[0.5, 1.0]),
                legend=None,
            ),
            tooltip=["Language", "kind", alt.Tooltip("bytes:Q", format=",")],
        )
    )
    size_labels = (
        alt.Chart(size_frame)
        .mark_text(align="left", dx=4, fontSize=11, color="#333")
        .encode(y=y_rows, x=alt.X("kb:Q", scale=size_scale), text="label:N")
    )
    anchor_rules = (
        alt.Chart(anchors)
        .mark_rule(color="#555", strokeDash=[4, 3])
        .encode(x=alt.X("kb:Q", scale=size_scale), tooltip=["text"])
    )
    anchor_text = (
        alt.Chart(anchors)
        .mark_text(align="left", baseline="bottom", dx=3, dy=-2, fontSize=10, color="#555")
        .encode(x=alt.X("kb:Q", scale=size_scale), y=alt.value(0), text="text:N")
    )
    sizes_panel = alt.layer(size_bars, anchor_rules, anchor_text, size_labels).properties(
        width=400, height=alt.Step(28), title="Module size (dashed: public anchors)"
    )

    time_frame = charts.with_language_names(summary)
    time_frame["row"] = time_frame.Language + ", " + time_frame["mode"]
    time_rows = list(time_frame.sort_values(["Language", "mode"]).row)
    time_scale = alt.Scale(type="log")
    work = alt.Chart(time_frame).encode(y=alt.Y("row:N", title=None, sort=time_rows))
    work_points = work.mark_point(filled=True, size=90).encode(
        x=alt.X("work_ms:Q", scale=time_scale, title="counting the words (ms, log scale)"),
        color=charts.language_color(),
        tooltip=[
            "Language",
            "mode",
            alt.Tooltip("work_ms:Q", title="work (ms)", format=",.1f"),
            alt.Tooltip("compile_ms:Q", title="wasmtime compile (ms)", format=",.0f"),
            alt.Tooltip("run_ms:Q", title="instantiate + run (ms)", format=",.1f"),
            "runs",
        ],
    )
    work_spread = work.mark_rule(strokeWidth=3).encode(
        x=alt.X("work_q1_ms:Q", scale=time_scale), x2="work_q3_ms:Q", color=charts.language_color()
    )
    work_labels = work.mark_text(align="left", dx=4, dy=-10, fontSize=11, color="#333").encode(
        x=alt.X("work_ms:Q", scale=time_scale), text=alt.Text("work_ms:Q", format=",.0f")
    )
    time_panel = alt.layer(work_spread, work_points, work_labels).properties(
        width=400, height=alt.Step(28), title="Run time, wasm against native"
    )
    return alt.vconcat(sizes_panel, time_panel, spacing=24).properties(
        title=alt.Title(
            "One word-count program, compiled to WebAssembly (WASI) by both",
            subtitle="sizes of the modules; the program's own timing of its work, median and "
            "quartiles",
        ),
        description="WebAssembly module sizes and run times, Go and Rust",
    )


# -- Claim check -------------------------------------------------------------------------------
def _speed_words(ratio: stats.Ratio) -> str:
    """serde_json against a Go library, in words that commit only where the interval does."""
    if ratio.within(0.9, 1.1):
        return "about as fast"
    if ratio.above(1.1):
        return f"{ratio.value:.1f}× faster (95% CI {ratio.low:.1f}–{ratio.high:.1f})"
    if ratio.below(0.9):
        return f"{1 / ratio.value:.1f}× slower (95% CI {1 / ratio.high:.1f}–{1 / ratio.low:.1f})"
    return "inconclusive here"


def claims(
    service: pd.DataFrame,
    summary: pd.DataFrame,
    go_deps: Dependencies,
    rust_deps: Dependencies,
    json_frame: pd.DataFrame,
    json_stats: pd.DataFrame,
    builds: Sequence[WasmBuild],
    sizes: pd.DataFrame,
    wasm: pd.DataFrame,
) -> list[Claim]:
    agreement = service_agreement(service)
    same = bool(agreement.same_status.all())
    go_row = summary.set_index("language").loc["go"]
    rust_row = summary.set_index("language").loc["rust"]
    rust_names = {entry.split()[0] for entry in rust_deps.transitive}
    article_found = [name for name in ARTICLE_CRATES if name in rust_names]

    std_verdict = (
        "holds: routing with methods and path parameters, JSON both ways and the outbound call "
        "came from the standard library, and the service passed the same script as the Rust one"
        if not go_deps.transitive and same
        else "does not hold here: see the dependency list above"
        if go_deps.transitive
        else "inconclusive here: the two services did not answer the script alike"
    )
    crates_verdict = (
        "holds: without crates Rust's standard library has no HTTP server, client or JSON; "
        f"the four named crates come with {len(rust_deps.transitive)} crates in all"
        if len(article_found) == len(ARTICLE_CRATES)
        else f"depends: the graph holds {', '.join(article_found)} of the four"
    )
    cold_ratio = rust_row.cold_wall_s / go_row.cold_wall_s
    cpu_ratio = rust_row.cold_cpu_s / go_row.cold_cpu_s
    warm_ratio = rust_row.warm_wall_s / go_row.warm_wall_s
    minutes = "" if rust_row.cold_wall_s < 600 else ", ten minutes and more"
    build_verdict = (
        f"holds, in seconds rather than minutes{minutes}: Rust's cold build took "
        f"{cold_ratio:.1f}× Go's wall time ({cpu_ratio:.1f}× its CPU time) for "
        f"{int(rust_row.units_compiled)} crates; after a one-line change, {warm_ratio:.0f}×"
        if min(cold_ratio, cpu_ratio) > 1.5
        else "does not hold here: the cold builds took about as long"
    )
    size_ratio = go_row.stripped_bytes / rust_row.stripped_bytes
    size_verdict = (
        "holds"
        if size_ratio >= 2
        else "does not hold for this service: with TLS, HTTP/2 and a runtime the Rust binary is "
        "as large as Go's"
        if size_ratio < 1.5
        else "depends: Rust's binary is smaller, but not by the article's factor of five"
    )
    runtime_verdict = (
        "holds: tokio won — it is the only runtime in the graph, and axum, hyper and reqwest "
        "choose it for you; async-std, the other option the article names, has been "
        "discontinued"
        if rust_deps.runtimes == ("tokio",)
        else f"depends: runtimes in the graph: {', '.join(rust_deps.runtimes) or 'none'}"
    )

    json_stats = json_stats.set_index(["api", "operation"])
    decode = json_stats.loc[("encoding/json", "decode typed")]
    encode = json_stats.loc[("encoding/json", "encode typed")]
    serde_decode = json_stats.loc[("serde_json", "decode typed")]
    serde_encode = json_stats.loc[("serde_json", "encode typed")]

    def ratio(api: str, operation: str) -> stats.Ratio:
        return json_ratio(json_frame, api, "serde_json", operation)

    decode_ratio = ratio(GO_JSON_V1, "decode typed")
    encode_ratio = ratio(GO_JSON_V1, "encode typed")
    checks = json_frame[json_frame.get("check").eq("round trip")]
    all_identical = bool(checks.identical.astype(bool).all())
    v2_text = ""
    if (GO_JSON_V2, "decode typed") in json_stats.index:
        v2 = json_stats.loc[(GO_JSON_V2, "decode typed")]
        v2_text = (
            f" encoding/json/v2 (GOEXPERIMENT): decode {v2.mb_per_s:,.0f} MB/s, serde_json "
            f"{_speed_words(ratio(GO_JSON_V2, 'decode typed'))}."
        )
    json_verdict = (
        f"depends: built in and correct (the payload round-trips byte for byte), but serde_json "
        f"decodes {_speed_words(decode_ratio)} and encodes {_speed_words(encode_ratio)}"
        if all_identical
        else "inconclusive here: a library did not re-encode the payload identically"
    )

    by_language = {build.language: build for build in builds}
    size_rows = sizes.set_index("language") if len(sizes) else pd.DataFrame()
    wasm_timed = wasm[(wasm.repetition >= 0) & (wasm["mode"] == "wasm (wasmtime)")]
    if all(by_language[name].ok for name in ("go", "rust")):
        go_size, rust_size = size_rows.loc["go"], size_rows.loc["rust"]
        go_work = wasm_timed[wasm_timed.language == "go"].work_ns
        rust_work = wasm_timed[wasm_timed.language == "rust"].work_ns
        speed = stats.ratio_of_medians(go_work, rust_work)
        speed_words = (
            f"Go's module took {speed.value:.1f}× Rust's time for the work"
            if speed.above(1.1)
            else f"Rust's module took {1 / speed.value:.1f}× Go's time"
            if speed.below(0.9)
            else "they ran about as fast"
            if speed.within(0.9, 1.1)
            else "their speed is inconclusive here"
        )
        compile_ratio = (
            wasm_timed[wasm_timed.language == "go"].compile_s.median()
            / wasm_timed[wasm_timed.language == "rust"].compile_s.median()
        )
        wasm_measured = (
            f"Go {go_size.plain_bytes / 1e6:.2f} MB as built, {go_size.stripped_bytes / 1e6:.2f} "
            f"MB stripped; Rust {rust_size.plain_bytes / 1e6:.2f} MB as built (debug info of "
            f"Debian's std), {rust_size.stripped_bytes / 1e3:.0f} KB stripped. {speed_words}; "
            f"wasmtime compiled Go's module {compile_ratio:.0f}× longer."
        )
        small = go_size.stripped_bytes / rust_size.stripped_bytes
        not_measured = "the browser tooling (wasm-bindgen) and TinyGo are not measured here"
        wasm_verdict = (
            f"holds for what is measured here: Rust's module is {small:.0f}× smaller "
            f"stripped, compiles {compile_ratio:.0f}× faster and runs {speed.value:.1f}× "
            f"faster; {not_measured}"
            if small >= 5 and compile_ratio >= 2 and speed.above(1.1)
            else f"depends: Rust's module is {small:.0f}× smaller stripped, but not faster "
            f"here; {not_measured}"
            if small >= 5
            else f"inconclusive here: the modules are of similar size; {not_measured}"
        )
    else:
        missing = [
            charts.LANGUAGE_NAMES[name] for name in ("go", "rust") if not by_language[name].ok
        ]
        wasm_measured = f"{' and '.join(missing)} could not be built here; see above."
        wasm_verdict = "inconclusive here: one side could not be built on this machine"

    return [
        Claim(
            "Go: “Std Lib: Incredible. HTTP, JSON … built-in and production ready. You rarely "
            "need frameworks.”",
            f"The Go service imports {len(go_deps.transitive)} third-party modules "
            f"({go_deps.std_packages} standard-library packages); {int(go_row.source_lines)} "
            f"lines against Rust's {int(rust_row.source_lines)}. Both answered all "
            f"{len(agreement)} requests of the script with the same status: "
            f"{'yes' if same else 'no'}.",
            "Go 1.22 release notes (method and wildcard patterns in net/http.ServeMux)",
            std_verdict,
        ),
        Claim(
            "Rust: “Std Lib: Minimal. No HTTP. You need tokio, hyper, serde, reqwest.”",
            f"{len(rust_deps.direct)} direct dependencies, {len(rust_deps.transitive)} crates "
            f"built; of the article's four: {', '.join(article_found)}.",
            "Rust's std documentation (no HTTP or JSON modules)",
            crates_verdict,
        ),
        Claim(
            "Crates cost build time (the article's Part 4: with Rust you “wait 10 minutes”)",
            f"Cold build: Go {go_row.cold_wall_s:.1f} s, Rust {rust_row.cold_wall_s:.1f} s "
            f"(wall; CPU {go_row.cold_cpu_s:.0f} s vs {rust_row.cold_cpu_s:.0f} s; "
            f"{int(go_row.units_compiled)} Go packages vs {int(rust_row.units_compiled)} "
            f"crates compiled). One-line change: Go {go_row.warm_wall_s:.1f} s, Rust "
            f"{rust_row.warm_wall_s:.1f} s.",
            "The article's Part 4 (Rust compile times)",
            build_verdict,
        ),
        Claim(
            "Summary Matrix: binary size Go “Medium (~10MB)”, Rust “Small (~2MB)”",
            f"This service: Go {go_row.binary_bytes / 1e6:.1f} MB "
            f"({go_row.stripped_bytes / 1e6:.1f} MB stripped), Rust "
            f"{rust_row.binary_bytes / 1e6:.1f} MB ({rust_row.stripped_bytes / 1e6:.1f} MB "
            f"stripped).",
            "The article's Summary Matrix (Part 8)",
            size_verdict,
        ),
        Claim(
            "Rust: “Which async runtime? Tokio or Async-std?” (Tokio won)",
            f"Async runtimes in the service's graph: {', '.join(rust_deps.runtimes) or 'none'}; "
            f"{len(rust_deps.tokio_dependents)} crates depend on tokio directly "
            f"({', '.join(rust_deps.tokio_dependents)}).",
            "async-std 1.13.1 (March 2025): “async-std has been discontinued; use smol "
            "instead”; RUSTSEC-2025-0052",
            runtime_verdict,
        ),
        Claim(
            "Go: JSON is built in and production ready",
            f"encoding/json decode {decode.mb_per_s:,.0f} MB/s, encode {encode.mb_per_s:,.0f} "
            f"MB/s; serde_json decode {serde_decode.mb_per_s:,.0f} MB/s, encode "
            f"{serde_encode.mb_per_s:,.0f} MB/s.{v2_text}",
            "Go 1.25 release notes (encoding/json/v2 as GOEXPERIMENT=jsonv2)",
            json_verdict,
        ),
        Claim(
            "Rust: “WASM: Rust is the king of WebAssembly.”",
            wasm_measured,
            "Go wiki (WebAssembly): ~2 MB minimum; Rust stripped modules in the tens of KB",
            wasm_verdict,
        ),
    ]
