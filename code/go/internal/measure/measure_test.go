package measure

import (
	"testing"
	"time"
)

func TestNsPerOpMeasuresASleep(t *testing.T) {
	got := NsPerOp(20*time.Millisecond, func() { time.Sleep(time.Millisecond) })
	if got < float64(time.Millisecond) || got > float64(50*time.Millisecond) {
		t.Fatalf("a 1 ms sleep measured %.0f ns per call", got)
	}
}

func TestNextIterationsGrowsTowardTheTarget(t *testing.T) {
	cases := []struct {
		iterations int
		elapsed    time.Duration
		want       int
	}{
		{1, 0, 100},                        // too fast to see: grow 100x
		{10, time.Millisecond, 120},        // 1/10 of the target: 12x
		{1000, 9 * time.Millisecond, 1333}, // close: just past the target
		{5, 10 * time.Second, 6},           // already slower than the target: still grows
	}
	for _, c := range cases {
		got := nextIterations(c.iterations, c.elapsed, 10*time.Millisecond)
		if got != c.want {
			t.Errorf("nextIterations(%d, %v) = %d, want %d", c.iterations, c.elapsed, got, c.want)
		}
	}
}

func TestResidentBytesSeesAnAllocation(t *testing.T) {
	before := ResidentBytes()
	block := make([]byte, 64<<20)
	for i := 0; i < len(block); i += 4096 {
		block[i] = 1
	}
	after := ResidentBytes()
	if before <= 0 || after-before < 32<<20 {
		t.Fatalf("touching 64 MiB moved RSS from %d to %d", before, after)
	}
	_ = block[len(block)-1]
}
