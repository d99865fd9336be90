// Command preemption runs a 1 ms ticker and a CPU-bound loop with no function calls on a
// single processor (GOMAXPROCS=1) and records how late each tick wakes up. Go preempts the
// loop asynchronously (since Go 1.14); GODEBUG=asyncpreemptoff=1 turns that off.
package main

import (
	"flag"
	"runtime"
	"sync"
	"time"

	"govsrust/internal/measure"
)

// sink keeps the compiler from removing the loop.
var sink uint64

// spin does `iterations` rounds of arithmetic: no calls, no allocation, so no cooperative
// preemption point (only a signal can interrupt it).
func spin(iterations uint64) {
	x := uint64(1)
	for i := uint64(0); i < iterations; i++ {
		x = x*6364136223846793005 + i
	}
	sink = x
}

// iterationsFor measures how many spin iterations take d on this machine.
func iterationsFor(d time.Duration) uint64 {
	const probe = 20_000_000
	spin(probe) // warm-up
	start := time.Now()
	spin(probe)
	return uint64(float64(probe) * float64(d) / float64(time.Since(start)))
}

type tick struct{ at, lateness time.Duration }

// ticker wakes every period until stop and records how late each wake-up was. After a late
// wake-up it re-anchors its schedule instead of firing the missed ticks in a burst.
func ticker(period, stop time.Duration, origin time.Time) []tick {
	var ticks []tick
	next := origin
	for {
		next = next.Add(period)
		time.Sleep(time.Until(next))
		now := time.Now()
		late := now.Sub(next)
		ticks = append(ticks, tick{now.Sub(origin), late})
		if now.Sub(origin) >= stop {
			return ticks
		}
		if late > period {
			next = now
		}
	}
}

func main() {
	tickMs := flag.Int("tick-ms", 1, "ticker period")
	busyStartMs := flag.Int("busy-start-ms", 100, "when the CPU-bound loop starts")
	busyMs := flag.Int("busy-ms", 300, "how long the CPU-bound loop runs")
	durationMs := flag.Int("duration-ms", 600, "how long the ticker runs")
	flag.Parse()

	// excerpt-start: busy-loop
	runtime.GOMAXPROCS(1)
	busyIterations := iterationsFor(time.Duration(*busyMs) * time.Millisecond)

	origin := time.Now()
	var ticks []tick
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ticks = ticker(time.Duration(*tickMs)*time.Millisecond, time.Duration(*durationMs)*time.Millisecond, origin)
	}()

	time.Sleep(time.Duration(*busyStartMs) * time.Millisecond)
	busyStart := time.Since(origin)
	spin(busyIterations)
	busyEnd := time.Since(origin)
	// excerpt-end: busy-loop
	wg.Wait()

	for _, t := range ticks {
		measure.Emit(measure.Record{"at_ms": ms(t.at), "lateness_ms": ms(t.lateness)})
	}
	measure.Emit(measure.Record{"busy_start_ms": ms(busyStart), "busy_end_ms": ms(busyEnd)})
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
