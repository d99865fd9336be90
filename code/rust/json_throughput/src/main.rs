//! Decodes and encodes one JSON payload (a page of orders, written by the course in Python so
//! that both languages read the same bytes) with serde_json, and reports nanoseconds per
//! operation.

use std::hint::black_box;
use std::time::Duration;

use measure::{emit, json, ns_per_op, Flags};
use serde::{Deserialize, Serialize};

/// One page of an orders listing, as an API would return it.
#[derive(Serialize, Deserialize)]
struct Page {
    page: i64,
    per_page: i64,
    total: i64,
    orders: Vec<Order>,
}

/// One order with its customer, lines and shipping address.
#[derive(Serialize, Deserialize)]
struct Order {
    id: i64,
    status: String,
    created_at: String,
    customer: Customer,
    items: Vec<LineItem>,
    shipping: Address,
    note: Option<String>,
    paid: bool,
    total: f64,
    tags: Vec<String>,
}

// excerpt-start: structs
/// Who placed the order.
#[derive(Serialize, Deserialize)]
struct Customer {
    id: i64,
    name: String,
    email: String,
    loyalty_points: i64,
    vip: bool,
}

/// One line of an order.
#[derive(Serialize, Deserialize)]
struct LineItem {
    sku: String,
    name: String,
    quantity: i64,
    unit_price: f64,
}
// excerpt-end: structs

/// Where the order goes.
#[derive(Serialize, Deserialize)]
struct Address {
    street: String,
    city: String,
    postcode: String,
    country: String,
    lat: f64,
    lon: f64,
}

const API: &str = "serde_json";

/// Keeps a timed operation's result alive (black_box), or its error for the caller to report.
fn keep<T>(result: Result<T, serde_json::Error>, failure: &mut Option<String>) {
    match result {
        Ok(value) => {
            black_box(value);
        }
        Err(err) => *failure = Some(err.to_string()),
    }
}

fn main() -> std::process::ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let path: String = flags.get("payload", String::new())?;
        let samples: u32 = flags.get("samples", 5)?;
        let target = Duration::from_millis(flags.get("target-ms", 20)?);

        let data = std::fs::read(&path).map_err(|err| format!("reading the payload: {err}"))?;
        let page: Page = serde_json::from_slice(&data)
            .map_err(|err| format!("{API}: decoding the payload: {err}"))?;
        let encoded = serde_json::to_vec(&page)
            .map_err(|err| format!("{API}: encoding the payload: {err}"))?;
        emit(json!({
            "api": API, "check": "round trip", "orders": page.orders.len(),
            "encoded_bytes": encoded.len(), "identical": encoded == data,
        }));

        // Every operation's input and result go through black_box, so the optimiser can
        // neither hoist the work out of the loop nor drop it (Go keeps its results in
        // package-level sinks for the same reason).
        let mut failure: Option<String> = None;
        for sample in 0..samples {
            let decode_typed = ns_per_op(target, || {
                keep(
                    serde_json::from_slice::<Page>(black_box(&data)),
                    &mut failure,
                );
            });
            let encode_typed = ns_per_op(target, || {
                keep(serde_json::to_vec(black_box(&page)), &mut failure);
            });
            let decode_untyped = ns_per_op(target, || {
                keep(
                    serde_json::from_slice::<serde_json::Value>(black_box(&data)),
                    &mut failure,
                );
            });
            if let Some(message) = failure.take() {
                return Err(format!("{API}: {message}"));
            }
            for (operation, ns) in [
                ("decode typed", decode_typed),
                ("encode typed", encode_typed),
                ("decode untyped", decode_untyped),
            ] {
                emit(json!({
                    "api": API, "operation": operation, "sample": sample,
                    "bytes": data.len(), "ns_per_op": ns,
                }));
            }
        }
        Ok(())
    })
}
