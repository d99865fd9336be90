"""Experiment 2: JSON throughput of the two standard choices, Go's encoding/json (and v2 where
this Go has it) and Rust's serde_json, on one deterministic payload of orders."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from gorust import stats
from gorust.experiments import experiment
from gorust.kernels import GoKernel, KernelError
from gorust.part7 import journal
from gorust.part7.common import CHAPTER, JSON_EXPERIMENT, SplitMix64, provenance_of
from gorust.profile import Profile, current_profile
from gorust.runs import interleaved

GO_JSON_V1 = "encoding/json"
GO_JSON_V2 = "encoding/json/v2"
GO_JSON_V1_ON_V2 = "encoding/json (GOEXPERIMENT=jsonv2)"
JSON_OPERATIONS = ("decode typed", "encode typed", "decode untyped")

# -- The payload -------------------------------------------------------------------------------
_FIRST = ("Ada", "Björn", "Chloé", "Dmitri", "Eun-ji", "Farah", "Giulia", "Hiro", "Ines", "Jonas")
_LAST = ("Okafor", "Müller", "García", "Nakamura", "Smith", "Novák", "Haddad", "Svensson", "Rossi")
_CITIES = (
    ("Lyon", "FR"),
    ("Köln", "DE"),
    ("東京", "JP"),
    ("São Paulo", "BR"),
    ("Kraków", "PL"),
    ("Austin", "US"),
    ("Zürich", "CH"),
)
_PRODUCTS = (
    "USB-C cable, 2 m",
    "Espresso beans 1 kg",
    "Wool socks (3 pairs)",
    "Noise-cancelling headphones",
    "Café table — oak",
    'Notebook, dotted "A5"',
    "Back\\slash sticker",
)
_STATUSES = ("pending", "paid", "shipped", "delivered", "refunded")
_TAGS = ("gift", "express", "fragile", "b2b", "first-order", "promo")
_STREETS = ("Rue de la République", "Hauptstraße", "Main Street", "Calle Mayor", "ul. Długa")


def _price(rng: SplitMix64, low: int, high: int) -> float:
    """A price with a non-zero cent part, so every JSON encoder writes it the same way."""
    cents = low * 100 + rng.below((high - low) * 100)
    if cents % 100 == 0:
        cents += 1
    return cents / 100


def _coordinate(rng: SplitMix64, limit: int) -> float:
    """A coordinate with six decimals, at least 1 in size (no exponent in any encoder)."""
    value = 1 + rng.below((limit - 1) * 1_000_000) / 1_000_000
    return round(-value if rng.below(2) else value, 6)


def _order(rng: SplitMix64, number: int) -> dict:
    """One order of the page. The draws happen in this order, which fixes the payload: the
    dictionary below is evaluated top to bottom."""
    first, last = rng.pick(_FIRST), rng.pick(_LAST)
    city, country = _CITIES[rng.below(len(_CITIES))]
    items = [
        {
            "sku": f"SKU-{rng.below(100_000):05d}",
            "name": rng.pick(_PRODUCTS),
            "quantity": 1 + rng.below(5),
            "unit_price": _price(rng, 1, 400),
        }
        for _ in range(1 + rng.below(6))
    ]
    note = None if rng.below(3) else f'Leave at the door.\nCall {first} on arrival — "ring twice".'
    return {
        "id": 1_000_000 + number * 37 + rng.below(37),
        "status": rng.pick(_STATUSES),
        "created_at": f"2025-{1 + rng.below(12):02d}-{1 + rng.below(28):02d}T"
        f"{rng.below(24):02d}:{rng.below(60):02d}:{rng.below(60):02d}Z",
        "customer": {
            "id": 10_000 + rng.below(90_000),
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}@example.com",
            "loyalty_points": rng.below(20_000),
            "vip": rng.below(5) == 0,
        },
        "items": items,
        "shipping": {
            "street": f"{1 + rng.below(200)} {rng.pick(_STREETS)}",
            "city": city,
            "postcode": f"{rng.below(100_000):05d}",
            "country": country,
            "lat": _coordinate(rng, 60),
            "lon": _coordinate(rng, 150),
        },
        "note": note,
        "paid": rng.below(4) != 0,
        "total": _price(rng, 5, 2_000),
        "tags": sorted({rng.pick(_TAGS) for _ in range(rng.below(4))}),
    }


def make_payload(orders: int = 24, seed: int = 7) -> bytes:
    """The JSON payload both programs decode and encode: a page of orders, as an API would
    return it; compact, fields in declaration order, so that a faithful re-encoding is
    byte-identical in every encoder (prices are never whole numbers, no HTML characters)."""
    rng = SplitMix64(seed)
    page_orders = [_order(rng, number) for number in range(orders)]
    page = {"page": 3, "per_page": orders, "total": 1_234, "orders": page_orders}
    return json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _depth(value: object) -> int:
    """How deeply objects and arrays nest in a decoded JSON value."""
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def payload_facts(payload: bytes) -> str:
    decoded = json.loads(payload)
    items = sum(len(order["items"]) for order in decoded["orders"])
    return (
        f"{len(payload):,} bytes of compact UTF-8 JSON\n"
        f"{len(decoded['orders'])} orders, {items} line items, objects and arrays nested "
        f"{_depth(decoded)} deep\n"
        f"sha256 {hashlib.sha256(payload).hexdigest()[:32]}…"
    )


# -- The measurement ---------------------------------------------------------------------------
def _jsonv2_kernel() -> GoKernel | None:
    """A Go kernel that builds with GOEXPERIMENT=jsonv2, or None where this Go lacks it."""
    kernel = GoKernel(env={**os.environ, "GOEXPERIMENT": "jsonv2", "GOTOOLCHAIN": "local"})
    try:
        kernel.build(JSON_EXPERIMENT, features=["jsonv2"])
    except KernelError:
        return None
    journal.note_jsonv2_build(kernel.toolchain().version)
    return kernel


@experiment(CHAPTER, programs=(JSON_EXPERIMENT,))
def json_throughput(profile: Profile | None = None) -> pd.DataFrame:
    """ns per decode/encode of the payload: encoding/json (and v2 where Go has it), serde_json."""
    profile = profile or current_profile()
    args_base = ["--samples", profile.pick(quick=5, full=10)]
    args_base += ["--target-ms", profile.pick(quick=20, full=50)]
    with tempfile.TemporaryDirectory(prefix="gorust-part7-json-") as folder:
        payload = Path(folder) / "payload.json"
        payload.write_bytes(make_payload())
        journal.note_payload(folder)
        args = ["--payload", str(payload), *args_base]
        frame = interleaved(JSON_EXPERIMENT, args, rounds=profile.repetitions)
        v2 = _jsonv2_kernel()
        if v2 is not None:
            extra = []
            for round_number in range(profile.repetitions):
                run = v2.run(JSON_EXPERIMENT, args, features=["jsonv2"]).frame
                run["round"] = round_number
                extra.append(run)
            frame = pd.concat([frame, *extra], ignore_index=True)
    return frame


# -- What the page shows -----------------------------------------------------------------------
def json_checks(frame: pd.DataFrame) -> str:
    """Did every library decode the payload and re-encode it byte for byte? (deterministic)"""
    checks = frame[frame.get("check").eq("round trip")] if "check" in frame else frame.iloc[0:0]
    lines = []
    for api, group in checks.groupby("api", sort=False):
        identical = bool(group.identical.astype(bool).all())
        lines.append(
            f"{api}\n  {int(group.orders.iloc[0])} orders decoded, re-encoded "
            f"{'byte for byte identical' if identical else 'DIFFERENTLY'} "
            f"({int(group.encoded_bytes.iloc[0]):,} bytes)"
        )
    return "\n".join(lines)


def json_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per library and operation: median MB/s and ns/op, quartiles, and each Go library's ratio
    to serde_json (serde_json's MB/s ÷ Go's: above 1, serde_json is faster)."""
    timed = frame[frame.operation.notna()].copy()
    timed["mb_per_s"] = timed.bytes / timed.ns_per_op * 1e3
    rows = []
    for (api, operation), group in timed.groupby(["api", "operation"], sort=False):
        serde = timed[(timed.api == "serde_json") & (timed.operation == operation)]
        if api == "serde_json":
            ratio = stats.Ratio(1.0, float("nan"), float("nan"))
        else:
            ratio = stats.ratio_of_medians(group.ns_per_op, serde.ns_per_op)
        rows.append(
            {
                "language": group.language.iloc[0],
                "api": api,
                "operation": operation,
                "mb_per_s": group.mb_per_s.median(),
                "q1": group.mb_per_s.quantile(0.25),
                "q3": group.mb_per_s.quantile(0.75),
                "ns_per_op": group.ns_per_op.median(),
                "serde_speedup": ratio.value,
                "speedup_low": ratio.low,
                "speedup_high": ratio.high,
                "samples": len(group),
                **provenance_of(group),
            }
        )
    return pd.DataFrame(rows)


def json_table(summary: pd.DataFrame) -> pd.DataFrame:
    columns = ["api", "operation", "mb_per_s", "ns_per_op", "serde_speedup"]
    return summary[[*columns, "speedup_low", "speedup_high", "samples"]].round(
        {"mb_per_s": 0, "ns_per_op": 0, "serde_speedup": 2, "speedup_low": 2, "speedup_high": 2}
    )


def json_ratio(frame: pd.DataFrame, slower: str, faster: str, operation: str) -> stats.Ratio:
    """median ns of ``slower`` ÷ median ns of ``faster`` for one operation (above 1: the
    second is faster), with its bootstrap interval."""
    timed = frame[frame.operation == operation]
    return stats.ratio_of_medians(
        timed[timed.api == slower].ns_per_op, timed[timed.api == faster].ns_per_op
    )


def speed_words(ratio: stats.Ratio) -> str:
    """serde_json against a Go library, in words that commit only where the interval does."""
    if ratio.within(0.9, 1.1):
        return "about as fast"
    if ratio.above(1.1):
        return f"{ratio.value:.1f}× faster ({ratio.interval}: {ratio.low:.1f}–{ratio.high:.1f})"
    if ratio.below(0.9):
        low, high = 1 / ratio.high, 1 / ratio.low
        return f"{1 / ratio.value:.1f}× slower ({ratio.interval}: {low:.1f}–{high:.1f})"
    return "inconclusive here"


def json_notes(frame: pd.DataFrame) -> Markdown:
    """The comparisons the chart shows, in words that commit only where the intervals do."""
    apis = set(frame.api.dropna())
    pairs = [("serde_json", GO_JSON_V1, "against Go's `encoding/json`")]
    if GO_JSON_V2 in apis:
        pairs.append((GO_JSON_V2, GO_JSON_V1, "against `encoding/json`, from the same Go"))
    if GO_JSON_V1_ON_V2 in apis:
        pairs.append((GO_JSON_V1_ON_V2, GO_JSON_V1, "against the same API without the experiment"))
    lines = []
    for candidate, baseline, context in pairs:
        parts = [
            f"{operation}: {speed_words(json_ratio(frame, baseline, candidate, operation))}"
            for operation in JSON_OPERATIONS
        ]
        lines.append(f"- **`{candidate}`** {context} — " + "; ".join(parts) + ".")
    return Markdown("\n".join(lines))
