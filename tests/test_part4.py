"""Part 4's helpers: the throwaway PostgreSQL, the one-line edit, the counters and the parsers."""

from __future__ import annotations

import os

import pytest

from gorust import part4, postgres


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
    for edit, path in (
        (part4.GO_EDIT, part4.paths.GO_MODULE / part4.GO_EDITED_FILE),
        (part4.RUST_EDIT, part4.paths.RUST_WORKSPACE / part4.RUST_EDITED_FILE),
    ):
        original = path.read_text()
        edited = part4._edited(original, edit, "abc123")
        assert edited != original
        assert len(edited.splitlines()) == len(original.splitlines())
        changed = [
            (a, b)
            for a, b in zip(original.splitlines(), edited.splitlines(), strict=True)
            if a != b
        ]
        assert len(changed) == 1 and "abc123" in changed[0][1]


def test_test_ids_map_to_languages_and_groups():
    assert part4._language_of("test_x[go-POST]") == "go"
    assert part4._language_of("test_x[invalid UTF-8-rust-PUT]") == "rust"
    assert part4._language_of("test_both_services_embed_the_same_migration") == "both"
    assert part4._group("test_bad_bodies_get_a_clear_4xx_and_change_nothing") == (
        "bad bodies change nothing"
    )
    assert part4._group("test_schemathesis_finds_no_deviation") == "Schemathesis"


def test_markers_ignore_strings_and_comments():
    text = part4._strip_strings('let a = "x?; \'b"; // y.await?\nfoo()?;')
    assert text == 'let a = ""; \nfoo()?;'


def test_the_contract_files_exist():
    assert part4.OPENAPI.is_file() and part4.LOAD_SCRIPT.is_file()
    go, rust = part4.migration_files()
    assert go.read_bytes() == rust.read_bytes()
