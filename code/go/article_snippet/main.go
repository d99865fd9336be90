// Command article_snippet runs the article's Part 2 snippet, a goroutine per request that
// queries PostgreSQL, three ways: as printed (main returns at once), joined with a WaitGroup on
// database/sql's default pool, and with the pool bounded. It reports what the queries saw.
// Its Rust twin runs the same snippet with tokio tasks on an sqlx pool.
package main

import (
	"database/sql"
	"errors"
	"flag"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"

	"govsrust/internal/measure"
)

// query stands for the article's db.Query(id): it answers id after a short wait, and reads how
// many client connections the server holds at that moment.
const query = `SELECT $1::int, (SELECT count(*) FROM pg_stat_activity
	WHERE backend_type = 'client backend') FROM pg_sleep($2)`

// tooManyClients is PostgreSQL's SQLSTATE for "sorry, too many clients already".
const tooManyClients = "53300"

// tally counts what every process call ended with; goroutines update it at once.
type tally struct {
	ok, refused, otherErrors, peakConnections atomic.Int64
	firstError                                atomic.Pointer[string]
}

func (t *tally) record(err error, connections int64) {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		t.ok.Add(1)
		for seen := t.peakConnections.Load(); connections > seen; seen = t.peakConnections.Load() {
			if t.peakConnections.CompareAndSwap(seen, connections) {
				break
			}
		}
		return
	case errors.As(err, &pgErr) && pgErr.Code == tooManyClients:
		t.refused.Add(1)
	default:
		t.otherErrors.Add(1)
	}
	text := err.Error()
	t.firstError.CompareAndSwap(nil, &text)
}

func (t *tally) firstErrorText() string {
	if text := t.firstError.Load(); text != nil {
		return *text
	}
	return ""
}

// excerpt-start: snippet
// process is the article's function: one query per request, on the shared pool.
func process(db *sql.DB, id int, queryTime float64, t *tally) {
	var answered, connections int64
	err := db.QueryRow(query, id, queryTime).Scan(&answered, &connections)
	t.record(err, connections)
}

// excerpt-end: snippet

// sampleThreads reads the process's OS thread count every millisecond until stop is called,
// which returns the most it saw.
func sampleThreads() (stop func() int64) {
	var peak atomic.Int64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		ticker := time.NewTicker(time.Millisecond)
		defer ticker.Stop()
		for {
			peak.Store(max(peak.Load(), measure.Threads()))
			select {
			case <-done:
				return
			case <-ticker.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		<-finished
		return max(peak.Load(), measure.Threads())
	}
}

func main() {
	mode := flag.String("mode", "waitgroup", "printed, waitgroup or bounded")
	tasks := flag.Int("tasks", 10_000, "goroutines to start, one query each")
	pool := flag.Int("pool", 10, "bounded only: SetMaxOpenConns")
	queryMs := flag.Float64("query-ms", 5, "how long each query waits in the server")
	flag.Parse()
	url := os.Getenv("DATABASE_URL")
	switch {
	case url == "":
		measure.Fail("DATABASE_URL is not set: point it at a PostgreSQL database")
	case *tasks < 1 || *pool < 1 || *queryMs < 0:
		measure.Fail("-tasks and -pool must be at least 1, -query-ms not negative")
	case !slices.Contains([]string{"printed", "waitgroup", "bounded"}, *mode):
		measure.Fail("unknown -mode %q: printed, waitgroup or bounded", *mode)
	}
	// excerpt-start: pool
	db, err := sql.Open("pgx", url) // lazy: no connection until the first query
	if err != nil {
		measure.Fail("opening %s: %v", url, err)
	}
	defer db.Close()
	if *mode == "bounded" {
		db.SetMaxOpenConns(*pool)
	}
	// excerpt-end: pool

	var t tally
	stopSampling := sampleThreads()
	start := time.Now()
	// excerpt-start: modes
	if *mode == "printed" {
		for i := range *tasks {
			go process(db, i, *queryMs/1000, &t) // as printed: main returns right after
		}
	} else {
		var wg sync.WaitGroup
		for i := range *tasks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				process(db, i, *queryMs/1000, &t)
			}()
		}
		wg.Wait()
	}
	// excerpt-end: modes
	wall := time.Since(start)

	measure.Emit(measure.Record{
		"mode": *mode, "tasks": *tasks, "pool_limit": db.Stats().MaxOpenConnections,
		"query_ms": *queryMs, "ok": t.ok.Load(), "too_many_clients": t.refused.Load(),
		"other_errors": t.otherErrors.Load(), "first_error": t.firstErrorText(),
		"peak_server_connections": t.peakConnections.Load(), "peak_threads": stopSampling(),
		"wall_s": wall.Seconds(),
	})
}
