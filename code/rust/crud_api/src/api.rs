//! The users resource: routes, handlers, the JSON shapes and the validation rules.

use std::future::Future;
use std::time::Duration;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{header, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Value};
use sqlx::{FromRow, PgPool};

use crate::error::ApiError;

/// Larger request bodies get 413.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;
const MAX_EMAIL_CHARS: usize = 254;
const MAX_NAME_CHARS: usize = 100;
/// Each request's database work; past it the client gets 503.
pub const DB_TIMEOUT: Duration = Duration::from_secs(2);
/// A request must be handled, its body read included, within this, else 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Serialize, FromRow)]
pub struct User {
    id: i64,
    email: String,
    name: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// The body of a create or an update: both fields, nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    email: String,
    name: String,
}

/// Axum's `Json` checks the content type (415), the size (413) and that the body is one
/// well-formed JSON value (400); serde then reads it into a `UserInput` (422 if it cannot),
/// but only from an object: serde accepts a struct from an array too.
impl<S: Send + Sync> FromRequest<S> for UserInput {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let Json(raw) = Json::<Box<RawValue>>::from_request(request, state).await?;
        if !raw.get().starts_with('{') {
            return Err(ApiError::invalid("the body must be a JSON object"));
        }
        let input: UserInput =
            serde_json::from_str(raw.get()).map_err(|err| ApiError::invalid(err.to_string()))?;
        input.validate()?;
        Ok(input)
    }
}

impl UserInput {
    fn validate(&self) -> Result<(), ApiError> {
        if !valid_email(&self.email) {
            return Err(ApiError::invalid(
                "email must look like name@example.com: one @, a dot in the domain, \
                 no spaces or control characters, at most 254 characters",
            ));
        }
        let chars = self.name.chars().count();
        if chars == 0 || chars > MAX_NAME_CHARS || self.name.chars().any(char::is_control) {
            return Err(ApiError::invalid(
                "name must be 1 to 100 characters with no control characters",
            ));
        }
        Ok(())
    }
}

/// One @ between a non-empty local part and a domain with a dot that is neither its first
/// nor its last character. The Go service applies the same rule.
fn valid_email(email: &str) -> bool {
    if email.chars().count() > MAX_EMAIL_CHARS
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let domain: Vec<char> = domain.chars().collect();
    !local.is_empty()
        && !domain.contains(&'@')
        && domain.len() >= 3
        && domain[1..domain.len() - 1].contains(&'.')
}

#[derive(Deserialize)]
pub struct Page {
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Serialize)]
pub struct UserList {
    items: Vec<User>,
    limit: i64,
    offset: i64,
}

pub fn router(pool: PgPool) -> Router {
    Router::new()
        .route("/healthz", get(health))
        .route("/users", get(list_users).post(create_user))
        .route(
            "/users/{id}",
            get(get_user).put(update_user).delete(delete_user),
        )
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "method not allowed",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(middleware::from_fn(request_timeout))
        .with_state(pool)
}

/// A client that has not sent its whole body after REQUEST_TIMEOUT gets 408.
async fn request_timeout(request: Request, next: Next) -> Response {
    tokio::time::timeout(REQUEST_TIMEOUT, next.run(request))
        .await
        .unwrap_or_else(|_| {
            let message = "the request was not handled within 10 s";
            ApiError::new(StatusCode::REQUEST_TIMEOUT, "request_timeout", message).into_response()
        })
}

/// Runs one database call with DB_TIMEOUT; when it passes, the call is dropped (its
/// connection closed) and the client gets 503.
async fn db<T>(call: impl Future<Output = Result<T, sqlx::Error>>) -> Result<T, ApiError> {
    match tokio::time::timeout(DB_TIMEOUT, call).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(ApiError::unavailable()),
    }
}

async fn health(State(pool): State<PgPool>) -> Result<Json<Value>, ApiError> {
    let ping = tokio::time::timeout(DB_TIMEOUT, sqlx::query("SELECT 1").execute(&pool));
    ping.await
        .map_err(|_| ApiError::unavailable())?
        .map_err(|err| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                err.to_string(),
            )
        })?;
    Ok(Json(json!({ "status": "ok" })))
}

// excerpt-start: create-user
async fn create_user(
    State(pool): State<PgPool>,
    body: Result<UserInput, ApiError>,
) -> Result<impl IntoResponse, ApiError> {
    let input = body?; // decoded and validated by UserInput::from_request
    let user: User = db(sqlx::query_as(
        "INSERT INTO users (email, name) VALUES ($1, $2) \
         RETURNING id, email, name, created_at, updated_at",
    )
    .bind(&input.email)
    .bind(&input.name)
    .fetch_one(&pool))
    .await?;
    let location = format!("/users/{}", user.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(user),
    ))
}
// excerpt-end: create-user

async fn get_user(
    State(pool): State<PgPool>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<User>, ApiError> {
    let Path(id) = id?;
    let user: Option<User> = db(sqlx::query_as(
        "SELECT id, email, name, created_at, updated_at FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&pool))
    .await?;
    user.map(Json).ok_or(ApiError::no_user(id))
}

async fn list_users(
    State(pool): State<PgPool>,
    uri: Uri,
    page: Result<Query<Page>, QueryRejection>,
) -> Result<Json<UserList>, ApiError> {
    // Query decodes a bad escape such as %zz as the text itself; the contract says 400.
    let query = uri.query().unwrap_or_default();
    if !query
        .split('%')
        .skip(1)
        .all(|rest| rest.len() >= 2 && rest.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit))
    {
        return Err(ApiError::bad_parameter("the query has an invalid %-escape"));
    }
    let Query(page) = page?;
    let limit = page.limit.unwrap_or(DEFAULT_LIMIT);
    let offset = page.offset.unwrap_or(0);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_parameter("limit must be between 1 and 100"));
    }
    if offset < 0 {
        return Err(ApiError::bad_parameter("offset must be 0 or more"));
    }
    let items: Vec<User> = db(sqlx::query_as(
        "SELECT id, email, name, created_at, updated_at FROM users \
         ORDER BY id LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(&pool))
    .await?;
    Ok(Json(UserList {
        items,
        limit,
        offset,
    }))
}

async fn update_user(
    State(pool): State<PgPool>,
    id: Result<Path<i64>, PathRejection>,
    body: Result<UserInput, ApiError>,
) -> Result<Json<User>, ApiError> {
    let Path(id) = id?;
    let input = body?;
    let user: Option<User> = db(sqlx::query_as(
        "UPDATE users SET email = $1, name = $2, updated_at = now() WHERE id = $3 \
         RETURNING id, email, name, created_at, updated_at",
    )
    .bind(&input.email)
    .bind(&input.name)
    .bind(id)
    .fetch_optional(&pool))
    .await?;
    user.map(Json).ok_or(ApiError::no_user(id))
}

async fn delete_user(
    State(pool): State<PgPool>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id?;
    let deleted = db(sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(&pool))
    .await?
    .rows_affected();
    if deleted == 0 {
        return Err(ApiError::no_user(id));
    }
    Ok(StatusCode::NO_CONTENT)
}
