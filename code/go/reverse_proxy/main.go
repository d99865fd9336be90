// Command reverse_proxy forwards every request to one backend with the standard library's
// httputil.ReverseProxy. It listens on a free loopback port, prints {"port": N} on stdout when
// ready, and stops on SIGTERM. Its Rust twin does the same on hyper.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"govsrust/internal/measure"
)

func main() {
	backend := flag.String("backend", "", "the backend's base URL, e.g. http://127.0.0.1:8080")
	idle := flag.Int("idle-conns", 256, "idle connections kept open to the backend")
	flag.Parse()
	target, err := url.Parse(*backend)
	if err != nil || target.Host == "" {
		measure.Fail("-backend must be a URL such as http://127.0.0.1:8080, got %q", *backend)
	}

	// excerpt-start: proxy
	proxy := httputil.NewSingleHostReverseProxy(target)
	// The default transport keeps only 2 idle connections per host: under load a proxy would
	// open and close a backend connection per request. Every production proxy raises it.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = *idle
	transport.MaxIdleConnsPerHost = *idle
	proxy.Transport = transport
	// excerpt-end: proxy

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("listening on loopback: %v", err)
	}
	ready, _ := json.Marshal(map[string]int{"port": ln.Addr().(*net.TCPAddr).Port})
	fmt.Println(string(ready))

	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 5 * time.Second}
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
