"""Part 7's claim check: each of the article's claims against what the chapter measured, one
small function per claim, all reading one bundle of the chapter's results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from gorust import charts, stats
from gorust.claims import Claim
from gorust.part7.json_speed import GO_JSON_V1, GO_JSON_V2, json_ratio, speed_words
from gorust.part7.service import service_agreement
from gorust.part7.service_deps import ARTICLE_CRATES, Dependencies, article_crates_found
from gorust.part7.wasm_modules import WasmBuild


@dataclass(frozen=True)
class ChapterResults:
    """Everything the chapter measured, as its page computed it, for the claim check."""

    service: pd.DataFrame  # service_check
    summary: pd.DataFrame  # service_costs' summary
    go_deps: Dependencies
    rust_deps: Dependencies
    json_runs: pd.DataFrame  # json_throughput
    json_stats: pd.DataFrame  # json_summary
    wasm_builds: Sequence[WasmBuild]
    wasm_sizes: pd.DataFrame
    wasm_runs: pd.DataFrame

    def service_row(self, language: str) -> pd.Series:
        return self.summary.set_index("language").loc[language]


def claims(results: ChapterResults) -> list[Claim]:
    return [
        _standard_library_claim(results),
        _crates_claim(results),
        _build_time_claim(results),
        _binary_size_claim(results),
        _runtime_claim(results),
        _json_claim(results),
        _wasm_claim(results),
    ]


# -- Experiment 1: the service -----------------------------------------------------------------
def _standard_library_claim(results: ChapterResults) -> Claim:
    agreement = service_agreement(results.service)
    same = bool(agreement.same_status.all())
    go_deps = results.go_deps
    go_row, rust_row = results.service_row("go"), results.service_row("rust")
    verdict = (
        "holds: routing with methods and path parameters, JSON both ways and the outbound call "
        "came from the standard library, and the service passed the same script as the Rust one"
        if not go_deps.transitive and same
        else "does not hold here: see the dependency list above"
        if go_deps.transitive
        else "inconclusive here: the two services did not answer the script alike"
    )
    return Claim(
        "Go: “Std Lib: Incredible. HTTP, JSON … built-in and production ready. You rarely "
        "need frameworks.”",
        f"The Go service imports {len(go_deps.transitive)} third-party modules "
        f"({go_deps.std_packages} standard-library packages); {int(go_row.source_lines)} "
        f"lines against Rust's {int(rust_row.source_lines)}. Both answered all "
        f"{len(agreement)} requests of the script with the same status: "
        f"{'yes' if same else 'no'}.",
        "Go 1.22 release notes (method and wildcard patterns in net/http.ServeMux)",
        verdict,
    )


def _crates_claim(results: ChapterResults) -> Claim:
    rust_deps = results.rust_deps
    found = article_crates_found(rust_deps)
    verdict = (
        "holds: without crates Rust's standard library has no HTTP server, client or JSON; "
        f"the four named crates come with {len(rust_deps.transitive)} crates in all"
        if len(found) == len(ARTICLE_CRATES)
        else f"depends: the graph holds {', '.join(found)} of the four"
    )
    return Claim(
        "Rust: “Std Lib: Minimal. No HTTP. You need tokio, hyper, serde, reqwest.”",
        f"{len(rust_deps.direct)} direct dependencies, {len(rust_deps.transitive)} crates "
        f"built; of the article's four: {', '.join(found)}.",
        "Rust's std documentation (no HTTP or JSON modules)",
        verdict,
    )


def _build_time_claim(results: ChapterResults) -> Claim:
    go_row, rust_row = results.service_row("go"), results.service_row("rust")
    cold_ratio = rust_row.cold_wall_s / go_row.cold_wall_s
    cpu_ratio = rust_row.cold_cpu_s / go_row.cold_cpu_s
    warm_ratio = rust_row.warm_wall_s / go_row.warm_wall_s
    minutes = "" if rust_row.cold_wall_s < 600 else ", ten minutes and more"
    verdict = (
        f"holds, in seconds rather than minutes{minutes}: Rust's cold build took "
        f"{cold_ratio:.1f}× Go's wall time ({cpu_ratio:.1f}× its CPU time) for "
        f"{int(rust_row.units_compiled)} crates; after a one-line change, {warm_ratio:.0f}×"
        if min(cold_ratio, cpu_ratio) > 1.5
        else "does not hold here: the cold builds took about as long"
    )
    return Claim(
        "Crates cost build time (the article's Part 4: with Rust you “wait 10 minutes”)",
        f"Cold build: Go {go_row.cold_wall_s:.1f} s, Rust {rust_row.cold_wall_s:.1f} s "
        f"(wall; CPU {go_row.cold_cpu_s:.0f} s vs {rust_row.cold_cpu_s:.0f} s; "
        f"{int(go_row.units_compiled)} Go packages vs {int(rust_row.units_compiled)} "
        f"crates compiled). One-line change: Go {go_row.warm_wall_s:.1f} s, Rust "
        f"{rust_row.warm_wall_s:.1f} s.",
        "The article's Part 4 (Rust compile times)",
        verdict,
    )


def _binary_size_claim(results: ChapterResults) -> Claim:
    go_row, rust_row = results.service_row("go"), results.service_row("rust")
    size_ratio = go_row.stripped_bytes / rust_row.stripped_bytes
    verdict = (
        "holds"
        if size_ratio >= 2
        else "does not hold for this service: with TLS, HTTP/2 and a runtime the Rust binary is "
        "as large as Go's"
        if size_ratio < 1.5
        else "depends: Rust's binary is smaller, but not by the article's factor of five"
    )
    return Claim(
        "Summary Matrix: binary size Go “Medium (~10MB)”, Rust “Small (~2MB)”",
        f"This service: Go {go_row.binary_bytes / 1e6:.1f} MB "
        f"({go_row.stripped_bytes / 1e6:.1f} MB stripped), Rust "
        f"{rust_row.binary_bytes / 1e6:.1f} MB ({rust_row.stripped_bytes / 1e6:.1f} MB "
        f"stripped).",
        "The article's Summary Matrix (Part 8)",
        verdict,
    )


def _runtime_claim(results: ChapterResults) -> Claim:
    rust_deps = results.rust_deps
    verdict = (
        "holds: tokio won — it is the only runtime in the graph, and axum, hyper and reqwest "
        "choose it for you; async-std, the other option the article names, has been "
        "discontinued"
        if rust_deps.runtimes == ("tokio",)
        else f"depends: runtimes in the graph: {', '.join(rust_deps.runtimes) or 'none'}"
    )
    return Claim(
        "Rust: “Which async runtime? Tokio or Async-std?” (Tokio won)",
        f"Async runtimes in the service's graph: {', '.join(rust_deps.runtimes) or 'none'}; "
        f"{len(rust_deps.tokio_dependents)} crates depend on tokio directly "
        f"({', '.join(rust_deps.tokio_dependents)}).",
        "async-std 1.13.1 (March 2025): “async-std has been discontinued; use smol "
        "instead”; RUSTSEC-2025-0052",
        verdict,
    )


# -- Experiment 2: JSON ------------------------------------------------------------------------
def _json_claim(results: ChapterResults) -> Claim:
    runs = results.json_runs
    by_api = results.json_stats.set_index(["api", "operation"])

    def mb_per_s(api: str, operation: str) -> str:
        return f"{by_api.loc[(api, operation)].mb_per_s:,.0f}"

    def serde_against(api: str, operation: str) -> str:
        return speed_words(json_ratio(runs, api, "serde_json", operation))

    v2_text = ""
    if (GO_JSON_V2, "decode typed") in by_api.index:
        v2_text = (
            f" encoding/json/v2 (GOEXPERIMENT): decode {mb_per_s(GO_JSON_V2, 'decode typed')} "
            f"MB/s, serde_json {serde_against(GO_JSON_V2, 'decode typed')}."
        )
    checks = runs[runs.get("check").eq("round trip")]
    verdict = (
        f"depends: built in and correct (the payload round-trips byte for byte), but serde_json "
        f"decodes {serde_against(GO_JSON_V1, 'decode typed')} and encodes "
        f"{serde_against(GO_JSON_V1, 'encode typed')}"
        if bool(checks.identical.astype(bool).all())
        else "inconclusive here: a library did not re-encode the payload identically"
    )
    return Claim(
        "Go: JSON is built in and production ready",
        f"encoding/json decode {mb_per_s(GO_JSON_V1, 'decode typed')} MB/s, encode "
        f"{mb_per_s(GO_JSON_V1, 'encode typed')} MB/s; serde_json decode "
        f"{mb_per_s('serde_json', 'decode typed')} MB/s, encode "
        f"{mb_per_s('serde_json', 'encode typed')} MB/s.{v2_text}",
        "Go 1.25 release notes (encoding/json/v2 as GOEXPERIMENT=jsonv2)",
        verdict,
    )


# -- Experiment 3: WebAssembly -----------------------------------------------------------------
NOT_MEASURED = "the browser tooling (wasm-bindgen) and TinyGo are not measured here"


def _wasm_speed_words(speed: stats.Ratio) -> str:
    if speed.above(1.1):
        return f"Go's module took {speed.value:.1f}× Rust's time for the work"
    if speed.below(0.9):
        return f"Rust's module took {1 / speed.value:.1f}× Go's time"
    if speed.within(0.9, 1.1):
        return "they ran about as fast"
    return "their speed is inconclusive here"


def _wasm_measured(results: ChapterResults) -> tuple[str, str]:
    """(what was measured, the verdict) where both modules were built."""
    go_size, rust_size = (results.wasm_sizes.set_index("language").loc[n] for n in ("go", "rust"))
    runs = results.wasm_runs
    timed = runs[(runs.repetition >= 0) & (runs["mode"] == "wasm (wasmtime)")]
    go_timed, rust_timed = timed[timed.language == "go"], timed[timed.language == "rust"]
    speed = stats.ratio_of_medians(go_timed.work_ns, rust_timed.work_ns)
    compile_ratio = go_timed.compile_s.median() / rust_timed.compile_s.median()
    measured = (
        f"Go {go_size.plain_bytes / 1e6:.2f} MB as built, {go_size.stripped_bytes / 1e6:.2f} "
        f"MB stripped; Rust {rust_size.plain_bytes / 1e6:.2f} MB as built (debug info of "
        f"Debian's std), {rust_size.stripped_bytes / 1e3:.0f} KB stripped. "
        f"{_wasm_speed_words(speed)}; wasmtime compiled Go's module {compile_ratio:.0f}× longer."
    )
    small = go_size.stripped_bytes / rust_size.stripped_bytes
    verdict = (
        f"holds for what is measured here: Rust's module is {small:.0f}× smaller "
        f"stripped, compiles {compile_ratio:.0f}× faster and runs {speed.value:.1f}× "
        f"faster; {NOT_MEASURED}"
        if small >= 5 and compile_ratio >= 2 and speed.above(1.1)
        else f"depends: Rust's module is {small:.0f}× smaller stripped, but not faster "
        f"here; {NOT_MEASURED}"
        if small >= 5
        else f"inconclusive here: the modules are of similar size; {NOT_MEASURED}"
    )
    return measured, verdict


def _wasm_claim(results: ChapterResults) -> Claim:
    by_language = {build.language: build for build in results.wasm_builds}
    missing = [charts.LANGUAGE_NAMES[n] for n in ("go", "rust") if not by_language[n].ok]
    if missing:
        measured = f"{' and '.join(missing)} could not be built here; see above."
        verdict = "inconclusive here: one side could not be built on this machine"
    else:
        measured, verdict = _wasm_measured(results)
    return Claim(
        "Rust: “WASM: Rust is the king of WebAssembly.”",
        measured,
        "Go wiki (WebAssembly): ~2 MB minimum; Rust stripped modules in the tens of KB",
        verdict,
    )
