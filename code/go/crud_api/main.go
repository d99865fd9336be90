// Command crud_api is a CRUD REST API for one resource, users, on PostgreSQL: Gin and pgx.
//
// Configuration comes from the environment (DATABASE_URL, LISTEN_ADDR, DB_MAX_CONNS). At
// start the service opens a connection pool, applies its schema migration, listens, and
// prints {"port": N} on stdout. SIGTERM or SIGINT stops it gracefully: it stops accepting,
// finishes the requests in flight, closes the pool and exits with status 0.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// migration is the schema, embedded in the binary; the Rust service embeds the same file.
//
//go:embed migrations/001_users.sql
var migration string

// migrationLock serialises concurrent start-ups of several instances while they migrate.
const migrationLock = 4242001

type config struct {
	databaseURL    string
	listenAddr     string
	maxConnections int32
}

func configFromEnv() (config, error) {
	cfg := config{
		databaseURL:    os.Getenv("DATABASE_URL"),
		listenAddr:     os.Getenv("LISTEN_ADDR"),
		maxConnections: 10,
	}
	if cfg.databaseURL == "" {
		return cfg, errors.New("DATABASE_URL is not set (e.g. postgres://user@host:5432/db)")
	}
	if cfg.listenAddr == "" {
		cfg.listenAddr = "127.0.0.1:0"
	}
	if text := os.Getenv("DB_MAX_CONNS"); text != "" {
		n, err := strconv.ParseInt(text, 10, 32)
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("DB_MAX_CONNS=%q is not a positive integer", text)
		}
		cfg.maxConnections = int32(n)
	}
	return cfg, nil
}

func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) // a no-op after Commit
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, migration); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func run() error {
	cfg, err := configFromEnv()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	poolConfig, err := pgxpool.ParseConfig(cfg.databaseURL)
	if err != nil {
		return fmt.Errorf("parsing DATABASE_URL: %w", err)
	}
	poolConfig.MaxConns = cfg.maxConnections
	pool, err := pgxpool.NewWithConfig(ctx, poolConfig)
	if err != nil {
		return fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		return fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		return fmt.Errorf("applying the migration: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.listenAddr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.listenAddr, err)
	}
	ready, _ := json.Marshal(map[string]int{"port": ln.Addr().(*net.TCPAddr).Port})
	fmt.Println(string(ready))

	// Slow clients: a request's headers must arrive within 5 s, the whole request within
	// 10 s (else 408 from bindUser), and an idle keep-alive connection is closed after 5 s.
	srv := &http.Server{Handler: router(pool), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, IdleTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	pool.Close()
	fmt.Println(`{"event": "stopped"}`)
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "crud_api: %v\n", err)
		os.Exit(1)
	}
}
