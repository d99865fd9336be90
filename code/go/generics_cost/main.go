// Command generics_cost times the same small functions written once generically and once by
// hand for one type, so that the only difference between each pair is how Go compiles generics.
package main

import (
	"cmp"
	"flag"
	"time"

	"govsrust/internal/inputs"
	"govsrust/internal/measure"
)

// Number is every type Sum can add.
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// Sum adds up xs.
func Sum[T Number](xs []T) T {
	var total T
	for _, x := range xs {
		total += x
	}
	return total
}

// SumInt64 is Sum written by hand for int64.
func SumInt64(xs []int64) int64 {
	var total int64
	for _, x := range xs {
		total += x
	}
	return total
}

// SumFloat64 is Sum written by hand for float64.
func SumFloat64(xs []float64) float64 {
	var total float64
	for _, x := range xs {
		total += x
	}
	return total
}

// Max returns the largest element of a non-empty slice.
func Max[T cmp.Ordered](xs []T) T {
	best := xs[0]
	for _, x := range xs[1:] {
		if x > best {
			best = x
		}
	}
	return best
}

// MaxInt64 is Max written by hand for int64.
func MaxInt64(xs []int64) int64 {
	best := xs[0]
	for _, x := range xs[1:] {
		if x > best {
			best = x
		}
	}
	return best
}

// MaxFloat64 is Max written by hand for float64.
func MaxFloat64(xs []float64) float64 {
	best := xs[0]
	for _, x := range xs[1:] {
		if x > best {
			best = x
		}
	}
	return best
}

// excerpt-start: total-area
// Shape is the constraint whose method the generic TotalArea calls.
type Shape interface {
	Area() float64
}

// Rect is a rectangle.
type Rect struct{ W, H float64 }

// Area returns the rectangle's area.
func (r Rect) Area() float64 { return r.W * r.H }

// TotalArea adds up the areas of shapes of one type S.
func TotalArea[S Shape](shapes []S) float64 {
	total := 0.0
	for _, s := range shapes {
		total += s.Area()
	}
	return total
}

// TotalAreaRects is TotalArea written by hand for Rect.
func TotalAreaRects(rects []Rect) float64 {
	total := 0.0
	for _, r := range rects {
		total += r.Area()
	}
	return total
}

// TotalAreaDynamic is the pre-generics way: an interface slice and dynamic dispatch.
func TotalAreaDynamic(shapes []Shape) float64 {
	total := 0.0
	for _, s := range shapes {
		total += s.Area()
	}
	return total
}

// excerpt-end: total-area

// Sinks keep the compiler from discarding results it could prove unused.
var (
	sinkInt   int64
	sinkFloat float64
)

type benchCase struct {
	function, element, style string
	op                       func()
}

func main() {
	elements := flag.Int("elements", 1024, "length of every input slice")
	samples := flag.Int("samples", 5, "timed samples per case")
	targetMs := flag.Int("target-ms", 20, "duration of one timed sample, in milliseconds")
	flag.Parse()
	if *elements < 1 || *samples < 1 || *targetMs < 1 {
		measure.Fail("-elements, -samples and -target-ms must be positive")
	}

	g := inputs.New(42)
	ints := make([]int64, *elements)
	floats := make([]float64, *elements)
	rects := make([]Rect, *elements)
	for i := range *elements {
		ints[i] = int64(g.Below(1_000_000))
		floats[i] = float64(g.Below(1_000_000)) / 1000
		rects[i] = Rect{W: float64(g.Below(100)), H: float64(g.Below(100))}
	}
	rectPointers := make([]*Rect, len(rects))
	shapes := make([]Shape, len(rects))
	for i := range rects {
		rectPointers[i] = &rects[i]
		shapes[i] = rects[i]
	}

	cases := []benchCase{
		{"sum", "int64", "concrete", func() { sinkInt = SumInt64(ints) }},
		{"sum", "int64", "generic", func() { sinkInt = Sum(ints) }},
		{"sum", "float64", "concrete", func() { sinkFloat = SumFloat64(floats) }},
		{"sum", "float64", "generic", func() { sinkFloat = Sum(floats) }},
		{"max", "int64", "concrete", func() { sinkInt = MaxInt64(ints) }},
		{"max", "int64", "generic", func() { sinkInt = Max(ints) }},
		{"max", "float64", "concrete", func() { sinkFloat = MaxFloat64(floats) }},
		{"max", "float64", "generic", func() { sinkFloat = Max(floats) }},
		{"area", "Rect", "concrete", func() { sinkFloat = TotalAreaRects(rects) }},
		{"area", "Rect", "generic", func() { sinkFloat = TotalArea(rects) }},
		{"area", "pointer to Rect", "generic", func() { sinkFloat = TotalArea(rectPointers) }},
		{"area", "Rect", "dynamic", func() { sinkFloat = TotalAreaDynamic(shapes) }},
	}
	target := time.Duration(*targetMs) * time.Millisecond
	for sample := range *samples {
		for _, c := range cases {
			ns := measure.NsPerOp(target, c.op)
			measure.Emit(measure.Record{
				"function": c.function, "element": c.element, "style": c.style,
				"sample": sample, "elements": *elements, "ns_per_call": ns,
			})
		}
	}
}
