package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

const (
	defaultLimit = 20
	maxLimit     = 100
	// uniqueViolation is PostgreSQL's SQLSTATE for a duplicate key.
	uniqueViolation = "23505"
	// dbTimeout bounds each request's database work; past it the client gets 503.
	dbTimeout = 2 * time.Second
)

// User is one row of the users table, as the API shows it.
type User struct {
	ID        int64     `json:"id" db:"id"`
	Email     string    `json:"email" db:"email"`
	Name      string    `json:"name" db:"name"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
}

type handlers struct {
	pool *pgxpool.Pool
}

func router(pool *pgxpool.Pool) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.RedirectTrailingSlash = false
	r.HandleMethodNotAllowed = true
	r.Use(gin.CustomRecovery(func(c *gin.Context, _ any) {
		fail(c, &apiError{http.StatusInternalServerError, "internal", "internal error"})
	}))
	h := handlers{pool}
	getOrHead := []string{http.MethodGet, http.MethodHead}
	r.Match(getOrHead, "/healthz", h.health)
	r.Match(getOrHead, "/users", h.list)
	r.POST("/users", h.create)
	r.Match(getOrHead, "/users/:id", h.get)
	r.PUT("/users/:id", h.update)
	r.DELETE("/users/:id", h.delete)
	r.NoRoute(func(c *gin.Context) {
		fail(c, &apiError{http.StatusNotFound, "not_found", "no such route"})
	})
	r.NoMethod(func(c *gin.Context) {
		fail(c, &apiError{http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed"})
	})
	return r
}

func (h handlers) health(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), dbTimeout)
	defer cancel()
	if err := h.pool.Ping(ctx); err != nil {
		fail(c, &apiError{http.StatusServiceUnavailable, "unavailable", err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// excerpt-start: create-user
func (h handlers) create(c *gin.Context) {
	in, apiErr := bindUser(c)
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), dbTimeout)
	defer cancel()
	user, err := queryUser(ctx, h.pool,
		`INSERT INTO users (email, name) VALUES ($1, $2)
		 RETURNING id, email, name, created_at, updated_at`, in.email, in.name)
	if err != nil {
		failDatabase(c, err, 0)
		return
	}
	c.Header("Location", fmt.Sprintf("/users/%d", user.ID))
	c.JSON(http.StatusCreated, user)
}

// excerpt-end: create-user

func (h handlers) get(c *gin.Context) {
	id, apiErr := userID(c)
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), dbTimeout)
	defer cancel()
	user, err := queryUser(ctx, h.pool,
		`SELECT id, email, name, created_at, updated_at FROM users WHERE id = $1`, id)
	if err != nil {
		failDatabase(c, err, id)
		return
	}
	c.JSON(http.StatusOK, user)
}

func (h handlers) list(c *gin.Context) {
	// c.Query would drop a pair with a bad escape such as limit=%zz and use the default.
	query, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		fail(c, badParameter(err.Error()))
		return
	}
	limit, apiErr := queryInt(query, "limit", defaultLimit)
	if apiErr == nil && (limit < 1 || limit > maxLimit) {
		apiErr = badParameter("limit must be between 1 and 100")
	}
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	offset, apiErr := queryInt(query, "offset", 0)
	if apiErr == nil && offset < 0 {
		apiErr = badParameter("offset must be 0 or more")
	}
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), dbTimeout)
	defer cancel()
	rows, _ := h.pool.Query(ctx,
		`SELECT id, email, name, created_at, updated_at FROM users
		 ORDER BY id LIMIT $1 OFFSET $2`, limit, offset)
	users, err := pgx.CollectRows(rows, pgx.RowToStructByName[User])
	if err != nil {
		failDatabase(c, err, 0)
		return
	}
	if users == nil {
		users = []User{} // an empty page is [], not null
	}
	c.JSON(http.StatusOK, gin.H{"items": users, "limit": limit, "offset": offset})
}

func (h handlers) update(c *gin.Context) {
	id, apiErr := userID(c)
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	in, apiErr := bindUser(c)
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), dbTimeout)
	defer cancel()
	user, err := queryUser(ctx, h.pool,
		`UPDATE users SET email = $1, name = $2, updated_at = now() WHERE id = $3
		 RETURNING id, email, name, created_at, updated_at`, in.email, in.name, id)
	if err != nil {
		failDatabase(c, err, id)
		return
	}
	c.JSON(http.StatusOK, user)
}

func (h handlers) delete(c *gin.Context) {
	id, apiErr := userID(c)
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), dbTimeout)
	defer cancel()
	tag, err := h.pool.Exec(ctx, `DELETE FROM users WHERE id = $1`, id)
	if err != nil {
		failDatabase(c, err, id)
		return
	}
	if tag.RowsAffected() == 0 {
		failDatabase(c, pgx.ErrNoRows, id)
		return
	}
	c.Status(http.StatusNoContent)
}

// queryUser runs a statement that returns at most one user row.
func queryUser(ctx context.Context, pool *pgxpool.Pool, sql string, args ...any) (User, error) {
	rows, _ := pool.Query(ctx, sql, args...)
	return pgx.CollectOneRow(rows, pgx.RowToStructByName[User])
}

// failDatabase answers 404 for a missing row, 409 for a duplicate email, 503 when the
// database is out of reach (no SQLSTATE: no connection or past the deadline; or a
// connection-class SQLSTATE, 08 or 57P), and 500 for anything else; 5xx are logged, details hidden.
func failDatabase(c *gin.Context, err error, id int64) {
	var pgErr *pgconn.PgError
	isPgErr := errors.As(err, &pgErr)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		fail(c, &apiError{http.StatusNotFound, "not_found", fmt.Sprintf("no user with id %d", id)})
	case isPgErr && pgErr.Code == uniqueViolation:
		fail(c, &apiError{http.StatusConflict, "conflict", "a user with this email already exists"})
	case !isPgErr || strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P"):
		fmt.Fprintf(os.Stderr, "crud_api: database unavailable: %v\n", err)
		fail(c, &apiError{http.StatusServiceUnavailable, "unavailable", "the database is unavailable"})
	default:
		fmt.Fprintf(os.Stderr, "crud_api: database error: %v\n", err)
		fail(c, &apiError{http.StatusInternalServerError, "internal", "internal error"})
	}
}

func userID(c *gin.Context) (int64, *apiError) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, badParameter(fmt.Sprintf("id %q is not a 64-bit integer", c.Param("id")))
	}
	return id, nil
}

func queryInt(query url.Values, name string, fallback int64) (int64, *apiError) {
	values, present := query[name]
	if !present {
		return fallback, nil
	}
	if len(values) > 1 {
		return 0, badParameter(fmt.Sprintf("%s is given more than once", name))
	}
	text := values[0]
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, badParameter(fmt.Sprintf("%s %q is not a 64-bit integer", name, text))
	}
	return n, nil
}
