"""The contract of Part 4's CRUD API, checked over HTTP against both services.

One suite, two servers: every test that takes ``api`` runs once against the Go service (Gin +
pgx) and once against the Rust service (Axum + sqlx), each with its own fresh database in one
real PostgreSQL that the session starts and removes (gorust.postgres). The suite checks the
OpenAPI description in code/openapi/crud_api.yaml, the bad-input cases of the chapter, and
concurrent writes; then Schemathesis generates requests from the description against each
server and must find no server error and no deviation from the description.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests

from gorust import part4, postgres
from gorust.kernels import GoKernel, Kernel, RustKernel

LANGUAGES = ("go", "rust")
JSON = "application/json"
BIG_ID = 9_000_000_000_000_000_000  # a valid int64 that no row has


def _kernel(language: str) -> Kernel:
    return GoKernel() if language == "go" else RustKernel()


@pytest.fixture(scope="session")
def cluster() -> Iterator[postgres.Cluster]:
    with postgres.cluster() as started:
        yield started


@dataclass
class Api:
    """One running service, its database, and a few helpers over HTTP and SQL."""

    language: str
    base: str
    database: str
    cluster: postgres.Cluster
    http: requests.Session

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, self.base + path, timeout=10, **kwargs)

    def create(self, email: str, name: str = "Ada") -> dict:
        response = self.request("POST", "/users", json={"email": email, "name": name})
        assert response.status_code == 201, response.text
        return response.json()

    def rows(self) -> list[list[str]]:
        """Every row of the users table, straight from PostgreSQL."""
        return self.cluster.sql(
            "SELECT id, email, name, created_at, updated_at FROM users ORDER BY id",
            self.database,
        )

    def count(self, where: str = "true") -> int:
        return int(
            self.cluster.sql(f"SELECT count(*) FROM users WHERE {where}", self.database)[0][0]
        )


@pytest.fixture(scope="session", params=LANGUAGES)
def api(request: pytest.FixtureRequest, cluster: postgres.Cluster) -> Iterator[Api]:
    """The service of one language, on a fresh database, for the whole session."""
    language = request.param
    database = f"contract_{language}"
    url = cluster.create_database(database)
    server = _kernel(language).serve(part4.EXPERIMENT, env={"DATABASE_URL": url})
    with server, requests.Session() as http:
        yield Api(language, f"http://127.0.0.1:{server.port}", database, cluster, http)


def unique_email(tag: str = "u") -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}@example.com"


def assert_error(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(JSON)
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]


# -- The happy path ------------------------------------------------------------------------------
def test_create_returns_the_user_and_where_it_lives(api: Api):
    email = unique_email()
    response = api.request("POST", "/users", json={"email": email, "name": "Ada Lovelace"})
    assert response.status_code == 201
    user = response.json()
    assert set(user) == {"id", "email", "name", "created_at", "updated_at"}
    assert user["email"] == email and user["name"] == "Ada Lovelace"
    assert isinstance(user["id"], int) and user["id"] >= 1
    assert response.headers["location"] == f"/users/{user['id']}"
    assert user["created_at"] == user["updated_at"]


def test_get_returns_what_create_stored(api: Api):
    created = api.create(unique_email(), "Grace Hopper")
    response = api.request("GET", f"/users/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_list_pages_through_users_in_id_order(api: Api):
    for _ in range(5):
        api.create(unique_email("page"))
    total = api.count()
    seen = []
    offset = 0
    while True:
        page = api.request("GET", "/users", params={"limit": 2, "offset": offset}).json()
        assert page["limit"] == 2 and page["offset"] == offset
        assert len(page["items"]) <= 2
        if not page["items"]:
            break
        seen += [user["id"] for user in page["items"]]
        offset += 2
    assert len(seen) == total
    assert seen == sorted(seen)
    default = api.request("GET", "/users").json()
    assert default["limit"] == 20 and default["offset"] == 0
    assert len(default["items"]) == min(total, 20)
    beyond = api.request("GET", "/users", params={"offset": total + 10}).json()
    assert beyond["items"] == []


def test_update_replaces_email_and_name(api: Api):
    created = api.create(unique_email(), "Before")
    email = unique_email("after")
    response = api.request("PUT", f"/users/{created['id']}", json={"email": email, "name": "After"})
    assert response.status_code == 200
    updated = response.json()
    assert updated["id"] == created["id"]
    assert (updated["email"], updated["name"]) == (email, "After")
    assert updated["created_at"] == created["created_at"]
    assert updated["updated_at"] != created["updated_at"]
    assert api.request("GET", f"/users/{created['id']}").json() == updated


def test_delete_removes_the_user_once(api: Api):
    created = api.create(unique_email())
    first = api.request("DELETE", f"/users/{created['id']}")
    assert first.status_code == 204 and first.content == b""
    assert_error(api.request("GET", f"/users/{created['id']}"), 404, "not_found")
    assert_error(api.request("DELETE", f"/users/{created['id']}"), 404, "not_found")


def test_health_check_reaches_the_database(api: Api):
    response = api.request("GET", "/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


# -- Ids, routes and query parameters -------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_unknown_ids_are_404(api: Api, method: str):
    body = {"email": unique_email(), "name": "Nobody"} if method == "PUT" else None
    before = api.rows()
    assert_error(api.request(method, f"/users/{BIG_ID}", json=body), 404, "not_found")
    assert_error(api.request(method, "/users/0", json=body), 404, "not_found")
    assert api.rows() == before


@pytest.mark.parametrize("bad_id", ["abc", "1.5", "99999999999999999999", "%20"])
def test_ids_that_are_not_64_bit_integers_are_400(api: Api, bad_id: str):
    assert_error(api.request("GET", f"/users/{bad_id}"), 400, "invalid_parameter")


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=-1",
        "limit=abc",
        "limit=",
        "offset=-1",
        "offset=x",
        "limit=1&limit=2",
    ],
)
def test_bad_page_parameters_are_400(api: Api, query: str):
    assert_error(api.request("GET", f"/users?{query}"), 400, "invalid_parameter")


def test_unknown_routes_and_methods_get_json_errors(api: Api):
    assert_error(api.request("GET", "/nope"), 404, "not_found")
    assert_error(api.request("GET", "/users/"), 404, "not_found")
    assert_error(api.request("PATCH", "/users/1", json={}), 405, "method_not_allowed")
    assert_error(api.request("POST", "/users/1", json={}), 405, "method_not_allowed")


# -- Bad input gets a clear 4xx and changes nothing ----------------------------------------------
VALID = {"email": "valid@example.com", "name": "Valid"}


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


# (case, body bytes, content type, status, error code)
BAD_BODIES = [
    ("malformed JSON", b'{"email": "a@example.com", "name": }', JSON, 400, "malformed_json"),
    ("truncated JSON", b'{"email": "a@example.com"', JSON, 400, "malformed_json"),
    ("empty body", b"", JSON, 400, "malformed_json"),
    ("data after the value", _json(VALID) + b" {}", JSON, 400, "malformed_json"),
    (
        "invalid UTF-8",
        b'{"email": "a@example.com", "name": "\xff\xfe"}',
        JSON,
        400,
        "malformed_json",
    ),
    ("an array", b"[]", JSON, 422, "invalid_body"),
    ("a string", b'"Ada"', JSON, 422, "invalid_body"),
    ("null", b"null", JSON, 422, "invalid_body"),
    ("email is a number", _json({"email": 5, "name": "Ada"}), JSON, 422, "invalid_body"),
    (
        "name is a boolean",
        _json({"email": "a@example.com", "name": True}),
        JSON,
        422,
        "invalid_body",
    ),
    ("name is null", _json({"email": "a@example.com", "name": None}), JSON, 422, "invalid_body"),
    (
        "name is an object",
        _json({"email": "a@example.com", "name": {"first": "A"}}),
        JSON,
        422,
        "invalid_body",
    ),
    ("missing email", _json({"name": "Ada"}), JSON, 422, "invalid_body"),
    ("missing name", _json({"email": "a@example.com"}), JSON, 422, "invalid_body"),
    ("empty object", b"{}", JSON, 422, "invalid_body"),
    ("extra field", _json({**VALID, "admin": True}), JSON, 422, "invalid_body"),
    ("email without @", _json({**VALID, "email": "not-an-email"}), JSON, 422, "invalid_body"),
    ("email without a dot", _json({**VALID, "email": "ada@localhost"}), JSON, 422, "invalid_body"),
    (
        "email without local part",
        _json({**VALID, "email": "@example.com"}),
        JSON,
        422,
        "invalid_body",
    ),
    ("email with two @", _json({**VALID, "email": "a@b@example.com"}), JSON, 422, "invalid_body"),
    (
        "email with a space",
        _json({**VALID, "email": "ada lovelace@example.com"}),
        JSON,
        422,
        "invalid_body",
    ),
    (
        "email with a newline",
        _json({**VALID, "email": "ada@example.com\n"}),
        JSON,
        422,
        "invalid_body",
    ),
    (
        "email of 255 characters",
        _json({**VALID, "email": "a" * 243 + "@example.com"}),
        JSON,
        422,
        "invalid_body",
    ),
    ("empty name", _json({**VALID, "name": ""}), JSON, 422, "invalid_body"),
    ("name of 101 characters", _json({**VALID, "name": "x" * 101}), JSON, 422, "invalid_body"),
    ("name with a NUL", _json({**VALID, "name": "Ada\u0000"}), JSON, 422, "invalid_body"),
    (
        "name with a control character",
        _json({**VALID, "name": "Ada\u0007"}),
        JSON,
        422,
        "invalid_body",
    ),
    ("plain-text content type", _json(VALID), "text/plain", 415, "unsupported_media_type"),
    ("no content type", _json(VALID), None, 415, "unsupported_media_type"),
    ("body over 64 KiB", _json({**VALID, "name": "x" * 70_000}), JSON, 413, "body_too_large"),
]


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_BODIES],
)
def test_bad_bodies_get_a_clear_4xx_and_change_nothing(
    api: Api, method: str, body: bytes, content_type: str | None, status: int, code: str
):
    target = api.create(unique_email("target"))
    path = "/users" if method == "POST" else f"/users/{target['id']}"
    headers = {"Content-Type": content_type} if content_type else {}
    before = api.rows()
    assert_error(api.request(method, path, data=body, headers=headers), status, code)
    assert api.rows() == before


def test_the_limits_themselves_are_accepted(api: Api):
    email = "a" * (254 - len("@example.com")) + "@example.com"
    name = "🦀" * 100  # 100 code points
    assert api.create(email, name)["name"] == name
    # A body of exactly 65536 bytes is accepted; one more byte is not.
    payload = _json({"email": unique_email(), "name": "Edge"})
    exact = payload + b" " * (65536 - len(payload))
    response = api.request("POST", "/users", data=exact, headers={"Content-Type": JSON})
    assert response.status_code == 201, response.text
    over = _json({"email": unique_email(), "name": "Edge"})
    over += b" " * (65537 - len(over))
    response = api.request("POST", "/users", data=over, headers={"Content-Type": JSON})
    assert_error(response, 413, "body_too_large")


def test_duplicate_email_is_409_whatever_its_case(api: Api):
    email = unique_email("dup")
    first = api.create(email)
    other = api.create(unique_email("other"))
    before = api.rows()
    response = api.request("POST", "/users", json={"email": email.upper(), "name": "Again"})
    assert_error(response, 409, "conflict")
    response = api.request("PUT", f"/users/{other['id']}", json={"email": email, "name": "X"})
    assert_error(response, 409, "conflict")
    assert api.rows() == before
    # Keeping one's own address is not a conflict.
    response = api.request("PUT", f"/users/{first['id']}", json={"email": email, "name": "Y"})
    assert response.status_code == 200


SQL_LIKE = [
    "Robert'); DROP TABLE users;--",
    "' OR '1'='1",
    "1; DELETE FROM users WHERE true",
    "$1 $2 %s %d \\x00 \\'",
]


def test_sql_injection_like_strings_are_stored_verbatim(api: Api):
    count = api.count()
    for name in SQL_LIKE:
        created = api.create(unique_email("sql"), name)
        assert api.request("GET", f"/users/{created['id']}").json()["name"] == name
    email = f"o'brien-{uuid.uuid4().hex[:8]}@example.com"
    assert api.create(email)["email"] == email
    assert api.count() == count + len(SQL_LIKE) + 1  # the table is still there, and whole


UNICODE = [
    "Zoë Ångström",
    "日本語の名前",
    "Ру́сский",
    "עברית",
    "🦀🐹 crab and gopher",
    "e\u0301",
    "zero\u200bwidth",
]


def test_unicode_round_trips(api: Api):
    for name in UNICODE:
        created = api.create(unique_email("uni"), name)
        assert created["name"] == name
        assert api.request("GET", f"/users/{created['id']}").json()["name"] == name
    email = f"zoë-{uuid.uuid4().hex[:8]}@exämple.de"
    assert api.create(email)["email"] == email


# -- Concurrency ----------------------------------------------------------------------------------
CONCURRENT = 50


def _post(api: Api, email: str) -> int:
    # A session per request: requests.Session is not meant to be shared between threads.
    with requests.Session() as http:
        response = http.post(
            api.base + "/users", json={"email": email, "name": "Concurrent"}, timeout=30
        )
    return response.status_code


def test_concurrent_creates_of_distinct_users_leave_exactly_n_rows(api: Api):
    tag = f"conc-{uuid.uuid4().hex[:8]}"
    emails = [f"{tag}-{i}@example.com" for i in range(CONCURRENT)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda email: _post(api, email), emails))
    assert statuses == [201] * CONCURRENT
    assert api.count(f"email LIKE '{tag}-%'") == CONCURRENT


def test_concurrent_duplicates_leave_one_row(api: Api):
    email = unique_email("race")
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda _: _post(api, email), range(CONCURRENT)))
    assert sorted(statuses) == [201] + [409] * (CONCURRENT - 1)
    assert api.count(f"lower(email) = lower('{email}')") == 1


# -- Life cycle -----------------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_two_instances_migrate_one_database_at_once_and_stop_gracefully(
    cluster: postgres.Cluster, language: str
):
    database = f"lifecycle_{language}"
    url = cluster.create_database(database)
    kernel = _kernel(language)
    kernel.build(part4.EXPERIMENT)
    env = {"DATABASE_URL": url}
    # Both start at the same moment on an empty database: the advisory lock serialises the
    # two migrations.
    with ThreadPoolExecutor(max_workers=2) as pool:
        starting = [pool.submit(kernel.serve, part4.EXPERIMENT, env=env) for _ in range(2)]
    servers = [f.result() for f in starting if f.exception() is None]
    try:
        for future in starting:
            if future.exception() is not None:
                raise future.exception()
        one, two = servers
        created = requests.post(
            f"http://127.0.0.1:{one.port}/users",
            json={"email": unique_email(), "name": "Shared"},
            timeout=10,
        ).json()
        seen = requests.get(f"http://127.0.0.1:{two.port}/users/{created['id']}", timeout=10)
        assert seen.json() == created
    finally:
        stopped = [server.stop() for server in servers]
    for result in stopped:
        assert result.exit_code == 0, result.stderr  # SIGTERM is a clean exit, not a kill
        assert result.records[-1] == {"event": "stopped"}
    cluster.drop_database(database)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_database_url_is_a_clear_error(language: str):
    kernel = _kernel(language)
    env = {k: v for k, v in kernel.env.items() if k != "DATABASE_URL"}
    result = type(kernel)(env=env).run(part4.EXPERIMENT, check=False, timeout_s=30)
    assert result.exit_code != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_both_services_embed_the_same_migration():
    go, rust = part4.migration_files()
    assert go.read_bytes() == rust.read_bytes()


# -- Schemathesis: requests generated from the description ----------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_schemathesis_finds_no_deviation(cluster: postgres.Cluster, language: str, record_property):
    database = f"fuzz_{language}"
    url = cluster.create_database(database)
    with _kernel(language).serve(part4.EXPERIMENT, env={"DATABASE_URL": url}) as server:
        run = part4.schemathesis(f"http://127.0.0.1:{server.port}")
    record_property("schemathesis_generated", run.generated)
    record_property("schemathesis_passed", run.passed)
    assert run.exit_code == 0, run.output[-4000:]
    assert run.generated > 0 and run.passed == run.generated
    cluster.drop_database(database)


def test_schemathesis_is_installed():
    finished = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--version"], capture_output=True, text=True
    )
    assert re.search(r"\d+\.\d+", finished.stdout + finished.stderr)
