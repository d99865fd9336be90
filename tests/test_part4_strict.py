"""The strict contract of Part 4's CRUD API (code/crud_api/openapi.yaml), on both services.

tests/test_part4_api.py checks the contract's everyday cases; this file checks the rules the
strict contract adds, one section per rule, each against the Go service (Gin + pgx) and the
Rust service (Axum + sqlx), each on its own fresh database in one PostgreSQL that this module
starts: malformed (400) versus invalid (422) bodies, key spelling and repetition, non-object
bodies, unpaired surrogates, percent-escapes in the query, the error shape of the router and
the HTTP layer, HEAD, the database deadline (503), slow clients, and e-mail uniqueness for all
of Unicode. Every rejecting rule has an accepted neighbour, so that a service that rejected
everything would fail too.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import unicodedata
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from gorust import part4, postgres
from gorust.part4.default_probes import frozen
from tests.test_part4_api import JSON, LANGUAGES, Api, _kernel, assert_error, unique_email

DB_TIMEOUT_S = 2.0  # the contract's database deadline
HEADER_TIMEOUT_S = 5.0  # headers, and a kept-alive connection's idle time
REQUEST_TIMEOUT_S = 10.0  # a whole request, body included
SLACK_S = 2.5  # scheduling on a loaded 2-core machine


@pytest.fixture(scope="module")
def cluster() -> Iterator[postgres.Cluster]:
    with postgres.cluster() as started:
        yield started


@pytest.fixture(scope="module", params=LANGUAGES)
def api(request: pytest.FixtureRequest, cluster: postgres.Cluster) -> Iterator[Api]:
    """The service of one language, on a fresh database of its own."""
    language = request.param
    database = f"strict_{language}"
    url = cluster.create_database(database)
    server = _kernel(language).serve(part4.EXPERIMENT, env={"DATABASE_URL": url})
    with server, requests.Session() as http:
        yield Api(language, f"http://127.0.0.1:{server.port}", database, cluster, http)


def post_raw(api: Api, body: bytes, path: str = "/users") -> requests.Response:
    return api.request("POST", path, data=body, headers={"Content-Type": JSON})


def get_verbatim(api: Api, target: str) -> tuple[int, str, bytes]:
    """GET a target exactly as written: requests would re-quote a bad escape (%zz to %25zz)."""
    host, port = api.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return (
            response.status,
            response.getheader("Content-Type", "").split(";")[0],
            response.read(),
        )
    finally:
        connection.close()


def stored(api: Api, user_id: int) -> list[str]:
    """The email and name PostgreSQL holds for one id, straight from SQL."""
    return api.cluster.sql(f"SELECT email, name FROM users WHERE id = {user_id}", api.database)[0]


# -- Malformed (400) versus well-formed but invalid (422) --------------------------------------
# (case, body with {email} for a fresh address, status, code)
STRICT_BODIES = [
    ("truncated after a value", b'{"email": 5,', 400, "malformed_json"),
    ("a number out of range", b'{"email": "{email}", "name": 1e400}', 422, "invalid_body"),
    ("an upper-case key", b'{"EMAIL": "{email}", "name": "Ada"}', 422, "invalid_body"),
    ("a capitalised key", b'{"email": "{email}", "Name": "Ada"}', 422, "invalid_body"),
    (
        "a repeated key",
        b'{"email": "{email}", "email": "{email}", "name": "Ada"}',
        422,
        "invalid_body",
    ),
    (
        "a key repeated in another case",
        b'{"email": "{email}", "name": "A", "NAME": "B"}',
        422,
        "invalid_body",
    ),
    ("an array of the two values", b'["{email}", "Ada"]', 422, "invalid_body"),
    ("an array holding the object", b'[{"email": "{email}", "name": "Ada"}]', 422, "invalid_body"),
    ("a number", b"42", 422, "invalid_body"),
    ("a lone high surrogate", b'{"email": "{email}", "name": "A\\ud800"}', 422, "invalid_body"),
    ("a lone low surrogate", b'{"email": "{email}", "name": "A\\udc00"}', 422, "invalid_body"),
    ("a reversed pair", b'{"email": "{email}", "name": "\\udc00\\ud800"}', 422, "invalid_body"),
    (
        "a high surrogate before a letter",
        b'{"email": "{email}", "name": "\\ud800\\u0041"}',
        422,
        "invalid_body",
    ),
    (
        "a lone surrogate in the email",
        b'{"email": "a\\ud83e@example.com", "name": "Ada"}',
        422,
        "invalid_body",
    ),
]


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize(
    ("body", "status", "code"), [pytest.param(*case[1:], id=case[0]) for case in STRICT_BODIES]
)
def test_strict_bodies_are_rejected_and_change_nothing(
    api: Api, method: str, body: bytes, status: int, code: str
):
    target = api.create(unique_email("target"))
    path = "/users" if method == "POST" else f"/users/{target['id']}"
    body = body.replace(b"{email}", unique_email("strict").encode())
    before = api.rows()
    response = api.request(method, path, data=body, headers={"Content-Type": JSON})
    assert_error(response, status, code)
    assert api.rows() == before


# The accepted neighbours: escapes the strict reading must still decode as JSON does.
ACCEPTED_NAMES = [
    ("an escaped surrogate pair", '"crab \\ud83e\\udd80"', "crab 🦀"),
    ("an upper-case pair", '"\\uD83E\\uDD80"', "🦀"),
    ("an escaped backslash before ud800", '"back\\\\ud800"', "back\\ud800"),
    ("a literal replacement character", '"\\ufffd \ufffd"', "\ufffd \ufffd"),
    ("escapes of every kind", '"\\"q\\" \\/ \\u00e9"', '"q" / é'),
]


@pytest.mark.parametrize(
    ("literal", "name"), [pytest.param(*case[1:], id=case[0]) for case in ACCEPTED_NAMES]
)
def test_valid_escapes_are_decoded_and_stored_exactly(api: Api, literal: str, name: str):
    email = unique_email("esc")
    body = f'{{"name": {literal}, "email": "{email}"}}'.encode()  # keys in another order
    response = post_raw(api, body)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == name
    assert stored(api, response.json()["id"]) == [email, name]


def test_whitespace_around_the_object_is_fine(api: Api):
    body = f' \n\t{{"email": "{unique_email()}", "name": "Ada"}}\r\n '.encode()
    assert post_raw(api, body).status_code == 201


# -- Query strings ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "limit=%zz",
        "offset=%zz",
        "limit=1%zz",
        "limit=%",
        "limit=%2",
        "other=%zz&limit=5",
        "limit=abc",
        "limit=1e1",
        "limit=+%zz",
    ],
)
def test_bad_query_values_are_400_never_a_default(api: Api, query: str):
    status, content_type, body = get_verbatim(api, f"/users?{query}")
    assert (status, content_type) == (400, JSON), body
    assert json.loads(body)["error"]["code"] == "invalid_parameter"


def test_good_escapes_in_the_query_are_decoded(api: Api):
    for _ in range(3):
        api.create(unique_email("q"))
    status, _, body = get_verbatim(api, "/users?limit=%32&offset=%30")  # limit=2, offset=0
    assert status == 200, body
    page = json.loads(body)
    assert (page["limit"], page["offset"], len(page["items"])) == (2, 0, 2)
    assert get_verbatim(api, "/users?unknown=1")[0] == 200  # a parameter not read: ignored


# -- The error shape, router and HTTP layer included -------------------------------------------
def test_router_errors_are_in_the_error_shape(api: Api):
    assert_error(api.request("GET", "/no/such/route"), 404, "not_found")
    assert_error(api.request("DELETE", "/users"), 405, "method_not_allowed")
    assert_error(api.request("OPTIONS", "/users/1"), 405, "method_not_allowed")
    assert_error(api.request("GET", "/users/%7A%7A"), 400, "invalid_parameter")  # "zz"
    big = b'{"email": "a@example.com", "name": "' + b"x" * 70_000 + b'"}'
    assert_error(post_raw(api, big), 413, "body_too_large")


def _exchange(port: int, request: bytes, timeout_s: float = 10) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout_s) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: abc\r\n\r\n{}",
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        b"GET /users/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ],
    ids=["a Content-Length that is not a number", "two Content-Lengths", "a bad path escape"],
)
def test_unparseable_requests_are_400(api: Api, request_bytes: bytes):
    # The documented exception: net/http (plain text) or hyper (no body) answers what it
    # cannot parse, then closes; a bad path escape reaches Axum's router, not Gin's.
    port = int(api.base.rsplit(":", 1)[1])
    answer = _exchange(port, request_bytes)
    assert answer.startswith((b"HTTP/1.1 400 ", b"HTTP/1.0 400 ")), answer[:200]


# -- HEAD ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/healthz",
        "/users",
        "/users?limit=1",
        "/users/{id}",
        "/users/9000000000000000000",
        "/users/abc",
    ],
)
def test_head_answers_like_get_without_a_body(api: Api, path: str):
    path = path.replace("{id}", str(api.create(unique_email("head"))["id"]))
    get = api.request("GET", path)
    head = api.request("HEAD", path)
    assert head.status_code == get.status_code, head.headers
    assert head.content == b""
    for name in ("content-type", "content-length"):
        assert head.headers.get(name) == get.headers.get(name), name


# -- The database deadline ----------------------------------------------------------------------
def _timed(api: Api, method: str, path: str, **kwargs) -> tuple[requests.Response, float]:
    start = time.monotonic()
    response = api.request(method, path, **kwargs)
    return response, time.monotonic() - start


def test_a_frozen_database_is_503_within_the_deadline_then_recovers(api: Api):
    created = api.create(unique_email("frozen"))
    before = api.rows()
    # frozen() tolerates a backend that exits between the listing and the signal.
    with frozen(api.cluster):
        calls = [
            ("GET", "/healthz", {}),
            ("GET", "/users", {}),
            ("GET", f"/users/{created['id']}", {}),
            ("POST", "/users", {"json": {"email": unique_email(), "name": "Frozen"}}),
        ]
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            answers = list(pool.map(lambda call: _timed(api, call[0], call[1], **call[2]), calls))
    for response, seconds in answers:
        assert_error(response, 503, "unavailable")
        assert seconds < DB_TIMEOUT_S + SLACK_S, f"{response.url}: {seconds:.1f} s"
    deadline = time.monotonic() + 10
    while api.request("GET", "/healthz").status_code != 200:
        assert time.monotonic() < deadline, "no recovery within 10 s of SIGCONT"
        time.sleep(0.2)
    assert api.request("GET", f"/users/{created['id']}").json() == created
    after = api.rows()
    assert after[: len(before)] == before  # nothing lost or altered; the POST may have landed
    assert len(after) - len(before) <= 1


POOL_SIZE = 10  # the services' default DB_MAX_CONNS


def test_killed_connections_cost_at_most_one_503_each_with_nothing_written(api: Api):
    # sqlx pings each connection it hands out (Rust: no 503); pgxpool pings only those idle
    # for over a second (Go: a 503 for each killed connection used within that second).
    for _ in range(POOL_SIZE):
        api.request("GET", "/users?limit=1")
    killed = api.cluster.sql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        f"WHERE datname = '{api.database}'"
    )
    assert int(killed[0][0]) >= 1
    before = api.rows()
    statuses = {}
    for _ in range(POOL_SIZE + 5):
        email = unique_email("killed")
        response = api.request("POST", "/users", json={"email": email, "name": "Killed"})
        if response.status_code != 201:
            assert_error(response, 503, "unavailable")
        statuses[email] = response.status_code
    assert list(statuses.values())[-5:] == [201] * 5, statuses
    assert list(statuses.values()).count(503) <= POOL_SIZE
    created = {row[1] for row in api.rows()[len(before) :]}
    assert created == {email for email, status in statuses.items() if status == 201}


# -- Slow clients -------------------------------------------------------------------------------
def _until_closed(port: int, first: bytes, then_wait_s: float = 0.0) -> tuple[bytes, float]:
    """Send ``first``, then read until the server closes; how long the close took."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(first)
        if then_wait_s:
            time.sleep(then_wait_s)
        start = time.monotonic()
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received, time.monotonic() - start


def test_slow_clients_are_cut_off(api: Api):
    port = int(api.base.rsplit(":", 1)[1])
    half_header = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
    half_body = (
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n" + b'{"email": '
    )
    idle = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    count = api.count()
    with ThreadPoolExecutor(max_workers=3) as pool:
        header_job = pool.submit(_until_closed, port, half_header)
        body_job = pool.submit(_until_closed, port, half_body)
        idle_job = pool.submit(_until_closed, port, idle)
    received, seconds = header_job.result()
    assert received == b"" and seconds < HEADER_TIMEOUT_S + SLACK_S, (received, seconds)
    received, seconds = body_job.result()
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), received
    assert json.loads(body)["error"]["code"] == "request_timeout"
    assert seconds < REQUEST_TIMEOUT_S + SLACK_S, seconds
    received, seconds = idle_job.result()  # one answer, then closed when idle
    assert received.startswith(b"HTTP/1.1 200 ") and received.count(b"HTTP/1.1") == 1
    assert seconds < HEADER_TIMEOUT_S + SLACK_S, seconds
    assert api.count() == count


def test_a_slow_but_steady_client_within_the_limits_is_served(api: Api):
    port = int(api.base.rsplit(":", 1)[1])
    body = json.dumps({"email": unique_email("slow"), "name": "Slow"}).encode()
    head = (
        f"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head)
        for start in range(0, len(body), len(body) // 3 + 1):  # in three parts, 1 s apart
            time.sleep(1)
            conn.sendall(body[start : start + len(body) // 3 + 1])
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 201 "), answer[:200]


# -- E-mail uniqueness for all of Unicode ------------------------------------------------------
# (case, the address stored first, one that must conflict with it)
SAME_ADDRESS = [
    ("ASCII case", "ada@example.com", "ADA@Example.COM"),
    ("Latin-1 case", "éx@example.com", "ÉX@EXAMPLE.COM"),
    (
        "NFC and NFD",
        unicodedata.normalize("NFC", "é@example.com"),
        unicodedata.normalize("NFD", "é@example.com"),
    ),
    ("Greek case", "σοφία@example.gr", "ΣΟΦΊΑ@EXAMPLE.GR"),
    ("Cyrillic case", "жанна@example.ru", "ЖАННА@example.ru"),
    ("a title-case digraph", "ǆemal@example.com", "ǅemal@example.com"),
    ("Armenian case", "անի@example.am", "ԱՆԻ@example.am"),
]


@pytest.mark.parametrize(
    ("first", "second"), [pytest.param(*case[1:], id=case[0]) for case in SAME_ADDRESS]
)
def test_addresses_that_differ_only_in_case_or_normal_form_conflict(
    api: Api, first: str, second: str
):
    tag = uuid.uuid4().hex[:8]
    first, second = (address.replace("@", f"-{tag}@") for address in (first, second))
    created = api.create(first)
    assert stored(api, created["id"])[0] == first  # stored as sent, not folded
    before = api.rows()
    response = api.request("POST", "/users", json={"email": second, "name": "Again"})
    assert_error(response, 409, "conflict")
    other = api.create(unique_email("other"))
    response = api.request("PUT", f"/users/{other['id']}", json={"email": second, "name": "X"})
    assert_error(response, 409, "conflict")
    assert api.rows()[: len(before)] == before


def test_accents_still_make_different_addresses(api: Api):
    tag = uuid.uuid4().hex[:8]
    for address in ("ex", "éx", "èx", "ëx"):  # the collation ignores case, not accents
        assert api.create(f"{address}-{tag}@example.com")["email"].startswith(address)
