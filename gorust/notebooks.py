"""Keep the chapters' committed outputs honest: only the checked ones.

nbval compares a cell's fresh output with the committed one for cells marked
with nbval's cell tag ``nbval-check-output`` (a tag, so that readers never see a test marker);
every other output is measured anew on each run, so committing it
would only ship stale numbers. ``python -m gorust.notebooks chapters/*.ipynb`` executes each
chapter and keeps the outputs of checked cells alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CHECK_TAG = "nbval-check-output"


def is_checked(cell: nbformat.NotebookNode | dict) -> bool:
    """A code cell whose output nbval compares with the committed one."""
    return cell["cell_type"] == "code" and CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def execute(path: Path, timeout_s: int = 1200) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` in a fresh kernel, in its own folder."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=timeout_s,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return notebook


def refresh(path: Path, timeout_s: int = 1200) -> int:
    """Execute ``path`` in place, keep only checked outputs; return how many were kept."""
    notebook = execute(path, timeout_s)
    kept = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if is_checked(cell):
            kept += 1  # nbval skips a reference cell without an execution count
        else:
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(notebook, path)
    return kept


def main(argv: list[str]) -> int:
    for name in argv:
        kept = refresh(Path(name))
        print(f"{name}: executed; kept {kept} checked output(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
