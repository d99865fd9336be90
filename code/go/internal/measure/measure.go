// Package measure is the small harness every Go experiment shares: JSON Lines output and a
// calibrated timing loop. Its Rust twin is the `measure` crate.
package measure

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

var stdout = json.NewEncoder(os.Stdout)

// Record is one measurement: printed as one JSON object on one line.
type Record map[string]any

// Emit prints record on stdout as one JSON line; the course's kernel reads it.
func Emit(record Record) {
	if err := stdout.Encode(record); err != nil {
		Fail("writing a record to stdout: %v", err)
	}
}

// Fail reports a fatal error on stderr and exits with status 1.
func Fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "error: "+format+"\n", args...)
	os.Exit(1)
}

// NsPerOp calls op in a loop long enough to take about target and returns the mean
// nanoseconds per call. The loop count grows until one timed batch reaches the target, so
// timer resolution and loop overhead stay small against the work measured.
func NsPerOp(target time.Duration, op func()) float64 {
	iterations := 1
	for {
		start := time.Now()
		for range iterations {
			op()
		}
		elapsed := time.Since(start)
		if elapsed >= target || iterations >= 1<<40 {
			return float64(elapsed.Nanoseconds()) / float64(iterations)
		}
		iterations = nextIterations(iterations, elapsed, target)
	}
}

func nextIterations(iterations int, elapsed, target time.Duration) int {
	if elapsed <= 0 {
		return iterations * 100
	}
	// Aim 20% past the target so the next batch usually suffices; grow at most 100x at once.
	estimate := int(float64(iterations) * 1.2 * float64(target) / float64(elapsed))
	return min(max(estimate, iterations+1), iterations*100)
}

// ResidentBytes is the process's resident memory now (VmRSS), or 0 where /proc cannot tell.
// Programs report it at points of their own choosing; the kernel sees only the peak.
func ResidentBytes() int64 {
	return statusField("VmRSS:") * 1024
}

// Threads is the number of OS threads the process has now, or 0 where /proc cannot tell.
func Threads() int64 {
	return statusField("Threads:")
}

// statusField is the first number on /proc/self/status's line that starts with name.
func statusField(name string) int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, name); ok {
			value, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return value
		}
	}
	return 0
}
