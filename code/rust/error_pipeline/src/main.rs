//! Runs one fallible pipeline — read a config file, parse its JSON, validate it, look up its
//! user, build an invoice — over several config files, twice: written with the standard library
//! only (`plain.rs`) and with `thiserror` and `anyhow` (`ecosystem.rs`). Reports for each file
//! the result or the error: its message, and its kind as a caller can inspect it.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use measure::{emit, json, Flags};

mod ecosystem;
mod plain;
mod shared;

use shared::{Store, User};

/// The small store every run looks users up in (the Go twin has the same).
const USERS: [(i64, &str, &str); 3] = [
    (1, "Ada Lovelace", "pro"),
    (2, "Grace Hopper", "team"),
    (7, "Ken Thompson", "free"),
];

fn users() -> Store {
    USERS
        .iter()
        .map(|&(id, name, plan)| (id, User { name, plan }))
        .collect()
}

/// What a caller learns by matching on the standard-library version's error enum. The match
/// is exhaustive: a new variant is a compile error here until it is handled.
fn plain_kind(err: &plain::PipelineError) -> String {
    use plain::{ConfigError, PipelineError, StoreError};
    match err {
        PipelineError::Config(ConfigError::Read { source, .. }) => {
            format!("match Config(Read), io::ErrorKind::{:?}", source.kind())
        }
        PipelineError::Config(ConfigError::Parse { source, .. }) => {
            format!(
                "match Config(Parse), serde_json Category::{:?}",
                source.classify()
            )
        }
        PipelineError::Config(ConfigError::Invalid { field, .. }) => {
            format!("match Config(Invalid) (field {field})")
        }
        PipelineError::Store(StoreError::UnknownUser(id)) => {
            format!("match Store(UnknownUser({id}))")
        }
    }
}

/// What a caller learns from an `anyhow::Error`: the type is erased, so it tries downcasts.
fn anyhow_kind(err: &anyhow::Error) -> String {
    if let Some(source) = err.downcast_ref::<io::Error>() {
        format!("downcast_ref::<io::Error>, kind {:?}", source.kind())
    } else if let Some(source) = err.downcast_ref::<serde_json::Error>() {
        format!(
            "downcast_ref::<serde_json::Error>, Category::{:?}",
            source.classify()
        )
    } else if let Some(invalid) = err.downcast_ref::<ecosystem::ValidationError>() {
        format!("downcast_ref::<ValidationError> (field {})", invalid.field)
    } else if let Some(ecosystem::StoreError::UnknownUser(id)) = err.downcast_ref() {
        format!("downcast_ref::<StoreError>, UnknownUser({id})")
    } else {
        "unclassified".to_string()
    }
}

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let dir = PathBuf::from(flags.get("dir", ".".to_string())?);
        let configs: String = flags.get("configs", String::new())?;
        if configs.is_empty() {
            return Err("--configs needs at least one file name".into());
        }

        let store = users();
        let names: Vec<&str> = configs.split(',').collect();
        for name in &names {
            let record = match plain::build_invoice(&dir, name, &store) {
                Ok(invoice) => json!({"ok": true, "result": invoice.to_string()}),
                Err(err) => {
                    json!({"ok": false, "error": err.to_string(), "kind": plain_kind(&err)})
                }
            };
            emit(with_labels(record, name, "standard library"));
            let record = match ecosystem::build_invoice(&dir, name, &store) {
                Ok(invoice) => json!({"ok": true, "result": invoice.to_string()}),
                // `{:#}` prints anyhow's whole chain of contexts, joined by ": ".
                Err(err) => {
                    json!({"ok": false, "error": format!("{err:#}"), "kind": anyhow_kind(&err)})
                }
            };
            emit(with_labels(record, name, "thiserror + anyhow"));
        }
        eprintln!("ran both pipelines over {} config files", names.len());
        Ok(())
    })
}

fn with_labels(mut record: serde_json::Value, config: &str, variant: &str) -> serde_json::Value {
    record["config"] = json!(config);
    record["variant"] = json!(variant);
    record
}
