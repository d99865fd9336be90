// Command reverse_proxy forwards every request to one backend with the standard library's
// httputil.ReverseProxy. It listens on a free loopback port, prints {"port": N} on stdout when
// ready, and stops on SIGTERM. Its Rust twin does the same on hyper.
package main

import (
	"flag"
	"net/http"
	"net/http/httputil"
	"net/url"

	"govsrust/internal/loopback"
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

	loopback.Serve(proxy)
}
