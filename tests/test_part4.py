"""Part 4's helpers: the throwaway PostgreSQL, the one-line edit, the counters and the parsers,
how the build experiments label what they show, and the page rebuilt from the reference in
replay mode."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from IPython.display import Markdown

from gorust import claims, part4, paths, postgres, replay, runs
from gorust.part4 import building, contract_suite, source
from tests.conftest import checked_output, snapshot, table


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not alive; /proc/<pid>/stat says so in its third field.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_cluster_is_fresh_answers_sql_and_is_gone_afterwards():
    with postgres.cluster() as pg:
        folder, pid = pg.folder, pg.pid
        assert (folder / "data" / "PG_VERSION").exists()
        assert pg.sql("SELECT current_setting('fsync')") == [["off"]]
        url = pg.create_database("probe")
        assert url.startswith("postgres://gorust@127.0.0.1:") and url.endswith(
            "/probe?sslmode=disable"
        )
        assert pg.sql("SELECT 1 + 1", "probe") == [["2"]]
        pg.drop_database("probe")
    assert not folder.exists()
    assert not _alive(pid)


def test_a_failing_block_still_stops_and_removes_the_cluster():
    with pytest.raises(RuntimeError, match="a cell failed"), postgres.cluster() as pg:
        folder, pid = pg.folder, pg.pid
        raise RuntimeError("a cell failed")
    assert not folder.exists()
    assert not _alive(pid)


def test_sql_errors_name_the_statement():
    with postgres.cluster() as pg, pytest.raises(postgres.PostgresError, match="no_such_table"):
        pg.sql("SELECT * FROM no_such_table")


def test_database_names_are_checked():
    with pytest.raises(ValueError):
        postgres._check_name('x"; DROP DATABASE postgres; --')


def test_an_unknown_choice_of_postgres_is_refused(monkeypatch):
    monkeypatch.setenv(postgres.CHOICE_VARIABLE, "mysql")
    with pytest.raises(ValueError, match="system"):
        postgres.find_installation()


def test_the_one_line_edits_apply_to_the_committed_handlers():
    for edit, root in ((part4.GO_EDIT, paths.GO_MODULE), (part4.RUST_EDIT, paths.RUST_WORKSPACE)):
        original = (root / edit.file).read_text()
        edited = edit.applied(original, "abc123")
        assert edited != original
        assert len(edited.splitlines()) == len(original.splitlines())
        changed = [
            (a, b)
            for a, b in zip(original.splitlines(), edited.splitlines(), strict=True)
            if a != b
        ]
        assert len(changed) == 1 and "abc123" in changed[0][1]
        assert edit.undone(edited) == original
    assert part4.GO_EDIT.file == part4.GO_EDITED_FILE
    assert part4.RUST_EDIT.file == part4.RUST_EDITED_FILE


def test_test_ids_map_to_languages_and_groups():
    assert contract_suite._language_of("test_x[go-POST]") == "go"
    assert contract_suite._language_of("test_x[invalid UTF-8-rust-PUT]") == "rust"
    assert contract_suite._language_of("test_both_services_embed_the_same_migration") == "both"
    assert contract_suite._group("test_bad_bodies_get_a_clear_4xx_and_change_nothing") == (
        "bad bodies change nothing"
    )
    assert contract_suite._group("test_schemathesis_finds_no_deviation") == "Schemathesis"


def test_markers_ignore_strings_and_comments():
    text = source._strip_strings('let a = "x?; \'b"; // y.await?\nfoo()?;')
    assert text == 'let a = ""; \nfoo()?;'


def test_the_contract_files_exist():
    assert part4.OPENAPI.is_file() and part4.LOAD_SCRIPT.is_file()
    go, rust = part4.migration_files()
    assert go.read_bytes() == rust.read_bytes()


def _refuse_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"started a process: {args!r}")

    monkeypatch.setattr(subprocess, "Popen", refuse)


def test_quick_live_cold_builds_reuse_a_measurement_of_the_same_sources_only(
    monkeypatch, live_results, tmp_path
):
    """Live in the quick profile, a cold-build measurement this machine made under the same
    sources key is shown (labelled as reused) and saved with the live results; nothing is
    compiled. Under another key it would not be found."""
    monkeypatch.setenv(replay.MODE_VARIABLE, "live")
    monkeypatch.setenv("GVR_PROFILE", "quick")
    monkeypatch.setenv("GVR_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(building, "cold_build_key", lambda: "same-sources")
    _refuse_processes(monkeypatch)
    recorded = table("part4", "cold_build").drop(columns="reused")
    earlier = recorded.assign(sources_key="same-sources")
    cache = tmp_path / "part4" / "cold-builds-same-sources.csv"
    cache.parent.mkdir(parents=True)
    earlier.to_csv(cache, index=False)
    cold = part4.cold_builds()
    pd.testing.assert_frame_equal(cold.drop(columns=["when", "reused"]), earlier)
    assert cold.reused.all() and cold.when.str.startswith("reused: measured ").all()
    saved = pd.read_csv(live_results / "part4" / "cold_build.csv")
    pd.testing.assert_frame_equal(saved.drop(columns="reused"), earlier)
    monkeypatch.setattr(building, "cold_build_key", lambda: "other-sources")
    with pytest.raises(AssertionError, match="started a process"):
        part4.cold_builds()


def test_the_full_profile_measures_at_least_three_cold_builds_and_quick_says_how_many():
    from gorust.profile import Profile

    assert building.cold_samples(Profile("full")) >= 3
    assert building.cold_samples(Profile("quick")) >= 1


def test_the_cold_build_key_covers_both_services_sources_and_lock_files(monkeypatch):
    """The key hashes every file a cold build compiles from: a change to any changes it."""
    seen: list = []

    def sources_key(files, root, *facts):
        seen.extend(files)
        return "k"

    monkeypatch.setattr(building.builds, "sources_key", sources_key)
    assert building.cold_build_key() == "k"
    names = {path.relative_to(paths.CODE).as_posix() for path in seen}
    assert {"go/go.sum", "rust/Cargo.lock", "go/crud_api/handlers.go"} <= names
    assert "rust/crud_api/src/api.rs" in names


def test_measured_builds_are_labelled_as_measured_and_recorded_ones_with_when():
    table = pd.read_csv(paths.DATA / "part4" / "rebuild.csv")
    measured = part4.RebuildTimes(table)
    assert "when" not in measured.labelled(None)  # build_summary: "measured in this run"
    assert set(measured.labelled("measured now").when) == {"measured now"}
    recorded = part4.RebuildTimes.from_tables({"rebuild": table})
    assert recorded.to_tables()["rebuild"] is table
    assert recorded.labelled("measured now").when.str.startswith("recorded ").all()
    summary = part4.build_summary(measured.labelled(None), recorded.labelled(None))
    assert set(summary.when) == {building.WHEN_MEASURED, *recorded.labelled(None).when}


def test_the_page_says_how_the_cold_go_build_treats_the_standard_library():
    note = part4.cold_build_note().data
    assert part4.GO_STD == "prebuilt" and "untimed" in note


def test_load_runs_split_into_their_two_tables_and_back_in_the_order_they_ran():
    names = ("load", "load_tuned")
    tables = {name: pd.read_csv(paths.DATA / "part4" / f"{name}.csv") for name in names}
    load_runs = part4.LoadRuns.from_tables(tables)
    assert load_runs.frame.measured_at.is_monotonic_increasing  # the order they ran
    for name, frame in load_runs.to_tables().items():
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), tables[name])


# -- Replay: the page from the reference ----------------------------------------------------
def test_part4_load_holds_both_recorded_tables_in_the_order_they_ran(replaying):
    load = part4.load()
    default, tuned = table("part4", "load"), table("part4", "load_tuned")
    assert len(load) == len(default) + len(tuned)
    assert load.measured_at.is_monotonic_increasing
    assert load.default_config.dtype == bool
    pd.testing.assert_frame_equal(load[load.default_config].reset_index(drop=True), default)
    pd.testing.assert_frame_equal(load[~load.default_config].reset_index(drop=True), tuned)
    # Even repetitions ran the variants forwards, odd ones backwards.
    first = load[(load.repetition == 0) & (load.scenario == "read")].variant.tolist()
    second = load[(load.repetition == 1) & (load.scenario == "read")].variant.tolist()
    assert first == part4.VARIANT_ORDER
    assert second == part4.VARIANT_ORDER[::-1]


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_part4_builds_are_the_recorded_ones_labelled_with_when_in_every_profile(
    replaying, monkeypatch, profile
):
    monkeypatch.setenv("GVR_PROFILE", profile)
    rebuild, cold = part4.rebuilds(), part4.cold_builds()
    for replayed, experiment in ((rebuild, "rebuild"), (cold, "cold_build")):
        recorded = table("part4", experiment)
        pd.testing.assert_frame_equal(replayed.drop(columns="when"), recorded)
        assert replayed.when.tolist() == [
            f"recorded {at[:10]}, {recorded.profile[0]} profile, commit {commit}"
            for at, commit in zip(recorded.measured_at, recorded.commit, strict=True)
        ]
    summary = part4.build_summary(rebuild, cold)
    assert not summary.when.str.contains("this run").any()
    assert summary.builds.sum() == len(rebuild) + len(cold)


def test_part4_page_from_recorded_tables_says_what_the_live_page_said(replaying):
    before = snapshot(replaying)
    suite = part4.contract()
    lines = part4.source_lines()
    deps = part4.dependencies()
    sizes = part4.binary_sizes()
    rebuild = part4.rebuilds()
    cold = part4.cold_builds()
    start = part4.startup()
    load = part4.load()
    assert part4.contract_counts(suite) + "\n" == checked_output(
        "04-velocity-crud.ipynb", "contract_counts"
    )
    summary = part4.load_summary(load)
    assert len(summary) == load.groupby(["scenario", "variant"]).ngroups
    assert summary.errors.sum() == load.errors.sum()
    assert not part4.build_summary(rebuild, cold).empty
    assert set(part4.schemathesis_counts(suite).Language) == {"Go", "Rust"}
    for chart in (
        part4.contract_chart(suite),
        part4.source_lines_chart(lines),
        part4.binary_chart(deps, sizes),
        part4.build_times_chart(rebuild, cold),
        part4.startup_chart(start),
        part4.load_chart(load),
    ):
        assert chart.to_dict()
    assert part4.code_markers() + "\n" == checked_output("04-velocity-crud.ipynb", "code_markers")
    checked = claims.check("part4")
    assert isinstance(checked, Markdown) and "| Claim |" in checked.data
    assert isinstance(runs.chapter_footer("part4"), Markdown)
    assert snapshot(replaying) == before
