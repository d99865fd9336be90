"""What the live build that `make test` just ran left behind: its results outside the working
tree, the committed reference untouched."""

from __future__ import annotations

import subprocess

import pytest

from gorust import paths
from gorust.reference import MEASURING_PARTS

pytestmark = pytest.mark.built
LIVE_RESULTS = paths.REPO / "_build" / "results"


def test_the_live_build_left_the_reference_byte_for_byte_unchanged() -> None:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", "data"],
        cwd=paths.REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == "", f"a live run changed the committed reference:\n{status}"


def test_the_live_build_saved_every_measuring_chapter_outside_the_tree() -> None:
    for part in MEASURING_PARTS:
        tables = sorted((LIVE_RESULTS / part).glob("*.csv"))
        assert tables, f"no live results for {part} in {LIVE_RESULTS}"
        assert (LIVE_RESULTS / part / "claims.csv") in tables
