//go:build n8 || n16

package main

func init() {
	register("uint8", func() int { return CountDistinct(Values(sampleSize, func(i int) uint8 { return uint8(i % 97) })) })
	register("uint16", func() int { return CountDistinct(Values(sampleSize, func(i int) uint16 { return uint16(i % 97) })) })
	register("uint32", func() int { return CountDistinct(Values(sampleSize, func(i int) uint32 { return uint32(i % 97) })) })
	register("uint64", func() int { return CountDistinct(Values(sampleSize, func(i int) uint64 { return uint64(i % 97) })) })
}
