"""Replay mode end to end: the whole book builds with Go and Rust hidden from PATH, every
chapter says that its figures are recorded, shows all its charts, and data/ is left as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gorust import replay
from gorust.paths import DATA, REPO
from tests.conftest import CHAPTERS_WITH_CHARTS, build_book

BANNER = "Recorded results, not measured on this machine"


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def replayed_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book built as a reader without toolchains builds it (into a temporary folder)."""
    scratch = tmp_path_factory.mktemp("replay")
    env = {key: value for key, value in os.environ.items() if key != replay.MODE_VARIABLE}
    env["PATH"] = replay.path_without_toolchains(env.get("PATH", ""), scratch / "shadow")
    hidden = [t for t in ("go", "cargo") if shutil.which(t, path=env["PATH"])]
    assert not hidden, f"could not hide {hidden} from PATH"
    subprocess.run([sys.executable, "-m", "gorust.charts", str(REPO / "_static")], check=True)
    recorded = _fingerprint(DATA)
    output = scratch / "out"
    result = build_book(REPO, "--path-output", str(output), env=env, timeout_s=1200)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert _fingerprint(DATA) == recorded, "replay mode changed the recorded data/"
    return output / "_build" / "html"


@pytest.mark.parametrize("page", sorted(CHAPTERS_WITH_CHARTS))
def test_every_chapter_replays_with_its_banner_and_charts(replayed_book: Path, page: str) -> None:
    html = (replayed_book / page).read_text(encoding="utf-8")
    assert BANNER in html
    charts = len(re.findall(r'class="gorust-chart"', html))
    assert charts >= CHAPTERS_WITH_CHARTS[page], f"{page}: {charts} charts"
    assert "Traceback" not in html
    # The provenance footer names the recorded run, not this one.
    assert "in replay mode, from data/" in html
