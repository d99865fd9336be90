//go:build !(js && wasm) && go1.24

package main

import (
	"fmt"
	"os"
	"time"
)

// main counts a file natively and prints one JSON line: the same code as the browser's
// module, as a check of its answer.
func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wasm_browser FILE")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: reading the input: %v\n", err)
		os.Exit(1)
	}
	start := time.Now()
	c := countWords(string(data))
	elapsed := time.Since(start)
	fmt.Printf(`{"bytes":%d,"lines":%d,"words":%d,"distinct":%d,"top_word":%q,"top_count":%d,"work_ns":%d}`+"\n",
		c.Bytes, c.Lines, c.Words, c.Distinct, c.TopWord, c.TopCount, elapsed.Nanoseconds())
}
