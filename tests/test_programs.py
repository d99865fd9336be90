"""``make programs``: every program the chapters name, each built once per language it has."""

from __future__ import annotations

from gorust import GoKernel, RustKernel, experiments, programs
from gorust.reference import MEASURING_PARTS


def test_every_program_the_chapters_name_is_listed_once_and_exists_in_a_language() -> None:
    listed = programs.every_program()
    assert len(listed) == len(set(listed))
    named = {p for part in MEASURING_PARTS for p in experiments.programs(part)}
    assert set(listed) == named
    go, rust = GoKernel(), RustKernel()
    for program in listed:
        assert programs.has_program(go, program) or programs.has_program(rust, program), program
    assert programs.has_program(go, "tools/echo_client")
    assert not programs.has_program(rust, "tools/echo_client")
