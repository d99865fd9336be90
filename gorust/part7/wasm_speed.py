"""Experiment 3, the runs: each WebAssembly module compiled and run by wasmtime, the same
program natively, and what the page shows of them (sizes, agreement, times)."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from gorust import charts, provenance
from gorust.experiments import experiment
from gorust.kernels import Kernel, KernelError
from gorust.part7 import journal
from gorust.part7.common import CHAPTER, WASM, SplitMix64, provenance_of
from gorust.part7.wasm_modules import WasmBuild, note_modules, wasm_sections
from gorust.profile import Profile, current_profile
from gorust.runs import kernels

RESULT_FIELDS = ("bytes", "lines", "words", "distinct", "top_word", "top_count")


def make_text(megabytes: float, seed: int = 11) -> bytes:
    """Deterministic English-looking text: a vocabulary of 20,000 invented words drawn with a
    skewed (Zipf-like) frequency, about 12 words a line."""
    rng = SplitMix64(seed)
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    vocabulary = []
    for _ in range(20_000):
        length = 2 + rng.below(9)
        vocabulary.append(
            "".join(letters[min(rng.below(26), rng.below(26))] for _ in range(length))
        )
    target, lines, size = int(megabytes * 1_000_000), [], 0
    while size < target:
        words = [
            vocabulary[int(len(vocabulary) * rng.unit() ** 4)] for _ in range(8 + rng.below(9))
        ]
        line = " ".join(words) + "\n"
        lines.append(line)
        size += len(line)
    return "".join(lines).encode("ascii")


def run_wasm(module_bytes: bytes, folder: Path, input_name: str) -> dict:
    """Compile and run a WASI module with wasmtime: its JSON line plus compile and run times."""
    try:
        import wasmtime
    except ImportError as err:
        raise KernelError(
            "Running WebAssembly needs the `wasmtime` package from PyPI (pip install wasmtime)."
        ) from err
    engine = wasmtime.Engine()
    started = time.perf_counter()
    module = wasmtime.Module(engine, module_bytes)
    compile_s = time.perf_counter() - started
    out = folder / f"stdout-{time.time_ns()}.txt"
    config = wasmtime.WasiConfig()
    config.argv = [WASM, f"/data/{input_name}"]
    config.preopen_dir(str(folder), "/data")
    config.stdout_file = str(out)
    config.inherit_stderr()
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    started = time.perf_counter()
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    exit_code = 0
    try:
        start(store)  # type: ignore[operator]
    except wasmtime.ExitTrap as trap:
        exit_code = trap.code
    run_s = time.perf_counter() - started
    text = out.read_text(encoding="utf-8").strip()
    if exit_code != 0 or not text:
        raise KernelError(f"the WebAssembly module exited with status {exit_code}: {text!r}")
    return {**json.loads(text.splitlines()[-1]), "compile_s": compile_s, "run_s": run_s}


def _wasm_row(build: WasmBuild, mode: str, result: dict, repetition: int) -> dict:
    return {
        "language": build.language,
        "toolchain": build.toolchain,
        "mode": mode,
        "repetition": repetition,
        **result,
    }


def _native_row(kernel: Kernel, input_file: Path, repetition: int) -> dict:
    """The same program run natively by its kernel: its own time for the work, no compile."""
    run = kernel.run(WASM, [str(input_file)])
    return {
        "language": kernel.language,
        "toolchain": run.build.toolchain,
        "mode": "native",
        "repetition": repetition,
        **run.records[0],
        "compile_s": 0.0,
        "run_s": run.wall_s,
    }


@experiment(CHAPTER, programs=(WASM,))
def wasm_runs(builds: Sequence[WasmBuild], profile: Profile | None = None) -> pd.DataFrame:
    """Each module compiled and run by wasmtime, and the same program natively, repeated and
    interleaved: the program's own time for the work, wasmtime's compile time, and the result."""
    profile = profile or current_profile()
    megabytes = profile.pick(quick=4, full=16)
    by_language = {kernel.language: kernel for kernel in kernels()}
    usable = [build for build in builds if build.ok]
    rows = []
    with tempfile.TemporaryDirectory(prefix="gorust-part7-wasm-") as folder:
        directory = Path(folder)
        (directory / "input.txt").write_bytes(make_text(megabytes))
        journal.note_text(folder, megabytes)
        note_modules(usable)
        for build in usable:
            journal.note_wasmtime_run(build.language, folder)
        for build in usable:
            # Checked once: the stripped module gives the same answer as the plain one.
            stripped = run_wasm(build.stripped, directory, "input.txt")
            rows.append(_wasm_row(build, "wasm, stripped (check)", stripped, -1))
        for repetition in range(profile.repetitions):
            order = usable if repetition % 2 == 0 else usable[::-1]
            for build in order:
                result = run_wasm(build.module.read_bytes(), directory, "input.txt")  # type: ignore[union-attr]
                rows.append(_wasm_row(build, "wasm (wasmtime)", result, repetition))
            for build in order:
                kernel = by_language[build.language]
                rows.append(_native_row(kernel, directory / "input.txt", repetition))
    frame = pd.DataFrame(rows)
    for name, value in provenance.host().items():
        frame[name] = value
    frame["input_mb"] = megabytes
    return frame


@experiment(CHAPTER, programs=(WASM,))
def wasm_sizes(builds: Sequence[WasmBuild]) -> pd.DataFrame:
    """Each built module's size, as built and stripped."""
    note_modules(builds)
    rows = []
    for build in builds:
        if not build.ok:
            continue
        journal.note_size(build.language)
        sections = wasm_sections(build.module.read_bytes())  # type: ignore[union-attr]
        custom = sum(size for section_id, _, size in sections if section_id == 0)
        rows.append(
            {
                "language": build.language,
                "toolchain": build.toolchain,
                "target": build.target,
                "plain_bytes": build.plain_bytes,
                "stripped_bytes": len(build.stripped),
                "custom_section_bytes": custom,
            }
        )
    frame = pd.DataFrame(rows)
    for name, value in provenance.host().items():
        frame[name] = value
    return frame


def wasm_build_report(builds: Sequence[WasmBuild]) -> str:
    """Which compiler built which module for which target, or why a side could not be built.
    (No sizes or paths: the same text on every machine with the same toolchains.)"""
    lines = []
    for build in builds:
        name = charts.LANGUAGE_NAMES[build.language]
        if build.ok:
            lines.append(f"{name}: built by {build.toolchain} for {build.target}")
        else:
            lines.append(f"{name}: NOT BUILT — {build.error}")
    return "\n".join(lines)


def wasm_agreement(runs: pd.DataFrame) -> str:
    """Do all runs (native, wasm, stripped wasm; both languages) give one answer? The text
    names no build, so it reads the same where one side could not be built."""
    answers = runs[list(RESULT_FIELDS)].drop_duplicates()
    if len(answers) == 1:
        answer = answers.iloc[0]
        return "Every run gives the same answer: yes\n" + "\n".join(
            f"  {name:<10} {answer[name]}" for name in RESULT_FIELDS
        )
    return f"The runs DISAGREE:\n{runs[['language', 'mode', *RESULT_FIELDS]].to_string()}"


def wasm_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per language and mode: median work time, compile time and start-to-exit time."""
    timed = runs[runs.repetition >= 0]
    rows = []
    for (language, mode), group in timed.groupby(["language", "mode"], sort=False):
        rows.append(
            {
                "language": language,
                "mode": mode,
                "work_ms": group.work_ns.median() / 1e6,
                "work_q1_ms": group.work_ns.quantile(0.25) / 1e6,
                "work_q3_ms": group.work_ns.quantile(0.75) / 1e6,
                "compile_ms": group.compile_s.median() * 1e3,
                "run_ms": group.run_s.median() * 1e3,
                "runs": len(group),
                "input_mb": group.input_mb.iloc[0] if "input_mb" in group else float("nan"),
                **provenance_of(group),
            }
        )
    return pd.DataFrame(rows)


def wasm_table(sizes: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Sizes and median times per language and mode, as the page shows them."""
    size_by = sizes.set_index("language")
    rows = []
    for row in summary.itertuples():
        wasm = row.mode != "native"
        rows.append(
            {
                "language": charts.LANGUAGE_NAMES[row.language],
                "mode": row.mode,
                "module KB as built": size_by.loc[row.language, "plain_bytes"] / 1e3
                if wasm
                else None,
                "module KB stripped": size_by.loc[row.language, "stripped_bytes"] / 1e3
                if wasm
                else None,
                "wasmtime compile ms": row.compile_ms if wasm else None,
                "work ms": row.work_ms,
                "start to exit ms": row.run_ms,
                "runs": row.runs,
            }
        )
    return pd.DataFrame(rows).round(1)
