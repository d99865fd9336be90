// Package loopback serves an HTTP handler the way the course's HTTP tools start: on a free
// loopback port, printing {"port": N} on stdout once it listens (the kernel waits for that
// line), and shutting down gracefully on SIGTERM or SIGINT.
package loopback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Serve serves handler until the process is told to stop; it exits with status 1 if serving
// fails.
func Serve(handler http.Handler) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("listening on loopback: %v", err)
	}
	ready, _ := json.Marshal(map[string]int{"port": ln.Addr().(*net.TCPAddr).Port})
	fmt.Println(string(ready))

	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Printf("serving: %v", err)
		os.Exit(1)
	}
}
