"""What Part 7's topics share: the names of its programs, the course's generator, a cache key
and the page's line count. How it builds and runs its tools is gorust.builds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from gorust import data

CHAPTER = "part7"
# The program folders (code/go/<name>, code/rust/<name>) the chapter builds.
SERVICE = "http_service"
JSON_EXPERIMENT = "json_throughput"
WASM = "wasm_wordcount"
WASM_BROWSER = "wasm_browser"
# go list, cargo tree, rustc -vV and the WebAssembly builds: minutes at most.
TOOL_TIMEOUT_S = 300.0


def provenance_of(frame: pd.DataFrame) -> dict[str, object]:
    """The run a frame was measured in (its first row's provenance), for a summary to carry so
    that a chart can say which run each mark comes from."""
    return {c: frame[c].iloc[0] for c in data.PROVENANCE_COLUMNS if c in frame and len(frame)}


class SplitMix64:
    """The course's deterministic generator (the same as the Go and Rust programs use)."""

    MASK = (1 << 64) - 1

    def __init__(self, seed: int) -> None:
        self.state = seed & self.MASK

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return self.next() % n

    def unit(self) -> float:
        """A float in [0, 1)."""
        return (self.next() >> 11) / float(1 << 53)

    def pick(self, items: Sequence[str]) -> str:
        return items[self.below(len(items))]


def source_lines(path: Path) -> int:
    """Lines of code by the page's rule: neither blank nor a `//` comment (doc comments too)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("//"))
