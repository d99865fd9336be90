//go:build n4 || n8 || n16

package main

func init() {
	register("int32", func() int { return CountDistinct(Values(sampleSize, func(i int) int32 { return int32(i % 97) })) })
	register("int64", func() int { return CountDistinct(Values(sampleSize, func(i int) int64 { return int64(i % 97) })) })
}
