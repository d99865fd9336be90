package inputs

import "testing"

// The same seed must give the same numbers as the Rust twin (code/rust/measure).
func TestSplitMix64MatchesTheReferenceSequence(t *testing.T) {
	g := New(1234567)
	want := []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423}
	for i, w := range want {
		if got := g.Next(); got != w {
			t.Fatalf("value %d: got %d, want %d", i, got, w)
		}
	}
}
