// Command echo_client is the one load client for both echo servers: it opens many loopback
// connections, then on each sends a small message on a fixed schedule and times the echo.
//
// Latency is measured from when a message was *due*, not from when it was sent, so a server
// that stalls is charged for the whole stall (no coordinated omission).
package main

import (
	"bytes"
	"flag"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"govsrust/internal/inputs"
	"govsrust/internal/measure"
)

// dialParallelism bounds concurrent dials so the server's accept backlog never overflows.
const dialParallelism = 64

func dialAll(addr string, connections int) ([]net.Conn, int) {
	conns := make([]net.Conn, connections)
	var failed atomic.Int64
	slots := make(chan struct{}, dialParallelism)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				failed.Add(1)
				return
			}
			conns[i] = c
		}()
	}
	wg.Wait()
	return conns, int(failed.Load())
}

func main() {
	port := flag.Int("port", 0, "the echo server's loopback port")
	connections := flag.Int("connections", 1000, "concurrent connections")
	durationMs := flag.Int("duration-ms", 2000, "how long to send after all are connected")
	intervalMs := flag.Int("interval-ms", 100, "time between messages on one connection")
	messageBytes := flag.Int("message-bytes", 64, "size of each message")
	flag.Parse()
	if *port <= 0 || *connections < 1 || *intervalMs < 1 || *messageBytes < 1 {
		measure.Fail("-port, -connections, -interval-ms and -message-bytes must be positive")
	}

	conns, failedDials := dialAll(net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)), *connections)
	var (
		mu        sync.Mutex
		histogram = hdrhistogram.New(1, 60_000_000, 3) // 1 µs to 60 s, 3 significant digits
		errs      atomic.Int64
		wg        sync.WaitGroup
	)
	interval := time.Duration(*intervalMs) * time.Millisecond
	phases := inputs.New(7)
	start := time.Now()
	stop := start.Add(time.Duration(*durationMs) * time.Millisecond)
	for _, c := range conns {
		if c == nil {
			continue
		}
		// Spread the connections' schedules over one interval so they do not fire together.
		due := start.Add(time.Duration(phases.Below(uint64(interval))))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			message := bytes.Repeat([]byte{'x'}, *messageBytes)
			reply := make([]byte, *messageBytes)
			for due.Before(stop) {
				time.Sleep(time.Until(due))
				if _, err := c.Write(message); err != nil {
					errs.Add(1)
					return
				}
				if _, err := io.ReadFull(c, reply); err != nil || !bytes.Equal(reply, message) {
					errs.Add(1)
					return
				}
				latency := time.Since(due)
				mu.Lock()
				_ = histogram.RecordValue(latency.Microseconds()) // values above 60 s are clamped out
				mu.Unlock()
				due = due.Add(interval)
			}
		}()
	}
	wg.Wait()

	measure.Emit(measure.Record{
		"connections": *connections, "failed_dials": failedDials, "errors": errs.Load(),
		"messages": histogram.TotalCount(),
		"p50_us":   histogram.ValueAtQuantile(50), "p90_us": histogram.ValueAtQuantile(90),
		"p99_us": histogram.ValueAtQuantile(99), "p999_us": histogram.ValueAtQuantile(99.9),
		"max_us": histogram.Max(),
	})
	for _, q := range []float64{50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100} {
		measure.Emit(measure.Record{"percentile": q, "latency_us": histogram.ValueAtQuantile(q)})
	}
}
