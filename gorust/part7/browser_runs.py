"""Experiment 4, the runs: both browser modules loaded by one page in real headless Chromium,
served from 127.0.0.1 with the network cut off, and timed by the page itself
(``browser_page.html``): fetch and compile, instantiate, the first call and further calls of
the same function on the same text. Each repetition opens a fresh browser context (empty
caches, so nothing compiled before is reused); the languages alternate."""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import statistics
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from gorust import charts, provenance
from gorust.experiments import experiment
from gorust.kernels import KernelError
from gorust.part7 import journal
from gorust.part7.browser_builds import BrowserModule, build_modules, wasm_exec_js
from gorust.part7.common import CHAPTER, WASM_BROWSER, provenance_of
from gorust.part7.wasm_modules import strip_custom_sections
from gorust.part7.wasm_speed import RESULT_FIELDS, make_text
from gorust.profile import Profile, current_profile

PAGE = Path(__file__).with_name("browser_page.html")
# Debian's Chromium as root, headless, quiet: no sandbox (root), no GPU, no background traffic.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
PAGE_TIMEOUT_MS = 120_000
# The text both modules count, in MB, in either profile; the full profile opens more pages and
# calls more often.
INPUT_MB = 0.5
CHROMIUM_HINT = "Part 7's browser experiment needs Chromium: `apt-get install chromium`."
T = TypeVar("T")


def chromium() -> str:
    """The Chromium executable (Debian's); KernelError with the install line without one."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise KernelError(CHROMIUM_HINT)
    return found


# -- The page and its server -------------------------------------------------------------------
def stage(folder: Path, modules: Sequence[BrowserModule]) -> None:
    """The page, each language's stripped module and Go's support script, into ``folder``
    (which already holds input.txt)."""
    shutil.copyfile(PAGE, folder / "index.html")
    for module in modules:
        (folder / f"{module.language}.wasm").write_bytes(module.stripped)
        if module.support_js is not None:
            shutil.copyfile(module.support_js, folder / module.support_js.name)


class _Handler(SimpleHTTPRequestHandler):
    """Serves the staged folder with WebAssembly's media type (which compileStreaming
    requires), never cached, and without a log line per request."""

    extensions_map = {  # noqa: RUF012  (the base class's own attribute, extended)
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
    }

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` served on a free port of 127.0.0.1 while the block runs; its base URL."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# -- Chromium ----------------------------------------------------------------------------------
def _one_page(browser: Any, url: str) -> dict:
    """Open ``url`` in a fresh context (empty caches) with every request off 127.0.0.1
    refused, and return what the page measured."""
    context = browser.new_context()
    try:
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("http://127.0.0.1:")
                else route.abort()
            ),
        )
        page = context.new_page()
        page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
        found = page.evaluate("() => window.measured")
    finally:
        context.close()
    if "error" in found:
        raise KernelError(f"The browser page failed at {url}: {found['error']}")
    return found


def measure_pages(
    base_url: str, languages: Sequence[str], repetitions: int, calls: int
) -> list[dict]:
    """Every repetition of every language's page, the languages alternating, in one headless
    Chromium: each page's measurements with its language, repetition and the browser."""
    from playwright.sync_api import sync_playwright

    found = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), headless=True, args=list(CHROMIUM_FLAGS)
        )
        try:
            for repetition in range(repetitions):
                order = languages if repetition % 2 == 0 else list(reversed(languages))
                for language in order:
                    page = _one_page(browser, f"{base_url}/?language={language}&calls={calls}")
                    found.append(
                        {
                            "language": language,
                            "repetition": repetition,
                            "browser": f"Chromium {browser.version}",
                            **page,
                        }
                    )
        finally:
            browser.close()
    return found


def off_the_event_loop(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` in a thread of its own: Playwright's synchronous API refuses to run
    where an event loop runs, as in a Jupyter kernel."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work, *args).result()


# -- The experiment ----------------------------------------------------------------------------
def _row(page: dict, module: BrowserModule, sizes: dict[str, int]) -> dict:
    times = page["call_ms"]
    return {
        "language": module.language,
        "toolchain": module.toolchain,
        "target": module.target,
        "repetition": page["repetition"],
        **sizes,
        "compile_ms": page["compile_ms"],
        "instantiate_ms": page["instantiate_ms"],
        "first_call_ms": page["first_call_ms"],
        "call_ms": statistics.median(times) if times else float("nan"),
        "calls": len(times),
        "memory_bytes": page["memory_bytes"],
        **{name: page[name] for name in RESULT_FIELDS},
        "browser": page["browser"],
    }


def note_runs(folder: str, megabytes: float, repetitions: int, calls: int) -> None:
    """The journal's lines for the input and the browser run (the builds note theirs)."""
    text = (
        "import sys; from gorust import part7; "
        f"sys.stdout.buffer.write(part7.make_text({megabytes!r}))"
    )
    journal.note("python", "", WASM_BROWSER, journal.written_input(folder, "input.txt", text))
    code = (
        "import sys; from gorust.part7 import browser_runs; "
        "browser_runs.print_runs(*sys.argv[1:3], int(sys.argv[3]), int(sys.argv[4]))"
    )
    modules = journal.MODULES.as_posix()
    line = journal.python_line(code, modules, folder, repetitions, calls)
    journal.note("chromium", "", WASM_BROWSER, line)


@experiment(CHAPTER, programs=(WASM_BROWSER,))
def browser_wasm(profile: Profile | None = None) -> pd.DataFrame:
    """Both modules built for the browser, then loaded and called in headless Chromium,
    repeated with the languages alternating: sizes, load and call times, and the answers."""
    profile = profile or current_profile()
    megabytes = INPUT_MB  # both profiles: the time to the first answer compares
    calls = profile.pick(quick=3, full=20)
    modules = build_modules()
    sizes = {module.language: module.sizes() for module in modules}
    with tempfile.TemporaryDirectory(prefix="gorust-part7-browser-") as folder:
        (Path(folder) / "input.txt").write_bytes(make_text(megabytes))
        stage(Path(folder), modules)
        note_runs(folder, megabytes, profile.repetitions, calls)
        with served(Path(folder)) as url:
            languages = [module.language for module in modules]
            pages = off_the_event_loop(measure_pages, url, languages, profile.repetitions, calls)
    by_language = {module.language: module for module in modules}
    rows = [_row(p, by_language[p["language"]], sizes[p["language"]]) for p in pages]
    frame = pd.DataFrame(rows).assign(input_mb=megabytes)
    for name, value in provenance.host().items():
        frame[name] = value
    return frame


def print_runs(modules: str, folder: str, repetitions: int, calls: int) -> None:
    """What the journaled line runs: the modules the pasted builds made (``modules``/<language>/
    wasm_browser.wasm) served with ``folder``/input.txt, one JSON line per page."""
    staged = Path(folder)
    shutil.copyfile(PAGE, staged / "index.html")
    shutil.copyfile(wasm_exec_js("go"), staged / "wasm_exec.js")
    for language in ("go", "rust"):
        module = (Path(modules) / language / f"{WASM_BROWSER}.wasm").read_bytes()
        (staged / f"{language}.wasm").write_bytes(strip_custom_sections(module))
    with served(staged) as url:
        for page in measure_pages(url, ["go", "rust"], repetitions, calls):
            print(json.dumps(page))


# -- What the page shows -----------------------------------------------------------------------
# The phases a page times, in order: (column, what the chart and table call it).
PHASES = (
    ("compile_ms", "fetch + compile"),
    ("instantiate_ms", "instantiate (+ Go's runtime start)"),
    ("first_call_ms", "first call"),
    ("call_ms", "later calls (median)"),
)


def with_first_answer(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs with what a visitor waits for: fetch, compile, instantiate and the first call
    (``first_answer_ms``), and what the page downloads, gzipped (``download_bytes``)."""
    return runs.assign(
        first_answer_ms=runs.compile_ms + runs.instantiate_ms + runs.first_call_ms,
        download_bytes=runs.gzip_bytes + runs.support_js_gzip_bytes,
    )


def browser_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per language: the sizes, and the median of each timed phase over the pages."""
    rows = []
    for language, group in with_first_answer(runs).groupby("language", sort=False):
        first = group.iloc[0]
        rows.append(
            {
                "language": language,
                **{
                    name: first[name]
                    for name in ("plain_bytes", "stripped_bytes", "gzip_bytes", "download_bytes")
                },
                **{name: group[name].median() for name, _ in PHASES},
                "first_answer_ms": group.first_answer_ms.median(),
                "memory_bytes": group.memory_bytes.median(),
                "pages": len(group),
                "calls": int(first.calls),
                "input_mb": first.input_mb,
                **provenance_of(group),
            }
        )
    return pd.DataFrame(rows)


def browser_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Sizes and median times per language, as the page shows them."""
    summary = browser_summary(runs)
    table = pd.DataFrame(
        {
            "language": summary.language.map(charts.LANGUAGE_NAMES),
            "module KB as built": summary.plain_bytes / 1e3,
            "module KB stripped": summary.stripped_bytes / 1e3,
            "download KB gzipped": summary.download_bytes / 1e3,
            **{f"{title} ms": summary[name] for name, title in PHASES},
            "to the first answer ms": summary.first_answer_ms,
            "wasm memory MB": summary.memory_bytes / 2**20,
            "pages": summary.pages,
        }
    )
    return table.round(1)


def browser_agreement(runs: pd.DataFrame) -> str:
    """Did every page of both languages give one answer?"""
    answers = runs[list(RESULT_FIELDS)].drop_duplicates()
    if len(answers) == 1:
        answer = answers.iloc[0]
        return "Every page, Go's and Rust's, gives the same answer: yes\n" + "\n".join(
            f"  {name:<10} {answer[name]}" for name in RESULT_FIELDS
        )
    return f"The pages DISAGREE:\n{runs[['language', 'repetition', *RESULT_FIELDS]].to_string()}"
