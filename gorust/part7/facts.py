"""The numbers and comparison words of Part 7's prose, computed from its saved tables
(``@claims.facts``); the chapter shows them with ``{glue:text}`part7.…```."""

from __future__ import annotations

import pandas as pd

from gorust import claims, stats
from gorust.part7.binary_sizes import RELEASE, TUNED
from gorust.part7.browser_runs import browser_summary
from gorust.part7.common import CHAPTER
from gorust.part7.json_speed import GO_JSON_V1, json_ratio, speed_words
from gorust.part7.rules import (
    binary_size,
    browser_ratio,
    browser_speed_words,
    duration_words,
    json_mb_per_s,
    service_deps,
    service_row,
    size_words,
    wasm_speed,
    wasm_timed,
)
from gorust.part7.service import service_agreement
from gorust.part7.service_deps import ARTICLE_CRATES, article_crates_found


def factor(ratio: float) -> str:
    return f"{ratio:.1f}×"


@claims.facts(CHAPTER, tables=("service_check", "service_summary", "dependencies"))
def service_facts(t: claims.Tables) -> dict[str, str]:
    go_row, rust_row = service_row(t, "go"), service_row(t, "rust")
    go_deps, rust_deps = service_deps(t)
    found = article_crates_found(rust_deps)
    stripped = rust_row.stripped_bytes / go_row.stripped_bytes
    return {
        "part7.requests": str(len(service_agreement(t["service_check"]))),
        "part7.go_third_party": str(len(go_deps.transitive)),
        "part7.go_std_packages": str(go_deps.std_packages),
        "part7.rust_direct": str(len(rust_deps.direct)),
        "part7.rust_crates": str(len(rust_deps.transitive)),
        "part7.article_crates": (
            f"all {len(ARTICLE_CRATES)}"
            if len(found) == len(ARTICLE_CRATES)
            else f"{len(found)} of the {len(ARTICLE_CRATES)} ({', '.join(found) or 'none'})"
        ),
        "part7.rust_cold": duration_words(rust_row.cold_wall_s),
        "part7.go_cold": duration_words(go_row.cold_wall_s),
        "part7.cold_wall_ratio": factor(rust_row.cold_wall_s / go_row.cold_wall_s),
        "part7.cold_cpu_ratio": factor(rust_row.cold_cpu_s / go_row.cold_cpu_s),
        "part7.go_warm": f"{go_row.warm_wall_s:.1f} s",
        "part7.rust_warm": f"{rust_row.warm_wall_s:.1f} s",
        "part7.binary_compared": (
            f"{size_words(stripped)} ({rust_row.stripped_bytes / 1e6:.1f} MB against "
            f"{go_row.stripped_bytes / 1e6:.1f} MB)"
        ),
        "part7.binary_verdict": binary_size(t).verdict,
    }


@claims.facts(CHAPTER, tables=("dependencies",))
def runtime_facts(t: claims.Tables) -> dict[str, str]:
    _, rust_deps = service_deps(t)
    runtimes = rust_deps.runtimes
    return {
        "part7.runtimes": (
            f"{runtimes[0]} is the only runtime"
            if len(runtimes) == 1
            else f"the runtimes are {', '.join(runtimes) or 'none'}"
        ),
        "part7.tokio_dependents": ", ".join(rust_deps.tokio_dependents) or "no crate",
    }


@claims.facts(CHAPTER, tables=("json_throughput",))
def json_facts(t: claims.Tables) -> dict[str, str]:
    runs = t["json_throughput"]
    payload_bytes = float(runs[runs.operation.notna()].bytes.iloc[0])
    go_decode = json_mb_per_s(runs, GO_JSON_V1, "decode typed")

    def serde(operation: str) -> stats.Ratio:
        return json_ratio(runs, GO_JSON_V1, "serde_json", operation)

    return {
        "part7.json_interval": serde("decode typed").interval,
        "part7.serde_decode": speed_words(serde("decode typed")),
        "part7.serde_encode": speed_words(serde("encode typed")),
        "part7.serde_untyped": speed_words(serde("decode untyped")),
        "part7.payload_kb": f"{payload_bytes / 1e3:.0f} KB",
        "part7.go_decode_mb_s": f"{go_decode:,.0f} MB/s",
        "part7.go_decode_ms": f"{payload_bytes / go_decode / 1e3:.2f} ms",
    }


def _native_factor(runs: pd.DataFrame, language: str) -> str:
    """A language's module's work time ÷ its native program's, with the interval."""
    ratio = stats.ratio_of_medians(
        wasm_timed(runs, language).work_ns, wasm_timed(runs, language, "native").work_ns
    )
    return f"{ratio.value:.1f}× ({ratio.interval}: {ratio.low:.1f}–{ratio.high:.1f})"


@claims.facts(CHAPTER, tables=("wasm_sizes", "wasm_runs"))
def wasm_facts(t: claims.Tables) -> dict[str, str]:
    sizes = t["wasm_sizes"].set_index("language")
    go, rust = sizes.loc["go"], sizes.loc["rust"]
    runs = t["wasm_runs"]
    compile_ratio = (
        wasm_timed(runs, "go").compile_s.median() / wasm_timed(runs, "rust").compile_s.median()
    )
    return {
        "part7.wasm_interval": wasm_speed(runs).interval,
        "part7.go_module": f"{go.plain_bytes / 1e6:.1f} MB",
        "part7.go_strip_gain": f"{(1 - go.stripped_bytes / go.plain_bytes) * 100:.0f}%",
        "part7.rust_module": f"{rust.plain_bytes / 1e6:.1f} MB",
        "part7.rust_module_stripped": f"{rust.stripped_bytes / 1e3:.0f} KB",
        "part7.module_ratio": factor(go.stripped_bytes / rust.stripped_bytes),
        "part7.compile_ratio": factor(compile_ratio),
        "part7.rust_wasm_native": _native_factor(runs, "rust"),
        "part7.go_wasm_native": _native_factor(runs, "go"),
        "part7.wasm_input_mb": f"{int(runs.input_mb.iloc[0])} MB",
    }


@claims.facts(CHAPTER, tables=("size_builds",))
def size_facts(t: claims.Tables) -> dict[str, str]:
    sizes = t["size_builds"].set_index(["language", "build"]).stripped_bytes / 1e6
    facts = {}
    for language in ("go", "rust"):
        if (language, RELEASE) in sizes.index and (language, TUNED) in sizes.index:
            release, tuned = sizes[language, RELEASE], sizes[language, TUNED]
            facts[f"part7.{language}_size_tuned"] = (
                f"{tuned:.1f} MB, from {release:.1f} MB stripped in the release build "
                f"({(1 - tuned / release) * 100:.0f} % less)"
            )
        else:
            facts[f"part7.{language}_size_tuned"] = "not measured"
    return facts


def kilobytes(size: float) -> str:
    return f"{size / 1e3:,.0f} KB"


@claims.facts(CHAPTER, tables=("browser_wasm",))
def browser_facts(t: claims.Tables) -> dict[str, str]:
    runs = t["browser_wasm"]
    summary = browser_summary(runs).set_index("language")
    go, rust = summary.loc["go"], summary.loc["rust"]
    first, later = browser_ratio(runs, "first_answer_ms"), browser_ratio(runs, "call_ms")
    support = runs[runs.language == "go"].support_js_gzip_bytes.iloc[0]
    return {
        "part7.browser_input_mb": f"{go.input_mb:g} MB",
        "part7.browser_calls": str(int(go.calls)),
        "part7.browser_pages": str(int(go.pages)),
        "part7.browser_go_gzip": kilobytes(go.gzip_bytes),
        "part7.browser_go_support": kilobytes(support),
        "part7.browser_rust_gzip": kilobytes(rust.gzip_bytes),
        "part7.browser_rust_stripped": kilobytes(rust.stripped_bytes),
        "part7.browser_download_ratio": factor(go.download_bytes / rust.download_bytes),
        "part7.browser_go_start": f"{go.instantiate_ms:,.0f} ms",
        "part7.browser_rust_start": f"{rust.instantiate_ms:,.1f} ms",
        "part7.browser_go_first": f"{go.first_answer_ms:,.0f} ms",
        "part7.browser_rust_first": f"{rust.first_answer_ms:,.0f} ms",
        "part7.browser_first_answer": browser_speed_words(first, "to the first answer"),
        "part7.browser_later_calls": browser_speed_words(later, "on later calls"),
        "part7.browser_interval": first.interval,
        "part7.browser_go_memory": f"{go.memory_bytes / 2**20:,.1f} MiB",
        "part7.browser_rust_memory": f"{rust.memory_bytes / 2**20:,.1f} MiB",
    }
