"""Part 8 — The Verdict: the article's Summary Matrix and a ledger of every claim, rebuilt from
the measurements the other chapters saved: this machine's live results, or the reference in
data/ in replay mode (gorust.data.shown_root)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import Markdown

from gorust import charts, data, tables

# This chapter builds nothing: it shows what Parts 1-7 saved, so the book
# re-executes it whenever one of them re-runs (see gorust.sources).
SHOWS_RECORDED_DATA = True

CHAPTER_TITLES = {
    "part1": "Part 1 — The Philosophies",
    "part2": "Part 2 — Concurrency",
    "part3": "Part 3 — Memory & GC",
    "part4": "Part 4 — CRUD API",
    "part5": "Part 5 — Error handling",
    "part6": "Part 6 — Discord",
    "part7": "Part 7 — Ecosystem",
}


def _load(data_dir: Path, chapter: str, name: str) -> pd.DataFrame:
    """A chapter's table; FileNotFoundError (which ``dimensions`` skips) if it never ran."""
    return tables.read(data_dir, chapter, name)


@dataclass(frozen=True)
class Dimension:
    """One measured comparison: what Go needs against what Rust needs (lower is better)."""

    key: str
    label: str
    chapter: str
    go: float
    rust: float
    unit: str

    @property
    def ratio(self) -> float:
        return self.go / self.rust


Measure = Callable[[Path], "Dimension | None"]


def _binary_trees(d: Path) -> Dimension | None:
    f = _load(d, "part3", "binary_trees")
    wall = f.groupby("variant").wall_s.median()
    return Dimension(
        "alloc",
        "allocation-heavy run time (binary-trees)",
        "part3",
        wall["Go, GOGC=100"],
        wall["Rust, Box"],
        "s",
    )


def _live_heap_p99(d: Path) -> Dimension | None:
    f = _load(d, "part3", "live_heap")
    p99 = f.groupby("variant").p99_ns.median() / 1e3
    return Dimension(
        "p99", "request p99 beside a live heap", "part3", p99["Go, GOGC=100"], p99["Rust"], "µs"
    )


def _live_heap_memory(d: Path) -> Dimension | None:
    f = _load(d, "part3", "live_heap")
    largest = f[f.records == f.records.max()]
    rss = largest.groupby("variant").rss_bytes.median() / 2**20
    return Dimension(
        "heap-memory",
        "memory for the same live data",
        "part3",
        rss["Go, GOGC=100"],
        rss["Rust"],
        "MiB",
    )


def _task_memory(d: Path) -> Dimension | None:
    f = _load(d, "part2", "task_memory")
    medians = f.groupby(["model", "tasks"]).peak_rss_bytes.median()
    largest = f[f.model == "tokio"].tasks.max()

    def per_task(model: str) -> float:
        return (medians[(model, largest)] - medians[(model, 0)]) / largest

    return Dimension(
        "task",
        "memory per waiting task",
        "part2",
        per_task("goroutine"),
        per_task("tokio"),
        "bytes",
    )


def _connection_memory(d: Path) -> Dimension | None:
    f = _load(d, "part2", "connections")
    f = f[f.connections == f.connections.max()]
    per = (f.server_peak_rss_bytes - f.server_idle_rss_bytes) / f.connections / 1024
    kib = per.groupby(f.language).median()
    return Dimension(
        "connection", "server memory per connection", "part2", kib["go"], kib["rust"], "KiB"
    )


def _read_states_tail(d: Path) -> Dimension | None:
    f = _load(d, "part6", "read_states")
    tail = f.groupby("variant").p999_us.median()
    return Dimension(
        "cache-tail",
        "LRU cache p99.9 (Discord's case)",
        "part6",
        tail["Go, pointer LRU"],
        tail["Rust, HashMap LRU (lru crate)"],
        "µs",
    )


def _error_path(d: Path) -> Dimension | None:
    f = _load(d, "part5", "error_cost")
    ns = f.groupby("case").ns_per_op.median()
    return Dimension(
        "errors",
        "error with context (%w vs anyhow + context)",
        "part5",
        ns["fmt.Errorf with %w"],
        ns["anyhow + context"],
        "ns",
    )


def _crud_throughput(d: Path) -> Dimension | None:
    f = _load(d, "part4", "load")
    rps = f.groupby("language").requests_per_s.median()
    # Cost per request, so that lower is better like every other dimension.
    return Dimension(
        "crud-rps",
        "CRUD API on PostgreSQL: time per request at full load",
        "part4",
        1e6 / rps["go"],
        1e6 / rps["rust"],
        "µs",
    )


def _crud_rebuild(d: Path) -> Dimension | None:
    f = _load(d, "part4", "rebuild")
    seconds = f[f.build == "incremental"].groupby("language").seconds.median()
    return Dimension(
        "rebuild", "rebuild after a one-line change", "part4", seconds["go"], seconds["rust"], "s"
    )


def _crud_lines(d: Path) -> Dimension | None:
    f = _load(d, "part4", "source_lines")
    lines = f.groupby("language").code.sum()
    return Dimension(
        "lines", "lines of code of the same CRUD API", "part4", lines["go"], lines["rust"], "lines"
    )


def _crud_binary(d: Path) -> Dimension | None:
    f = _load(d, "part4", "binary_size")
    stripped = f[f.variant == "stripped"].groupby("language").bytes.median() / 2**20
    return Dimension(
        "binary",
        "binary size of the CRUD API, stripped",
        "part4",
        stripped["go"],
        stripped["rust"],
        "MiB",
    )


def _json(d: Path) -> Dimension | None:
    f = _load(d, "part7", "json_throughput")
    if "operation" not in f:
        return None
    # Only the libraries each side uses by default (the chapter also times Go's json/v2).
    f = f[f.api.isin(["encoding/json", "serde_json"])]
    ns = f.dropna(subset=["operation"]).groupby(["language", "operation"]).ns_per_op.median()
    return Dimension(
        "json",
        "JSON decode into types",
        "part7",
        ns[("go", "decode typed")] / 1e3,
        ns[("rust", "decode typed")] / 1e3,
        "µs",
    )


def _wasm(d: Path) -> Dimension | None:
    f = _load(d, "part7", "wasm_sizes")
    size = f.groupby("language").stripped_bytes.median() / 1024
    return Dimension(
        "wasm", "WebAssembly module, stripped", "part7", size["go"], size["rust"], "KiB"
    )


MEASURES: tuple[Measure, ...] = (
    _binary_trees,
    _json,
    _crud_throughput,
    _error_path,
    _live_heap_p99,
    _read_states_tail,
    _task_memory,
    _connection_memory,
    _live_heap_memory,
    _crud_binary,
    _wasm,
    _crud_rebuild,
    _crud_lines,
)


def dimensions(data_dir: Path | None = None) -> pd.DataFrame:
    """Every comparison whose data is present, as a table (ratio = Go ÷ Rust, lower is better)."""
    data_dir = data_dir or data.shown_root()
    rows = []
    for measure in MEASURES:
        try:
            found = measure(data_dir)
        # The chapter has not recorded this table, or its data lack a variant it needs.
        except (FileNotFoundError, KeyError):
            found = None
        if found is not None:
            rows.append(
                {
                    "key": found.key,
                    "dimension": found.label,
                    "chapter": found.chapter,
                    "go": found.go,
                    "rust": found.rust,
                    "unit": found.unit,
                    "ratio": found.ratio,
                }
            )
    return pd.DataFrame(
        rows, columns=["key", "dimension", "chapter", "go", "rust", "unit", "ratio"]
    )


def ratio_chart(dims: pd.DataFrame) -> alt.Chart:
    frame = dims.assign(
        cheaper=dims.ratio.map(lambda r: "Go" if r < 1 else "Rust"),
        chapter_title=dims.chapter.map(CHAPTER_TITLES),
    )
    bars = (
        alt.Chart(frame)
        .transform_calculate(parity="1")
        .mark_bar()
        .encode(
            x2="parity:Q",
            y=alt.Y(
                "dimension:N",
                sort=alt.EncodingSortField("ratio", order="descending"),
                title=None,
                axis=alt.Axis(labelLimit=340),
            ),
            x=alt.X(
                "ratio:Q",
                scale=alt.Scale(type="log"),
                title="what Go needs ÷ what Rust needs (log; right of 1: Rust needs less)",
            ),
            color=alt.Color(
                "cheaper:N",
                scale=alt.Scale(domain=list(charts.COLORS), range=list(charts.COLORS.values())),
                legend=alt.Legend(title="needs less", orient="top"),
            ),
            tooltip=[
                "dimension",
                "chapter_title",
                alt.Tooltip("go:Q", title="Go", format=",.3g"),
                alt.Tooltip("rust:Q", title="Rust", format=",.3g"),
                "unit",
                alt.Tooltip("ratio:Q", title="Go ÷ Rust", format=".2f"),
            ],
        )
    )
    parity = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#333").encode(x="x:Q")
    return (bars + parity).properties(
        title=alt.Title(
            "Go against Rust, every measured dimension",
            subtitle="medians from the chapters' data; bars start at parity",
        ),
        description="Go to Rust ratios per measured dimension on a log scale",
        height=alt.Step(22),
    )


def weights_chart(dims: pd.DataFrame) -> alt.Chart:
    """Sliders weight each dimension; the bar is the weighted geometric mean of the ratios."""
    params = [
        alt.param(
            name=f"w{i}",
            value=1,
            bind=alt.binding_range(min=0, max=3, step=1, name=f"{row.dimension}: "),
        )
        for i, row in enumerate(dims.itertuples())
    ]
    weight = " : ".join(
        f"datum.key == '{row.key}' ? w{i}" for i, row in enumerate(dims.itertuples())
    )
    return (
        alt.Chart(dims)
        .add_params(*params)
        .transform_calculate(weight=f"{weight} : 0", log_ratio="log(datum.ratio)")
        .transform_calculate(weighted="datum.weight * datum.log_ratio")
        .transform_aggregate(total="sum(weighted)", weights="sum(weight)")
        .transform_calculate(
            overall="datum.weights > 0 ? exp(datum.total / datum.weights) : 1",
            label="datum.weights > 0 ? (datum.overall >= 1 ? 'Go needs ' + format(datum.overall, '.2f') + '× what Rust needs' : 'Rust needs ' + format(1 / datum.overall, '.2f') + '× what Go needs') : 'no dimension weighted'",  # noqa: E501
        )
        .mark_text(fontSize=18, fontWeight="bold", align="left")
        .encode(text="label:N", x=alt.value(0), y=alt.value(20))
        .properties(
            width=560,
            height=40,
            title=alt.Title(
                "Your verdict: weight what matters to you",
                subtitle="weighted geometric mean of the ratios above; 0 leaves a dimension out",
            ),
            description="Weighted overall ratio of Go to Rust, adjustable with sliders",
        )
    )


def ledger(data_dir: Path | None = None) -> pd.DataFrame:
    """Every chapter's claim check, as its chapter recorded it."""
    data_dir = data_dir or data.shown_root()
    frames = [pd.read_csv(p) for p in sorted(data_dir.glob("part[1-7]/claims.csv"))]
    if not frames:
        return pd.DataFrame(columns=["chapter", "claim", "measured", "anchor", "verdict"])
    return pd.concat(frames, ignore_index=True)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def ledger_table(claims: pd.DataFrame) -> Markdown:
    rows = ["| Chapter | Claim | Measured | Verdict | Run |", "|---|---|---|---|---|"]
    for row in claims.itertuples():
        word, _, reason = str(row.verdict).partition(":")
        verdict = f"**{_cell(word)}**" + (f":{_cell(reason)}" if reason else "")
        rows.append(
            f"| {{ref}}`{row.chapter}` | {_cell(row.claim)} | {_cell(row.measured)} | "
            f"{verdict} | {row.profile}, {str(row.measured_at)[:10]} |"
        )
    return Markdown("\n".join(rows))


def verdict_counts(claims: pd.DataFrame) -> pd.DataFrame:
    words = claims.verdict.str.split(":").str[0].str.strip()
    return words.value_counts().rename_axis("verdict").reset_index(name="claims")


def _verdict_of(claims: pd.DataFrame, chapter: str, starts: str) -> str | None:
    match = claims[(claims.chapter == chapter) & claims.claim.str.contains(starts, regex=False)]
    return None if match.empty else str(match.verdict.iloc[0])


def _evidence(by_key: pd.DataFrame, keys: list[str]) -> str:
    """Each measured comparison among ``keys``: Go's and Rust's figures, and where from."""
    parts = [
        f"{by_key.loc[k, 'dimension']}: Go {_number(by_key.loc[k, 'go'])} vs Rust "
        f"{_number(by_key.loc[k, 'rust'])} {by_key.loc[k, 'unit']} "
        f"({{ref}}`{by_key.loc[k, 'chapter']}`)"
        for k in keys
        if k in by_key.index
    ]
    return "; ".join(parts) or "not measured yet"


def _lean(by_key: pd.DataFrame, keys: list[str]) -> str:
    """How many of the comparisons among ``keys`` favour each language (±10% is parity)."""
    present = [k for k in keys if k in by_key.index]
    if not present:
        return "not measured yet"
    rust = [k for k in present if by_key.loc[k, "ratio"] > 1.1]
    go = [k for k in present if by_key.loc[k, "ratio"] < 1 / 1.1]
    return (
        f"Rust needs less in {len(rust)}, Go in {len(go)}, parity (±10%) in "
        f"{len(present) - len(rust) - len(go)} of {len(present)} measurements"
    )


def summary_matrix(dims: pd.DataFrame, claims: pd.DataFrame) -> Markdown:
    """The article's Summary Matrix with our evidence and verdict for each row."""
    lines = [
        "| Feature | Article: Go | Article: Rust | Measured here | Our reading |",
        "|---|---|---|---|---|",
    ]
    rows = _matrix_rows(dims.set_index("key"), claims)
    lines += [f"| {' | '.join(_cell(c) for c in row)} |" for row in rows]
    return Markdown("\n".join(lines))


def _matrix_rows(by_key: pd.DataFrame, claims: pd.DataFrame) -> list[tuple[str, ...]]:
    """The matrix as a table: the article's row, its two cells, our evidence, our reading."""

    def evidence(keys: list[str]) -> str:
        return _evidence(by_key, keys)

    def lean(keys: list[str]) -> str:
        return _lean(by_key, keys)

    race = _verdict_of(claims, "part1", "If it compiles")
    forgotten = _verdict_of(claims, "part5", "forget")
    preempt = _verdict_of(claims, "part2", "Preemptive")
    return [
        (
            "Speed (Runtime)",
            "Fast (GC Overhead)",
            "Fastest (Native)",
            evidence(["alloc", "json", "crud-rps", "errors", "p99", "cache-tail"]),
            lean(["alloc", "json", "crud-rps", "errors", "p99", "cache-tail"]),
        ),
        (
            "Speed (Coding)",
            "Fast",
            "Slow (at first)",
            "not measurable here; proxies: " + evidence(["lines", "rebuild"]),
            "not measured: how fast people write code is not something a benchmark can see",
        ),
        (
            "Learning Curve",
            "Flat",
            "Vertical Cliff",
            "not measured; the nearest proxy is the function colouring count in "
            "{ref}`part2` (`async`/`.await` sites against `go` statements)",
            "not measured",
        ),
        (
            "Concurrency",
            "Easy (Goroutines)",
            "Hard (Async/Await)",
            evidence(["task", "connection"]) + (f"; preemption: {preempt}" if preempt else ""),
            lean(["task", "connection"]) + " — ease is not measured",
        ),
        (
            "Safety",
            "Good (Runtime checks)",
            "Best (Compile checks)",
            f"data race: {race or 'not measured yet'} ({{ref}}`part1`); forgotten errors: "
            f"{forgotten or 'not measured yet'} ({{ref}}`part5`)",
            "Rust checks at compile time what Go checks at run time or with linters"
            if race
            else "not measured yet",
        ),
        (
            "Binary Size",
            "Medium (~10MB)",
            "Small (~2MB)",
            evidence(["binary", "wasm"]),
            lean(["binary", "wasm"]),
        ),
    ]
