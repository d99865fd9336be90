"""Experiment 1, first half: the same HTTP+JSON service on Go's standard library and on Rust's
usual crates, both put through one script of requests against a stub rate service."""

from __future__ import annotations

import http.client
import json
import re
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd

from gorust import charts, provenance
from gorust.experiments import experiment
from gorust.part7 import journal
from gorust.part7.common import CHAPTER, SERVICE
from gorust.runs import kernels

# US dollars per unit of each currency, in basis points; "ERR" makes the stub fail.
RATES_BP = {"EUR": 10_850, "GBP": 12_700, "JPY": 67}


class _RateHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        match = re.fullmatch(r"/rates/([A-Za-z]{3})", self.path)
        code = match.group(1) if match else ""
        if code == "ERR":
            status, body = 500, {"error": "the rate feed is down"}
        elif code in RATES_BP:
            status, body = 200, {"currency": code, "usd_per_unit_bp": RATES_BP[code]}
        else:
            status, body = 404, {"error": "no such currency"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        del format, args  # quiet: the chapter prints what matters


@contextmanager
def rate_stub() -> Iterator[str]:
    """A tiny exchange-rate service on a free loopback port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RateHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass(frozen=True)
class Call:
    label: str
    method: str
    path: str
    body: str | None = None


_EUR_BASKET = {
    "currency": "EUR",
    "items": [
        {"sku": "A-1", "quantity": 2, "unit_price_cents": 1250},
        {"sku": "B-7", "quantity": 1, "unit_price_cents": 999},
    ],
}
_JPY_BASKET = {
    "currency": "JPY",
    "items": [{"sku": "C-3", "quantity": 3, "unit_price_cents": 5000}],
}

# The script both services are put through, in order, each against a fresh server.
SERVICE_SCRIPT = (
    Call("health check", "GET", "/healthz"),
    Call("create a quote in EUR", "POST", "/quotes", json.dumps(_EUR_BASKET)),
    Call("read it back", "GET", "/quotes/1"),
    Call("create a quote in JPY", "POST", "/quotes", json.dumps(_JPY_BASKET)),
    Call("unknown quote", "GET", "/quotes/99"),
    Call("id that is not a number", "GET", "/quotes/abc"),
    Call("malformed JSON", "POST", "/quotes", '{"currency": "EUR", "items": ['),
    Call("field of the wrong type", "POST", "/quotes", '{"currency": "EUR", "items": "many"}'),
    Call("empty basket", "POST", "/quotes", '{"currency": "EUR", "items": []}'),
    Call(
        "currency the rate service lacks",
        "POST",
        "/quotes",
        json.dumps({**_EUR_BASKET, "currency": "XYZ"}),
    ),
    Call("rate service fails", "POST", "/quotes", json.dumps({**_EUR_BASKET, "currency": "ERR"})),
    Call("method not allowed", "DELETE", "/quotes/1"),
)


def serve_rates(port: int) -> None:
    """The rate stub on ``port``, until interrupted: the pasted lines' stand-in for the one
    the experiment runs inside the notebook."""
    with ThreadingHTTPServer(("127.0.0.1", port), _RateHandler) as server:
        server.serve_forever()


def print_script(port: int) -> None:
    """Put the service listening on ``port`` through the script, one JSON line per request,
    as the table's rows have them."""
    for step, call in enumerate(SERVICE_SCRIPT):
        status, body = _call(port, call)
        print(
            json.dumps({"step": step, "call": call.label, "status": status, "body": body.strip()})
        )


def _note_lines(rates_url: str) -> tuple[str, str]:
    """The pasted lines around the services' runs: start the stub where the runs look for it
    (in the background), and, once a service printed its port, send it the script."""
    port = rates_url.rsplit(":", 1)[1]
    stub = f"from gorust.part7 import service; service.serve_rates({port})"
    script = "import sys; from gorust.part7 import service; service.print_script(int(sys.argv[1]))"
    return (
        f"{journal.python_line(stub)} &",
        f'{journal.python_line(script)} "$PORT"  # PORT: the port the service printed',
    )


def _call(port: int, call: Call) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/json"} if call.body is not None else {}
        connection.request(call.method, call.path, body=call.body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@experiment(CHAPTER, programs=(SERVICE,))
def service_check() -> pd.DataFrame:
    """Both services, each started fresh, through the same script against the same rate stub.

    Replayed, the recorded answers (an empty body reads back as NaN, which the reports below
    treat as empty)."""
    rows = []
    with rate_stub() as rates_url:
        stub_line, script_line = _note_lines(rates_url)
        journal.note("python", "", SERVICE, stub_line)
        for kernel in kernels():
            with kernel.serve(SERVICE, ["--rates-url", rates_url]) as server:
                for step, call in enumerate(SERVICE_SCRIPT):
                    status, body = _call(server.port, call)
                    rows.append(
                        {
                            "language": kernel.language,
                            "toolchain": kernel.toolchain().version,
                            "step": step,
                            "call": call.label,
                            "request": f"{call.method} {call.path}",
                            "status": status,
                            "body": body.strip(),
                        }
                    )
        journal.note("python", "", SERVICE, script_line)
    frame = pd.DataFrame(rows)
    for name, value in provenance.host().items():
        frame[name] = value
    return frame


def _parsed(body: object) -> object:
    if not isinstance(body, str):
        return None  # an empty body, read back from CSV
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        return None


def _bodies(go_status: int, go_body: object, rust_body: object) -> str:
    """How the two bodies of one step compare: all of a success, the shape of an error."""
    if go_status < 300:
        return "identical JSON" if go_body == rust_body and go_body else "differ"
    if isinstance(go_body, dict) and isinstance(rust_body, dict):
        same_shape = set(go_body) == set(rust_body) == {"error"}
        return "both {error: …}" if same_shape else "differ in shape"
    return "not JSON (router's own reply)"


def service_agreement(frame: pd.DataFrame) -> pd.DataFrame:
    """Per step: both statuses, and whether the two bodies agree (all of a success; the shape,
    {"error": …}, of a JSON error)."""
    rows = []
    for step, group in frame.groupby("step", sort=True):
        by = group.set_index("language")
        go_status, rust_status = int(by.loc["go", "status"]), int(by.loc["rust", "status"])
        go_body, rust_body = _parsed(by.loc["go", "body"]), _parsed(by.loc["rust", "body"])
        rows.append(
            {
                "step": step,
                "call": by.loc["go", "call"],
                "request": by.loc["go", "request"],
                "go": go_status,
                "rust": rust_status,
                "same_status": go_status == rust_status,
                "bodies": _bodies(go_status, go_body, rust_body),
            }
        )
    return pd.DataFrame(rows)


_BODY_WORDS = {
    "identical JSON": "same JSON",
    "differ": "DIFFERENT",
    "both {error: …}": '{"error": …}',
    "differ in shape": "DIFFERENT SHAPES",
    "not JSON (router's own reply)": "router's text",
}


def service_report(frame: pd.DataFrame) -> str:
    """The script's outcome in words (deterministic: statuses and agreement only)."""
    agreement = service_agreement(frame)
    width = max(len(row.call) for row in agreement.itertuples()) + 2
    lines = [f"  {'':<{width}}{'Go':<5}{'Rust':<6}bodies"]
    for row in agreement.itertuples():
        words = _BODY_WORDS[row.bodies]
        lines += [row.request, f"  {row.call:<{width}}{row.go:<5}{row.rust:<6}{words}"]
    created = _parsed(frame[(frame.language == "go") & (frame.step == 1)].body.iloc[0])
    same = bool(agreement.same_status.all())
    shown = textwrap.wrap(json.dumps(created), width=74)
    lines += [
        "",
        "The first quote, as both returned it:",
        *(f"  {line}" for line in shown),
        f"Same status for every request: {'yes' if same else 'NO'}",
    ]
    return "\n".join(lines)


def error_messages(frame: pd.DataFrame) -> str:
    """What each service said for every failed request (messages are each library's own)."""
    lines = []
    for step, group in frame[frame.status >= 400].groupby("step", sort=True):
        del step
        lines.append(f"{group.request.iloc[0]} ({group.call.iloc[0]})")
        for row in group.itertuples():
            name = charts.LANGUAGE_NAMES[row.language]
            body = row.body if isinstance(row.body, str) and row.body else "(empty body)"
            lines.append(f"  {name + ':':<6}{row.status} {body}")
    return "\n".join(lines)
