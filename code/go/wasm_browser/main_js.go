//go:build js && wasm && go1.24

package main

import "syscall/js"

// main exports the count to JavaScript as gorustWordCount(bytes): a Uint8Array of UTF-8 text
// in, an object of counts out. A Go program that exports functions must keep running: main
// blocks for ever, and the runtime hands control back to the page between calls.
func main() {
	// excerpt-start: export
	count := js.FuncOf(func(_ js.Value, args []js.Value) any {
		input := make([]byte, args[0].Length())
		js.CopyBytesToGo(input, args[0]) // the text, copied into Go's memory
		c := countWords(string(input))
		return map[string]any{
			"bytes": c.Bytes, "lines": c.Lines, "words": c.Words,
			"distinct": c.Distinct, "top_word": c.TopWord, "top_count": c.TopCount,
		}
	})
	js.Global().Set("gorustWordCount", count)
	select {} // keep the program, and so the exported function, alive
	// excerpt-end: export
}
