"""No measured number is typed into a chapter's prose: it is glued from the data.

A markdown cell may carry a number with a unit (µs, ms, s, MiB, KiB, MB, ×, %, ...) only when
it is
- glued (``{glue:text}`key```), so it comes from the tables this page shows;
- a quotation: inside “curly quotes” or a ``>`` blockquote (the article, or a public anchor);
- code (inside backticks);
- a *setting* the chapter chose, listed in the notebook's metadata under
  ``gorust.settings`` (a request rate, a buffer size, a depth): a short, reviewed allow-list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gorust import paths

CHAPTERS = sorted((paths.REPO / "chapters").glob("*.ipynb"))
UNITS = (
    r"(?:ns|µs|us|ms|s|sec|seconds?|minutes?|min|hours?|B|bytes|KiB|MiB|GiB|KB|MB|GB"
    r"|×|x|%|percent|times)"
)
MEASURED_LOOKING = re.compile(r"(?<![\w.])~?(\d[\d,]*(?:\.\d+)?)\s?" + UNITS + r"(?![\w])")
NOT_PROSE = [
    re.compile(r"\{glue(?::\w+)?\}`[^`]*`"),  # glued values
    re.compile(r"```.*?```", re.S),  # code blocks
    re.compile(r"`[^`\n]*`"),  # inline code
    re.compile(r"“[^”]*”"),  # quotations
    re.compile(r"^\s*>.*$", re.M),  # blockquotes
    re.compile(r"^:label:.*$", re.M),  # directive options
    re.compile(r"\]\([^)]*\)"),  # link targets
]


def prose(markdown: str) -> str:
    for pattern in NOT_PROSE:
        markdown = pattern.sub(" ", markdown)
    return markdown


def measured_looking(markdown: str, settings: set[str]) -> list[str]:
    """Numbers with units in ``markdown``'s prose that are not on the settings list."""
    found = []
    for match in MEASURED_LOOKING.finditer(prose(markdown)):
        text = re.sub(r"\s+", " ", match.group(0)).lstrip("~")
        if text not in settings:
            found.append(text)
    return found


def settings_of(notebook: dict) -> set[str]:
    return set(notebook["metadata"].get("gorust", {}).get("settings", []))


def test_the_detector_flags_measured_numbers_and_spares_glue_quotes_code_and_settings() -> None:
    flagged = measured_looking(
        "Go took 1.6 µs and 3× the memory; Rust 40%. "
        "{glue:text}`part2.start_us` µs, “~2KB RAM”, `sleep 5 s`, a 4 KiB buffer.\n"
        "> It pauses 500 µs.",
        {"4 KiB"},
    )
    assert flagged == ["1.6 µs", "3×", "40%"]


@pytest.mark.parametrize("notebook_path", CHAPTERS, ids=lambda p: p.stem)
def test_no_measured_number_is_typed_into_prose(notebook_path: Path) -> None:
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    settings = settings_of(notebook)
    typed = {
        index: hits
        for index, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "markdown"
        and (hits := measured_looking("".join(cell["source"]), settings))
    }
    assert not typed, (
        f"{notebook_path.name}: numbers typed into prose (cell index: numbers). Glue them "
        f"from the data, or, if they are settings the chapter chose, list them in the "
        f"notebook metadata gorust.settings: {typed}"
    )


@pytest.mark.parametrize("notebook_path", CHAPTERS, ids=lambda p: p.stem)
def test_every_listed_setting_is_used(notebook_path: Path) -> None:
    """The allow-list stays short: a setting no prose uses any more is removed from it."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    text = " ".join(
        re.sub(r"\s+", " ", prose("".join(c["source"])))
        for c in notebook["cells"]
        if c["cell_type"] == "markdown"
    )
    unused = [s for s in settings_of(notebook) if s not in text]
    assert not unused, f"{notebook_path.name}: settings listed but not used: {unused}"
