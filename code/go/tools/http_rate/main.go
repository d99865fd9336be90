// Command http_rate is the one load client for both reverse proxies: it sends GET requests to
// one URL at a fixed rate from a fixed pool of keep-alive connections, and times each request
// from when it was *due*, not from when it was sent (wrk2's correction for coordinated
// omission): a server that stalls is charged for every request the stall delays.
//
// A request still waiting for a free connection when the run and its grace period are over is
// not sent; it is counted as unsent, so a rate beyond what the server sustains shows as such.
package main

import (
	"flag"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

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
	duration := time.Duration(*durationMs) * time.Millisecond
	total := int64(*rate * duration.Seconds())
	interval := float64(time.Second) / *rate
	var (
		mu                 sync.Mutex
		histogram          = hdrhistogram.New(1, 60_000_000, 3) // 1 µs to 60 s, 3 digits
		next, errs, unsent atomic.Int64
		lastDone           atomic.Int64
		wg                 sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(duration + time.Duration(*graceMs)*time.Millisecond)
	// excerpt-start: schedule
	for range *connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < total; i = next.Add(1) - 1 {
				due := start.Add(time.Duration(float64(i) * interval))
				time.Sleep(time.Until(due))
				if time.Now().After(deadline) {
					unsent.Add(1)
					continue
				}
				if !get(client, *url) {
					errs.Add(1)
					continue
				}
				latency := time.Since(due) // from when it was due: stalls are charged in full
				mu.Lock()
				_ = histogram.RecordValue(latency.Microseconds())
				mu.Unlock()
				lastDone.Store(int64(time.Since(start)))
			}
		}()
	}
	// excerpt-end: schedule
	wg.Wait()
	transport.CloseIdleConnections()

	served := time.Duration(lastDone.Load()).Seconds()
	achieved := 0.0
	if served > 0 {
		achieved = float64(histogram.TotalCount()) / max(served, duration.Seconds())
	}
	measure.Emit(measure.Record{
		"rate": *rate, "connections": *connections, "duration_s": duration.Seconds(),
		"scheduled": total, "completed": histogram.TotalCount(), "errors": errs.Load(),
		"unsent": unsent.Load(), "achieved_rps": achieved,
		"p50_us": histogram.ValueAtQuantile(50), "p99_us": histogram.ValueAtQuantile(99),
		"p999_us": histogram.ValueAtQuantile(99.9), "p9999_us": histogram.ValueAtQuantile(99.99),
		"max_us": histogram.Max(),
	})
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
