// Command forgotten_error saves a report to a directory that does not exist. In one mode it
// checks the error that saveReport returns; in the other it forgets to. The forgetful call
// compiles, and go vet says nothing about it; the errcheck linter flags it.
package main

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"govsrust/internal/measure"
)

// saveReport writes lines to path; it fails when path's directory does not exist.
func saveReport(path string, lines []string) error {
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// exists reports whether path names a file.
func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

func main() {
	mode := flag.String("mode", "handle", "forget: drop saveReport's error; handle: check it")
	flag.Parse()

	path := filepath.Join("no-such-dir", "report.txt")
	lines := []string{"orders: 1204", "refunds: 3"}
	record := measure.Record{"mode": *mode}
	switch *mode {
	// excerpt-start: forget
	case "forget":
		saveReport(path, lines)
		record["error_seen"] = false
	case "handle":
		if err := saveReport(path, lines); err != nil {
			record["error_seen"], record["error"] = true, err.Error()
		} else {
			record["error_seen"] = false
		}
		// excerpt-end: forget
	default:
		measure.Fail("unknown -mode %q (want forget or handle)", *mode)
	}
	record["report_exists"] = exists(path)
	measure.Emit(record)
}
