// Package inputs makes the deterministic input data the experiments share with their Rust
// twins: both languages use the same generator and seeds, so both see the same numbers.
package inputs

// SplitMix64 is Steele, Lea and Flood's 64-bit generator: tiny, fast and easy to port exactly.
type SplitMix64 struct{ state uint64 }

// New returns a generator that starts from seed.
func New(seed uint64) *SplitMix64 { return &SplitMix64{state: seed} }

// Next returns the next 64 pseudo-random bits.
func (g *SplitMix64) Next() uint64 {
	g.state += 0x9e3779b97f4a7c15
	z := g.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Below returns a number in [0, n).
func (g *SplitMix64) Below(n uint64) uint64 { return g.Next() % n }
