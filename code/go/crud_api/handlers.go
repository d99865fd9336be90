package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
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
	r.GET("/healthz", h.health)
	r.GET("/users", h.list)
	r.POST("/users", h.create)
	r.GET("/users/:id", h.get)
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
	if err := h.pool.Ping(c); err != nil {
		fail(c, &apiError{http.StatusServiceUnavailable, "unavailable", err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (h handlers) create(c *gin.Context) {
	in, apiErr := bindUser(c)
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	user, err := queryUser(c, h.pool,
		`INSERT INTO users (email, name) VALUES ($1, $2)
		 RETURNING id, email, name, created_at, updated_at`, in.email, in.name)
	if err != nil {
		failDatabase(c, err, 0)
		return
	}
	c.Header("Location", fmt.Sprintf("/users/%d", user.ID))
	c.JSON(http.StatusCreated, user)
}

func (h handlers) get(c *gin.Context) {
	id, apiErr := userID(c)
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	user, err := queryUser(c, h.pool,
		`SELECT id, email, name, created_at, updated_at FROM users WHERE id = $1`, id)
	if err != nil {
		failDatabase(c, err, id)
		return
	}
	c.JSON(http.StatusOK, user)
}

func (h handlers) list(c *gin.Context) {
	limit, apiErr := queryInt(c, "limit", defaultLimit)
	if apiErr == nil && (limit < 1 || limit > maxLimit) {
		apiErr = badParameter("limit must be between 1 and 100")
	}
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	offset, apiErr := queryInt(c, "offset", 0)
	if apiErr == nil && offset < 0 {
		apiErr = badParameter("offset must be 0 or more")
	}
	if apiErr != nil {
		fail(c, apiErr)
		return
	}
	rows, _ := h.pool.Query(c,
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
	user, err := queryUser(c, h.pool,
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
	tag, err := h.pool.Exec(c, `DELETE FROM users WHERE id = $1`, id)
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

// failDatabase answers 404 for a missing row, 409 for a duplicate email, and 500 (logged,
// details hidden) for anything else.
func failDatabase(c *gin.Context, err error, id int64) {
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		fail(c, &apiError{http.StatusNotFound, "not_found", fmt.Sprintf("no user with id %d", id)})
	case errors.As(err, &pgErr) && pgErr.Code == uniqueViolation:
		fail(c, &apiError{http.StatusConflict, "conflict", "a user with this email already exists"})
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

func queryInt(c *gin.Context, name string, fallback int64) (int64, *apiError) {
	values, present := c.GetQueryArray(name)
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
