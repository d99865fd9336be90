"""Part 7 — Ecosystem & Libraries: one small HTTP+JSON service on Go's standard library and on
Rust's usual crates, JSON throughput of the two standard choices, and one program compiled to
WebAssembly by both: for WASI, run with wasmtime, and for the browser, run in headless
Chromium.

Each experiment is declared on the experiment registry (gorust.experiments), which runs it
live and saves its tables, or replays it from data/part7/. The modules, by topic:

- ``service``: the service's script of requests and how the two answered it;
- ``service_deps``: what each service builds (``go list``, ``cargo tree``);
- ``scratch``, ``service_builds``, ``service_summary``: cold and warm builds, and their summary;
- ``binary_sizes``: the service built for size, against the Matrix's “~10MB” and “~2MB”;
- ``json_speed``: the JSON payload and throughput;
- ``wasm_modules``, ``wasm_speed``: the WebAssembly builds, sizes and runs;
- ``browser_builds``, ``browser_runs`` (with ``browser_page.html``): the same word count built
  for the browser by both and run in headless Chromium;
- ``proxy`` and ``proxy_rules``: a reverse proxy on each language's usual stack at fixed
  request rates, and the Verdict's advice judged on it;
- ``grpc`` and ``grpc_rules``: a unary gRPC echo on grpc-go and on tonic at fixed call rates,
  and the Verdict's advice for gRPC services judged on it;
- ``fixed_rate``: what the proxy and gRPC experiments share (a server driven at a fixed rate,
  the rates it sustained, the chart);
- ``figures``: the charts;
- ``rules`` and ``facts``: the claim check's rules and the prose's numbers, over the saved
  tables (gorust.claims).
"""

from gorust.part7 import facts, grpc_rules, headlines, proxy_rules, rules  # noqa: F401  (declare rules, facts)
from gorust.part7.binary_sizes import size_builds, size_table
from gorust.part7.browser_runs import (
    browser_agreement,
    browser_summary,
    browser_table,
    browser_wasm,
)
from gorust.part7.common import (
    CHAPTER,
    JSON_EXPERIMENT,
    SERVICE,
    WASM,
    WASM_BROWSER,
    SplitMix64,
    source_lines,
)
from gorust.part7.figures import browser_chart, json_chart, service_chart, wasm_chart
from gorust.part7.grpc import grpc_binaries, grpc_chart, grpc_echo, grpc_table
from gorust.part7.json_speed import (
    json_checks,
    json_notes,
    json_ratio,
    json_summary,
    json_table,
    json_throughput,
    make_payload,
    payload_facts,
    speed_words,
)
from gorust.part7.proxy import proxy_chart, proxy_table, reverse_proxy
from gorust.part7.service import error_messages, service_agreement, service_check, service_report
from gorust.part7.service_builds import GO_STD, cold_builds, go_std_note, warm_builds
from gorust.part7.service_deps import (
    Dependencies,
    ServiceDependencies,
    crate_list,
    dependencies,
    dependency_lines,
    dependency_table,
    go_dependencies,
    rust_dependencies,
)
from gorust.part7.service_summary import (
    ServiceCosts,
    build_summary,
    build_table,
    cold_build_note,
    service_build_costs,
    service_costs,
)
from gorust.part7.wasm_modules import (
    WasmBuild,
    WasmBuilds,
    build_wasm,
    strip_custom_sections,
    wasm_sections,
)
from gorust.part7.wasm_speed import (
    RESULT_FIELDS,
    make_text,
    wasm_agreement,
    wasm_build_report,
    wasm_runs,
    wasm_sizes,
    wasm_summary,
    wasm_table,
)

__all__ = [
    "CHAPTER",
    "GO_STD",
    "JSON_EXPERIMENT",
    "RESULT_FIELDS",
    "SERVICE",
    "WASM",
    "WASM_BROWSER",
    "Dependencies",
    "ServiceCosts",
    "ServiceDependencies",
    "SplitMix64",
    "WasmBuild",
    "WasmBuilds",
    "browser_agreement",
    "browser_chart",
    "browser_summary",
    "browser_table",
    "browser_wasm",
    "build_summary",
    "build_table",
    "build_wasm",
    "cold_build_note",
    "cold_builds",
    "crate_list",
    "dependencies",
    "dependency_lines",
    "dependency_table",
    "error_messages",
    "go_dependencies",
    "go_std_note",
    "grpc_binaries",
    "grpc_chart",
    "grpc_echo",
    "grpc_table",
    "json_chart",
    "json_checks",
    "json_notes",
    "json_ratio",
    "json_summary",
    "json_table",
    "json_throughput",
    "make_payload",
    "make_text",
    "payload_facts",
    "proxy_chart",
    "proxy_table",
    "reverse_proxy",
    "rust_dependencies",
    "service_agreement",
    "service_build_costs",
    "service_chart",
    "service_check",
    "service_costs",
    "service_report",
    "size_builds",
    "size_table",
    "source_lines",
    "speed_words",
    "strip_custom_sections",
    "warm_builds",
    "wasm_agreement",
    "wasm_build_report",
    "wasm_chart",
    "wasm_runs",
    "wasm_sections",
    "wasm_sizes",
    "wasm_summary",
    "wasm_table",
]
