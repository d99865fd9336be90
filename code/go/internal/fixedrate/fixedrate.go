// Package fixedrate is the schedule of the course's fixed-rate load clients (http_rate,
// grpc_rate): requests go out at a fixed rate from a fixed number of workers, and each is
// timed from when it was *due*, not from when it was sent (wrk2's correction for coordinated
// omission), so a server that stalls is charged for every request the stall delays.
//
// A request still waiting for a free worker when the run and its grace period are over is not
// sent; it is counted as unsent, so a rate beyond what the server sustains shows as such.
package fixedrate

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"govsrust/internal/measure"
)

// Plan is one run: how fast, how long, how many requests in flight at most, and how long past
// the end a late request may still be sent.
type Plan struct {
	Rate     float64
	Duration time.Duration
	Workers  int
	Grace    time.Duration
}

// Run sends Rate × Duration requests with send, which does request number i and reports
// whether it succeeded, and returns the latency summary (µs, from each request's due time).
func Run(plan Plan, send func(i int64) bool) measure.Record {
	total := int64(plan.Rate * plan.Duration.Seconds())
	interval := float64(time.Second) / plan.Rate
	var (
		mu                 sync.Mutex
		histogram          = hdrhistogram.New(1, 60_000_000, 3) // 1 µs to 60 s, 3 digits
		next, errs, unsent atomic.Int64
		lastDone           atomic.Int64
		wg                 sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(plan.Duration + plan.Grace)
	// excerpt-start: schedule
	for range plan.Workers {
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
				if !send(i) {
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

	served := time.Duration(lastDone.Load()).Seconds()
	achieved := 0.0
	if served > 0 {
		achieved = float64(histogram.TotalCount()) / max(served, plan.Duration.Seconds())
	}
	return measure.Record{
		"rate": plan.Rate, "duration_s": plan.Duration.Seconds(),
		"scheduled": total, "completed": histogram.TotalCount(), "errors": errs.Load(),
		"unsent": unsent.Load(), "achieved_rps": achieved,
		"p50_us": histogram.ValueAtQuantile(50), "p99_us": histogram.ValueAtQuantile(99),
		"p999_us": histogram.ValueAtQuantile(99.9), "p9999_us": histogram.ValueAtQuantile(99.99),
		"max_us": histogram.Max(),
	}
}
