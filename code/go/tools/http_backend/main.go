// Command http_backend is the one backend behind both reverse proxies: every GET answers 200
// with the same small JSON document. It listens on a free loopback port, prints {"port": N} on
// stdout when ready, and stops on SIGTERM.
package main

import (
	"net/http"
	"strconv"

	"govsrust/internal/loopback"
)

// body is a typical small API answer: about 200 bytes of JSON.
var body = []byte(`{"user":{"id":4021,"name":"Ada Lovelace","email":"ada@example.com"},` +
	`"channels":[{"id":1,"unread":3},{"id":2,"unread":0},{"id":3,"unread":12}],"ok":true}`)

func main() {
	loopback.Serve(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
}
