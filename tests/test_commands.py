"""The journal of shell commands behind every experiment (gorust.commands), and the lines a
reader pastes to reproduce one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gorust import GoKernel, RustKernel, commands, paths


def test_a_go_build_line_names_the_tags_race_and_its_own_output() -> None:
    output = commands.program_path("go", "data_race", ("atomic",), True)
    assert output == "_build/programs/go/data_race+atomic-race"
    line = commands.go_build_line("code/go", "data_race", ("atomic",), True, output)
    assert line == (
        "mkdir -p _build/programs/go && go -C code/go build -trimpath -race -tags atomic "
        '-o "$PWD"/_build/programs/go/data_race+atomic-race ./data_race'
    )


def test_a_rust_build_line_copies_the_program_out_of_cargo_target_directory() -> None:
    output = commands.program_path("rust", "generics_cost", ("dyn",), False)
    line = commands.rust_build_line("code/rust", "generics_cost", ("dyn",), output)
    assert line.startswith(
        "cargo build --release --locked --manifest-path code/rust/Cargo.toml -p generics_cost "
        "--features dyn && "
    )
    assert line.endswith(
        'cp "${CARGO_TARGET_DIR:-code/rust/target}"/release/generics_cost '
        "_build/programs/rust/generics_cost+dyn"
    )


def test_a_run_line_runs_from_the_program_folder_with_its_environment_quoted() -> None:
    line = commands.run_line(
        "code/go/read_states",
        "_build/programs/go/read_states",
        ["--entries", 10, "--layout", "pointers"],
        {"GOGC": "off", "GODEBUG": "asyncpreemptoff=1,gctrace=1", "NOTE": "two words"},
        ["taskset", "-c", "1"],
    )
    assert line == (
        "(cd code/go/read_states && GOGC=off GODEBUG=asyncpreemptoff=1,gctrace=1 "
        "NOTE='two words' taskset -c 1 ../../../_build/programs/go/read_states --entries 10 "
        "--layout pointers)"
    )


def test_the_journal_keeps_each_command_once_in_order_and_only_while_open() -> None:
    first = commands.Command("go", "go1", "build", "x", "go build x")
    second = commands.Command("go", "go1", "run", "x", "x --n 1")
    commands.note(first)  # no journal open: noted nowhere
    with commands.journal() as outer:
        commands.note(first)
        with commands.journal() as inner:
            commands.note(second)
            commands.note(first)
        commands.note(second)
    assert outer == [first, second]
    assert inner == [second, first]
    table = commands.table(outer, {"profile": "quick", "commit": "abc1234"})
    assert list(table.kind) == ["build", "run"]
    assert list(table.commit) == ["abc1234", "abc1234"] and set(table.profile) == {"quick"}


def test_a_kernel_in_a_scratch_copy_journals_nothing(tmp_path: Path) -> None:
    assert commands.in_repository(tmp_path) is None
    assert commands.in_repository(paths.GO_MODULE) == "code/go"


@pytest.mark.parametrize("kernel_type", [GoKernel, RustKernel])
def test_pasting_the_journaled_lines_prints_what_the_kernel_run_printed(kernel_type) -> None:
    kernel = kernel_type()
    with commands.journal() as ran:
        result = kernel.run("kernel_selftest", ["--mode", "emit", "--records", 4])
    lines = {c.kind: c.line for c in ran}
    assert set(lines) == {"build", "run"}
    for kind in ("build", "run"):
        done = subprocess.run(
            ["bash", "-c", lines[kind]], cwd=paths.REPO, capture_output=True, text=True,
            timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    printed = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert printed == result.records


def test_the_panel_lists_the_commands_in_the_order_they_ran_under_headings() -> None:
    import pandas as pd

    from gorust import reproduce

    ran = pd.DataFrame(
        [
            {"language": "shell", "kind": "tool", "line": "printf 'a\\n' > in.txt"},
            {"language": "go", "kind": "build", "line": "go build x"},
            {"language": "go", "kind": "run", "line": "x --in in.txt"},
            {"language": "go", "kind": "run", "line": "x --in in.txt"},
            {"language": "rust", "kind": "build", "line": "cargo build -p x"},
        ]
    )
    block = reproduce.command_block(ran)
    text = block.removeprefix("<pre><code>").removesuffix("</code></pre>")
    assert text.splitlines() == [
        "# prepare or measure (shell)",
        "printf &#x27;a\\n&#x27; &gt; in.txt",
        "",
        "# build (Go)",
        "go build x",
        "",
        "# run (Go)",
        "x --in in.txt",
        "",
        "# build (Rust)",
        "cargo build -p x",
    ]


def test_a_kernel_environment_of_its_own_is_part_of_its_journaled_build_line() -> None:
    import os

    kernel = GoKernel(env={**os.environ, "GOEXPERIMENT": "jsonv2"})
    with commands.journal() as ran:
        kernel.build("kernel_selftest")
    (build,) = ran
    assert build.line.startswith("(export GOEXPERIMENT=jsonv2 && mkdir -p _build/programs/go && ")
    with commands.journal() as ran:
        GoKernel().build("kernel_selftest")
    assert not ran[0].line.startswith("(export")
