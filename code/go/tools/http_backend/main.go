// Command http_backend is the one backend behind both reverse proxies: every GET answers 200
// with the same small JSON document. It listens on a free loopback port, prints {"port": N} on
// stdout when ready, and stops on SIGTERM.
package main

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
	"strconv"
	"syscall"
	"time"
)

// body is a typical small API answer: about 200 bytes of JSON.
var body = []byte(`{"user":{"id":4021,"name":"Ada Lovelace","email":"ada@example.com"},` +
	`"channels":[{"id":1,"unread":3},{"id":2,"unread":0},{"id":3,"unread":12}],"ok":true}`)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("listening on loopback: %v", err)
	}
	ready, _ := json.Marshal(map[string]int{"port": ln.Addr().(*net.TCPAddr).Port})
	fmt.Println(string(ready))

	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
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
