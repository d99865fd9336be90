//go:build go1.24

// Command wasm_browser counts the words of a text: its bytes, lines and words, how many
// distinct words it holds and which is the most frequent. Built with GOOS=js GOARCH=wasm, it
// exports that count to the page that loads it (main_js.go), where the course runs it in
// headless Chromium; built natively, it counts a file and prints one JSON line (main.go),
// as a check of the same code.
//
// It does the same work as its Rust twin (code/rust/wasm_browser) and as Part 7's WASI word
// count: words are split lazily on Unicode whitespace (strings.FieldsSeq, Rust's
// split_whitespace) and the map's keys point into the counted string.
// It needs Go 1.24 (strings.FieldsSeq; the build line sets this file's language version).
package main

import "strings"

// Counts is what one count finds.
type Counts struct {
	Bytes, Lines, Words, Distinct, TopCount int
	TopWord                                 string
}

// countWords counts text's words; ties for the most frequent word go to the smallest.
func countWords(text string) Counts {
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
	return Counts{
		Bytes: len(text), Lines: strings.Count(text, "\n"), Words: words,
		Distinct: len(counts), TopCount: topCount, TopWord: top,
	}
}
