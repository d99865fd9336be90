"""Running the same experiment in both languages, fairly."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from IPython.display import Markdown

from gorust import charts, provenance, readable, replay
from gorust.kernels import GoKernel, Kernel, RustKernel


@functools.cache
def kernels() -> tuple[GoKernel, RustKernel]:
    """The chapter's Go and Rust kernels (toolchains checked on first use)."""
    return GoKernel(), RustKernel()


@dataclass(frozen=True)
class Variant:
    """One way to run an experiment: a language, a label for charts, extra arguments and
    environment (e.g. GOGC) for the program."""

    language: str
    label: str
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()

    @property
    def kernel(self) -> Kernel:
        go, rust = kernels()
        return go if self.language == "go" else rust


def interleaved(
    experiment: str,
    args: Sequence[str | int | float],
    *,
    rounds: int,
    languages: Sequence[Kernel] | None = None,
    timeout_s: float = 300.0,
) -> pd.DataFrame:
    """Run ``experiment`` ``rounds`` times per language, alternating which goes first.

    Alternating spreads slow drifts of a shared machine (other load, frequency changes) over
    both languages instead of charging them to whichever ran second. Both programs are built
    before the first timed run.
    """
    chosen = list(languages or kernels())
    for kernel in chosen:
        kernel.build(experiment)
    frames = []
    for round_number in range(rounds):
        order = chosen if round_number % 2 == 0 else chosen[::-1]
        for kernel in order:
            frame = kernel.run(experiment, args, timeout_s=timeout_s).frame
            frame["round"] = round_number
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def begin(chapter: str, recorded_in: Sequence[str] = ()) -> Markdown | None:
    """A chapter's first cell: the course's charts, and in replay mode the banner that says
    the page shows recorded results (of ``recorded_in`` when the page shows other chapters'
    data)."""
    charts.enable()
    readable.enable()
    return replay.banner(chapter, recorded_in)


def chapter_footer(chapter: str, recorded_in: Sequence[str] = ()) -> Markdown:
    """The provenance footer: toolchains, host, profile and date of the figures shown.

    Live, that is this run; in replay mode, the recorded run read from data/.
    """
    if replay.active():
        return provenance.recorded_footer(replay.recordings(*(recorded_in or (chapter,))))
    go, rust = kernels()
    return provenance.footer({"Go": go.toolchain().version, "Rust": rust.toolchain().version})
