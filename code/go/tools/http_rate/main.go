// Command http_rate is the fixed-rate load client of the reverse proxies and the CRUD services:
// it sends GET requests at a fixed rate from a fixed pool of keep-alive connections, each timed
// from when it was due (the schedule is internal/fixedrate's). With -ids N, the URL's "{id}"
// becomes 1, 2, …, N in turn, so the requests spread over N rows.
package main

import (
	"flag"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"govsrust/internal/fixedrate"
	"govsrust/internal/measure"
)

func main() {
	url := flag.String("url", "", `the URL to GET; with -ids, "{id}" in it is replaced`)
	ids := flag.Int64("ids", 0, `replace "{id}" in the URL with 1..ids in turn (0: leave the URL)`)
	rate := flag.Float64("rate", 1000, "requests per second")
	durationMs := flag.Int("duration-ms", 2000, "how long to send")
	connections := flag.Int("connections", 64, "keep-alive connections (requests in flight at most)")
	graceMs := flag.Int("grace-ms", 2000, "how long past the end a late request may still be sent")
	flag.Parse()
	if *url == "" || *rate <= 0 || *durationMs < 1 || *connections < 1 || *ids < 0 {
		measure.Fail("-url is required; -rate, -duration-ms and -connections must be positive")
	}
	if *ids > 0 && !strings.Contains(*url, "{id}") {
		measure.Fail(`-ids needs "{id}" in -url, got %q`, *url)
	}

	transport := &http.Transport{MaxIdleConnsPerHost: *connections, MaxConnsPerHost: *connections}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	plan := fixedrate.Plan{
		Rate:     *rate,
		Duration: time.Duration(*durationMs) * time.Millisecond,
		Workers:  *connections,
		Grace:    time.Duration(*graceMs) * time.Millisecond,
	}
	urlFor := func(i int64) string {
		if *ids == 0 {
			return *url
		}
		return strings.ReplaceAll(*url, "{id}", strconv.FormatInt(i%*ids+1, 10))
	}
	summary := fixedrate.Run(plan, func(i int64) bool { return get(client, urlFor(i)) })
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
