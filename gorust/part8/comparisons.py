"""Every Go-against-Rust comparison the chapters make, by one rule, as ratios (Go ÷ Rust).

The selection rule (the Verdict's page states it too): every quantity a chapter measures in
both languages appears here once. Where the chapter measures variants of a program (tuned
settings, other layouts or libraries), it appears twice: **idiomatic** (each language's
default, as the chapter names it) and **best of each** (the variant with the lowest median in
each language), so that neither side's worst variant is set against the other's best. A
quantity where the idiomatic pair is also each language's best appears once.

Lower is better in every comparison (time, memory, bytes, lines; throughput enters as time
per request), so a ratio above 1 is a case where Rust needed less.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from gorust import tables
from gorust.fixed_rate import both_sustained
from gorust.part7.browser_runs import with_first_answer

IDIOMATIC = "idiomatic"
BEST = "best of each"


@dataclass(frozen=True)
class Dimension:
    """One comparison: what Go needed against what Rust needed (lower is better)."""

    key: str
    dimension: str  # what is compared, in words
    chapter: str
    pairing: str  # IDIOMATIC or BEST
    go: float
    rust: float
    unit: str
    go_variant: str = ""
    rust_variant: str = ""

    @property
    def ratio(self) -> float:
        return self.go / self.rust


Load = Callable[[str, str], pd.DataFrame]


def paired(
    key: str,
    label: str,
    chapter: str,
    unit: str,
    medians: pd.Series,
    defaults: tuple[str, str],
) -> list[Dimension]:
    """The idiomatic pair and, where it differs, the best-of-each pair, from ``medians``
    indexed by (language, variant)."""
    go_default, rust_default = defaults
    go_best = medians.loc["go"].idxmin()
    rust_best = medians.loc["rust"].idxmin()
    found = [
        Dimension(
            key,
            label,
            chapter,
            IDIOMATIC,
            float(medians.loc[("go", go_default)]),
            float(medians.loc[("rust", rust_default)]),
            unit,
            go_default,
            rust_default,
        )
    ]
    if (go_best, rust_best) != (go_default, rust_default):
        found.append(
            Dimension(
                f"{key}-best",
                label,
                chapter,
                BEST,
                float(medians.loc[("go", go_best)]),
                float(medians.loc[("rust", rust_best)]),
                unit,
                str(go_best),
                str(rust_best),
            )
        )
    return found


def _medians(frame: pd.DataFrame, variant: str, value: str | pd.Series) -> pd.Series:
    values = frame[value] if isinstance(value, str) else value
    return values.groupby([frame.language, frame[variant]]).median()


def one_pair(key: str, label: str, chapter: str, unit: str, by_language: pd.Series) -> Dimension:
    """A comparison with one program per language, from values indexed by language."""
    return Dimension(
        key, label, chapter, IDIOMATIC, float(by_language["go"]), float(by_language["rust"]), unit
    )


def binary_trees(load: Load) -> list[Dimension]:
    f = load("part3", "binary_trees")
    defaults = ("Go, GOGC=100", "Rust, Box")
    cpu = f.cpu_s if "cpu_s" in f else f.user_s + f.system_s
    return [
        *paired(
            "alloc",
            "allocation-heavy run time (binary-trees)",
            "part3",
            "s",
            _medians(f, "variant", "wall_s"),
            defaults,
        ),
        *paired(
            "alloc-cpu",
            "allocation-heavy CPU time (binary-trees)",
            "part3",
            "CPU-s",
            _medians(f, "variant", cpu),
            defaults,
        ),
    ]


def live_heap(load: Load) -> list[Dimension]:
    f = load("part3", "live_heap")
    largest = f[f.records == f.records.max()]
    defaults = ("Go, GOGC=100", "Rust")
    return [
        *paired(
            "p99",
            "request p99 beside a live heap",
            "part3",
            "µs",
            _medians(f, "variant", f.p99_ns / 1e3),
            defaults,
        ),
        *paired(
            "heap-memory",
            "memory for the same live data (largest heap)",
            "part3",
            "MiB",
            _medians(largest, "variant", largest.rss_bytes / 2**20),
            defaults,
        ),
    ]


def task_memory(load: Load) -> list[Dimension]:
    f = load("part2", "task_memory")
    medians = f.groupby(["model", "tasks"]).peak_rss_bytes.median()
    largest = f[f.model == "tokio"].tasks.max()

    def per_task(model: str) -> float:
        return (medians[(model, largest)] - medians[(model, 0)]) / largest

    per = pd.Series({"go": per_task("goroutine"), "rust": per_task("tokio")})
    return [one_pair("task", "memory per waiting task", "part2", "bytes", per)]


def connection_memory(load: Load) -> list[Dimension]:
    f = load("part2", "connections")
    f = f[f.connections == f.connections.max()]
    per_connection = (f.server_peak_rss_bytes - f.server_idle_rss_bytes) / f.connections / 1024
    kib = per_connection.groupby(f.language).median()
    return [one_pair("connection", "server memory per connection", "part2", "KiB", kib)]


def read_states(load: Load) -> list[Dimension]:
    f = load("part6", "read_states")
    defaults = ("Go, pointer LRU", "Rust, HashMap LRU (lru crate)")
    return [
        *paired(
            "cache-tail",
            "LRU cache p99.9 (Discord's case)",
            "part6",
            "µs",
            _medians(f, "variant", "p999_us"),
            defaults,
        ),
        *paired(
            "cache-memory",
            "LRU cache peak memory (Discord's case)",
            "part6",
            "MiB",
            _medians(f, "variant", f.peak_rss_bytes / 2**20),
            defaults,
        ),
    ]


ERROR_PAIRS = (
    ("errors-plain", "returning a plain error value", "sentinel error", "Err(enum)"),
    ("errors", "returning an error with context", "fmt.Errorf with %w", "anyhow + context"),
    ("errors-panic", "a panic caught and recovered", "panic + recover", "panic + catch_unwind"),
)


def error_cost(load: Load) -> list[Dimension]:
    ns = load("part5", "error_cost").groupby("case").ns_per_op.median()
    return [
        Dimension(key, label, "part5", IDIOMATIC, float(ns[go]), float(ns[rust]), "ns", go, rust)
        for key, label, go, rust in ERROR_PAIRS
    ]


def crud_load(load: Load) -> list[Dimension]:
    f = load("part4", "load")
    with contextlib.suppress(FileNotFoundError):
        f = pd.concat([f, load("part4", "load_tuned")], ignore_index=True)
    defaults = ("Go: Gin + pgx", "Rust: Axum + sqlx")
    found = []
    for scenario in ("read", "mixed"):
        rows = f[f.scenario == scenario]
        # Time per request, so that lower is better like every other comparison.
        per_request = 1e6 / _medians(rows, "variant", "requests_per_s")
        found += paired(
            f"crud-{scenario}",
            f"CRUD API on PostgreSQL, {scenario}: time per request at full load",
            "part4",
            "µs",
            per_request,
            defaults,
        )
    return found


def rebuild(load: Load) -> list[Dimension]:
    f = load("part4", "rebuild")
    seconds = f[f.build == "incremental"].groupby("language").seconds.median()
    return [one_pair("rebuild", "CRUD API: rebuild after a one-line change", "part4", "s", seconds)]


def cold_build(load: Load) -> list[Dimension]:
    seconds = load("part4", "cold_build").groupby("language").seconds.median()
    return [one_pair("cold-build", "CRUD API: cold build", "part4", "s", seconds)]


def crud_binary(load: Load) -> list[Dimension]:
    f = load("part4", "binary_size")
    mib = f[f.variant == "stripped"].groupby("language").bytes.median() / 2**20
    return [one_pair("binary", "CRUD API binary, stripped", "part4", "MiB", mib)]


def service(load: Load) -> list[Dimension]:
    f = load("part7", "service_summary").set_index("language")
    return [
        one_pair("service-cold-build", "HTTP service: cold build", "part7", "s", f.cold_wall_s),
        one_pair(
            "service-binary",
            "HTTP service binary, stripped",
            "part7",
            "MiB",
            f.stripped_bytes / 2**20,
        ),
    ]


def wasm_size(load: Load) -> list[Dimension]:
    kib = load("part7", "wasm_sizes").groupby("language").stripped_bytes.median() / 1024
    return [one_pair("wasm", "WebAssembly module, stripped", "part7", "KiB", kib)]


def source_lines(load: Load) -> list[Dimension]:
    lines = load("part4", "source_lines").groupby("language").code.sum()
    return [one_pair("lines", "lines of code of the same CRUD API", "part4", "lines", lines)]


JSON_OPERATIONS = ("decode typed", "encode typed", "decode untyped")


def json_speed(load: Load) -> list[Dimension]:
    f = load("part7", "json_throughput").dropna(subset=["operation"])
    found = []
    for operation in JSON_OPERATIONS:
        rows = f[f.operation == operation]
        found += paired(
            f"json-{operation.replace(' ', '-')}",
            f"JSON {operation}",
            "part7",
            "µs",
            _medians(rows, "api", rows.ns_per_op / 1e3),
            ("encoding/json", "serde_json"),
        )
    return found


def word_count(load: Load) -> list[Dimension]:
    f = load("part7", "wasm_runs")
    ms = (f.work_ns / 1e6).groupby([f["mode"], f.language]).median()
    return [
        one_pair("wordcount", "word count, native", "part7", "ms", ms["native"]),
        one_pair(
            "wordcount-wasm",
            "word count in WebAssembly (wasmtime)",
            "part7",
            "ms",
            ms["wasm (wasmtime)"],
        ),
    ]


def browser(load: Load) -> list[Dimension]:
    f = with_first_answer(load("part7", "browser_wasm"))
    medians = f.groupby("language")[["download_bytes", "first_answer_ms", "call_ms"]].median()
    return [
        one_pair(
            "browser-download",
            "WebAssembly in the browser: download, gzipped",
            "part7",
            "KiB",
            medians.download_bytes / 1024,
        ),
        one_pair(
            "browser-first",
            "WebAssembly in the browser: time to the first answer",
            "part7",
            "ms",
            medians.first_answer_ms,
        ),
        one_pair(
            "browser-call",
            "WebAssembly in the browser: a later call",
            "part7",
            "ms",
            medians.call_ms,
        ),
    ]


def _at_rates_both_sustained(runs: pd.DataFrame, column: str) -> pd.Series:
    """Per language, the median of ``column`` over the runs at the rates both sustained; with
    none, the comparison is left out as one not recorded is."""
    at = runs[runs.rate.isin(both_sustained(runs))]
    if at.empty:
        raise FileNotFoundError("no rate both sustained")
    return at.groupby("language")[column].median()


def proxy(load: Load) -> list[Dimension]:
    f = load("part7", "reverse_proxy")
    return [
        one_pair(
            "proxy-cpu",
            "reverse proxy: CPU per request",
            "part7",
            "µs",
            _at_rates_both_sustained(f, "cpu_us_per_request"),
        ),
        one_pair(
            "proxy-p99",
            "reverse proxy: p99",
            "part7",
            "ms",
            _at_rates_both_sustained(f, "p99_us") / 1e3,
        ),
    ]


def grpc(load: Load) -> list[Dimension]:
    f = load("part7", "grpc_echo")
    return [
        one_pair(
            "grpc-cpu",
            "gRPC echo: server CPU per call",
            "part7",
            "µs",
            _at_rates_both_sustained(f, "cpu_us_per_request"),
        ),
        one_pair(
            "grpc-p99", "gRPC echo: p99", "part7", "ms", _at_rates_both_sustained(f, "p99_us") / 1e3
        ),
        one_pair(
            "grpc-binary",
            "gRPC echo binary, stripped",
            "part7",
            "MiB",
            f.groupby("language").stripped_bytes.median() / 2**20,
        ),
    ]


MEASURES: tuple[Callable[[Load], list[Dimension]], ...] = (
    binary_trees,
    live_heap,
    json_speed,
    crud_load,
    error_cost,
    read_states,
    word_count,
    task_memory,
    connection_memory,
    crud_binary,
    service,
    wasm_size,
    browser,
    proxy,
    grpc,
    rebuild,
    cold_build,
    source_lines,
)
COLUMNS = [
    "key",
    "dimension",
    "chapter",
    "pairing",
    "go",
    "rust",
    "unit",
    "ratio",
    "go_variant",
    "rust_variant",
]


def dimensions(data_dir: Path) -> pd.DataFrame:
    """Every comparison whose data ``data_dir`` holds (ratio = Go ÷ Rust, lower is better)."""

    def load(chapter: str, name: str) -> pd.DataFrame:
        return tables.read(data_dir, chapter, name)

    rows = []
    for measure in MEASURES:
        try:
            found = measure(load)
        # The chapter has not recorded this table (FileNotFoundError): it is left out, and
        # the Matrix says "not measured yet".
        except FileNotFoundError:
            continue
        rows += [{**asdict(d), "ratio": d.ratio} for d in found]
    return pd.DataFrame(rows, columns=COLUMNS)
