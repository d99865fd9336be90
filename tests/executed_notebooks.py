"""nbval's output check, against the execution the strict book build already made.

``make test`` executes every chapter once, live, in the strict build (MyST-NB keeps each
executed notebook in ``_build/jupyter_execute/``). This pytest plugin
(``pytest -p tests.executed_notebooks chapters``) collects the chapters as nbval does, with
nbval's own markers, sanitising and comparison, but takes each cell's outputs from that
execution instead of running the chapter a second time:

- a cell whose execution raised fails here too (the strict build has already failed);
- a cell tagged ``nbval-check-output`` must have printed exactly its committed output;
- an executed notebook whose code differs from the committed chapter is stale and fails.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, coalesce_streams

from gorust.paths import REPO

EXECUTED = REPO / "_build" / "jupyter_execute"


def executed_path(chapter: Path) -> Path:
    return EXECUTED / chapter.resolve().relative_to(REPO)


class ExecutedCell(IPyNbCell):
    """One code cell, judged on the outputs the book build recorded for it."""

    def runtest(self) -> None:
        if self.options["skip"]:
            pytest.skip()
        executed = self.parent.executed_cells
        if self.cell_num >= len(executed) or executed[self.cell_num].source != self.cell.source:
            self.raise_cell_error(
                "The executed notebook in _build/jupyter_execute does not match the chapter's "
                "code (a stale build?): run `make html` and test again."
            )
        outputs = coalesce_streams(list(executed[self.cell_num].get("outputs", [])))
        errors = [o for o in outputs if o.get("output_type") == "error"]
        if errors and not self.options["check_exception"]:
            self.raise_cell_error(
                "Cell execution caused an exception in the book build",
                "\n".join(errors[0].get("traceback", [])),
            )
        unrun = self.cell.execution_count is None
        if unrun and self.cell.outputs:
            self.raise_cell_error("Unrun reference cell has outputs")
        if (
            self.options["check"]
            and not unrun
            and not self.compare_outputs(outputs, coalesce_streams(self.cell.outputs))
        ):
            self.raise_cell_error("Cell outputs differ", "\n".join(self.comparison_traceback))


class ExecutedNotebook(IPyNbFile):
    """A chapter whose cells are checked against its executed copy; no kernel is started."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.compare_outputs = False  # nbval-lax: only cells tagged nbval-check-output
        self.executed_cells: list = []

    def setup(self) -> None:
        source = executed_path(Path(str(self.fspath)))
        if not source.is_file():
            pytest.fail(
                f"No executed copy of {self.fspath.basename} at {source}: the strict build "
                "(`make html`, part of `make test`) executes the chapters first.",
                pytrace=False,
            )
        notebook = nbformat.read(source, as_version=4)
        self.executed_cells = [c for c in notebook.cells if c.cell_type == "code"]
        self.setup_sanitize_files()

    def collect(self):
        for item in super().collect():
            yield ExecutedCell.from_parent(
                self, name=item.name, cell_num=item.cell_num, cell=item.cell, options=item.options
            )


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.suffix == ".ipynb" and not file_path.name.startswith("_"):
        return ExecutedNotebook.from_parent(parent, path=file_path)
    return None
