// Command live_heap keeps a large, pointer-rich heap alive and serves "requests" against it
// at a fixed rate, timing every one. Each request allocates a response, reads 16 random
// records and replaces one. For each heap size it reports the request latency distribution and
// what the garbage collector did meanwhile (cycles, stop-the-world pauses, CPU share), read
// from runtime/metrics.
//
// Latency is measured from when a request was due, not from when it started, so a pause
// that delays the loop is charged to every request it delays (no coordinated omission).
package main

import (
	"flag"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"govsrust/internal/inputs"
	"govsrust/internal/measure"
)

const (
	nameBytes = 24
	lookups   = 16
)

type record struct {
	id    uint64
	score float64
	name  []byte
}

type response struct {
	ids  [lookups]uint64
	sum  float64
	body []byte
}

// lastResponse lets every response escape to the heap, as a real handler's would.
var lastResponse *response

func newRecord(id uint64) *record {
	name := make([]byte, nameBytes)
	name[0] = byte(id)
	return &record{id: id, score: float64(id % 1000), name: name}
}

// excerpt-start: serve
func serve(heap []*record, g *inputs.SplitMix64, id *uint64, responseBytes int) {
	r := &response{body: make([]byte, responseBytes)}
	for k := range r.ids {
		rec := heap[g.Below(uint64(len(heap)))]
		r.ids[k] = rec.id
		r.sum += rec.score
	}
	*id++
	heap[g.Below(uint64(len(heap)))] = newRecord(*id) // the old record becomes garbage
	lastResponse = r
}

// excerpt-end: serve

// The metrics read around each window, by position (see the constants below). Pauses come
// as two histograms: "total" runs from the request to stop the world until it restarts;
// "stopping" is the part spent waiting for every goroutine to reach a safe point. Their
// difference is the work done while the world is stopped.
var metricNames = []string{
	"/gc/cycles/total:gc-cycles",
	"/sched/pauses/total/gc:seconds",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
	"/gc/heap/live:bytes",
	"/sched/pauses/stopping/gc:seconds",
	"/gc/heap/allocs:bytes",
}

const (
	gcCycles = iota
	totalPauses
	gcCPU
	allCPU
	liveHeap
	stoppingPauses
	allocatedBytes
)

func readMetrics() []metrics.Sample {
	samples := make([]metrics.Sample, len(metricNames))
	for i, name := range metricNames {
		samples[i].Name = name
	}
	metrics.Read(samples)
	return samples
}

// pauseQuantile returns the upper bound of the bucket where the pause histogram's cumulative
// count (between two readings) reaches q.
func pauseQuantile(before, after *metrics.Float64Histogram, q float64) (seconds float64, count uint64) {
	deltas := make([]uint64, len(after.Counts))
	for i := range after.Counts {
		deltas[i] = after.Counts[i] - before.Counts[i]
		count += deltas[i]
	}
	if count == 0 {
		return 0, 0
	}
	target := uint64(q * float64(count))
	if target == 0 {
		target = 1
	}
	var seen uint64
	for i, c := range deltas {
		seen += c
		if seen >= target {
			upper := after.Buckets[i+1]
			if upper > 1e9 { // the last bucket is unbounded: report its lower bound
				upper = after.Buckets[i]
			}
			return upper, count
		}
	}
	return after.Buckets[len(after.Buckets)-1], count
}

func main() {
	sizes := flag.String("records", "1000000,4000000,16000000", "heap sizes to grow through, in records")
	windowMs := flag.Int("window-ms", 1500, "how long requests run at each heap size")
	rate := flag.Int("rate", 50_000, "requests per second")
	responseBytes := flag.Int("response-bytes", 4096, "bytes allocated for each response body")
	gcEveryMs := flag.Int("gc-every-ms", 0, "if > 0, also force a collection this often, between requests")
	flag.Parse()

	g := inputs.New(42)
	var heap []*record
	var id uint64
	interval := time.Second / time.Duration(*rate)
	for _, field := range strings.Split(*sizes, ",") {
		target, err := strconv.Atoi(field)
		if err != nil || target < 1 {
			measure.Fail("bad -records entry %q", field)
		}
		// Growing the heap is set-up, not measurement: collect once afterwards instead of
		// many times during.
		previous := debug.SetGCPercent(-1)
		for len(heap) < target {
			id++
			heap = append(heap, newRecord(id))
		}
		debug.SetGCPercent(previous)
		runtime.GC()

		histogram := hdrhistogram.New(1, 10_000_000_000, 3) // 1 ns to 10 s
		before := readMetrics()
		start := time.Now()
		end := start.Add(time.Duration(*windowMs) * time.Millisecond)
		forceEvery := time.Duration(*gcEveryMs) * time.Millisecond
		lastForced := start
		for due := start; due.Before(end); due = due.Add(interval) {
			// A forced collection starts from the request loop, between requests, as a
			// handler calling runtime.GC() would. Started from another goroutine, its
			// stop-the-world waited to preempt this loop, which spends most of its time
			// inside time.Now(), where a goroutine cannot be preempted: that measured the
			// harness, not the collector.
			if forceEvery > 0 && time.Since(lastForced) >= forceEvery {
				runtime.GC()
				lastForced = time.Now()
			}
			for time.Now().Before(due) {
				// spin: a sleep this short would be less precise than the latency measured
			}
			serve(heap, g, &id, *responseBytes)
			_ = histogram.RecordValue(time.Since(due).Nanoseconds())
		}

		window := time.Since(start)
		after := readMetrics()

		beforePauses, afterPauses := before[totalPauses].Value.Float64Histogram(), after[totalPauses].Value.Float64Histogram()
		p50, pauses := pauseQuantile(beforePauses, afterPauses, 0.50)
		p99, _ := pauseQuantile(beforePauses, afterPauses, 0.99)
		pmax, _ := pauseQuantile(beforePauses, afterPauses, 1.0)
		beforeStops, afterStops := before[stoppingPauses].Value.Float64Histogram(), after[stoppingPauses].Value.Float64Histogram()
		stopP50, _ := pauseQuantile(beforeStops, afterStops, 0.50)
		stopP99, _ := pauseQuantile(beforeStops, afterStops, 0.99)
		stopMax, _ := pauseQuantile(beforeStops, afterStops, 1.0)
		// The runtime updates its CPU estimates when a cycle ends: with no cycle, no share.
		var gcCPUFraction any
		if all := after[allCPU].Value.Float64() - before[allCPU].Value.Float64(); all > 0 {
			gcCPUFraction = (after[gcCPU].Value.Float64() - before[gcCPU].Value.Float64()) / all
		}
		measure.Emit(measure.Record{
			"records": len(heap), "requests": histogram.TotalCount(), "window_s": window.Seconds(),
			"p50_ns": histogram.ValueAtQuantile(50), "p99_ns": histogram.ValueAtQuantile(99),
			"p999_ns": histogram.ValueAtQuantile(99.9), "p9999_ns": histogram.ValueAtQuantile(99.99),
			"max_ns": histogram.Max(), "rss_bytes": measure.ResidentBytes(),
			"live_heap_bytes": after[liveHeap].Value.Uint64(),
			"allocated_bytes": after[allocatedBytes].Value.Uint64() - before[allocatedBytes].Value.Uint64(),
			"gc_cycles":       after[gcCycles].Value.Uint64() - before[gcCycles].Value.Uint64(),
			"gc_pauses":       pauses, "pause_p50_s": p50, "pause_p99_s": p99, "pause_max_s": pmax,
			"stop_p50_s": stopP50, "stop_p99_s": stopP99, "stop_max_s": stopMax,
			"gc_cpu_fraction": gcCPUFraction,
		})
		for _, q := range []float64{50, 90, 99, 99.9, 99.99, 100} {
			measure.Emit(measure.Record{"records": len(heap), "percentile": q, "latency_ns": histogram.ValueAtQuantile(q)})
		}
	}
}
