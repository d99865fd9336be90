"""Part 7's pure helpers (the shared generator, the payload, the WebAssembly section parser and
stripper, the line counter and the service-script comparison), its page rebuilt from the
reference in replay mode, and what a live run saves or refuses, without a toolchain."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gorust import claims, data, part7, paths, replay, stats
from gorust.profile import Profile
from tests.conftest import checked_output, checked_outputs, table


def _section(section_id: int, body: bytes) -> bytes:
    assert len(body) < 128  # one-byte LEB128 sizes are enough for these tests
    return bytes([section_id, len(body)]) + body


def _custom(name: str, payload: bytes) -> bytes:
    return _section(0, bytes([len(name)]) + name.encode() + payload)


HEADER = b"\0asm\x01\0\0\0"
TYPE_SECTION = _section(1, b"\x01\x60\x00\x00")  # one type: [] -> []


def test_splitmix64_matches_the_go_and_rust_twins():
    rng = part7.SplitMix64(1_234_567)
    assert [rng.next() for _ in range(3)] == [
        6_457_827_717_110_365_317,
        3_203_168_211_198_807_973,
        9_817_491_932_198_370_423,
    ]


def test_payload_is_deterministic_compact_and_round_trips():
    payload = part7.make_payload()
    assert payload == part7.make_payload()
    decoded = json.loads(payload)
    assert len(decoded["orders"]) == 24
    # Compact, in field order: Python's own re-encoding gives the same bytes back.
    again = json.dumps(decoded, ensure_ascii=False, separators=(",", ":")).encode()
    assert again == payload
    # What Go's encoder would write differently is absent: HTML characters, whole floats.
    assert not any(char in payload for char in b"<>&")
    prices = [item["unit_price"] for order in decoded["orders"] for item in order["items"]]
    assert all(not float(price).is_integer() for price in prices)


def test_text_is_deterministic_ascii_words():
    text = part7.make_text(0.05)
    assert text == part7.make_text(0.05)
    assert len(text) >= 50_000
    assert set(text) <= set(b"abcdefghijklmnopqrstuvwxyz \n")


def test_wasm_sections_names_custom_sections():
    module = HEADER + TYPE_SECTION + _custom("name", b"\x01\x02") + _custom("producers", b"")
    sections = part7.wasm_sections(module)
    assert [(section_id, name) for section_id, name, _ in sections] == [
        (1, ""),
        (0, "name"),
        (0, "producers"),
    ]
    assert sum(size for _, _, size in sections) == len(module) - len(HEADER)


def test_strip_removes_only_custom_sections():
    module = HEADER + _custom("go:buildid", b"xyz") + TYPE_SECTION + _custom(".debug_info", b"?")
    stripped = part7.strip_custom_sections(module)
    assert stripped == HEADER + TYPE_SECTION
    assert part7.strip_custom_sections(stripped) == stripped


def test_strip_rejects_what_is_not_wasm():
    with pytest.raises(ValueError):
        part7.strip_custom_sections(b"\x7fELF....")


def test_source_lines_skip_blanks_and_comments(tmp_path):
    source = tmp_path / "main.go"
    source.write_text("// Package main.\npackage main\n\n  // note\nfunc main() {}\n")
    assert part7.source_lines(source) == 2


def _script_frame(rust_status: int, rust_body: str) -> pd.DataFrame:
    rows = []
    for language, status, body in (
        ("go", 201, '{"id":1}'),
        ("rust", rust_status, rust_body),
    ):
        rows.append(
            {
                "language": language,
                "step": 0,
                "call": "create",
                "request": "POST /quotes",
                "status": status,
                "body": body,
            }
        )
    return pd.DataFrame(rows)


def test_service_agreement_compares_statuses_and_success_bodies():
    same = part7.service_agreement(_script_frame(201, '{ "id": 1 }'))
    assert bool(same.same_status.iloc[0]) and same.bodies.iloc[0] == "identical JSON"
    different = part7.service_agreement(_script_frame(201, '{"id": 2}'))
    assert different.bodies.iloc[0] == "differ"
    failed = part7.service_agreement(_script_frame(500, "oops"))
    assert not bool(failed.same_status.iloc[0])


def test_speed_words_commit_only_where_the_interval_does():
    assert part7.speed_words(stats.Ratio(3.0, 2.8, 3.2)).startswith("3.0× faster")
    assert part7.speed_words(stats.Ratio(0.5, 0.45, 0.55)).startswith("2.0× slower")
    assert part7.speed_words(stats.Ratio(1.0, 0.95, 1.05)) == "about as fast"
    assert part7.speed_words(stats.Ratio(1.2, 0.8, 1.6)) == "inconclusive here"
    small = stats.Ratio(3.0, 2.5, 3.5, 3, "min–max range, n = 3")
    assert part7.speed_words(small) == "3.0× faster (min–max range, n = 3: 2.5–3.5)"


def test_the_cold_go_build_times_the_standard_library_and_says_so():
    from gorust import builds

    assert part7.GO_STD == "timed"  # Part 4 compiles it beforehand; Part 7 times it
    note = part7.go_std_note().data
    assert note == builds.go_std_note("timed") and "includes compiling" in note


# -- Replay: the page from the reference (the shared ``replaying`` fixture fails any test that
# starts a process) ----------------------------------------------------------------------------
def test_service_check_returns_the_recorded_answers(replaying: Path) -> None:
    service = part7.service_check()
    pd.testing.assert_frame_equal(service, table("part7", "service_check"))
    report, *_ = checked_outputs("07-ecosystem.ipynb")
    assert part7.service_report(service) + "\n" == report
    messages = part7.error_messages(service)
    assert "GET /quotes/99 (unknown quote)" in messages
    assert "Rust:" in messages and "Go:" in messages


def test_dependencies_are_the_recorded_lists(replaying: Path) -> None:
    found = part7.dependencies()
    go_deps, rust_deps = found
    recorded = table("part7", "dependencies")
    rebuilt = part7.dependency_table([go_deps, rust_deps])
    recorded_names = recorded.names.fillna("")  # an empty list is an empty string, read as NaN
    assert rebuilt.names.tolist() == recorded_names.tolist()
    assert rebuilt["count"].tolist() == recorded["count"].tolist()
    assert len(rust_deps.transitive) > 50 and go_deps.std_packages > 100
    listed = part7.crate_list(rust_deps)
    assert listed.count(",") == len(rust_deps.transitive) - 1
    assert max(len(line) for line in listed.splitlines()) <= 100
    _, lines, *_ = checked_outputs("07-ecosystem.ipynb")
    assert "\n".join(part7.dependency_lines(go_deps, rust_deps)) + "\n" == lines


def test_dependencies_survive_the_csv_round_trip(tmp_path: Path) -> None:
    written = (
        part7.Dependencies("go", (), (), 42, ("golang.org/x/net v0.1.0",)),
        part7.Dependencies(
            "rust",
            ("tokio v1.0.0",),
            ("bytes v1.0.0", "tokio v1.0.0"),
            0,
            (),
            ("axum",),
            ("tokio",),
        ),
    )
    part7.dependency_table(written).assign(toolchain="t").to_csv(tmp_path / "d.csv", index=False)
    read = part7.ServiceDependencies.from_tables({"dependencies": pd.read_csv(tmp_path / "d.csv")})
    assert tuple(read) == written


def test_service_costs_are_the_recorded_summary_and_builds(replaying: Path) -> None:
    go_deps, rust_deps = part7.dependencies()
    summary, builds = part7.service_costs(go_deps, rust_deps)
    pd.testing.assert_frame_equal(builds, table("part7", "service_builds"))
    recorded_summary = table("part7", "service_summary")
    added_when_saved = {"toolchain", *data.PROVENANCE_COLUMNS}
    assert list(summary) == [c for c in recorded_summary if c not in added_when_saved]
    assert "toolchain" not in summary and summary.cold_reused.dtype == bool
    assert summary.set_index("language").transitive_dependencies.to_dict() == {
        "go": len(go_deps.transitive),
        "rust": len(rust_deps.transitive),
    }
    assert part7.build_table(summary).shape == (13, 2)
    note = part7.cold_build_note(summary).data
    assert note.startswith("Cold builds: recorded") and "this machine" not in note
    assert part7.service_chart(summary).to_dict()["data"]


def test_json_throughput_is_the_recorded_runs(replaying: Path) -> None:
    runs_frame = part7.json_throughput()
    pd.testing.assert_frame_equal(runs_frame, table("part7", "json_throughput"))
    payload = checked_output("07-ecosystem.ipynb", "part7.payload_facts(")
    checks = checked_output("07-ecosystem.ipynb", "part7.json_checks(")
    assert part7.payload_facts(part7.make_payload()) + "\n" == payload
    assert part7.json_checks(runs_frame) + "\n" == checks
    stats = part7.json_summary(runs_frame)
    assert set(stats.api) >= {"encoding/json", "serde_json"}
    assert part7.json_notes(runs_frame).data.startswith("- **`serde_json`**")
    assert part7.json_chart(stats).to_dict()["data"]


def table_value(frame: pd.DataFrame, field: str) -> object:
    (value,) = frame[field].unique()
    return value


def test_wasm_builds_sizes_and_runs_are_recorded(replaying: Path) -> None:
    builds = part7.build_wasm()
    assert [b.language for b in builds] == ["go", "rust"] and all(b.ok for b in builds)
    recorded = table("part7", "wasm_builds")
    assert part7.wasm_build_report(builds) == "\n".join(
        f"{name}: built by {row.toolchain} for {row.target}"
        for name, row in zip(("Go", "Rust"), recorded.itertuples(), strict=True)
    )
    sizes, wasm = part7.wasm_sizes(builds), part7.wasm_runs(builds)
    pd.testing.assert_frame_equal(sizes, table("part7", "wasm_sizes"))
    pd.testing.assert_frame_equal(wasm, table("part7", "wasm_runs"))
    # The notebook's checked text is the quick profile's input; a recording may be full.
    agreement = part7.wasm_agreement(wasm)
    assert agreement.startswith("Every run gives the same answer: yes")
    for field in part7.RESULT_FIELDS:
        assert f"{field:<10} {table_value(wasm, field)}" in agreement
    stats = part7.wasm_summary(wasm)
    assert part7.wasm_table(sizes, stats).shape[0] == 4
    assert part7.wasm_chart(sizes, stats).to_dict()["vconcat"]


def test_a_recorded_failed_wasm_build_replays_as_failed(reference_copy: Path) -> None:
    source = reference_copy / "part7" / "wasm_builds.csv"
    builds = pd.read_csv(source)
    builds["error"] = [
        "no WASI standard library" if lang == "rust" else "" for lang in builds.language
    ]
    builds.to_csv(source, index=False)
    go, rust = part7.build_wasm()
    assert go.ok and go.error is None
    assert not rust.ok
    assert part7.wasm_build_report([go, rust]).endswith("NOT BUILT — no WASI standard library")


def test_part7_claim_check_replays_the_recorded_claims(replaying: Path) -> None:
    shown = claims.check("part7").data
    recorded = table("part7", "claims")
    assert shown.startswith("| Claim |")
    assert all(measured.replace("|", "\\|") in shown for measured in recorded.measured)


# -- Part 7 live, without a toolchain: what gets saved, and what must fail ----------------------
class _Toolchain:
    def __init__(self, version: str) -> None:
        self.version = version


class _Kernel:
    """Stands in for a kernel where only its language and toolchain version are read."""

    def __init__(self, language: str, version: str) -> None:
        self.language, self._version = language, version

    def toolchain(self) -> _Toolchain:
        return _Toolchain(self._version)


def _recorded_kernels() -> tuple[_Kernel, _Kernel]:
    summary = pd.read_csv(paths.DATA / "part7" / "service_summary.csv").set_index("language")
    return _Kernel("go", summary.toolchain["go"]), _Kernel("rust", summary.toolchain["rust"])


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch, live_results: Path) -> Path:
    monkeypatch.setenv(replay.MODE_VARIABLE, "live")
    return live_results / "part7"


def _columns(folder: Path, table: str) -> list[str]:
    return list(pd.read_csv(folder / f"{table}.csv").columns)


def test_a_live_run_saves_the_reference_columns(
    live: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fed the recorded builds and dependency lists, the live experiments save tables with the
    reference's columns, and the summary the page computes with is the replayed one."""
    from gorust.part7 import service_deps, service_summary

    recorded = {t: table("part7", t) for t in ("service_builds", "dependencies")}
    deps = part7.ServiceDependencies.from_tables(recorded)
    builds = recorded["service_builds"]
    monkeypatch.setattr(service_deps, "kernels", _recorded_kernels)
    monkeypatch.setattr(service_deps, "go_dependencies", lambda: deps.go)
    monkeypatch.setattr(service_deps, "rust_dependencies", lambda: deps.rust)
    monkeypatch.setattr(service_summary, "kernels", _recorded_kernels)
    monkeypatch.setattr(service_summary, "cold_builds", lambda _: builds[builds.kind == "cold"])
    warm = builds[builds.kind == "warm"].drop(columns="reused")
    monkeypatch.setattr(service_summary, "warm_builds", lambda _: warm)

    assert tuple(part7.dependencies()) == tuple(deps)
    summary, _ = part7.service_costs(*deps, Profile("full"))
    for name in ("dependencies", "service_summary", "service_builds"):
        assert _columns(live, name) == _columns(paths.DATA / "part7", name), name
    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    replayed, _ = part7.service_costs(*deps)
    pd.testing.assert_frame_equal(summary, replayed, check_dtype=False)


def test_a_live_wasm_build_that_fails_raises_and_saves_nothing(
    live: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gorust.kernels import KernelError
    from gorust.part7 import wasm_modules

    go = part7.WasmBuild("go", "go1", "wasip1/wasm", "go build", module=None)
    rust = part7.WasmBuild("rust", "none", "wasm32-wasip1", "rustc", error="no WASI std")
    monkeypatch.setattr(wasm_modules, "build_go_wasm", lambda: go)
    monkeypatch.setattr(wasm_modules, "build_rust_wasm", lambda: rust)
    with pytest.raises(KernelError, match="Rust: no WASI std"):
        part7.build_wasm()
    assert not live.exists()
    monkeypatch.setattr(wasm_modules, "build_rust_wasm", lambda: go)  # both "built" now
    assert list(part7.build_wasm()) == [go, go]
    assert _columns(live, "wasm_builds") == _columns(paths.DATA / "part7", "wasm_builds")
