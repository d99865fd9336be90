//! What both versions of the pipeline share: the config's shape, the store and the result.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

/// What a config file holds.
#[derive(Debug, Deserialize)]
pub struct Config {
    pub user_id: i64,
    pub currency: String,
    pub limit: i64,
}

/// One record of the store.
pub struct User {
    pub name: &'static str,
    pub plan: &'static str,
}

/// A small in-memory table of users by id.
pub type Store = HashMap<i64, User>;

/// What the pipeline builds from a valid config and its user.
pub struct Invoice {
    pub user: &'static str,
    pub plan: &'static str,
    pub limit: i64,
    pub currency: String,
}

impl fmt::Display for Invoice {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "invoice for {} ({} plan): limit {} {}",
            self.user, self.plan, self.limit, self.currency
        )
    }
}

/// Whether `code` is three capital letters, like EUR.
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|c| c.is_ascii_uppercase())
}
