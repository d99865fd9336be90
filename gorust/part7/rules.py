"""Part 7's claim check: each of the article's claims is a rule over the chapter's saved tables
(gorust.claims), so a live page, a replayed one and ``--derive-claims`` judge alike, and a test
can make every verdict flip. The numbers the prose shows are in ``gorust.part7.facts``."""

from __future__ import annotations

import pandas as pd

from gorust import charts, claims, stats
from gorust.part7.binary_sizes import TUNED, tuned_megabytes
from gorust.part7.browser_runs import with_first_answer
from gorust.part7.common import CHAPTER
from gorust.part7.json_speed import GO_JSON_V1, GO_JSON_V2, json_ratio, speed_words
from gorust.part7.service import service_agreement
from gorust.part7.service_deps import (
    ARTICLE_CRATES,
    Dependencies,
    ServiceDependencies,
    article_crates_found,
)
from gorust.part7.wasm_modules import WasmBuilds

# A factor the chapter calls "faster" or "longer" must clear this, on both wall and CPU time.
BUILD_FACTOR = 1.5
# The article's Summary Matrix: Go ~10 MB against Rust ~2 MB, a factor of five.
MATRIX_FACTOR = 5.0
# The Matrix's "~2MB" read as "about 2 MB": up to this many megabytes, stripped.
ABOUT_2_MB = 3.0
# The article's Part 4: with Rust you "wait 10 minutes".
ARTICLE_WAIT_S = 600.0
NOT_MEASURED = "wasm-bindgen and TinyGo are not measured here (the browser: see the next row)"
# Sizes do not vary between builds: below this factor, two downloads count as the same size.
SAME_SIZE = 1.1
# A ratio of times claims a difference only where its whole interval clears this factor.
TIME_NOISE = 1.1


# -- Reading the tables ------------------------------------------------------------------------
def service_row(t: claims.Tables, language: str) -> pd.Series:
    return t["service_summary"].set_index("language").loc[language]


def service_deps(t: claims.Tables) -> tuple[Dependencies, Dependencies]:
    deps = ServiceDependencies.from_tables({"dependencies": t["dependencies"]})
    return deps.go, deps.rust


def duration_words(seconds: float) -> str:
    """A build time as a reader would say it: seconds below a minute, minutes above."""
    if seconds < 60:
        return f"{seconds:.0f} seconds"
    return f"{seconds / 60:.1f} minutes"


def size_words(ratio: float) -> str:
    """Rust's binary against Go's (``ratio`` = Rust's size ÷ Go's), in words."""
    if ratio > 1.1:
        return f"{ratio:.1f}× the size of Go's"
    if ratio < 1 / 1.1:
        return f"{1 / ratio:.1f}× smaller than Go's"
    return "about the size of Go's"


# -- Experiment 1: the service -----------------------------------------------------------------
@claims.rule(
    CHAPTER,
    claim="Go: “Std Lib: Incredible. HTTP, JSON … built-in and production ready. You rarely "
    "need frameworks.”",
    anchor="Go 1.22 release notes (method and wildcard patterns in net/http.ServeMux)",
    tables=("service_check", "service_summary", "dependencies"),
)
def standard_library(t: claims.Tables) -> claims.Finding:
    agreement = service_agreement(t["service_check"])
    same = bool(agreement.same_status.all())
    go_deps, _ = service_deps(t)
    go_row, rust_row = service_row(t, "go"), service_row(t, "rust")
    if go_deps.transitive:
        verdict = "does not hold: the Go service needs third-party modules (listed above)"
    elif same:
        verdict = (
            "holds: routing with methods and path parameters, JSON both ways and the outbound "
            "call came from the standard library, and the service passed the same script as "
            "the Rust one"
        )
    else:
        verdict = "inconclusive here: the two services did not answer the script alike"
    return claims.Finding(
        f"The Go service imports {len(go_deps.transitive)} third-party modules "
        f"({go_deps.std_packages} standard-library packages); {int(go_row.source_lines)} "
        f"lines against Rust's {int(rust_row.source_lines)}. Both answered all "
        f"{len(agreement)} requests of the script with the same status: "
        f"{'yes' if same else 'no'}.",
        verdict,
    )


@claims.rule(
    CHAPTER,
    claim="Rust: “Std Lib: Minimal. No HTTP. You need tokio, hyper, serde, reqwest.”",
    anchor="Rust's std documentation (no HTTP or JSON modules)",
    tables=("dependencies",),
)
def crates(t: claims.Tables) -> claims.Finding:
    _, rust_deps = service_deps(t)
    found = article_crates_found(rust_deps)
    if len(found) == len(ARTICLE_CRATES):
        verdict = (
            "holds: without crates Rust's standard library has no HTTP server, client or JSON; "
            f"the four named crates come with {len(rust_deps.transitive)} crates in all"
        )
    else:
        verdict = f"depends: the graph holds {', '.join(found) or 'none'} of the four"
    return claims.Finding(
        f"{len(rust_deps.direct)} direct dependencies, {len(rust_deps.transitive)} crates "
        f"built; of the article's four: {', '.join(found) or 'none'}.",
        verdict,
    )


@claims.rule(
    CHAPTER,
    claim="Crates cost build time (the article's Part 4: with Rust you “wait 10 minutes”)",
    anchor="The article's Part 4 (Rust compile times)",
    tables=("service_summary",),
    key="compile-time",
)
def build_time(t: claims.Tables) -> claims.Finding:
    go_row, rust_row = service_row(t, "go"), service_row(t, "rust")
    cold_ratio = rust_row.cold_wall_s / go_row.cold_wall_s
    cpu_ratio = rust_row.cold_cpu_s / go_row.cold_cpu_s
    warm_ratio = rust_row.warm_wall_s / go_row.warm_wall_s
    wait = (
        "under the article's ten minutes"
        if rust_row.cold_wall_s < ARTICLE_WAIT_S
        else "as long as the article's ten minutes or longer"
    )
    if min(cold_ratio, cpu_ratio) > BUILD_FACTOR:
        verdict = (
            f"holds: in {duration_words(rust_row.cold_wall_s)} ({wait}), Rust's cold build "
            f"took {cold_ratio:.1f}× Go's wall time ({cpu_ratio:.1f}× its CPU time) for "
            f"{int(rust_row.units_compiled)} crates; after a one-line change, {warm_ratio:.0f}×"
        )
    elif max(cold_ratio, cpu_ratio) < BUILD_FACTOR:
        verdict = (
            f"does not hold: the cold builds took {cold_ratio:.1f}× (wall) and "
            f"{cpu_ratio:.1f}× (CPU) Go's time"
        )
    else:
        verdict = (
            f"inconclusive here: wall time ({cold_ratio:.1f}×) and CPU time ({cpu_ratio:.1f}×) "
            "disagree"
        )
    return claims.Finding(
        f"Cold build: Go {go_row.cold_wall_s:.1f} s, Rust {rust_row.cold_wall_s:.1f} s "
        f"(wall; CPU {go_row.cold_cpu_s:.0f} s vs {rust_row.cold_cpu_s:.0f} s; "
        f"{int(go_row.units_compiled)} Go packages vs {int(rust_row.units_compiled)} "
        f"crates compiled). One-line change: Go {go_row.warm_wall_s:.1f} s, Rust "
        f"{rust_row.warm_wall_s:.1f} s.",
        verdict,
    )


@claims.rule(
    CHAPTER,
    claim="Summary Matrix: binary size Go “Medium (~10MB)”, Rust “Small (~2MB)”",
    anchor="The article's Summary Matrix (Part 8)",
    tables=("service_summary",),
    key="binary-size",
)
def binary_size(t: claims.Tables) -> claims.Finding:
    go_row, rust_row = service_row(t, "go"), service_row(t, "rust")
    smaller = go_row.stripped_bytes / rust_row.stripped_bytes  # above 1: Rust's is smaller
    relative = size_words(1 / smaller)
    if smaller >= MATRIX_FACTOR / 2:
        verdict = f"holds: stripped, Rust's binary is {relative}"
    elif smaller >= BUILD_FACTOR:
        verdict = (
            f"depends: stripped, Rust's binary is {relative}, not the article's factor of five"
        )
    else:
        verdict = (
            "does not hold: for this service, with TLS, HTTP/2 and a runtime, the Rust binary "
            f"(stripped) is {relative}"
        )
    return claims.Finding(
        f"This service: Go {go_row.binary_bytes / 1e6:.1f} MB "
        f"({go_row.stripped_bytes / 1e6:.1f} MB stripped), Rust "
        f"{rust_row.binary_bytes / 1e6:.1f} MB ({rust_row.stripped_bytes / 1e6:.1f} MB "
        f"stripped).",
        verdict,
    )


@claims.rule(
    CHAPTER,
    claim="Summary Matrix: binary size Rust “Small (~2MB)”, Go “Medium (~10MB)”, with every "
    "size option each toolchain offers",
    anchor='min-sized-rust (johnthagen): opt-level "z", LTO, codegen-units = 1, strip; '
    'the go command\'s -ldflags "-s -w"',
    tables=("size_builds",),
    key="binary-size-tuned",
)
def size_tuned(t: claims.Tables) -> claims.Finding:
    frame = t["size_builds"]
    rust_mb, go_mb = tuned_megabytes(frame, "rust"), tuned_megabytes(frame, "go")
    if rust_mb is None or go_mb is None:
        return claims.Finding(
            "The size-tuned builds are missing.", "inconclusive here: not measured"
        )
    measured = (
        f"The same service, {TUNED} and stripped: Rust {rust_mb:.1f} MB, Go {go_mb:.1f} MB "
        f"(the Matrix: ~2 MB and ~10 MB; read here as up to {ABOUT_2_MB:.0f} MB for ~2 MB)."
    )
    if rust_mb <= ABOUT_2_MB:
        verdict = (
            f"holds: with every size option, Rust's service is {rust_mb:.1f} MB, about the "
            f"Matrix's ~2 MB (Go's: {go_mb:.1f} MB)"
        )
    elif rust_mb < go_mb:
        verdict = (
            f"depends: with every size option, Rust's service is {rust_mb:.1f} MB, smaller "
            f"than Go's {go_mb:.1f} MB but not ~2 MB"
        )
    else:
        verdict = (
            f"does not hold: with every size option, Rust's service is {rust_mb:.1f} MB, not "
            f"~2 MB, and no smaller than Go's {go_mb:.1f} MB"
        )
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="Rust: “Which async runtime? Tokio or Async-std?” (Tokio won)",
    anchor="async-std 1.13.1 (March 2025): “async-std has been discontinued; use smol "
    "instead”; RUSTSEC-2025-0052",
    tables=("dependencies",),
)
def runtime(t: claims.Tables) -> claims.Finding:
    _, rust_deps = service_deps(t)
    runtimes = ", ".join(rust_deps.runtimes) or "none"
    if rust_deps.runtimes == ("tokio",):
        verdict = (
            "holds: tokio won — it is the only runtime in the graph, and "
            f"{len(rust_deps.tokio_dependents)} of its crates choose it for you; async-std, the "
            "other option the article names, has been discontinued"
        )
    else:
        verdict = f"depends: runtimes in the graph: {runtimes}"
    return claims.Finding(
        f"Async runtimes in the service's graph: {runtimes}; "
        f"{len(rust_deps.tokio_dependents)} crates depend on tokio directly "
        f"({', '.join(rust_deps.tokio_dependents)}).",
        verdict,
    )


# -- Experiment 2: JSON ------------------------------------------------------------------------
def json_mb_per_s(runs: pd.DataFrame, api: str, operation: str) -> float:
    timed = runs[(runs.api == api) & (runs.operation == operation)]
    return float((timed.bytes / timed.ns_per_op * 1e3).median())


@claims.rule(
    CHAPTER,
    claim="Go: JSON is built in and production ready",
    anchor="Go 1.25 release notes (encoding/json/v2 as GOEXPERIMENT=jsonv2)",
    tables=("json_throughput",),
)
def json_speed(t: claims.Tables) -> claims.Finding:
    runs = t["json_throughput"]

    def ratio(api: str, operation: str) -> stats.Ratio:
        return json_ratio(runs, api, "serde_json", operation)

    def speed(api: str, operation: str) -> str:
        return f"{json_mb_per_s(runs, api, operation):,.0f}"

    v2_text = ""
    if (runs.api == GO_JSON_V2).any():
        v2_text = (
            f" encoding/json/v2 (GOEXPERIMENT): decode {speed(GO_JSON_V2, 'decode typed')} "
            f"MB/s, serde_json {speed_words(ratio(GO_JSON_V2, 'decode typed'))}."
        )
    checks = runs[runs.get("check").eq("round trip")]
    decode, encode = ratio(GO_JSON_V1, "decode typed"), ratio(GO_JSON_V1, "encode typed")
    compared = f"serde_json decodes {speed_words(decode)} and encodes {speed_words(encode)}"
    if not bool(checks.identical.astype(bool).all()):
        verdict = "inconclusive here: a library did not re-encode the payload identically"
    elif decode.above(1.1) or encode.above(1.1):
        verdict = (
            f"depends: built in and correct (the payload round-trips byte for byte), but {compared}"
        )
    else:
        verdict = (
            f"holds: built in, correct (the payload round-trips byte for byte), and {compared}"
        )
    return claims.Finding(
        f"encoding/json decode {speed(GO_JSON_V1, 'decode typed')} MB/s, encode "
        f"{speed(GO_JSON_V1, 'encode typed')} MB/s; serde_json decode "
        f"{speed('serde_json', 'decode typed')} MB/s, encode "
        f"{speed('serde_json', 'encode typed')} MB/s.{v2_text}",
        verdict,
    )


# -- Experiment 3: WebAssembly -----------------------------------------------------------------
def wasm_timed(runs: pd.DataFrame, language: str, mode: str = "wasm (wasmtime)") -> pd.DataFrame:
    timed = runs[(runs.repetition >= 0) & (runs["mode"] == mode)]
    return timed[timed.language == language]


def wasm_speed(runs: pd.DataFrame) -> stats.Ratio:
    """Go's module's work time ÷ Rust's (above 1: Rust's is faster)."""
    return stats.ratio_of_medians(wasm_timed(runs, "go").work_ns, wasm_timed(runs, "rust").work_ns)


def wasm_speed_words(speed: stats.Ratio) -> str:
    if speed.above(1.1):
        return f"Go's module took {speed.value:.1f}× Rust's time for the work"
    if speed.below(0.9):
        return f"Rust's module took {1 / speed.value:.1f}× Go's time"
    if speed.within(0.9, 1.1):
        return "they ran about as fast"
    return "their speed is inconclusive here"


def _wasm_judged(t: claims.Tables) -> claims.Finding:
    """What was measured and the verdict, where both modules were built."""
    sizes = t["wasm_sizes"].set_index("language")
    go_size, rust_size = sizes.loc["go"], sizes.loc["rust"]
    runs = t["wasm_runs"]
    speed = wasm_speed(runs)
    compile_ratio = (
        wasm_timed(runs, "go").compile_s.median() / wasm_timed(runs, "rust").compile_s.median()
    )
    measured = (
        f"Go {go_size.plain_bytes / 1e6:.2f} MB as built, {go_size.stripped_bytes / 1e6:.2f} "
        f"MB stripped; Rust {rust_size.plain_bytes / 1e6:.2f} MB as built (debug info of "
        f"Debian's std), {rust_size.stripped_bytes / 1e3:.0f} KB stripped. "
        f"{wasm_speed_words(speed)} ({speed.interval}: {speed.low:.1f}–{speed.high:.1f}); "
        f"wasmtime compiled Go's module {compile_ratio:.0f}× longer."
    )
    small = go_size.stripped_bytes / rust_size.stripped_bytes
    if small >= MATRIX_FACTOR and compile_ratio >= 2 and speed.above(1.1):
        verdict = (
            f"holds: for what is measured here, Rust's module is {small:.0f}× smaller "
            f"stripped, compiles {compile_ratio:.0f}× faster and runs {speed.value:.1f}× "
            f"faster; {NOT_MEASURED}"
        )
    elif small >= MATRIX_FACTOR:
        verdict = (
            f"depends: Rust's module is {small:.0f}× smaller stripped, but wasmtime compiled "
            f"Go's {compile_ratio:.1f}× longer and {wasm_speed_words(speed)}; {NOT_MEASURED}"
        )
    else:
        verdict = f"inconclusive here: the stripped modules differ by {small:.1f}×; {NOT_MEASURED}"
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="Rust: “WASM: Rust is the king of WebAssembly.”",
    anchor="Go wiki (WebAssembly): ~2 MB minimum; Rust stripped modules in the tens of KB",
    tables=("wasm_builds", "wasm_sizes", "wasm_runs"),
)
def wasm(t: claims.Tables) -> claims.Finding:
    builds = WasmBuilds.from_tables({"wasm_builds": t["wasm_builds"]})
    missing = [charts.LANGUAGE_NAMES[b.language] for b in builds if not b.ok]
    if missing:
        return claims.Finding(
            f"{' and '.join(missing)} could not be built here; see above.",
            "inconclusive here: one side could not be built on this machine",
        )
    return _wasm_judged(t)


# -- Experiment 4: WebAssembly in the browser --------------------------------------------------
def browser_pages(runs: pd.DataFrame, language: str) -> pd.DataFrame:
    pages = with_first_answer(runs)
    return pages[pages.language == language]


def browser_ratio(runs: pd.DataFrame, column: str) -> stats.Ratio:
    """Go's pages ÷ Rust's, medians of ``column`` (above 1: Go's is larger or slower)."""
    return stats.ratio_of_medians(
        browser_pages(runs, "go")[column], browser_pages(runs, "rust")[column]
    )


def browser_speed_words(ratio: stats.Ratio, what: str) -> str:
    """A Go ÷ Rust time ratio in words that commit only where its interval does."""
    if ratio.above(TIME_NOISE):
        return f"{what}, Rust {ratio.value:.1f}× faster"
    if ratio.below(1 / TIME_NOISE):
        return f"{what}, Go {1 / ratio.value:.1f}× faster"
    return f"{what}, no difference beyond noise"


@claims.rule(
    CHAPTER,
    claim="Rust: “WASM: Rust is the king of WebAssembly.” — in the browser",
    anchor="Go wiki (WebAssembly): ~2 MB minimum; Rust stripped modules in the tens of KB",
    tables=("browser_wasm",),
)
def wasm_browser(t: claims.Tables) -> claims.Finding:
    """Holds when Rust's page downloads less (module and support script, gzipped) by more than
    SAME_SIZE and Rust is not slower beyond noise (an interval of Go ÷ Rust entirely below
    1/TIME_NOISE), neither to the first answer (fetch, compile, instantiate, first call) nor
    on later calls. Does not hold the other way round: Go's download smaller, Go not slower
    beyond noise. Inconclusive here otherwise: downloads within SAME_SIZE, or the smaller one
    is the slower one."""
    runs = t["browser_wasm"]
    size = browser_ratio(runs, "download_bytes").value  # above 1: Rust's is smaller
    first, later = browser_ratio(runs, "first_answer_ms"), browser_ratio(runs, "call_ms")
    rust_slower = first.below(1 / TIME_NOISE) or later.below(1 / TIME_NOISE)
    go_slower = first.above(TIME_NOISE) or later.above(TIME_NOISE)
    go_kb, rust_kb = (
        browser_pages(runs, lang).download_bytes.iloc[0] / 1e3 for lang in ("go", "rust")
    )
    speed = (
        f"{browser_speed_words(first, 'to the first answer')}; "
        f"{browser_speed_words(later, 'on later calls')} ({first.interval})"
    )
    measured = f"Gzipped download: Go {go_kb:,.0f} KB, Rust {rust_kb:,.0f} KB. {speed}."
    if size >= SAME_SIZE and not rust_slower:
        verdict = f"holds: in Chromium, Rust's page downloads {size:.0f}× less; {speed}"
    elif size <= 1 / SAME_SIZE and not go_slower:
        verdict = f"does not hold: in Chromium, Go's page downloads {1 / size:.1f}× less; {speed}"
    else:
        verdict = f"inconclusive here: downloads {size:.2f}× (Go ÷ Rust); {speed}"
    return claims.Finding(measured, f"{verdict}; wasm-bindgen and TinyGo are not measured here")
