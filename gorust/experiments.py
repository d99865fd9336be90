"""The experiment registry: the one place where an experiment runs, records and replays.

Each experiment is one function in its chapter's module, declared with ``@experiment``::

    @experiment("part6", programs=("read_states",), result=ReadStateRuns)
    def read_states(profile: Profile | None = None) -> ReadStateRuns:
        ...  # runs the Go and Rust programs, returns the result

The declaration says which chapter it belongs to, which programs it builds (folders under
``code/go``, ``code/rust`` or ``code/``) and what it returns. From it, this module:

- **runs it live** and saves what it returned, with provenance, as this machine's live results
  (``gorust.data.save``: ``_build/results/<chapter>/<table>.csv``, never ``data/``), with the
  shell commands it ran (``<name>.commands.csv``, gorust.commands);
- **replays it**: in replay mode the function is not called at all; its result is rebuilt
  from the reference tables in ``data/<chapter>/`` (``replay.recorded``);
- **tells the book what a chapter depends on** (``programs``), for fast rebuilds
  (gorust.sources), with no scanning of the module's text.

What it returns is either a DataFrame, saved as one table (named ``tables[0]``, by default the
function's name), or a result type with ``to_tables()`` (its tables by name) and the class
method ``from_tables(tables)`` that rebuilds it from them, so live and replayed pages read the
same object.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import pandas as pd

from gorust import commands, data, progress, replay
from gorust.profile import current_profile


class Tables(Protocol):
    """A result made of named tables, and rebuilt from them."""

    def to_tables(self) -> Mapping[str, pd.DataFrame]: ...

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> Tables: ...


@dataclass(frozen=True)
class Experiment:
    chapter: str  # "part6"
    name: str  # the function's name
    programs: tuple[str, ...]  # folders under code/go, code/rust or code/ that it builds
    tables: tuple[str, ...]  # the tables it saves, by name (<chapter>/<table>.csv)
    result: type[Tables] | None  # None for a result that is a single DataFrame
    function: Callable[..., Any]

    def replayed(self) -> Any:
        """The result as the reference recorded it (reads data/<chapter>/ only)."""
        recorded = {table: replay.recorded(self.chapter, table) for table in self.tables}
        if self.result is None:
            return recorded[self.tables[0]]
        return self.result.from_tables(recorded)

    @property
    def commands_table(self) -> str:
        """The table of the shell commands it ran (gorust.commands)."""
        return commands.table_name(self.name)

    def commands(self) -> pd.DataFrame | None:
        """The commands behind the tables this page shows: this run's, or the reference's in
        replay mode; None when the reference was recorded before commands were journaled."""
        if replay.active():
            if not replay.has_recording(self.chapter, self.commands_table):
                return None
            return replay.recorded(self.chapter, self.commands_table)
        try:
            return data.load(self.chapter, self.commands_table)
        except FileNotFoundError:
            return None

    def save(self, value: Any, ran: Sequence[commands.Command] = ()) -> None:
        """Save what the live run returned, as this machine's live results, and the commands
        it ran (with the provenance of its first table's first row)."""
        tables = {self.tables[0]: value} if self.result is None else value.to_tables()
        if set(tables) != set(self.tables):
            raise ValueError(
                f"{self.chapter}.{self.name} declared tables {sorted(self.tables)} but "
                f"returned {sorted(tables)}"
            )
        for table, frame in tables.items():
            data.save(frame, self.chapter, table)
        first = next((f for f in tables.values() if not f.empty), None)
        provenance = {
            column: (first[column].iloc[0] if first is not None and column in first else "")
            for column in data.PROVENANCE_COLUMNS
        }
        data.save(commands.table(ran, provenance), self.chapter, self.commands_table)


# Every declared experiment, by chapter, in the order the chapters' modules declare them.
REGISTRY: dict[str, list[Experiment]] = {}
F = TypeVar("F", bound=Callable[..., Any])


def experiment(
    chapter: str,
    *,
    programs: tuple[str, ...] = (),
    tables: tuple[str, ...] | None = None,
    result: type[Tables] | None = None,
) -> Callable[[F], F]:
    """Declare a chapter's experiment: live it runs and saves, in replay mode it is rebuilt
    from the reference without running anything."""

    def declare(function: F) -> F:
        declared = Experiment(
            chapter,
            function.__name__,
            tuple(programs),
            tuple(tables or (function.__name__,)),
            result,
            function,
        )
        if result is None and len(declared.tables) != 1:
            raise ValueError(f"{function.__name__}: a DataFrame result is one table")
        chapter_experiments = REGISTRY.setdefault(chapter, [])
        chapter_experiments[:] = [e for e in chapter_experiments if e.name != declared.name]
        chapter_experiments.append(declared)

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            if replay.active():
                return declared.replayed()
            shown = progress.experiment(chapter, declared.name, current_profile().name)
            with shown, commands.journal() as ran:
                value = function(*args, **kwargs)
            declared.save(value, ran)
            return value

        run.experiment = declared  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return declare


def reference_of(run: Callable[..., Any]) -> Any | None:
    """The reference's result of the experiment ``run``, for a chart to draw beside this
    machine's: None in replay mode (the page already shows the reference) and when the
    reference lacks the experiment or holds an incompatible recording of it."""
    declared: Experiment = getattr(run, "experiment", run)
    if replay.active():
        return None
    try:
        return declared.replayed()
    except (replay.RecordingMissing, ValueError, KeyError):
        return None


def save_derived(chapter: str, table: str, build: Callable[[], pd.DataFrame]) -> None:
    """Save a table a chapter derives rather than measures (its claim check): live only. A
    replayed page writes nothing, and ``build`` (which may ask for the toolchains) is not
    called."""
    if not replay.active():
        data.save(build(), chapter, table)


def of(chapter: str) -> list[Experiment]:
    """The experiments a chapter declares (importing its module declares them)."""
    import importlib

    importlib.import_module(f"gorust.{chapter}")
    return list(REGISTRY.get(chapter, []))


def programs(chapter: str) -> tuple[str, ...]:
    """Every program folder a chapter's experiments build, in declaration order."""
    return tuple(dict.fromkeys(p for e in of(chapter) for p in e.programs))
