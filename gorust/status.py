"""The book's status page: one row per chapter, how and when this build produced it.

gorust.book records, for each chapter that executed in a build, the mode (live or replay)
and the profile that build ran with (the kernels inherit the build's environment, so the
build's ``replay.mode()`` is the chapter's). A chapter that a fast rebuild did not re-read
keeps the record, and myst-nb's execution data, of the build that last executed it; its row
says so. The rest of a row comes from the data the page shows: this machine's results under
``_build/results/<part>/`` live, the reference under ``data/<part>/`` in replay mode.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from gorust import paths, sources

RECORDS = "gorust-status.json"
PROVENANCE = ("profile", "cpu", "cores", "commit", "measured_at", "toolchain")
HEADER = (
    "Chapter",
    "Mode",
    "Profile",
    "Executed",
    "Execution time",
    "Data measured",
    "Toolchains",
    "Machine",
)


@dataclass(frozen=True)
class Record:
    """How one chapter was executed: what gorust.book remembers between builds."""

    part: str | None
    mode: str
    profile: str
    executed_at: float


@dataclass(frozen=True)
class Provenance:
    """Where and when the data a page shows were measured."""

    profiles: str
    measured: str
    toolchains: str
    machine: str


def chapter_part(notebook: Path) -> str | None:
    """The Part a chapter notebook measures (its ``gorust.partN`` module), if any."""
    modules = sources.chapter_modules(notebook)
    return modules[0] if modules else None


def load_records(path: Path) -> dict[str, Record]:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return {name: Record(**fields) for name, fields in stored.items()}
    except (OSError, ValueError, TypeError):
        return {}


def save_records(path: Path, records: Mapping[str, Record]) -> None:
    payload = {name: asdict(record) for name, record in sorted(records.items())}
    path.write_text(json.dumps(payload, indent=1), encoding="utf-8")


def _distinct(values: pd.Series, separator: str = ", ") -> str:
    seen = sorted({str(v) for v in values.dropna() if str(v)})
    return separator.join(seen) if seen else "unknown"


def _span(stamps: pd.Series) -> str:
    days = sorted({str(s)[:16].replace("T", " ") for s in stamps.dropna() if str(s)})
    if not days:
        return "unknown"
    return days[0] if len(days) == 1 else f"{days[0]} – {days[-1]} UTC"


def _tables(folder: Path) -> pd.DataFrame | None:
    frames = [
        pd.read_csv(table, usecols=lambda name: name in PROVENANCE)
        for table in sorted(folder.glob("*.csv"))
    ]
    frames = [frame for frame in frames if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else None


def provenance(root: Path, part: str | None) -> Provenance | None:
    """The provenance of the tables saved under ``root/part``; for a chapter with no tables
    of its own (the Verdict), of every Part under ``root``, which is what it summarises."""
    frame = _tables(root / part) if part else None
    if frame is None and root.is_dir():
        parts = [_tables(folder) for folder in sorted(root.glob("part*")) if folder.is_dir()]
        found = [f for f in parts if f is not None]
        frame = pd.concat(found, ignore_index=True) if found else None
    if frame is None:
        return None
    toolchains = frame.get("toolchain", pd.Series(dtype=str)).dropna().astype(str)
    single = pd.Series([t for line in toolchains for t in line.split("; ")], dtype=str)
    machines = frame.get("cpu", pd.Series(dtype=str)).astype(str) + (
        ", " + frame.get("cores", pd.Series(dtype=str)).astype(str) + " cores"
    )
    return Provenance(
        profiles=_distinct(frame.get("profile", pd.Series(dtype=str))),
        measured=_span(frame.get("measured_at", pd.Series(dtype=str))),
        toolchains=_distinct(single, "; "),
        machine=_distinct(machines, "; "),
    )


def _when(timestamp: float | None) -> str:
    if not timestamp:
        return "unknown"
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def executed(exec_data: Mapping | None, build_started: float) -> str:
    """Whether the chapter executed in this build, or when it last did."""
    if not exec_data:
        return "not executed"
    failed = "" if exec_data.get("succeeded", True) else " (failed)"
    if (exec_data.get("mtime") or 0) >= build_started:
        return f"in this build{failed}"
    return f"in an earlier build, {_when(exec_data.get('mtime'))}{failed}"


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f} s"


def row(
    title: str,
    exec_data: Mapping | None,
    record: Record | None,
    build_started: float,
) -> tuple[str, ...]:
    """One chapter's cells, in the order of ``HEADER``."""
    mode = record.mode if record else "unknown"
    root = paths.DATA if mode == "replay" else paths.results_dir()
    found = provenance(root, record.part) if record else None
    where = f" ({'reference' if mode == 'replay' else 'this machine'})" if found else ""
    # Replay shows the reference, measured with the reference's profile, not this build's.
    profile = found.profiles if found and mode == "replay" else None
    return (
        title,
        mode,
        profile or (record.profile if record else "unknown"),
        executed(exec_data, build_started),
        seconds((exec_data or {}).get("runtime")),
        (found.measured + where) if found else "no saved tables",
        found.toolchains if found else "–",
        found.machine if found else "–",
    )


def total_runtime(rows: Sequence[Mapping | None], build_started: float) -> float:
    """The seconds spent executing chapters in this build."""
    return sum(
        (data or {}).get("runtime") or 0.0
        for data in rows
        if data and (data.get("mtime") or 0) >= build_started
    )
