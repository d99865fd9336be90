// Command wasm_wordcount counts the bytes, lines and words of a text file, how many distinct
// words it holds and which is the most frequent, and prints one JSON line. It uses the standard
// library only, so that it builds unchanged for Linux and for WebAssembly (GOOS=wasip1
// GOARCH=wasm), where the course runs it with wasmtime.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wasm_wordcount FILE")
		os.Exit(2)
	}
	start := time.Now()
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: reading the input: %v\n", err)
		os.Exit(1)
	}
	text := string(data)
	counts := make(map[string]int)
	words := 0
	for _, word := range strings.Fields(text) {
		counts[word]++
		words++
	}
	top, topCount := "", 0
	for word, n := range counts {
		if n > topCount || (n == topCount && word < top) {
			top, topCount = word, n
		}
	}
	elapsed := time.Since(start)
	fmt.Printf(`{"bytes":%d,"lines":%d,"words":%d,"distinct":%d,"top_word":%q,"top_count":%d,"work_ns":%d}`+"\n",
		len(data), strings.Count(text, "\n"), words, len(counts), top, topCount, elapsed.Nanoseconds())
}
