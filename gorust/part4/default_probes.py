"""The probe cases of the defaults experiment (gorust.part4.defaults): one request per
category of the strict contract, sent byte for byte over a raw socket, and what it found.

Each case says what the strict contract expects (a status, and an error code where it is an
error), sends one request to a running service, and describes the answer in a few words,
reading back from PostgreSQL what a request that should have been refused stored."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gorust import postgres

PROBE_TIMEOUT_S = 10.0  # no answer by then: "no answer"
# The contract: a database that cannot answer is a 503 within about 2 s; the probe allows 3.
DB_BOUND_S = 3.0
# A client that sends half a body must be cut off within this (the contract's read timeout
# with slack); longer, and the probe calls the connection "still open".
SLOW_WINDOW_S = 15.0
JSON = "application/json"
ADDRESS = "@ADDRESS@"  # where a probe's template takes its fresh e-mail address


@dataclass(frozen=True)
class Target:
    """One running service: its language, which build (default or hardened), its port and
    its own database."""

    language: str
    build: str
    port: int
    pg: postgres.Cluster
    database: str

    def sql(self, statement: str) -> list[list[str]]:
        return self.pg.sql(statement, self.database)


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer within PROBE_TIMEOUT_S
    body: bytes
    seconds: float
    content_type: str = ""

    @property
    def error_code(self) -> str | None:
        """The contract's error code, or None where the body is not the error shape."""
        if not self.content_type.startswith(JSON):
            return None
        try:
            error = json.loads(self.body)["error"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            return None
        code = error.get("code")
        return code if isinstance(code, str) else None

    def json(self) -> object:
        with contextlib.suppress(ValueError):
            return json.loads(self.body)
        return None


def exchange(target: Target, request: bytes, *, head: bool = False) -> Answer:
    """Send ``request`` as it is and read the answer (the server may close at once)."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", target.port), PROBE_TIMEOUT_S) as sock:
            sock.sendall(request)
            response = http.client.HTTPResponse(sock, method="HEAD" if head else None)
            response.begin()
            body = response.read()
            seconds = time.monotonic() - started
            return Answer(response.status, body, seconds, response.getheader("content-type", ""))
    except (OSError, http.client.HTTPException):
        return Answer(None, b"", time.monotonic() - started)


def request_bytes(
    target: Target, method: str, path: str, body: bytes = b"", headers: dict | None = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{target.port}", "Connection: close"]
    fields = {"Content-Type": JSON, "Content-Length": str(len(body))} if body else {}
    lines += [f"{name}: {value}" for name, value in {**fields, **(headers or {})}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def send(target: Target, method: str, path: str, body: bytes = b"") -> Answer:
    head = method == "HEAD"
    return exchange(target, request_bytes(target, method, path, body), head=head)


def fresh_email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


def stored(target: Target, where: str) -> list[list[str]]:
    return target.sql(f"SELECT email, name FROM users WHERE {where}")


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -- The cases --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    name: str
    category: str  # the contract's category, as the issue names it
    status: int  # what the strict contract answers
    code: str | None  # its error code (None: a success, or any code in the error shape)
    probe: Callable[[Target], tuple[Answer, str]]  # the answer, and what it did, in words
    bounded: bool = False  # the answer must also come within DB_BOUND_S
    closes: bool = False  # what counts is that the server closes the connection in time

    def meets(self, answer: Answer) -> bool:
        if self.closes:
            return answer.seconds < SLOW_WINDOW_S
        if answer.status != self.status:
            return False
        if self.bounded and answer.seconds > DB_BOUND_S:
            return False
        if answer.status >= 400:
            return answer.error_code is not None and self.code in (None, answer.error_code)
        return True


def said(answer: Answer) -> str:
    """The answer in a few words: its status and error code, or what the body was."""
    if answer.status is None:
        return f"no answer within {PROBE_TIMEOUT_S:g} s"
    if answer.status < 400:
        return str(answer.status)
    if answer.error_code:
        return f"{answer.status} {answer.error_code}"
    media = answer.content_type.split(";")[0] or "untyped"
    kind = f"{media} body" if answer.body else "empty body"
    return f"{answer.status}, {kind}, not the error shape"


def _created(answer: Answer, target: Target, email: str, what: str) -> str:
    """For a create the contract refuses: what the service stored, if anything."""
    if answer.status != 201:
        return said(answer)
    rows = stored(target, f"lower(email) = lower({_quoted(email)})")
    return f"201, {what}" if rows else "201, but nothing stored"


def post_text(text: str) -> Callable[[Target], tuple[Answer, str]]:
    def probe(target: Target) -> tuple[Answer, str]:
        answer = send(target, "POST", "/users", text.encode())
        return answer, said(answer)

    return probe


def post_refused(template: str, what: str) -> Callable[[Target], tuple[Answer, str]]:
    """A create the contract refuses; ``template`` holds ADDRESS where the address goes."""

    def probe(target: Target) -> tuple[Answer, str]:
        email = fresh_email("probe")
        answer = send(target, "POST", "/users", template.replace(ADDRESS, email).encode())
        return answer, _created(answer, target, email, what)

    return probe


def duplicate_key(target: Target) -> tuple[Answer, str]:
    first, last = fresh_email("first"), fresh_email("last")
    body = f'{{"email": "{first}", "email": "{last}", "name": "Probe"}}'
    answer = send(target, "POST", "/users", body.encode())
    if answer.status != 201:
        return answer, said(answer)
    kept = "the last" if stored(target, f"email = {_quoted(last)}") else "the first"
    return answer, f"201, kept {kept} value"


def lone_surrogate(target: Target) -> tuple[Answer, str]:
    email = fresh_email("surrogate")
    body = '{"email": "%s", "name": "A\\ud800"}' % email  # noqa: UP031 (JSON braces)
    answer = send(target, "POST", "/users", body.encode())
    if answer.status != 201:
        return answer, said(answer)
    name = stored(target, f"email = {_quoted(email)}")[0][1]
    return answer, "201, stored U+FFFD" if "\ufffd" in name else f"201, stored {name!r}"


def bad_percent(target: Target) -> tuple[Answer, str]:
    answer = send(target, "GET", "/users?limit=%zz")
    page = answer.json()
    if answer.status == 200 and isinstance(page, dict):
        return answer, f"200, used limit {page.get('limit')}"
    return answer, said(answer)


def bad_content_length(target: Target) -> tuple[Answer, str]:
    headers = {"Content-Type": JSON, "Content-Length": "abc"}
    answer = exchange(target, request_bytes(target, "POST", "/users", headers=headers))
    return answer, said(answer)


def head_request(target: Target) -> tuple[Answer, str]:
    answer = send(target, "HEAD", "/users")  # an answer to HEAD has no body to judge
    return answer, str(answer.status) if answer.status else said(answer)


def unicode_case(target: Target) -> tuple[Answer, str]:
    local = f"éx-{uuid.uuid4().hex[:10]}"
    first = send(target, "POST", "/users", _user(f"{local}@example.com"))
    if first.status != 201:
        return first, f"first create: {said(first)}"
    answer = send(target, "POST", "/users", _user(f"{local.upper()}@example.com"))
    return answer, "201, a second user" if answer.status == 201 else said(answer)


def _user(email: str) -> bytes:
    return json.dumps({"email": email, "name": "Probe"}).encode()


def _some_id(target: Target) -> int:
    answer = send(target, "POST", "/users", _user(fresh_email("seed")))
    return int(json.loads(answer.body)["id"]) if answer.status == 201 else 1


def killed_connections(target: Target) -> tuple[Answer, str]:
    some = _some_id(target)
    for _ in range(3):  # warm connections in the pool
        send(target, "GET", "/users?limit=1")
    target.pg.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{target.database}' AND pid <> pg_backend_pid()"
    )
    answer = send(target, "GET", f"/users/{some}")
    return answer, said(answer)


def database_stopped(target: Target) -> tuple[Answer, str]:
    """Sent once PostgreSQL is stopped (the experiment stops it before this case)."""
    answer = send(target, "GET", "/users/1")
    return answer, f"{said(answer)} after {answer.seconds:.1f} s"


# -- The cases that wait, sent to every service at once ----------------------------------------
def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            if entry.name.isdigit():
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def signal_all(pids: list[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


@contextlib.contextmanager
def frozen(pg: postgres.Cluster) -> Iterator[None]:
    """PostgreSQL frozen (SIGSTOP to the postmaster and its processes), resumed at the end
    (SIGCONT), whatever happened."""
    stopped = [pg.pid, *children_of(pg.pid)]
    try:
        signal_all(stopped, signal.SIGSTOP)
        yield
    finally:
        signal_all([*stopped, *children_of(pg.pid)], signal.SIGCONT)


def database_frozen(target: Target) -> tuple[Answer, str]:
    """Sent while PostgreSQL is frozen (the experiment freezes it around this case)."""
    answer = send(target, "GET", "/users/1")
    if answer.status is None:
        return answer, said(answer)
    return answer, f"{said(answer)} after {answer.seconds:.1f} s"


def half_a_body(target: Target) -> tuple[Answer, str]:
    """Headers that announce a body, half of it, then nothing: when does the server close?"""
    body = _user(fresh_email("slow"))
    head = request_bytes(target, "POST", "/users", body)[: -len(body) // 2]
    started = time.monotonic()
    received = b""
    with socket.create_connection(("127.0.0.1", target.port), PROBE_TIMEOUT_S) as sock:
        sock.sendall(head)
        while (left := SLOW_WINDOW_S - (time.monotonic() - started)) > 0:
            sock.settimeout(left)
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                break
            except OSError:
                chunk = b""
            received += chunk
            if not chunk:
                seconds = time.monotonic() - started
                status = int(received[9:12]) if received[:5] == b"HTTP/" else None
                sent = f", after sending {status}" if status else ""
                return Answer(status, received, seconds), f"closed after {seconds:.1f} s{sent}"
    return Answer(None, received, SLOW_WINDOW_S), f"still open after {SLOW_WINDOW_S:g} s"


CASES: tuple[Case, ...] = (
    Case("truncated JSON", "not well-formed JSON", 400, "malformed_json",
         post_text('{"email": 5,')),
    Case("number out of range", "well-formed but invalid", 422, "invalid_body",
         post_text('{"email": "r@example.com", "name": 1e400}')),
    Case("wrong-case key", "wrong-case keys", 422, "invalid_body",
         post_refused('{"EMAIL": "@ADDRESS@", "name": "Probe"}', "created the user")),
    Case("duplicate key", "duplicate keys", 422, "invalid_body", duplicate_key),
    Case("unknown key", "unknown keys", 422, "invalid_body",
         post_refused('{"email": "@ADDRESS@", "name": "Probe", "admin": true}',
                      "ignored the key")),
    Case("array body", "a non-object body", 422, "invalid_body",
         post_refused('["@ADDRESS@", "Probe"]', "created the user from the array")),
    Case("lone surrogate", "well-formed but invalid", 422, "invalid_body", lone_surrogate),
    Case("limit=%zz", "bad query parameter", 400, "invalid_parameter", bad_percent),
    Case("Content-Length: abc", "errors from the HTTP layer", 400, None, bad_content_length),
    Case("HEAD /users", "HEAD on GET routes", 200, None, head_request),
    Case("É vs é in e-mail", "Unicode case-insensitive e-mail", 409, "conflict", unicode_case),
    Case("connections killed", "database faults", 200, None, killed_connections),
)  # fmt: skip
FROZEN = Case(
    "database frozen", "database faults", 503, "unavailable", database_frozen, bounded=True
)
SLOW = Case(
    "half a body, then silence", "read timeouts for slow clients", 0, None, half_a_body,
    closes=True,
)  # fmt: skip
STOPPED = Case(
    "database stopped", "database faults", 503, "unavailable", database_stopped, bounded=True
)
