// Command http_rate is the one load client for both reverse proxies: it sends GET requests to
// one URL at a fixed rate from a fixed pool of keep-alive connections, each timed from when it
// was due (the schedule is internal/fixedrate's).
package main

import (
	"flag"
	"io"
	"net/http"
	"time"

	"govsrust/internal/fixedrate"
	"govsrust/internal/measure"
)

func main() {
	url := flag.String("url", "", "the URL to GET")
	rate := flag.Float64("rate", 1000, "requests per second")
	durationMs := flag.Int("duration-ms", 2000, "how long to send")
	connections := flag.Int("connections", 64, "keep-alive connections (requests in flight at most)")
	graceMs := flag.Int("grace-ms", 2000, "how long past the end a late request may still be sent")
	flag.Parse()
	if *url == "" || *rate <= 0 || *durationMs < 1 || *connections < 1 {
		measure.Fail("-url is required; -rate, -duration-ms and -connections must be positive")
	}

	transport := &http.Transport{MaxIdleConnsPerHost: *connections, MaxConnsPerHost: *connections}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	plan := fixedrate.Plan{
		Rate:     *rate,
		Duration: time.Duration(*durationMs) * time.Millisecond,
		Workers:  *connections,
		Grace:    time.Duration(*graceMs) * time.Millisecond,
	}
	summary := fixedrate.Run(plan, func() bool { return get(client, *url) })
	transport.CloseIdleConnections()
	summary["connections"] = *connections
	measure.Emit(summary)
}

// get sends one GET and reads the whole answer; it reports whether the answer was a 200.
func get(client *http.Client, url string) bool {
	response, err := client.Get(url)
	if err != nil {
		return false
	}
	defer response.Body.Close()
	_, err = io.Copy(io.Discard, response.Body)
	return err == nil && response.StatusCode == http.StatusOK
}
