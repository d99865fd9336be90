// Package loopback starts the course's servers the way the kernel expects them to: on a free
// loopback port, printing {"port": N} on stdout once it listens (the kernel waits for that
// line), and stopping gracefully on SIGTERM or SIGINT.
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
	ln := Listen()
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := Stopping()
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

// Listen listens on a free loopback port and prints {"port": N} on stdout; it exits with status
// 1 if it cannot listen.
func Listen() net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("listening on loopback: %v", err)
	}
	ready, _ := json.Marshal(map[string]int{"port": ln.Addr().(*net.TCPAddr).Port})
	fmt.Println(string(ready))
	return ln
}

// Stopping is a context that ends when the process is told to stop (SIGTERM or SIGINT).
func Stopping() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
}
