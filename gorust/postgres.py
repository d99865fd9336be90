"""A throwaway PostgreSQL cluster for Part 4 and its tests.

Every cluster is new: a fresh data directory in a temporary folder, a free loopback port, and
its Unix socket in that same folder. Leaving the ``with`` block — normally, on an exception, or
when the Python process exits — stops the server and deletes the folder, so nothing is left
running or on disk.

The server is the system's PostgreSQL where one is installed (Debian's ``postgresql``: its
programs live in ``/usr/lib/postgresql/<version>/bin``); otherwise the one that the PyPI
package ``pgserver`` ships in its wheel. ``initdb`` and ``postgres`` refuse to run as root, so
under root the cluster belongs to, and the server runs as, an unprivileged user (``postgres``
where the Debian package created it, else ``nobody``). ``GVR_POSTGRES=system`` or
``GVR_POSTGRES=pgserver`` forces one of the two.

The cluster is tuned as what it is, a disposable test database: no fsync, no synchronous
commit, no full-page writes. Clients connect over TCP as the superuser ``gorust`` with trust
authentication, from loopback only.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "gorust"
CHOICE_VARIABLE = "GVR_POSTGRES"
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
# Settings for a disposable cluster; the chapter states them.
SETTINGS: Mapping[str, str] = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}
PROGRAMS = ("initdb", "postgres", "psql", "pg_isready")
INSTALL_ADVICE = (
    "Install Debian's PostgreSQL (`apt-get install postgresql`) or the embedded one from PyPI "
    "(`pip install pgserver`)."
)


class PostgresMissing(RuntimeError):
    """Neither a system PostgreSQL nor pgserver was found."""


class PostgresError(RuntimeError):
    """The cluster could not be created, started or queried; the message says why."""


@dataclass(frozen=True)
class Installation:
    bindir: Path
    version: str
    source: str  # "system" or "pgserver"

    def program(self, name: str) -> str:
        return str(self.bindir / name)

    @property
    def description(self) -> str:
        origin = "the system's" if self.source == "system" else "pgserver's (PyPI)"
        return f"PostgreSQL {self.version}, {origin} ({self.bindir})"


def _complete(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in PROGRAMS)


def _version(bindir: Path) -> str:
    out = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"(\d+(?:\.\d+)*)", out)
    return match.group(1) if match else "unknown"


def _system_bindirs() -> list[Path]:
    found = []
    on_path = shutil.which("initdb")
    if on_path:
        found.append(Path(on_path).resolve().parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            found.append(Path(out.stdout.strip()))
    # Debian keeps the server programs off PATH, one folder per major version.
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    return [*found, *debian]


def _pgserver_bindir() -> Path | None:
    try:
        import pgserver  # type: ignore[import-not-found]
    except ImportError:
        return None
    bindir = Path(pgserver.__file__).parent / "pginstall" / "bin"
    return bindir if _complete(bindir) else None


def has_system_installation() -> bool:
    """Whether the system has a complete PostgreSQL (the pgserver fallback does not count)."""
    return any(_complete(bindir) for bindir in _system_bindirs())


def find_installation() -> Installation:
    """The PostgreSQL to use: the system's, else pgserver's; GVR_POSTGRES may force one."""
    choice = os.environ.get(CHOICE_VARIABLE, "").strip().lower()
    if choice not in ("", "system", "pgserver"):
        raise ValueError(f"{CHOICE_VARIABLE}={choice!r}: use `system` or `pgserver`")
    if choice in ("", "system"):
        for bindir in _system_bindirs():
            if _complete(bindir):
                return Installation(bindir, _version(bindir), "system")
    if choice in ("", "pgserver"):
        bindir = _pgserver_bindir()
        if bindir is not None:
            return Installation(bindir, _version(bindir), "pgserver")
    wanted = f" ({CHOICE_VARIABLE}={choice})" if choice else ""
    raise PostgresMissing(
        f"No PostgreSQL server was found{wanted}: Part 4 runs both services against a real "
        f"PostgreSQL that it starts itself. {INSTALL_ADVICE}"
    )


def _searchable_by(path: Path, owner: _Owner) -> bool:
    """Whether ``owner`` can reach ``path``: every folder on the way lets it search."""
    for folder in (path, *path.parents):
        info = folder.stat()
        if info.st_uid == owner.uid:
            bit = 0o100
        elif info.st_gid == owner.gid:
            bit = 0o010
        else:
            bit = 0o001
        if not info.st_mode & bit:
            return False
    return True


def _reachable_for(installation: Installation, owner: _Owner | None) -> Installation:
    """The installation itself, or a world-readable copy of it that ``owner`` can run.

    pgserver's programs live inside a virtual environment, which may sit in a home folder
    that other users cannot enter (``/root``). Its package (34 MB) and the shared libraries
    beside it (``pgserver.libs``, which the programs find relative to themselves) are then
    copied once to the system's temporary folder, keeping their relative layout.
    """
    if owner is None or _searchable_by(installation.bindir, owner):
        return installation
    if installation.source != "pgserver":
        raise PostgresError(
            f"The user `{owner.name}` cannot reach {installation.bindir}; make its folders "
            "searchable by others (chmod o+x) or install Debian's postgresql."
        )
    package = installation.bindir.parents[1]  # .../site-packages/pgserver
    parts = [package, package.parent / "pgserver.libs"]
    target = Path(tempfile.gettempdir()) / f"gorust-postgres-pgserver-{installation.version}"
    if not (target / ".complete").exists():
        staged = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=target.parent))
        for part in parts:
            if part.is_dir():
                shutil.copytree(part, staged / part.name, symlinks=True)
        for folder, _, files in os.walk(staged):
            os.chmod(folder, 0o755)
            for name in files:
                path = Path(folder) / name
                if not path.is_symlink():
                    path.chmod(
                        path.stat().st_mode
                        | 0o444
                        | (path.stat().st_mode & 0o100) >> 3
                        | (path.stat().st_mode & 0o100) >> 6
                    )
        (staged / ".complete").touch()
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staged, target)
    bindir = target / package.name / installation.bindir.relative_to(package)
    return Installation(bindir, installation.version, installation.source)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class _Owner:
    """Who owns the cluster: this process's user, or an unprivileged one when we are root."""

    uid: int
    gid: int
    name: str

    @classmethod
    def choose(cls) -> _Owner | None:
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                entry = pwd.getpwnam(name)
                return cls(entry.pw_uid, entry.pw_gid, name)
        raise PostgresError(
            "Running as root, and neither a `postgres` nor a `nobody` user exists to own the "
            "cluster (initdb refuses root). Create one, e.g. `useradd --system postgres`."
        )

    def popen_args(self) -> dict:
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def _stop_server(process: subprocess.Popen, folder: Path) -> None:
    """Fast shutdown (SIGINT), SIGKILL for the whole group if it lingers, then delete."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # Backends the postmaster did not reap (it always does on a clean stop) go with the group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    shutil.rmtree(folder, ignore_errors=True)


class Cluster:
    """A running throwaway cluster. Use ``with cluster() as pg:``; see the module docstring."""

    def __init__(
        self,
        installation: Installation,
        folder: Path,
        port: int,
        process: subprocess.Popen,
        owner: _Owner | None,
    ) -> None:
        self.installation = installation
        self.folder = folder
        self.port = port
        self._process = process
        self._owner = owner
        # Stops the server and deletes the folder at the latest when Python exits.
        self._finalizer = weakref.finalize(self, _stop_server, process, folder)

    @property
    def pid(self) -> int:
        """The postmaster's process id."""
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    def url(self, database: str = "postgres") -> str:
        """A libpq-style URL that pgx and sqlx both accept."""
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def sql(self, statement: str, database: str = "postgres") -> list[list[str]]:
        """Run SQL with psql and return the rows as lists of strings (NULL as '')."""
        finished = subprocess.run(
            [
                self.installation.program("psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-F",
                "\x1f",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SUPERUSER,
                "-d",
                database,
                "-c",
                statement,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if finished.returncode != 0:
            raise PostgresError(f"psql failed on {statement[:200]!r}: {finished.stderr.strip()}")
        return [line.split("\x1f") for line in finished.stdout.splitlines() if line]

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create an empty database (or a copy of ``template``) and return its URL."""
        _check_name(name)
        clause = ""
        if template:
            _check_name(template)
            clause = f' TEMPLATE "{template}"'
        self.sql(f'CREATE DATABASE "{name}"{clause}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        _check_name(name)
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def log(self) -> str:
        path = self.folder / "postgres.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop the server and delete its folder (idempotent)."""
        self._finalizer()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _check_name(name: str) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"{name!r} is not a plain database name")


def _run_as(owner: _Owner | None, argv: list[str], cwd: Path) -> None:
    extra = owner.popen_args() if owner else {}
    finished = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, check=False, timeout=120, **extra
    )
    if finished.returncode != 0:
        raise PostgresError(
            f"`{' '.join(argv)}` failed (exit {finished.returncode}):\n"
            f"{(finished.stdout + finished.stderr).strip()}"
        )


def _wait_ready(installation: Installation, port: int, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        ready = subprocess.run(
            [
                installation.program("pg_isready"),
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                SUPERUSER,
                "-d",
                "postgres",
            ],
            check=False,
        )
        if ready.returncode == 0:
            return True
        time.sleep(0.05)
    return False


def start(*, cpus: str | None = None, attempts: int = 3) -> Cluster:
    """Create and start a fresh cluster; ``cpus`` pins the server to those cores (taskset)."""
    owner = _Owner.choose()
    installation = _reachable_for(find_installation(), owner)
    folder = Path(tempfile.mkdtemp(prefix="gorust-pg-"))
    try:
        if owner:
            os.chown(folder, owner.uid, owner.gid)
        data = folder / "data"
        _run_as(
            owner,
            [
                installation.program("initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            folder,
        )
        pin = ["taskset", "-c", cpus] if cpus else []
        for _ in range(attempts):
            port = free_port()
            settings = {**SETTINGS, "port": str(port), "unix_socket_directories": str(folder)}
            argv = [*pin, installation.program("postgres"), "-D", str(data)]
            for key, value in settings.items():
                argv += ["-c", f"{key}={value}"]
            with open(folder / "postgres.log", "ab") as log:
                process = subprocess.Popen(
                    argv,
                    cwd=folder,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    **(owner.popen_args() if owner else {}),
                )
            if _wait_ready(installation, port, process):
                return Cluster(installation, folder, port, process, owner)
            _stop_server_keep_folder(process)
        log_text = (folder / "postgres.log").read_text(errors="replace")
        raise PostgresError(
            f"PostgreSQL did not start ({installation.description}). Its log:\n{log_text[-3000:]}"
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _stop_server_keep_folder(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextlib.contextmanager
def cluster(*, cpus: str | None = None) -> Iterator[Cluster]:
    """``with cluster() as pg:`` — a fresh PostgreSQL, stopped and deleted at the end."""
    started = start(cpus=cpus)
    try:
        yield started
    finally:
        started.stop()
