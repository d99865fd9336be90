"""The committed chapters: test markers are cell tags a reader never sees, every checked cell
carries the output it is checked against, and no measured output is committed."""

from __future__ import annotations

import json

import pytest

from gorust import paths
from gorust.notebooks import is_checked

CHAPTERS = sorted((paths.REPO / "chapters").glob("*.ipynb"))


def _cells(notebook) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_no_test_marker_is_in_view(notebook) -> None:
    for cell in _cells(notebook):
        assert "NBVAL" not in "".join(cell["source"]), notebook.name


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_checked_cells_carry_their_output_and_no_measured_output_is_committed(notebook) -> None:
    for cell in _cells(notebook):
        if cell["cell_type"] != "code":
            continue
        if is_checked(cell):
            # nbval skips a reference cell that never ran: the check would be empty.
            assert cell["outputs"] and cell["execution_count"], cell["source"]
        else:
            assert not cell["outputs"], f"{notebook.name}: committed output of {cell['source']}"


def test_the_chapters_check_their_deterministic_outputs() -> None:
    checked = sum(is_checked(cell) for notebook in CHAPTERS for cell in _cells(notebook))
    assert checked >= 15
