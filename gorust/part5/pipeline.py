"""Part 5, experiment 1: one fallible pipeline (read a config file, parse it, validate it) in
three implementations per language: the result, or the error and its kind."""

from __future__ import annotations

import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gorust import commands
from gorust.experiments import experiment
from gorust.runs import kernels

CHAPTER = "part5"


# -- Experiment 1: one fallible pipeline ------------------------------------------------------
@dataclass(frozen=True)
class PipelineCase:
    label: str
    file: str
    content: str | None  # None: the file does not exist


# The config files both programs are given, written afresh into a temporary folder each run.
PIPELINE_CASES = (
    PipelineCase("good input", "good.json", '{"user_id": 1, "currency": "EUR", "limit": 500}'),
    PipelineCase("missing file", "missing.json", None),
    PipelineCase(
        "malformed JSON", "malformed.json", '{"user_id": 1, "currency": "EUR", "limit": 500,}'
    ),
    PipelineCase(
        "field of the wrong type",
        "wrong-type.json",
        '{"user_id": "one", "currency": "EUR", "limit": 500}',
    ),
    PipelineCase("missing field", "missing-field.json", '{"currency": "EUR", "limit": 500}'),
    PipelineCase(
        "invalid field", "bad-currency.json", '{"user_id": 1, "currency": "euro", "limit": 500}'
    ),
    PipelineCase(
        "unknown record", "unknown-user.json", '{"user_id": 99, "currency": "EUR", "limit": 500}'
    ),
)
# How each implementation of the pipeline is named on the page, in the order it is shown.
VARIANTS = {
    ("go", "standard library"): "Go",
    ("rust", "standard library"): "Rust, std only",
    ("rust", "thiserror + anyhow"): "Rust, thiserror + anyhow",
}


@experiment(CHAPTER, programs=("error_pipeline",))
def error_pipeline() -> pd.DataFrame:
    """Every config file through every implementation: the result, or the error and its kind."""
    with tempfile.TemporaryDirectory(prefix="gorust-part5-") as folder:
        for case in PIPELINE_CASES:
            if case.content is not None:
                (Path(folder) / case.file).write_text(case.content + "\n", encoding="utf-8")
        commands.note(commands.Command("bash", "", "tool", "error_pipeline", inputs_line(folder)))
        args = ["--dir", folder, "--configs", ",".join(case.file for case in PIPELINE_CASES)]
        frames = [kernel.run("error_pipeline", args).frame for kernel in kernels()]
    frame = pd.concat(frames, ignore_index=True)
    frame["case"] = frame["config"].map({case.file: case.label for case in PIPELINE_CASES})
    frame["implementation"] = [
        VARIANTS[(language, variant)]
        for language, variant in zip(frame["language"], frame["variant"], strict=True)
    ]
    return frame


def inputs_line(folder: str) -> str:
    """The shell line that writes the config files where the journaled runs read them: the
    runs name the folder, which is gone once the experiment ends."""
    writes = [
        f"printf '%s\\n' {shlex.quote(case.content)} > {shlex.quote(f'{folder}/{case.file}')}"
        for case in PIPELINE_CASES
        if case.content is not None
    ]
    return " && ".join([f"mkdir -p {shlex.quote(folder)}", *writes])


def pipeline_inputs() -> str:
    """The config files, as the programs read them."""
    width = max(len(case.file) for case in PIPELINE_CASES) + 2
    return "\n".join(
        f"{case.file:<{width}}{case.content if case.content is not None else '(no such file)'}"
        for case in PIPELINE_CASES
    )


def pipeline_report(frame: pd.DataFrame) -> str:
    """Per config file, what each implementation printed: the result, or message and kind."""
    order = {name: rank for rank, name in enumerate(VARIANTS.values())}
    width = max(map(len, VARIANTS.values())) + 2
    blocks = []
    for case in PIPELINE_CASES:
        rows = frame[frame["config"] == case.file].sort_values(
            "implementation", key=lambda names: names.map(order)
        )
        block = [f"{case.label} ({case.file})"]
        for row in rows.itertuples():
            name = f"{row.implementation}:"
            if row.ok:
                block.append(f"  {name:<{width}}ok    {row.result}")
            else:
                block.append(f"  {name:<{width}}error {row.error}")
                block.append(f"  {'':<{width}}kind  {row.kind}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)
