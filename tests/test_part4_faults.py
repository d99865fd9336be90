"""Part 4's two services under database faults and hostile clients: the fault suite.

Each test runs once against the Go service (Gin + pgx) and once against the Rust one (Axum +
sqlx), each on its own database in a PostgreSQL of this module's own (gorust.postgres), so
that freezing, stopping or locking it never touches the cluster other tests share. The faults:

- the service's connections killed (``pg_terminate_backend`` on its backends);
- PostgreSQL frozen (SIGSTOP to the postmaster and every backend, SIGCONT afterwards);
- PostgreSQL stopped, then started again on the same data and port;
- the pool exhausted behind ``LOCK TABLE users IN ACCESS EXCLUSIVE MODE`` held by another
  session while requests arrive;
- slow clients (a connection that sends nothing, half the headers or half the body);
- clients that disconnect mid-request.

For each the suite asserts a bounded answer time, the contract's status (503 ``unavailable``
in the error shape while the database cannot answer), recovery without restarting the service,
and that no row is lost, duplicated or altered: every row PostgreSQL stores is compared byte
for byte (hex of its UTF-8, timestamps in microseconds) with what the API last reported.

Whatever a test does, nothing stays frozen or stopped: every fault is a context manager that
undoes itself, and an autouse fixture checks (and repairs) the cluster after each test.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import uuid
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
import requests

from gorust import part4, postgres
from gorust.kernels import GoKernel, Kernel, RustKernel
from gorust.part4.default_probes import children_of, frozen, signal_all

LANGUAGES = ("go", "rust")
# The contract: a database that cannot answer is a 503 within about DB_DEADLINE_S.
DB_DEADLINE_S = 2.0
# What the suite allows for an answer: the deadline and slack for a busy two-core machine.
ANSWER_BOUND_S = DB_DEADLINE_S + 2.5
# How long a request may wait at all before the suite calls it hung.
HUNG_S = ANSWER_BOUND_S + 4.0
# How long a service may take to serve again once PostgreSQL is back.
RECOVERY_S = 10.0
# A slow client must be cut off within this (the services' read and idle timeouts, plus slack).
SLOW_CLIENT_BOUND_S = 15.0
POOL = 3  # DB_MAX_CONNS of the services under test: small, so a lock exhausts it at once
JSON = "application/json"


def _kernel(language: str) -> Kernel:
    return GoKernel() if language == "go" else RustKernel()


# -- The cluster, and the faults done to it --------------------------------------------------
def _restart(pg: postgres.Cluster) -> None:
    """Start the stopped postmaster again, on the same data directory, port and user.

    gorust.postgres has no restart of its own; this starts the argv it used, in the folder it
    used, and makes the cluster's finaliser stop the new process instead of the old one."""
    old: subprocess.Popen = pg._process
    owner = pg._owner
    with open(pg.folder / "postgres.log", "ab") as log:
        process = subprocess.Popen(
            old.args,
            cwd=pg.folder,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **(owner.popen_args() if owner else {}),
        )
    pg._finalizer.detach()
    pg._process = process
    pg._finalizer = weakref.finalize(pg, postgres._stop_server, process, pg.folder)
    if not postgres._wait_ready(pg.installation, pg.port, process):
        raise postgres.PostgresError(f"PostgreSQL did not start again:\n{pg.log()[-2000:]}")


@contextlib.contextmanager
def stopped(pg: postgres.Cluster) -> Iterator[None]:
    """PostgreSQL stopped (fast shutdown), and started again at the end, whatever happened."""
    process: subprocess.Popen = pg._process
    os.kill(process.pid, signal.SIGINT)
    try:
        process.wait(postgres.STOP_TIMEOUT_S)
        yield
    finally:
        if process.poll() is None:
            process.wait(postgres.STOP_TIMEOUT_S)
        _restart(pg)


@contextlib.contextmanager
def table_locked(pg: postgres.Cluster, database: str) -> Iterator[None]:
    """Another session holds ACCESS EXCLUSIVE on users until the block ends."""
    psql = subprocess.Popen(
        [
            pg.installation.program("psql"),
            "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-h", "127.0.0.1", "-p", str(pg.port), "-U", postgres.SUPERUSER, "-d", database,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert psql.stdin and psql.stdout
        psql.stdin.write("BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n")
        psql.stdin.flush()
        assert psql.stdout.readline().strip() == "locked", "the lock was not taken"
        yield
    finally:
        with contextlib.suppress(OSError):
            psql.communicate("ROLLBACK;\n\\q\n", timeout=10)
        if psql.poll() is None:
            psql.kill()
            psql.wait()


def terminate_backends(pg: postgres.Cluster, database: str) -> int:
    """Kill every connection to ``database`` but this one; how many were killed."""
    killed = pg.sql(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )
    return int(killed[0][0])


def _repair(pg: postgres.Cluster) -> None:
    """After a test: nothing frozen, and the postmaster running and ready."""
    signal_all([pg.pid, *children_of(pg.pid)], signal.SIGCONT)
    if not pg.running:
        _restart(pg)


@pytest.fixture(scope="module")
def pg() -> Iterator[postgres.Cluster]:
    with postgres.cluster() as started:
        yield started


@pytest.fixture(autouse=True)
def _never_left_broken(pg: postgres.Cluster) -> Iterator[None]:
    yield
    _repair(pg)


# -- A service, and what its API reported ----------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """One request's answer (status None: no answer) and how long it took."""

    status: int | None
    body: bytes
    seconds: float
    content_type: str = ""

    def error_code(self) -> str | None:
        """The contract's error code, or None if the body is not the error shape."""
        if not self.content_type.startswith(JSON):
            return None
        try:
            error = json.loads(self.body)["error"]
        except (ValueError, KeyError, TypeError):
            return None
        ok = isinstance(error, dict) and isinstance(error.get("message"), str)
        return error.get("code") if ok and isinstance(error.get("code"), str) else None


@dataclass
class Service:
    """A running service on its own database, with a ledger of what its API reported."""

    language: str
    base: str
    database: str
    pg: postgres.Cluster
    port: int
    reported: dict[int, dict] = field(default_factory=dict)  # id -> the user as last reported
    unknown: set[str] = field(default_factory=set)  # emails of creates with no clear answer

    def call(self, method: str, path: str, body: dict | None = None) -> Outcome:
        started = time.monotonic()
        try:
            response = requests.request(method, self.base + path, json=body, timeout=(2.0, HUNG_S))
        except requests.RequestException:
            return Outcome(None, b"", time.monotonic() - started)
        seconds = time.monotonic() - started
        self._note(method, path, body, response)
        return Outcome(
            response.status_code, response.content, seconds,
            response.headers.get("content-type", ""),
        )  # fmt: skip

    def _note(self, method: str, path: str, body: dict | None, response) -> None:
        if method == "POST" and response.status_code == 201:
            user = response.json()
            self.reported[user["id"]] = user
        elif method == "POST" and response.status_code >= 500 and body:
            self.unknown.add(body["email"])
        elif method in ("GET", "PUT") and response.status_code == 200 and path != "/healthz":
            user = response.json()
            if "id" in user:
                self.reported[user["id"]] = user
        elif method == "DELETE" and response.status_code == 204:
            self.reported.pop(int(path.rsplit("/", 1)[1]), None)

    def create(self, tag: str = "f") -> dict:
        email = f"{tag}-{uuid.uuid4().hex[:12]}@example.com"
        outcome = self.call("POST", "/users", {"email": email, "name": f"Fault {tag}"})
        assert outcome.status == 201, (outcome.status, outcome.body[:300])
        return self.reported[max(self.reported)]

    def attempt_create(self, tag: str) -> Outcome:
        """A create during a fault: an answer other than 201 leaves its outcome unknown."""
        email = f"{tag}-{uuid.uuid4().hex[:12]}@example.com"
        self.unknown.add(email)
        return self.call("POST", "/users", {"email": email, "name": f"Fault {tag}"})


def _micros(stamp: str) -> int:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def _as_stored(user: dict) -> tuple[str, str, int, int]:
    return (
        user["email"].encode().hex(),
        user["name"].encode().hex(),
        _micros(user["created_at"]),
        _micros(user["updated_at"]),
    )


def stored_rows(service: Service) -> dict[int, tuple[str, str, int, int]]:
    """Every row, straight from PostgreSQL: its text as hex of UTF-8, its times in µs."""
    rows = service.pg.sql(
        "SELECT id, encode(convert_to(email, 'UTF8'), 'hex'), "
        "encode(convert_to(name, 'UTF8'), 'hex'), "
        "(extract(epoch FROM created_at) * 1000000)::bigint, "
        "(extract(epoch FROM updated_at) * 1000000)::bigint FROM users ORDER BY id",
        service.database,
    )
    return {int(r[0]): (r[1], r[2], int(r[3]), int(r[4])) for r in rows}


def assert_rows_intact(service: Service) -> None:
    """Every row the API reported is stored as reported, byte for byte; any other stored row
    is one of the creates whose answer never came, stored once."""
    stored = stored_rows(service)
    for user_id, user in service.reported.items():
        assert user_id in stored, f"row {user_id} was reported by the API and is lost"
        assert stored[user_id] == _as_stored(user), f"row {user_id} differs from {user}"
    for user_id in set(stored) - set(service.reported):
        email = bytes.fromhex(stored[user_id][0]).decode()
        assert email in service.unknown, f"row {user_id} ({email}) was never asked for"
    emails = [row[0] for row in stored.values()]
    assert len(emails) == len(set(emails)), "a row is duplicated"


@pytest.fixture(scope="module", params=LANGUAGES)
def service(request: pytest.FixtureRequest, pg: postgres.Cluster) -> Iterator[Service]:
    language = request.param
    database = f"faults_{language}"
    url = pg.create_database(database)
    env = {"DATABASE_URL": url, "DB_MAX_CONNS": str(POOL)}
    with _kernel(language).serve(part4.EXPERIMENT, env=env) as server:
        base = f"http://127.0.0.1:{server.port}"
        up = Service(language, base, database, pg, server.port)
        for _ in range(4):
            up.create("seed")
        yield up
        assert _alive(server.pid), "the service exited during the fault suite"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


# -- Checks shared by the scenarios -----------------------------------------------------------
def assert_unavailable(outcome: Outcome, what: str) -> None:
    """503 ``unavailable`` in the error shape, within the bound."""
    assert outcome.status is not None, f"{what}: no answer within {HUNG_S:g} s"
    assert outcome.seconds < ANSWER_BOUND_S, f"{what}: answered after {outcome.seconds:.1f} s"
    assert outcome.status == 503, f"{what}: {outcome.status} {outcome.body[:300]!r}"
    assert outcome.error_code() == "unavailable", f"{what}: {outcome.body[:300]!r}"


def assert_serves(service: Service, *, requests_: int = 2 * POOL) -> None:
    """The next requests all succeed: reads and writes, more of them than the pool holds."""
    some = next(iter(service.reported))
    for i in range(requests_):
        outcome = service.call("GET", f"/users/{some}") if i % 2 else None
        if outcome is None:
            outcome = service.call("POST", "/users", _new_user("after"))
        assert outcome.status in (200, 201), (
            f"request {i + 1} after the fault: {outcome.status} {outcome.body[:300]!r}"
        )
        assert outcome.seconds < ANSWER_BOUND_S


def _new_user(tag: str) -> dict:
    return {"email": f"{tag}-{uuid.uuid4().hex[:12]}@example.com", "name": f"Fault {tag}"}


def at_once(service: Service, calls: dict[str, tuple[str, str]]) -> dict[str, Outcome]:
    """The requests, all in flight together: (method, path), or ("POST", tag) for a create."""

    def send(method: str, target: str) -> Outcome:
        if method == "POST":
            return service.attempt_create(target)
        return service.call(method, target)

    with ThreadPoolExecutor(len(calls)) as pool:
        sent = {what: pool.submit(send, *call) for what, call in calls.items()}
        return {what: future.result() for what, future in sent.items()}


def wait_healthy(service: Service, within_s: float = RECOVERY_S) -> float:
    """Seconds until /healthz answers 200, at most ``within_s``."""
    started = time.monotonic()
    while time.monotonic() - started < within_s:
        if service.call("GET", "/healthz").status == 200:
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"/healthz did not answer 200 within {within_s:g} s after the fault")


# -- Database faults --------------------------------------------------------------------------
def test_killed_connections_are_replaced_at_a_bounded_cost(service: Service):
    """The contract (openapi.yaml): a pooled connection the database closed is replaced before
    use (sqlx pings each one: Rust answers every request) or costs the one request that meets
    it a 503 ``unavailable`` with nothing written (pgxpool pings only idle connections: Go).
    Either way no more such answers than the pool held, then every request is served."""
    for _ in range(POOL):  # the pool holds connections, warm
        service.call("GET", "/users?limit=1")
    killed = terminate_backends(service.pg, service.database)
    assert killed >= 1
    allowed = killed if service.language == "go" else 0
    failed = 0
    for _ in range(allowed):
        outcome = service.call("POST", "/users", _new_user("killed"))
        if outcome.status == 503:
            assert_unavailable(outcome, "a request on a killed connection")
            failed += 1
        else:
            assert outcome.status == 201, outcome.body[:300]
    assert failed <= allowed
    assert_serves(service)
    assert_rows_intact(service)


def test_a_frozen_database_is_a_bounded_503_then_recovery(service: Service):
    some = next(iter(service.reported))
    with frozen(service.pg):
        outcomes = at_once(
            service,
            {
                "GET /healthz": ("GET", "/healthz"),
                "GET /users/{id}": ("GET", f"/users/{some}"),
                "POST /users": ("POST", "frozen"),
            },
        )
    for what, outcome in outcomes.items():
        assert_unavailable(outcome, what)
    wait_healthy(service)
    assert_serves(service)
    assert_rows_intact(service)


def test_a_stopped_database_is_a_bounded_503_then_recovery(service: Service):
    some = next(iter(service.reported))
    with stopped(service.pg):
        outcomes = at_once(
            service,
            {
                "GET /healthz": ("GET", "/healthz"),
                "GET /users": ("GET", "/users"),
                "GET /users/{id}": ("GET", f"/users/{some}"),
                "POST /users": ("POST", "stopped"),
            },
        )
    for what, outcome in outcomes.items():
        assert_unavailable(outcome, what)
    wait_healthy(service)
    assert_serves(service)
    assert_rows_intact(service)


def test_a_pool_exhausted_behind_a_lock_is_a_bounded_503(service: Service):
    some = next(iter(service.reported))
    with table_locked(service.pg, service.database), ThreadPoolExecutor(2 * POOL) as pool:
        reads = [pool.submit(service.call, "GET", f"/users/{some}") for _ in range(POOL)]
        writes = [pool.submit(service.attempt_create, "locked") for _ in range(POOL)]
        outcomes = [f.result() for f in (*reads, *writes)]
    for i, outcome in enumerate(outcomes):
        assert_unavailable(outcome, f"request {i + 1} of {len(outcomes)} behind the lock")
    assert_serves(service)
    assert_rows_intact(service)


# -- Hostile clients --------------------------------------------------------------------------
def _post_head(service: Service, length: int) -> bytes:
    return (
        f"POST /users HTTP/1.1\r\nHost: 127.0.0.1:{service.port}\r\n"
        f"Content-Type: {JSON}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def _slow_clients(service: Service) -> dict[str, socket.socket]:
    body = _new_user("slow")
    payload = json.dumps(body).encode()
    service.unknown.add(body["email"])
    sent = {
        "sends nothing": b"",
        "sends half the headers": b"GET /users HTTP/1.1\r\nHost: 127.0",
        "sends half the body": _post_head(service, len(payload)) + payload[: len(payload) // 2],
    }
    opened = {}
    for what, data in sent.items():
        client = socket.create_connection(("127.0.0.1", service.port), timeout=5)
        client.sendall(data)
        opened[what] = client
    return opened


def _closed_within(client: socket.socket, deadline: float) -> bool:
    """Whether the server closes the connection before ``deadline`` (time.monotonic)."""
    while time.monotonic() < deadline:
        client.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            if client.recv(4096) == b"":
                return True
        except TimeoutError:
            return False
        except OSError:  # reset by the server: closed too
            return True
    return False


def test_slow_clients_are_cut_off(service: Service):
    clients = _slow_clients(service)
    deadline = time.monotonic() + SLOW_CLIENT_BOUND_S
    try:
        still_open = [what for what, c in clients.items() if not _closed_within(c, deadline)]
    finally:
        for client in clients.values():
            client.close()
    assert not still_open, f"still open after {SLOW_CLIENT_BOUND_S:g} s: {still_open}"
    assert_serves(service)
    assert_rows_intact(service)


def test_a_client_that_disconnects_mid_body_creates_nothing(service: Service):
    before = stored_rows(service)
    body = _new_user("gone")
    payload = json.dumps(body).encode()
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", service.port), timeout=5) as client:
            client.sendall(_post_head(service, len(payload)) + payload[:10])
    time.sleep(0.5)
    assert stored_rows(service) == before
    assert_serves(service)
    assert_rows_intact(service)


def test_a_client_that_disconnects_while_its_query_waits_leaves_no_query_behind(
    service: Service,
):
    """Behind a lock, clients send whole requests and hang up; once the lock goes, each of
    their creates is stored once or not at all, and the service's connections are idle."""
    payloads = [_new_user("hangup") for _ in range(POOL)]
    with table_locked(service.pg, service.database):
        for body in payloads:
            service.unknown.add(body["email"])
            payload = json.dumps(body).encode()
            with socket.create_connection(("127.0.0.1", service.port), timeout=5) as client:
                client.sendall(_post_head(service, len(payload)) + payload)
                time.sleep(0.05)
    deadline = time.monotonic() + ANSWER_BOUND_S
    while time.monotonic() < deadline and _active_queries(service):
        time.sleep(0.1)
    assert _active_queries(service) == 0, "queries of clients that left still run"
    assert_serves(service)
    assert_rows_intact(service)


def _active_queries(service: Service) -> int:
    rows = service.pg.sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
        f"'{service.database}' AND state = 'active' AND pid <> pg_backend_pid()"
    )
    return int(rows[0][0])
