//go:build n2 || n4 || n8 || n16

package main

func init() {
	register("int16", func() int { return CountDistinct(Values(sampleSize, func(i int) int16 { return int16(i % 97) })) })
}
