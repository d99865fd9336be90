//! The same pipeline the way much of the ecosystem writes it: `thiserror` derives the error
//! types of the library part, `anyhow` carries any error with added context in the application.

use std::fs;
use std::path::Path;

use anyhow::Context;

use crate::shared::{is_currency_code, Config, Invoice, Store, User};

/// The validation step's typed error.
#[derive(Debug, thiserror::Error)]
#[error("invalid {field}: {problem}")]
pub struct ValidationError {
    pub field: &'static str,
    pub problem: &'static str,
}

/// The store's error: no user has the requested id.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("user {0}: unknown user")]
    UnknownUser(i64),
}

/// The user with the given id.
pub fn lookup(store: &Store, id: i64) -> Result<&User, StoreError> {
    store.get(&id).ok_or(StoreError::UnknownUser(id))
}

fn validate(cfg: &Config) -> Result<(), ValidationError> {
    let invalid = |field, problem| ValidationError { field, problem };
    if cfg.user_id <= 0 {
        return Err(invalid("user_id", "must be a positive number"));
    }
    if !is_currency_code(&cfg.currency) {
        return Err(invalid("currency", "must be three capital letters"));
    }
    if !(1..=10_000).contains(&cfg.limit) {
        return Err(invalid("limit", "must be between 1 and 10000"));
    }
    Ok(())
}

// excerpt-start: pipeline
/// Reads, parses and validates the config file `name` in `dir`.
pub fn load_config(dir: &Path, name: &str) -> anyhow::Result<Config> {
    let text =
        fs::read_to_string(dir.join(name)).with_context(|| format!("reading config {name}"))?;
    let cfg: Config =
        serde_json::from_str(&text).with_context(|| format!("parsing config {name}"))?;
    validate(&cfg).with_context(|| format!("config {name}"))?;
    Ok(cfg)
}

/// The whole pipeline: config file, JSON, validation, store lookup, result.
pub fn build_invoice(dir: &Path, name: &str, store: &Store) -> anyhow::Result<Invoice> {
    let cfg = load_config(dir, name)?;
    let user = lookup(store, cfg.user_id).context("looking up the invoice's user")?;
    Ok(Invoice {
        user: user.name,
        plan: user.plan,
        limit: cfg.limit,
        currency: cfg.currency,
    })
}
// excerpt-end: pipeline
