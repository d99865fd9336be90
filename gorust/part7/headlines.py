"""Part 7's headline figures, this machine against the reference (gorust.agreement).

The quick profile times JSON with fewer, shorter samples and counts words in a smaller text than
the full one (in the browser, the same text on fewer pages), so every figure here is a ratio of
the two languages (or of their module and binary sizes, which no profile changes), never a
total. The build figure is the rebuild after a one-line change, which every run measures: the
quick profile reuses the last cold builds made on the machine, so on the machine that recorded
the reference a cold-build figure would agree with the reference by copying it.
"""

from __future__ import annotations

import pandas as pd

from gorust import agreement, claims, stats
from gorust.part7.common import CHAPTER
from gorust.part7.json_speed import GO_JSON_V1, json_ratio
from gorust.part7.rules import browser_ratio, wasm_speed

REBUILD = "service, rebuild after a one-line change, Rust ÷ Go (wall time)"
BINARY = "service binary stripped, Go ÷ Rust"
JSON_DECODE = "JSON decode typed, encoding/json ÷ serde_json (time)"
WASM_WORK = "wasm word count, Go ÷ Rust (work time)"
BROWSER_DOWNLOAD = "browser page's download gzipped, Go ÷ Rust"
BROWSER_FIRST = "browser, to the first answer, Go ÷ Rust (time)"

# Six at most (the agreement table's rule): JSON encoding and the WASI module's size are left
# to the chapter's own tables; the decode ratio and the browser's download stand for them.
TABLES = ("service_builds", "json_throughput", "wasm_runs", "browser_wasm")


def rebuild_ratio(builds: pd.DataFrame) -> stats.Ratio:
    """Rust's rebuilds ÷ Go's, medians of their wall times (above 1: Rust's take longer)."""
    warm = builds[builds.kind == "warm"]
    return stats.ratio_of_medians(
        warm[warm.language == "rust"].wall_s, warm[warm.language == "go"].wall_s
    )


def size_ratio(
    name: str, go_bytes: float, rust_bytes: float, rules: tuple[str, ...]
) -> agreement.Figure:
    """A size is the same on every run of the same build: its figure has no spread."""
    ratio = float(go_bytes) / float(rust_bytes)
    return agreement.Figure(name, ratio, ratio, ratio, "×", rules)


@agreement.headlines(CHAPTER, tables=TABLES)
def headline_figures(t: claims.Tables) -> list[agreement.Figure]:
    builds, runs = t["service_builds"], t["json_throughput"]
    # Every cold build of one language makes the same binary; the first says its size.
    binary = builds[builds.kind == "cold"].groupby("language").stripped_bytes.first()
    return [
        agreement.Figure.of_ratio(REBUILD, rebuild_ratio(builds), rules=("build_time",)),
        size_ratio(BINARY, binary["go"], binary["rust"], ("binary_size",)),
        agreement.Figure.of_ratio(
            JSON_DECODE,
            json_ratio(runs, GO_JSON_V1, "serde_json", "decode typed"),
            rules=("json_speed",),
        ),
        agreement.Figure.of_ratio(WASM_WORK, wasm_speed(t["wasm_runs"]), rules=("wasm",)),
        *browser_figures(t["browser_wasm"]),
    ]


def browser_figures(runs: pd.DataFrame) -> list[agreement.Figure]:
    """The browser's download (the same on every run) and its time to the first answer (both
    profiles count the same text, so the ratio compares)."""
    download = browser_ratio(runs, "download_bytes").value
    return [
        agreement.Figure(BROWSER_DOWNLOAD, download, download, download, "×", ("wasm_browser",)),
        agreement.Figure.of_ratio(
            BROWSER_FIRST, browser_ratio(runs, "first_answer_ms"), rules=("wasm_browser",)
        ),
    ]
