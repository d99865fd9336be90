//go:build n16

package main

import "strconv"

type pair struct{ A, B int64 }

func init() {
	register("int", func() int { return CountDistinct(Values(sampleSize, func(i int) int { return i % 97 })) })
	register("uint", func() int { return CountDistinct(Values(sampleSize, func(i int) uint { return uint(i % 97) })) })
	register("float32", func() int { return CountDistinct(Values(sampleSize, func(i int) float32 { return float32(i % 97) })) })
	register("float64", func() int { return CountDistinct(Values(sampleSize, func(i int) float64 { return float64(i % 97) })) })
	register("string", func() int {
		return CountDistinct(Values(sampleSize, func(i int) string { return strconv.Itoa(i % 97) }))
	})
	register("bool", func() int { return CountDistinct(Values(sampleSize, func(i int) bool { return i%97 == 0 })) })
	register("[2]int32", func() int {
		return CountDistinct(Values(sampleSize, func(i int) [2]int32 { return [2]int32{int32(i % 97), 1} }))
	})
	register("struct{A, B int64}", func() int {
		return CountDistinct(Values(sampleSize, func(i int) pair { return pair{int64(i % 97), 1} }))
	})
}
