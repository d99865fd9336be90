"""Part 7's Experiment 4: the word count built for the browser by Go (js/wasm) and Rust
(wasm32-unknown-unknown), run in real headless Chromium, and the rule that judges “the king of
WebAssembly” on what the browser measured, made to flip each way."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from gorust import GoKernel, RustKernel, part7
from gorust.part7 import browser_builds, browser_runs, facts, rules
from gorust.profile import Profile
from tests.conftest import chart_runs, has_rows, table, verdict_word

QUICK = Profile("quick")


def python_count(text: bytes) -> dict[str, object]:
    """The answer, counted by Python: the check that neither module can share a bug with."""
    words = text.decode("utf-8").split()
    counts = Counter(words)
    top_word, top_count = min(counts.items(), key=lambda item: (-item[1], item[0]))
    return {
        "bytes": len(text),
        "lines": text.count(b"\n"),
        "words": len(words),
        "distinct": len(counts),
        "top_word": top_word,
        "top_count": top_count,
    }


# -- The experiment, live in Chromium ----------------------------------------------------------
@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[pd.DataFrame, Path]]:
    """The experiment run once, live and quick, its results in a folder of its own."""
    from gorust import paths

    results = tmp_path_factory.mktemp("browser-results")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(paths.RESULTS_VARIABLE, str(results))
        patch.setenv("GVR_MODE", "live")
        yield browser_runs.browser_wasm(QUICK), results


def test_both_modules_give_python_s_answer_on_every_page(live) -> None:
    runs, _ = live
    assert sorted(runs.language.unique()) == ["go", "rust"]
    assert (runs.groupby("language").size() == QUICK.repetitions).all()
    expected = python_count(part7.make_text(float(runs.input_mb.iloc[0])))
    for _, page in runs.iterrows():
        assert {name: page[name] for name in expected} == expected, page.language
    assert part7.browser_agreement(runs).startswith("Every page, Go's and Rust's, gives the same")


def test_the_measured_fields_are_sane(live) -> None:
    runs, _ = live
    for column in ("compile_ms", "instantiate_ms", "first_call_ms", "call_ms"):
        assert ((runs[column] >= 0) & runs[column].map(math.isfinite)).all(), column
    assert (runs.first_call_ms > 0).all() and (runs.call_ms > 0).all()
    assert (runs.calls == 3).all()
    assert (runs.memory_bytes % 65536 == 0).all() and (runs.memory_bytes > 0).all()
    assert (runs.gzip_bytes < runs.stripped_bytes).all()
    assert (runs.stripped_bytes <= runs.plain_bytes).all()
    by = runs.drop_duplicates("language").set_index("language")
    assert by.loc["go", "support_js_bytes"] > by.loc["go", "support_js_gzip_bytes"] > 0
    assert by.loc["rust", "support_js_bytes"] == 0
    assert by.loc["go", "target"] == "js/wasm"
    assert by.loc["rust", "target"] == "wasm32-unknown-unknown"
    assert runs.browser.str.startswith("Chromium ").all()


def test_the_experiment_saves_its_table_and_the_commands_that_rerun_it(live) -> None:
    runs, results = live
    saved = pd.read_csv(results / "part7" / "browser_wasm.csv")
    assert len(saved) == len(runs)
    commands = pd.read_csv(results / "part7" / "browser_wasm.commands.csv")
    lines = "\n".join(commands.line)
    assert "GOOS=js GOARCH=wasm go -C code/go build" in lines
    assert "--target wasm32-unknown-unknown" in lines and "--crate-type cdylib" in lines
    assert "browser_runs.print_runs(" in lines


# -- The modules, without a browser ------------------------------------------------------------
def _rust_exports() -> tuple[object, dict]:
    import wasmtime

    module = browser_builds.build_rust_module()
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, module.stripped), [])
    return store, instance.exports(store)


def _rust_count(store, exports, text: bytes) -> tuple[int, list[int]]:
    memory = exports["memory"]
    pointer, out = exports["alloc"](store, len(text)), exports["alloc"](store, 28)
    memory.write(store, text, pointer)
    status = exports["word_count"](store, pointer, len(text), out)
    found = memory.read(store, out, out + 28)
    exports["dealloc"](store, out, 28)
    exports["dealloc"](store, pointer, len(text))
    return status, [int.from_bytes(found[i : i + 4], "little") for i in range(0, 28, 4)]


def test_the_rust_module_exports_a_c_interface_that_counts_and_refuses_bad_utf8() -> None:
    store, exports = _rust_exports()
    text = b"b a b\nc  b a\n"
    status, numbers = _rust_count(store, exports, text)
    assert status == 0
    bytes_, lines, words, distinct, top_count, offset, length = numbers
    assert (bytes_, lines, words, distinct, top_count) == (len(text), 2, 6, 3, 3)
    assert text[offset : offset + length] == b"b"
    assert _rust_count(store, exports, b"ok \xff\xfe")[0] == 1


def test_the_go_module_needs_go_s_support_script() -> None:
    module = browser_builds.build_go_module()
    assert module.support_js is not None and module.support_js.name == "wasm_exec.js"
    assert "globalThis.Go" in module.support_js.read_text(encoding="utf-8")
    assert module.sizes()["stripped_bytes"] > 1_000_000  # the Go runtime comes with it


@pytest.mark.parametrize("kernel_class", [GoKernel, RustKernel], ids=["go", "rust"])
def test_the_native_programs_count_the_same_text_alike(kernel_class, tmp_path: Path) -> None:
    text = part7.make_text(0.05)
    (tmp_path / "input.txt").write_bytes(text)
    run = kernel_class().run(part7.WASM_BROWSER, [str(tmp_path / "input.txt")])
    record = run.records[0]
    assert {name: record[name] for name in python_count(text)} == python_count(text)


# -- The rule, on synthetic pages --------------------------------------------------------------
ANSWER = {"bytes": 10, "lines": 1, "words": 2, "distinct": 2, "top_word": "a", "top_count": 1}


def _page(language: str, repetition: int, kb: float, total_ms: float, call_ms: float) -> dict:
    """One page: ``kb`` downloaded, ``total_ms`` to the first answer, later calls ``call_ms``."""
    return {
        "language": language,
        "repetition": repetition,
        "plain_bytes": kb * 2000,
        "stripped_bytes": kb * 3000,
        "gzip_bytes": kb * 1000,
        "support_js_bytes": 0,
        "support_js_gzip_bytes": 0,
        "compile_ms": total_ms / 2,
        "instantiate_ms": total_ms / 4,
        "first_call_ms": total_ms / 4,
        "call_ms": call_ms,
        "calls": 3,
        "memory_bytes": 65536 * 40,
        "input_mb": 1,
        **ANSWER,
        "profile": "quick",
        "cpu": "test",
        "cores": 2,
        "commit": "c",
        "measured_at": "2026-01-01",
    }


def pages(
    *,
    go_kb: float = 580,
    rust_kb: float = 12,
    go_ms: float = 300,
    rust_ms: float = 100,
    go_call: float = 70,
    rust_call: float = 35,
) -> dict[str, pd.DataFrame]:
    """Three pages per language, each one's times spread ±5 % around the given ones."""
    sides = (("go", go_kb, go_ms, go_call), ("rust", rust_kb, rust_ms, rust_call))
    rows = [
        _page(language, repetition, kb, total * spread, call * spread)
        for language, kb, total, call in sides
        for repetition, spread in enumerate((0.95, 1.0, 1.05))
    ]
    return {"browser_wasm": pd.DataFrame(rows)}


def test_wasm_browser_flips() -> None:
    """Holds when Rust downloads less and is not slower; does not hold the other way round;
    inconclusive when mixed or the same size."""
    assert verdict_word(rules.wasm_browser, pages()) == "holds"
    same_speed = pages(rust_ms=300, rust_call=70)
    assert verdict_word(rules.wasm_browser, same_speed) == "holds"
    assert "no difference beyond noise" in rules.wasm_browser(same_speed).verdict
    reversed_ = pages(go_kb=12, rust_kb=580, go_ms=100, rust_ms=300, go_call=35, rust_call=70)
    assert verdict_word(rules.wasm_browser, reversed_) == "does not hold"
    assert "Go's page downloads" in rules.wasm_browser(reversed_).verdict
    slower_rust = pages(rust_ms=900)
    assert verdict_word(rules.wasm_browser, slower_rust) == "inconclusive here"
    slower_calls = pages(rust_ms=300, rust_call=200)
    assert verdict_word(rules.wasm_browser, slower_calls) == "inconclusive here"
    same_size = pages(rust_kb=560)
    assert verdict_word(rules.wasm_browser, same_size) == "inconclusive here"


def test_the_browser_facts_follow_the_tables() -> None:
    values = facts.browser_facts(pages())
    assert values["part7.browser_download_ratio"] == "48.3×"
    assert values["part7.browser_first_answer"] == "to the first answer, Rust 3.0× faster"
    slower = facts.browser_facts(pages(rust_call=140))
    assert slower["part7.browser_later_calls"] == "on later calls, Go 2.0× faster"


def test_a_disagreeing_page_is_reported() -> None:
    runs = pages()["browser_wasm"]
    runs.loc[0, "words"] = 3
    assert part7.browser_agreement(runs).startswith("The pages DISAGREE")


def test_the_chart_draws_the_reference_beside_this_machine() -> None:
    runs = pages()["browser_wasm"]
    alone = part7.browser_chart(runs)
    has_rows(alone)
    assert chart_runs(alone) == {"this machine"}
    beside = part7.browser_chart(runs, reference=runs.assign(profile="full"))
    assert chart_runs(beside) == {"this machine", "reference"}
    assert '"field": "Run"' in json.dumps(beside.to_dict())


# -- Replayed ----------------------------------------------------------------------------------
def test_the_browser_experiment_replays_the_recorded_pages(replaying: Path) -> None:
    runs = part7.browser_wasm()
    pd.testing.assert_frame_equal(runs, table("part7", "browser_wasm"))
    assert part7.browser_agreement(runs).startswith("Every page, Go's and Rust's, gives the same")
    assert part7.browser_table(runs).shape[0] == 2
    assert chart_runs(part7.browser_chart(runs)) == {"this machine"}
