//! The pipeline with the standard library only: error enums, `From` conversions and `?`.

use std::error::Error;
use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

use crate::shared::{is_currency_code, Config, Invoice, Store, User};

/// Everything that can go wrong while loading a config file.
#[derive(Debug)]
pub enum ConfigError {
    Read {
        name: String,
        source: io::Error,
    },
    Parse {
        name: String,
        source: serde_json::Error,
    },
    Invalid {
        name: String,
        field: &'static str,
        problem: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ConfigError::Read { name, source } => write!(f, "reading config {name}: {source}"),
            ConfigError::Parse { name, source } => write!(f, "parsing config {name}: {source}"),
            ConfigError::Invalid {
                name,
                field,
                problem,
            } => {
                write!(f, "config {name}: invalid {field}: {problem}")
            }
        }
    }
}

impl Error for ConfigError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ConfigError::Read { source, .. } => Some(source),
            ConfigError::Parse { source, .. } => Some(source),
            ConfigError::Invalid { .. } => None,
        }
    }
}

/// The store's error: no user has the requested id.
#[derive(Debug)]
pub enum StoreError {
    UnknownUser(i64),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            StoreError::UnknownUser(id) => write!(f, "user {id}: unknown user"),
        }
    }
}

impl Error for StoreError {}

/// The pipeline's error: one variant per step that can fail.
#[derive(Debug)]
pub enum PipelineError {
    Config(ConfigError),
    Store(StoreError),
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            PipelineError::Config(err) => write!(f, "{err}"),
            PipelineError::Store(err) => write!(f, "looking up the invoice's user: {err}"),
        }
    }
}

impl Error for PipelineError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            PipelineError::Config(err) => Some(err),
            PipelineError::Store(err) => Some(err),
        }
    }
}

impl From<ConfigError> for PipelineError {
    fn from(err: ConfigError) -> Self {
        PipelineError::Config(err)
    }
}

impl From<StoreError> for PipelineError {
    fn from(err: StoreError) -> Self {
        PipelineError::Store(err)
    }
}

/// The user with the given id.
pub fn lookup(store: &Store, id: i64) -> Result<&User, StoreError> {
    store.get(&id).ok_or(StoreError::UnknownUser(id))
}

fn validate(cfg: &Config, name: &str) -> Result<(), ConfigError> {
    let invalid = |field, problem| ConfigError::Invalid {
        name: name.to_string(),
        field,
        problem,
    };
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
pub fn load_config(dir: &Path, name: &str) -> Result<Config, ConfigError> {
    let text = fs::read_to_string(dir.join(name)).map_err(|source| ConfigError::Read {
        name: name.to_string(),
        source,
    })?;
    let cfg: Config = serde_json::from_str(&text).map_err(|source| ConfigError::Parse {
        name: name.to_string(),
        source,
    })?;
    validate(&cfg, name)?;
    Ok(cfg)
}

/// The whole pipeline: config file, JSON, validation, store lookup, result.
pub fn build_invoice(dir: &Path, name: &str, store: &Store) -> Result<Invoice, PipelineError> {
    let cfg = load_config(dir, name)?;
    let user = lookup(store, cfg.user_id)?;
    Ok(Invoice {
        user: user.name,
        plan: user.plan,
        limit: cfg.limit,
        currency: cfg.currency,
    })
}
// excerpt-end: pipeline
