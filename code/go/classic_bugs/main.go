// Command classic_bugs runs one classic bug, written the way it is usually written, so that
// the course can see what Go does with it: refuse it, stop with a message, hang, or carry on
// with a wrong result. Each bug is in its own file, compiled in only with its build tag
// (go build -tags nil_use), as its Rust twin compiles each bug only with its feature.
package main

import (
	"flag"

	"govsrust/internal/measure"
)

// outcome is what a bug's function returns when the program survives the bug.
type outcome struct {
	result   string
	intended string
}

// bugs holds the bugs compiled into this binary; each bug's file registers itself.
var bugs = map[string]func() outcome{}

func main() {
	name := flag.String("bug", "", "the bug to run (compiled in with its build tag)")
	flag.Parse()
	run, ok := bugs[*name]
	if !ok {
		measure.Fail("bug %q is not compiled in: build with -tags %s", *name, *name)
	}
	got := run()
	measure.Emit(measure.Record{
		"bug":      *name,
		"result":   got.result,
		"intended": got.intended,
		"correct":  got.result == got.intended,
	})
}
