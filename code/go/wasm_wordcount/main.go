//go:build go1.24

// Command wasm_wordcount counts the bytes, lines and words of a text file, how many distinct
// words it holds and which is the most frequent, and prints one JSON line. It uses the standard
// library only, so that it builds unchanged for Linux and for WebAssembly (GOOS=wasip1
// GOARCH=wasm), where the course runs it with wasmtime.
//
// It needs Go 1.24 (strings.FieldsSeq; the build line sets this file's language version).
// It does the same work as its Rust twin: the file is read once into the string that is
// counted (no second copy), words are split lazily on Unicode whitespace (strings.FieldsSeq,
// Rust's split_whitespace) and the map's keys borrow from that string.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// readText reads the whole file into a string without copying it a second time:
// strings.Builder hands over its buffer, as Rust's read_to_string does.
func readText(path string) (string, error) {
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	var text strings.Builder
	if info, err := file.Stat(); err == nil {
		text.Grow(int(info.Size()))
	}
	if _, err := io.Copy(&text, file); err != nil {
		return "", err
	}
	return text.String(), nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wasm_wordcount FILE")
		os.Exit(2)
	}
	start := time.Now()
	text, err := readText(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: reading the input: %v\n", err)
		os.Exit(1)
	}
	// excerpt-start: count
	counts := make(map[string]int)
	words := 0
	for word := range strings.FieldsSeq(text) {
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
	// excerpt-end: count
	fmt.Printf(`{"bytes":%d,"lines":%d,"words":%d,"distinct":%d,"top_word":%q,"top_count":%d,"work_ns":%d}`+"\n",
		len(text), strings.Count(text, "\n"), words, len(counts), top, topCount, elapsed.Nanoseconds())
}
