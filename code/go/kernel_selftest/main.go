// Command kernel_selftest exercises the course's subprocess kernel: its tests run it to check
// JSON Lines parsing, exit statuses, stderr reporting and timeouts. Its Rust twin behaves alike.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"time"

	"govsrust/internal/measure"
)

func main() {
	mode := flag.String("mode", "emit", "emit, fail, not-json, or hang")
	records := flag.Int("records", 3, "records to print in emit mode")
	flag.Parse()

	switch *mode {
	case "emit":
		for i := range *records {
			measure.Emit(measure.Record{"index": i, "square": i * i})
		}
		fmt.Fprintln(os.Stderr, "emitted", *records, "records")
	case "fail":
		fmt.Fprintln(os.Stderr, "selftest: failing on purpose with status 3")
		os.Exit(3)
	case "not-json":
		fmt.Println("this line is not JSON")
	case "hang":
		// A grandchild in the same process group, to check that a timeout kills it too.
		sleeper := exec.Command("sleep", "600")
		if err := sleeper.Start(); err != nil {
			measure.Fail("starting sleep: %v", err)
		}
		measure.Emit(measure.Record{"grandchild_pid": sleeper.Process.Pid})
		time.Sleep(10 * time.Minute)
	default:
		measure.Fail("unknown -mode %q", *mode)
	}
}
