"""Every chapter carries the teaching frame, instructor notes and slide metadata (#17, #20).

- the opening box (what you will learn, what you need, the live run's time on the status page)
  and a folded one-hour lecture plan;
- at the end, takeaways for a Go and for a Rust developer, and two or three discussion questions;
- in every experiment, just before its measuring cell, instructor notes: a folded dropdown tagged
  ``instructor-notes`` whose slide type is ``notes``;
- RISE slide metadata on every cell: the title, each experiment and the claim check start a
  slide;
- every exercise says what it needs; Parts 4, 5 and 7 mark each experiment Core or Optional;
- every excerpt's markers exist in the program it shows, and every glossary term used exists.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from pathlib import Path

import pytest

from gorust import paths

CHAPTERS = sorted((paths.REPO / "chapters").glob("*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
LABELLED_PARTS = {"04", "05", "07"}
CORE_OR_OPTIONAL = re.compile(r"\{bdg-success\}`Core`|\{bdg-secondary\}`Optional`")
EXCERPT = re.compile(
    r"```\{literalinclude\} \.\./(?P<path>\S+)\n(?:[^`]*?\n)??"
    r':start-after: "// excerpt-start: (?P<start>[\w-]+)"\n'
    r':end-before: "// excerpt-end: (?P<end>[\w-]+)"'
)


def source(cell: dict) -> str:
    return "".join(cell["source"])


def tagged(notebook: dict, tag: str) -> list[dict]:
    return [c for c in notebook["cells"] if tag in c.get("metadata", {}).get("tags", [])]


def slide_type(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def frame_problems(notebook: dict) -> list[str]:
    """What the chapter's teaching frame lacks (empty when complete)."""
    problems = []
    frames = "\n".join(source(c) for c in tagged(notebook, "teaching-frame"))
    for needed in ("{admonition} In this chapter", "**You will learn**", "**You need**"):
        if needed not in frames:
            problems.append(f"the opening box lacks {needed!r}")
    if "status page <../status>" not in frames:
        problems.append("the opening box does not link the status page for the live run's time")
    plans = "\n".join(source(c) for c in tagged(notebook, "lecture-plan"))
    if "{dropdown} A 60-minute lecture plan" not in plans or "**Skip or assign" not in plans:
        problems.append("no folded lecture plan with what to skip")
    for needed in (
        "{admonition} Takeaways",
        "**For a Go developer.**",
        "**For a Rust developer.**",
    ):
        if needed not in frames:
            problems.append(f"the end lacks {needed!r}")
    questions = re.search(r"\{admonition\} Discussion questions\n(.*?)\n:::", frames, re.S)
    count = len(re.findall(r"^\d+\. ", questions.group(1), re.M)) if questions else 0
    if not 2 <= count <= 3:
        problems.append(f"{count} discussion questions (want two or three)")
    return problems


def notes_problems(notebook: dict) -> list[str]:
    """Experiments without instructor notes just before a code cell, and malformed notes."""
    problems = []
    cells = notebook["cells"]
    for note in tagged(notebook, "instructor-notes"):
        text = source(note)
        if not text.startswith(":::{dropdown} Instructor notes") or slide_type(note) != "notes":
            problems.append(f"cell {note['id']}: notes must be a dropdown with slide type notes")
        for part in (
            "**While it measures, say:**",
            "**Ask before revealing the chart:**|**Ask before revealing the table:**",
            "**The common misreading:**",
        ):
            if not any(option in text for option in part.split("|")):
                problems.append(f"cell {note['id']}: notes lack {part.replace('|', ' or ')}")
    if not tagged(notebook, "instructor-notes"):
        problems.append("no instructor notes at all")
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or not source(cell).startswith("## Experiment"):
            continue
        section = []
        for later in cells[i + 1 :]:
            if later["cell_type"] == "markdown" and source(later).startswith("## "):
                break
            section.append(later)
        noted = any(
            "instructor-notes" in before["metadata"].get("tags", [])
            and after["cell_type"] == "code"
            for before, after in itertools.pairwise(section)
        )
        if not noted:
            title = source(cell).splitlines()[0]
            problems.append(f"{title!r} has no notes just before one of its code cells")
    return problems


def slide_problems(notebook: dict) -> list[str]:
    problems = [
        f"cell {c['id']} has slide type {slide_type(c)!r}"
        for c in notebook["cells"]
        if slide_type(c) not in SLIDE_TYPES
    ]
    if slide_type(notebook["cells"][0]) != "slide":
        problems.append("the title cell does not start a slide")
    for cell in notebook["cells"]:
        text = source(cell)
        starts = text.startswith("## Experiment") or "claims.check(" in text
        if starts and slide_type(cell) != "slide":
            problems.append(f"cell {cell['id']} ({text.splitlines()[0]!r}) does not start a slide")
    return problems


def exercise_problems(notebook: dict, part: str) -> list[str]:
    problems = []
    for cell in notebook["cells"]:
        text = source(cell)
        for block in re.findall(r"```\{exercise\}\n(.*?)```", text, re.S):
            label = re.search(r":label: (\S+)", block)
            if "**Needs:**" not in block:
                problems.append(f"exercise {label.group(1) if label else '?'} lacks its **Needs:**")
        if (
            part in LABELLED_PARTS
            and text.startswith("## Experiment")
            and not CORE_OR_OPTIONAL.search(text)
        ):
            problems.append(f"{text.splitlines()[0]!r} is not marked Core or Optional")
    return problems


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_has_the_teaching_frame(path: Path) -> None:
    assert not frame_problems(load(path)), f"{path.name}: {frame_problems(load(path))}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_experiment_has_instructor_notes(path: Path) -> None:
    assert not notes_problems(load(path)), f"{path.name}: {notes_problems(load(path))}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_cell_has_slide_metadata(path: Path) -> None:
    assert not slide_problems(load(path)), f"{path.name}: {slide_problems(load(path))}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_says_what_it_needs(path: Path) -> None:
    problems = exercise_problems(load(path), path.stem[:2])
    assert not problems, f"{path.name}: {problems}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_excerpt_marker_exists(path: Path) -> None:
    text = "\n".join(source(c) for c in load(path)["cells"])
    missing = []
    for match in EXCERPT.finditer(text):
        program = (paths.REPO / match["path"]).read_text(encoding="utf-8")
        for kind, name in (("start", match["start"]), ("end", match["end"])):
            if f"// excerpt-{kind}: {name}\n" not in program:
                missing.append(f"{match['path']}: excerpt-{kind}: {name}")
    assert not missing, f"{path.name}: markers missing from the programs: {missing}"


def test_every_term_used_is_in_the_glossary_and_the_glossary_is_in_the_toc() -> None:
    glossary = (paths.REPO / "glossary.md").read_text(encoding="utf-8")
    block = glossary.split("```{glossary}", 1)[1]
    terms = {
        line.strip().lower() for line in block.splitlines() if line and not line.startswith(" ")
    }
    used = set()
    for path in CHAPTERS:
        for cell in load(path)["cells"]:
            for role in re.findall(r"\{term\}`([^`]*)`", source(cell)):
                used.add((re.search(r"<([^>]*)>", role) or re.match(r"(.*)", role, re.S)).group(1))
    unknown = sorted(t for t in used if re.sub(r"\s+", " ", t).lower() not in terms)
    assert not unknown, f"terms used but not in glossary.md: {unknown}"
    assert "file: glossary" in (paths.REPO / "_toc.yml").read_text(encoding="utf-8")


def test_the_checks_fail_on_a_chapter_without_the_frame() -> None:
    """Each checker flags what it checks: strip the frame, notes, slide types and labels."""
    notebook = load(next(p for p in CHAPTERS if p.stem.startswith("04")))
    bare = copy.deepcopy(notebook)
    bare["cells"] = [
        c
        for c in bare["cells"]
        if not {"teaching-frame", "lecture-plan", "instructor-notes"}
        & set(c["metadata"].get("tags", []))
    ]
    for cell in bare["cells"]:
        cell["metadata"].pop("slideshow", None)
        cell["source"] = [
            line.replace("**Needs:**", "").replace("{bdg-success}`Core`", "")
            for line in cell["source"]
        ]
    assert len(frame_problems(bare)) >= 5
    assert any("no instructor notes" in p for p in notes_problems(bare))
    assert any("Experiment 1" in p for p in notes_problems(bare))
    assert any("title cell" in p for p in slide_problems(bare))
    assert any("lacks its **Needs:**" in p for p in exercise_problems(bare, "04"))
    assert any("Core or Optional" in p for p in exercise_problems(bare, "04"))
