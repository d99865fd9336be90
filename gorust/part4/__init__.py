"""Part 4 — Developer Velocity: the same CRUD REST API on PostgreSQL in Gin + pgx and in
Axum + tokio + sqlx, held to one contract and then measured: code, dependencies, builds,
binaries, start-up, memory and load.

Every experiment is declared in the experiment registry (gorust.experiments): live it runs
and saves its tables, in replay mode it returns the tables a real run recorded in
data/part4/ instead of starting PostgreSQL, a service, a compiler or a load generator.

- ``contract_suite``: Experiment 1, one contract (tests/test_part4_api.py, Schemathesis);
- ``source``: Experiment 2, the code (cloc, the constructs the article names);
- ``binaries``: Experiment 3, dependencies and binary sizes;
- ``building``: Experiment 4, cold builds and rebuilds (through gorust.builds);
- ``startup_memory``: Experiment 5, start-up and idle memory;
- ``under_load``: Experiment 6, wrk under load;
- ``defaults``: Experiment 7, what each stack does by default (the unhardened services of
  commit ``BASELINE`` against the hardened ones, probes in ``default_probes``), and the lines
  changed to harden them;
- ``fixed_rate_load`` and ``fixed_rate_rules``: Experiment 8, the services at fixed request
  rates (latency from each request's due time), and the Verdict's “<10ms” judged on them;
- ``claim_check``: the claim check;
- ``headlines``: the figures the agreement table compares with the reference;
- ``common``: the folders, constants and helpers they share.

The submodules' names differ from the functions this package exports (``contract``,
``startup``, ``load``, ``claims``), so that neither hides the other.
"""

from gorust.builds import ToolMissing
from gorust.part4 import (  # noqa: F401 (they declare the rules, facts and headline figures)
    claim_check,
    fixed_rate_rules,
    headlines,
    prose,
)
from gorust.part4.binaries import (
    DEPENDENCY_KINDS,
    binary_chart,
    binary_sizes,
    dependencies,
)
from gorust.part4.building import (
    GO_EDIT,
    GO_EDITED_FILE,
    GO_STD,
    RUST_EDIT,
    RUST_EDITED_FILE,
    ColdBuildTimes,
    RebuildTimes,
    build_summary,
    build_times_chart,
    cold_build_note,
    cold_build_times,
    cold_builds,
    main,
    rebuild_samples,
    rebuild_times,
    rebuilds,
)
from gorust.part4.common import (
    CHAPTER,
    CONTRACT,
    EXPERIMENT,
    LOAD_SCRIPT,
    OPENAPI,
    POOL_SIZE,
    cpu_seconds,
    migration_files,
)
from gorust.part4.contract_suite import (
    SchemathesisRun,
    contract,
    contract_chart,
    contract_counts,
    contract_summary,
    schemathesis,
    schemathesis_counts,
    schemathesis_examples,
)
from gorust.part4.defaults import (
    BASELINE,
    BaselineMissing,
    Defaults,
    default_behaviour,
    defaults_table,
    lines_table,
    met_counts,
)
from gorust.part4.fixed_rate_load import crud_fixed_rate, crud_rate_chart, crud_rate_table
from gorust.part4.source import (
    code_markers,
    marker_counts,
    markers_text,
    source_lines,
    source_lines_chart,
)
from gorust.part4.startup_memory import startup, startup_chart
from gorust.part4.under_load import (
    LOAD_VARIANTS,
    SCENARIOS,
    VARIANT_ORDER,
    LoadRuns,
    LoadVariant,
    load,
    load_chart,
    load_runs,
    load_settings,
    load_summary,
)

__all__ = [
    "BASELINE",
    "CHAPTER",
    "CONTRACT",
    "DEPENDENCY_KINDS",
    "EXPERIMENT",
    "GO_EDIT",
    "GO_EDITED_FILE",
    "GO_STD",
    "LOAD_SCRIPT",
    "LOAD_VARIANTS",
    "OPENAPI",
    "POOL_SIZE",
    "RUST_EDIT",
    "RUST_EDITED_FILE",
    "SCENARIOS",
    "VARIANT_ORDER",
    "BaselineMissing",
    "ColdBuildTimes",
    "Defaults",
    "LoadRuns",
    "LoadVariant",
    "RebuildTimes",
    "SchemathesisRun",
    "ToolMissing",
    "binary_chart",
    "binary_sizes",
    "build_summary",
    "build_times_chart",
    "code_markers",
    "cold_build_note",
    "cold_build_times",
    "cold_builds",
    "contract",
    "contract_chart",
    "contract_counts",
    "contract_summary",
    "cpu_seconds",
    "crud_fixed_rate",
    "crud_rate_chart",
    "crud_rate_table",
    "default_behaviour",
    "defaults_table",
    "dependencies",
    "lines_table",
    "load",
    "load_chart",
    "load_runs",
    "load_settings",
    "load_summary",
    "main",
    "marker_counts",
    "markers_text",
    "met_counts",
    "migration_files",
    "rebuild_samples",
    "rebuild_times",
    "rebuilds",
    "schemathesis",
    "schemathesis_counts",
    "schemathesis_examples",
    "source_lines",
    "source_lines_chart",
    "startup",
    "startup_chart",
]
