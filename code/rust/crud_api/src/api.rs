//! The users resource: routes, handlers, the JSON shapes and the validation rules.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sqlx::{FromRow, PgPool};

use crate::error::ApiError;

/// Larger request bodies get 413.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;
const MAX_EMAIL_CHARS: usize = 254;
const MAX_NAME_CHARS: usize = 100;

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
        .with_state(pool)
}

async fn health(State(pool): State<PgPool>) -> Result<Json<Value>, ApiError> {
    sqlx::query("SELECT 1")
        .execute(&pool)
        .await
        .map_err(|err| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                err.to_string(),
            )
        })?;
    Ok(Json(json!({ "status": "ok" })))
}

async fn create_user(
    State(pool): State<PgPool>,
    body: Result<Json<UserInput>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Json(input) = body?;
    input.validate()?;
    let user: User = sqlx::query_as(
        "INSERT INTO users (email, name) VALUES ($1, $2) \
         RETURNING id, email, name, created_at, updated_at",
    )
    .bind(&input.email)
    .bind(&input.name)
    .fetch_one(&pool)
    .await?;
    let location = format!("/users/{}", user.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(user),
    ))
}

async fn get_user(
    State(pool): State<PgPool>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<User>, ApiError> {
    let Path(id) = id?;
    let user: Option<User> =
        sqlx::query_as("SELECT id, email, name, created_at, updated_at FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&pool)
            .await?;
    user.map(Json).ok_or(ApiError::no_user(id))
}

async fn list_users(
    State(pool): State<PgPool>,
    page: Result<Query<Page>, QueryRejection>,
) -> Result<Json<UserList>, ApiError> {
    let Query(page) = page?;
    let limit = page.limit.unwrap_or(DEFAULT_LIMIT);
    let offset = page.offset.unwrap_or(0);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_parameter("limit must be between 1 and 100"));
    }
    if offset < 0 {
        return Err(ApiError::bad_parameter("offset must be 0 or more"));
    }
    let items: Vec<User> = sqlx::query_as(
        "SELECT id, email, name, created_at, updated_at FROM users \
         ORDER BY id LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(&pool)
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
    body: Result<Json<UserInput>, JsonRejection>,
) -> Result<Json<User>, ApiError> {
    let Path(id) = id?;
    let Json(input) = body?;
    input.validate()?;
    let user: Option<User> = sqlx::query_as(
        "UPDATE users SET email = $1, name = $2, updated_at = now() WHERE id = $3 \
         RETURNING id, email, name, created_at, updated_at",
    )
    .bind(&input.email)
    .bind(&input.name)
    .bind(id)
    .fetch_optional(&pool)
    .await?;
    user.map(Json).ok_or(ApiError::no_user(id))
}

async fn delete_user(
    State(pool): State<PgPool>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id?;
    let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(ApiError::no_user(id));
    }
    Ok(StatusCode::NO_CONTENT)
}
