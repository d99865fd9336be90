//! A small HTTP+JSON service written with Rust's usual crates: tokio (runtime), axum (routing,
//! on hyper), serde and serde_json (bodies), reqwest (one outbound call). It creates price
//! quotes: POST /quotes takes a basket of items and a currency, asks an exchange-rate service
//! for the rate, stores the quote and returns it; GET /quotes/{id} returns a stored quote;
//! GET /healthz says it is up.
//!
//! It listens on a free loopback port, prints {"port": N} on stdout when ready, and stops on
//! SIGTERM. The rate service's address comes from --rates-url.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

/// One line of a basket.
#[derive(Deserialize)]
struct Item {
    sku: String,
    quantity: i64,
    unit_price_cents: i64,
}

/// The body of POST /quotes.
#[derive(Deserialize)]
struct QuoteRequest {
    currency: String,
    items: Vec<Item>,
}

/// What the service stores and returns.
#[derive(Clone, Serialize)]
struct Quote {
    id: u64,
    currency: String,
    items: usize,
    total_cents: i64,
    rate_bp: i64,
    total_usd_cents: i64,
}

/// The exchange-rate service's answer: US dollars per unit of the currency, in basis points
/// (1.0850 is 10850), so that every amount stays an integer.
#[derive(Deserialize)]
struct Rate {
    usd_per_unit_bp: i64,
}

#[derive(Default)]
struct Quotes {
    next_id: u64,
    by_id: HashMap<u64, Quote>,
}

struct AppState {
    rates_url: String,
    client: reqwest::Client,
    quotes: Mutex<Quotes>,
}

type Shared = Arc<AppState>;

/// An error response: a status and {"error": message}.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

enum RateError {
    UnknownCurrency,
    Failed(String),
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn fetch_rate(state: &AppState, currency: &str) -> Result<Rate, RateError> {
    let url = format!("{}/rates/{}", state.rates_url, currency);
    let response = state
        .client
        .get(url)
        .send()
        .await
        .map_err(|err| RateError::Failed(err.to_string()))?;
    match response.status() {
        reqwest::StatusCode::NOT_FOUND => return Err(RateError::UnknownCurrency),
        reqwest::StatusCode::OK => {}
        other => return Err(RateError::Failed(format!("rate service answered {other}"))),
    }
    response
        .json::<Rate>()
        .await
        .map_err(|err| RateError::Failed(format!("reading the rate: {err}")))
}

fn validate(request: &QuoteRequest) -> Result<(), String> {
    if request.currency.len() != 3 {
        return Err("currency must be a three-letter code".to_string());
    }
    if request.items.is_empty() {
        return Err("a quote needs at least one item".to_string());
    }
    for item in &request.items {
        if item.quantity < 1 || item.unit_price_cents < 0 {
            return Err(format!(
                "item {:?}: quantity must be positive and price not negative",
                item.sku
            ));
        }
    }
    Ok(())
}

// excerpt-start: create-quote
async fn create_quote(
    State(state): State<Shared>,
    body: Result<Json<QuoteRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Quote>), ApiError> {
    let Json(request) = body.map_err(|rejection| {
        ApiError(
            StatusCode::BAD_REQUEST,
            format!("invalid JSON body: {}", rejection.body_text()),
        )
    })?;
    validate(&request).map_err(|message| ApiError(StatusCode::UNPROCESSABLE_ENTITY, message))?;
    let rate = fetch_rate(&state, &request.currency)
        .await
        .map_err(|err| match err {
            RateError::UnknownCurrency => ApiError(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("unknown currency {}", request.currency),
            ),
            RateError::Failed(message) => {
                ApiError(StatusCode::BAD_GATEWAY, format!("rate service: {message}"))
            }
        })?;
    let total: i64 = request
        .items
        .iter()
        .map(|item| item.quantity * item.unit_price_cents)
        .sum();
    let mut quotes = state
        .quotes
        .lock()
        .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "poisoned".to_string()))?;
    quotes.next_id += 1;
    let quote = Quote {
        id: quotes.next_id,
        currency: request.currency,
        items: request.items.len(),
        total_cents: total,
        rate_bp: rate.usd_per_unit_bp,
        total_usd_cents: total * rate.usd_per_unit_bp / 10_000,
    };
    quotes.by_id.insert(quote.id, quote.clone());
    Ok((StatusCode::CREATED, Json(quote)))
}
// excerpt-end: create-quote

async fn get_quote(
    State(state): State<Shared>,
    id: Result<Path<u64>, PathRejection>,
) -> Result<Json<Quote>, ApiError> {
    let Path(id) = id.map_err(|_| {
        ApiError(
            StatusCode::BAD_REQUEST,
            "the quote id must be a number".to_string(),
        )
    })?;
    let quotes = state
        .quotes
        .lock()
        .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "poisoned".to_string()))?;
    match quotes.by_id.get(&id) {
        Some(quote) => Ok(Json(quote.clone())),
        None => Err(ApiError(
            StatusCode::NOT_FOUND,
            format!("quote {id} not found"),
        )),
    }
}

fn rates_url_flag() -> Result<String, String> {
    let mut args = std::env::args().skip(1);
    let mut url = "http://127.0.0.1:9".to_string();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rates-url" | "-rates-url" => {
                url = args.next().ok_or("--rates-url needs a value")?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(url)
}

async fn serve() -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .map_err(|err| format!("building the HTTP client: {err}"))?;
    let state = Arc::new(AppState {
        rates_url: rates_url_flag()?,
        client,
        quotes: Mutex::new(Quotes::default()),
    });
    let app = Router::new()
        .route("/healthz", get(health))
        .route("/quotes", post(create_quote))
        .route("/quotes/{id}", get(get_quote))
        .with_state(state);

    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|err| format!("listening on loopback: {err}"))?;
    let port = listener
        .local_addr()
        .map_err(|err| format!("reading the bound address: {err}"))?
        .port();
    println!("{}", serde_json::json!({ "port": port }));

    let mut terminate =
        signal(SignalKind::terminate()).map_err(|err| format!("installing SIGTERM: {err}"))?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            terminate.recv().await;
        })
        .await
        .map_err(|err| format!("serving: {err}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
