"""Shared fixtures and helpers: the kernels, where live results go, replay mode with no
process allowed, a strict book build, snapshots of saved tables, and the checks every
chapter's replay tests make."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd
import pytest

from gorust import GoKernel, Kernel, RustKernel, paths

STRICT = ["-W", "-n", "--keep-going"]
BUILT_HTML = paths.REPO / "_build" / "html"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Pages whose chapter is written must show charts; placeholders show none.
CHAPTERS_WITH_CHARTS = {
    "chapters/01-philosophies.html": 2,
    "chapters/02-concurrency.html": 3,
    "chapters/03-memory-gc.html": 4,
    "chapters/04-velocity-crud.html": 6,
    "chapters/05-error-handling.html": 2,
    "chapters/06-discord-case-study.html": 3,
    "chapters/07-ecosystem.html": 3,
    "chapters/08-verdict.html": 2,
}


def build_book(
    book: Path, *options: str, env: Mapping[str, str] | None = None, timeout_s: float = 600
) -> subprocess.CompletedProcess:
    """``jupyter-book build`` of ``book`` as the Makefile runs it (strict), in a subprocess."""
    command = "from jupyter_book.cli.main import main; main()"
    return subprocess.run(
        [sys.executable, "-c", command, "build", str(book), *options, *STRICT],
        capture_output=True,
        text=True,
        env=None if env is None else dict(env),
        timeout=timeout_s,
    )


def is_running(pid: int) -> bool:
    """True if pid exists and is not a zombie waiting to be reaped (waits up to 5 s)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
                state = stat.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        if state == "Z":
            return False
        time.sleep(0.1)
    return os.path.exists(f"/proc/{pid}")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every saved table under ``folder``, byte for byte."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


def has_rows(chart: object) -> None:
    """The chart's spec carries data rows (altair inlines them as datasets)."""
    datasets = chart.to_dict()["datasets"]
    assert datasets and all(datasets.values())


def recorded_tables(part: str) -> dict[str, pd.DataFrame]:
    """Every table the Part's claim rules name, as the reference recorded them: the starting
    point a flip test changes on one side of a rule's threshold."""
    from gorust import claims

    return claims.load_tables(part, lambda chapter, name: table(chapter, name))


def changed(tables: Mapping[str, pd.DataFrame], name: str, change) -> dict[str, pd.DataFrame]:
    """A copy of ``tables`` with ``tables[name]`` replaced by ``change(copy of it)``."""
    out = {key: frame.copy() for key, frame in tables.items()}
    out[name] = change(out[name])
    return out


def set_for(language: str, **values: float):
    """A change for ``changed_by``: every row of ``language`` gets ``values``."""

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        for column, value in values.items():
            frame.loc[frame.language == language, column] = value
        return frame

    return change


def changed_by(tables: Mapping[str, pd.DataFrame], name: str, *changes) -> dict[str, pd.DataFrame]:
    """``tables`` with ``tables[name]`` passed through each of ``changes`` in turn."""
    frame = tables[name]
    for change in changes:
        frame = change(frame)
    return {**tables, name: frame}


def verdict_word(rule, tables: Mapping[str, pd.DataFrame]) -> str:
    """The verdict word ("holds", "depends", ...) ``rule`` gives on ``tables``."""
    return rule(tables).verdict.split(":")[0].strip()


@pytest.fixture(scope="session", params=["go", "rust"])
def kernel(request: pytest.FixtureRequest) -> Kernel:
    """Each test that takes `kernel` runs once against Go and once against Rust."""
    return GoKernel() if request.param == "go" else RustKernel()


@pytest.fixture(autouse=True)
def live_results(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's live results go to a folder of its own: no test writes the repository's
    _build/results, and none reads what an earlier live run left there."""
    folder = tmp_path_factory.mktemp("live-results")
    monkeypatch.setenv(paths.RESULTS_VARIABLE, str(folder))
    return folder


class _NoProcess:
    """Stands in for subprocess.Popen, through which every program the course starts goes
    (kernels, compilers, linters, PostgreSQL, wrk): replay mode must start none."""

    def __init__(self, args: object, *rest: object, **options: object) -> None:
        raise AssertionError(f"replay mode started a process: {args!r}")


@pytest.fixture
def replaying(monkeypatch: pytest.MonkeyPatch, live_results: Path):
    """Replay mode over the committed reference, where starting any process fails the test,
    and which must leave data/ as it was and write no live results."""
    from gorust import replay

    monkeypatch.setenv(replay.MODE_VARIABLE, "replay")
    monkeypatch.setattr(subprocess, "Popen", _NoProcess)
    reference = paths.DATA
    before = snapshot(reference)
    yield reference
    assert snapshot(reference) == before, "replay mode wrote to data/"
    assert not any(live_results.rglob("*")), "replay mode wrote live results"


@pytest.fixture
def reference_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replaying: Path) -> Path:
    """Replay mode, as ``replaying``, over a copy of the reference that a test may damage."""
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(paths.DATA, copy)
    monkeypatch.setattr(paths, "DATA", copy)
    return copy


def table(chapter: str, name: str) -> pd.DataFrame:
    """A table of the reference (data/, or the copy a test points paths.DATA at)."""
    return pd.read_csv(paths.DATA / chapter / f"{name}.csv")


def _checked_cells(notebook: str) -> list[dict]:
    """The committed chapter's cells tagged ``nbval-check-output``, in order."""
    import json

    from gorust.notebooks import is_checked

    cells = json.loads((paths.REPO / "chapters" / notebook).read_text(encoding="utf-8"))["cells"]
    return [cell for cell in cells if is_checked(cell)]


def _printed(cell: dict) -> str:
    return "".join("".join(output.get("text", "")) for output in cell["outputs"])


def checked_outputs(notebook: str) -> list[str]:
    """The text every checked cell of a committed chapter printed, in order."""
    return [_printed(cell) for cell in _checked_cells(notebook)]


def checked_output(notebook: str, call: str) -> str:
    """What the committed chapter's checked cell that calls ``call`` printed."""
    for cell in _checked_cells(notebook):
        if call in "".join(cell["source"]):
            return _printed(cell)
    raise AssertionError(f"{notebook} has no checked cell that calls {call}")


# What the live build of `make test` saved (its tables and the commands behind them).
BUILT_RESULTS = paths.REPO / "_build" / "results"
REFUSED_BUILD = "# the compiler refuses this build"


def reproduce_journaled(
    chapter: str,
    experiment: str,
    *,
    results: Path = BUILT_RESULTS,
    runs_per_language: int = 1,
    timeout_s: float = 300,
) -> dict[str, list[list[dict]]]:
    """Paste the commands the live build journaled for ``experiment`` into bash, as a reader
    would, from the repository's root: every build line, then the first ``runs_per_language``
    run lines of each language. Returns, per language, the JSON lines each run printed."""
    import json

    journal = pd.read_csv(results / chapter / f"{experiment}.commands.csv")
    assert not journal.empty, f"{chapter}/{experiment} journaled no command"

    def bash(line: str) -> str:
        done = subprocess.run(
            ["bash", "-c", line], cwd=paths.REPO, capture_output=True, text=True,
            timeout=timeout_s,
        )  # fmt: skip
        assert done.returncode == 0, f"`{line}` failed:\n{done.stderr[-2000:]}"
        return done.stdout

    for line in journal[journal.kind == "build"].line:
        if REFUSED_BUILD not in line:  # the chapter shows the compiler refusing it
            bash(line)
    printed: dict[str, list[list[dict]]] = {}
    for language, runs in journal[journal.kind == "run"].groupby("language"):
        printed[str(language)] = [
            [json.loads(out) for out in bash(line).splitlines() if out.startswith("{")]
            for line in runs.line.head(runs_per_language)
        ]
    return printed


# -- This run against the reference (gorust.agreement), shared by tests/test_partN_reference.py
def headline_reference(chapter: str) -> dict[str, pd.DataFrame]:
    """The tables the chapter's rules, facts and headline figures read, as data/ records them."""
    from gorust import agreement

    tables = agreement.reference_tables(chapter)
    assert tables is not None, f"data/{chapter} lacks a table its headline figures read"
    return tables


def assert_only_its_figure_differs(
    chapter: str, reference: Mapping[str, pd.DataFrame], table: str, change, figure: str
) -> None:
    """With ``table`` changed by ``change`` in a copy of the reference, ``figure`` differs
    from the reference's and every other headline figure still agrees."""
    from gorust import agreement

    live = agreement.figures(chapter, changed(reference, table, change))
    compared = agreement.compare(live, agreement.figures(chapter, reference)).set_index("figure")
    assert compared.loc[figure, "agreement"] == agreement.DIFFERS, compared.loc[figure]
    others = compared.drop(index=figure)
    assert (others.agreement == agreement.AGREES).all(), others[["agreement"]]


def chart_runs(chart: object) -> set[str]:
    """The runs ("this machine", "reference") whose rows a chart's data hold."""
    from gorust import charts

    spec = chart.to_dict()  # type: ignore[attr-defined]
    return {
        str(row[charts.RUN_FIELD])
        for rows in spec.get("datasets", {}).values()
        for row in rows
        if isinstance(row, dict) and charts.RUN_FIELD in row
    }


def has_run_encoding(chart: object) -> bool:
    """The chart encodes the run (opacity, column, shape…) somewhere in its spec."""
    import json

    return '"field": "Run"' in json.dumps(chart.to_dict())  # type: ignore[attr-defined]


def scaled_where(column: str, factor: float, **where: object):
    """A change for ``changed``: the rows matching ``where`` (column == value) with ``column``
    times ``factor``."""

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        rows = pd.Series(True, index=frame.index)
        for field, value in where.items():
            rows &= frame[field] == value
        assert rows.any(), where
        frame.loc[rows, column] = frame.loc[rows, column] * factor
        return frame

    return change


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium (Debian's, through Playwright) for the tests of the built book."""
    if not (BUILT_HTML / "intro.html").exists():
        pytest.fail("No built book in _build/html: run `make html` (or `make book`) first.")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium` (see .ci/run).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()
