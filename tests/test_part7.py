"""Part 7's pure helpers: the shared generator, the payload, the WebAssembly section parser and
stripper, the line counter and the service-script comparison."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gorust import part7, stats


def _section(section_id: int, body: bytes) -> bytes:
    assert len(body) < 128  # one-byte LEB128 sizes are enough for these tests
    return bytes([section_id, len(body)]) + body


def _custom(name: str, payload: bytes) -> bytes:
    return _section(0, bytes([len(name)]) + name.encode() + payload)


HEADER = b"\0asm\x01\0\0\0"
TYPE_SECTION = _section(1, b"\x01\x60\x00\x00")  # one type: [] -> []


def test_splitmix64_matches_the_go_and_rust_twins():
    rng = part7.SplitMix64(1_234_567)
    assert [rng.next() for _ in range(3)] == [
        6_457_827_717_110_365_317,
        3_203_168_211_198_807_973,
        9_817_491_932_198_370_423,
    ]


def test_payload_is_deterministic_compact_and_round_trips():
    payload = part7.make_payload()
    assert payload == part7.make_payload()
    decoded = json.loads(payload)
    assert len(decoded["orders"]) == 24
    # Compact, in field order: Python's own re-encoding gives the same bytes back.
    again = json.dumps(decoded, ensure_ascii=False, separators=(",", ":")).encode()
    assert again == payload
    # What Go's encoder would write differently is absent: HTML characters, whole floats.
    assert not any(char in payload for char in b"<>&")
    prices = [item["unit_price"] for order in decoded["orders"] for item in order["items"]]
    assert all(not float(price).is_integer() for price in prices)


def test_text_is_deterministic_ascii_words():
    text = part7.make_text(0.05)
    assert text == part7.make_text(0.05)
    assert len(text) >= 50_000
    assert set(text) <= set(b"abcdefghijklmnopqrstuvwxyz \n")


def test_wasm_sections_names_custom_sections():
    module = HEADER + TYPE_SECTION + _custom("name", b"\x01\x02") + _custom("producers", b"")
    sections = part7.wasm_sections(module)
    assert [(section_id, name) for section_id, name, _ in sections] == [
        (1, ""),
        (0, "name"),
        (0, "producers"),
    ]
    assert sum(size for _, _, size in sections) == len(module) - len(HEADER)


def test_strip_removes_only_custom_sections():
    module = HEADER + _custom("go:buildid", b"xyz") + TYPE_SECTION + _custom(".debug_info", b"?")
    stripped = part7.strip_custom_sections(module)
    assert stripped == HEADER + TYPE_SECTION
    assert part7.strip_custom_sections(stripped) == stripped


def test_strip_rejects_what_is_not_wasm():
    with pytest.raises(ValueError):
        part7.strip_custom_sections(b"\x7fELF....")


def test_source_lines_skip_blanks_and_comments(tmp_path):
    source = tmp_path / "main.go"
    source.write_text("// Package main.\npackage main\n\n  // note\nfunc main() {}\n")
    assert part7.source_lines(source) == 2


def _script_frame(rust_status: int, rust_body: str) -> pd.DataFrame:
    rows = []
    for language, status, body in (
        ("go", 201, '{"id":1}'),
        ("rust", rust_status, rust_body),
    ):
        rows.append(
            {
                "language": language,
                "step": 0,
                "call": "create",
                "request": "POST /quotes",
                "status": status,
                "body": body,
            }
        )
    return pd.DataFrame(rows)


def test_service_agreement_compares_statuses_and_success_bodies():
    same = part7.service_agreement(_script_frame(201, '{ "id": 1 }'))
    assert bool(same.same_status.iloc[0]) and same.bodies.iloc[0] == "identical JSON"
    different = part7.service_agreement(_script_frame(201, '{"id": 2}'))
    assert different.bodies.iloc[0] == "differ"
    failed = part7.service_agreement(_script_frame(500, "oops"))
    assert not bool(failed.same_status.iloc[0])


def test_speed_words_commit_only_where_the_interval_does():
    assert part7._speed_words(stats.Ratio(3.0, 2.8, 3.2)).startswith("3.0× faster")
    assert part7._speed_words(stats.Ratio(0.5, 0.45, 0.55)).startswith("2.0× slower")
    assert part7._speed_words(stats.Ratio(1.0, 0.95, 1.05)) == "about as fast"
    assert part7._speed_words(stats.Ratio(1.2, 0.8, 1.6)) == "inconclusive here"
