"""What a long experiment is doing while it runs, for a lecture run live.

A cell that measures for a minute otherwise shows nothing until it ends. With ``GVR_PROGRESS=1``
(``make lab`` and ``make record-reference`` set it) each experiment shows one tqdm line while
it runs: the step it is on ("running Rust read_states 2/3"), the time so far and, once this
machine has run the experiment in the same profile, an estimate from that run. The line is
removed when the experiment ends, so a finished cell holds only its results. Without the
variable (the book's build, nbval, the tests) nothing is shown at all, so no built page and no
checked output can carry progress text.

The estimate is the experiment's last duration here, kept in the course's cache directory
(outside the repository), per profile.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from tqdm.std import tqdm

from gorust import paths

SWITCH = "GVR_PROGRESS"
TICK_S = 1.0
LANGUAGES = {"go": "Go", "rust": "Rust"}


def enabled() -> bool:
    return os.environ.get(SWITCH) == "1"


def timings_file(profile: str) -> Path:
    return paths.cache_dir() / "progress" / f"{profile}.json"


def _timings(profile: str) -> dict[str, Any]:
    try:
        return json.loads(timings_file(profile).read_text())
    except (OSError, ValueError):
        return {}


def _remember(profile: str, key: str, seconds: float, steps: Counter[str]) -> None:
    timings = _timings(profile)
    timings[key] = {"seconds": max(round(seconds, 1), 0.1), "steps": dict(steps)}
    target = timings_file(profile)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(timings, indent=1, sort_keys=True))


class DisplayLine:
    """A file for tqdm that shows its line in the notebook cell that is running, in place.

    tqdm redraws by writing a carriage return and the new line; the last write of a bar that
    does not stay is empty, which empties the cell's display too.
    """

    def __init__(self) -> None:
        from IPython.display import display

        self._handle = display({"text/plain": ""}, raw=True, display_id=True)

    def write(self, text: str) -> None:
        line = text.replace("\r", "").strip()
        if self._handle is not None:
            self._handle.update({"text/plain": line}, raw=True)

    def flush(self) -> None:
        return None


def _output() -> TextIO | DisplayLine:
    try:
        from IPython import get_ipython
    except ImportError:
        return sys.stderr
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return sys.stderr
    return DisplayLine()


class Progress:
    """One experiment's line: its current step, counted, and the time against the estimate."""

    def __init__(self, title: str, estimate: dict[str, Any] | None) -> None:
        self.title = title
        self.expected_steps: dict[str, int] = (estimate or {}).get("steps", {})
        total = (estimate or {}).get("seconds")
        self.steps: Counter[str] = Counter()
        self.started = time.monotonic()
        self.bar = tqdm(
            total=total,
            desc=title,
            file=_output(),  # type: ignore[arg-type]
            leave=False,
            unit="s",
            bar_format="{desc} | {elapsed} of ~{total_fmt} s, {remaining} left"
            if total
            else "{desc} | {elapsed} (first run in this profile here: no estimate yet)",
            dynamic_ncols=False,
            ncols=120,
        )
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(TICK_S):
            self._advance()

    def _advance(self) -> None:
        elapsed = time.monotonic() - self.started
        if self.bar.total:
            self.bar.n = min(elapsed, self.bar.total)
        self.bar.refresh()

    def step(self, doing: str) -> None:
        self.steps[doing] += 1
        expected = self.expected_steps.get(doing)
        count = f"{self.steps[doing]}/{expected}" if expected else f"{self.steps[doing]}"
        self.bar.set_description_str(f"{self.title}: {doing} {count}", refresh=False)
        self._advance()

    def close(self) -> float:
        self._stop.set()
        self._ticker.join()
        self.bar.close()
        return time.monotonic() - self.started


_current: list[Progress] = []


@contextlib.contextmanager
def experiment(chapter: str, name: str, profile: str) -> Iterator[None]:
    """Show the progress of one experiment while the block runs (when enabled)."""
    if not enabled() or _current:  # an experiment inside another shows in the outer line
        yield
        return
    key = f"{chapter}/{name}"
    shown = Progress(f"{chapter.replace('part', 'Part ')} · {name}", _timings(profile).get(key))
    _current.append(shown)
    finished = False
    try:
        yield
        finished = True
    finally:
        _current.remove(shown)
        seconds = shown.close()
        if finished:  # a failed run's time would be a poor estimate
            _remember(profile, key, seconds, shown.steps)


def step(verb: str, language: str, program: str) -> None:
    """Say what the running experiment does now, e.g. ``step("running", "rust", "read_states")``."""
    for shown in _current:
        shown.step(f"{verb} {LANGUAGES.get(language, language)} {program}")
