//go:build n1 || n2 || n4 || n8 || n16

package main

func init() {
	register("int8", func() int { return CountDistinct(Values(sampleSize, func(i int) int8 { return int8(i % 97) })) })
}
