// Command error_pipeline runs one fallible pipeline — read a config file, parse its JSON,
// validate it, look up its user, build an invoice — over several config files, and reports for
// each the result or the error: its message, and its kind as errors.Is and errors.As see it.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"govsrust/internal/measure"
)

// users is the small store every run looks users up in (the Rust twin has the same).
var users = Store{
	1: {Name: "Ada Lovelace", Plan: "pro"},
	2: {Name: "Grace Hopper", Plan: "team"},
	7: {Name: "Ken Thompson", Plan: "free"},
}

// kind names what a caller can learn about err by inspecting its chain.
func kind(err error) string {
	var syntax *json.SyntaxError
	var wrongType *json.UnmarshalTypeError
	var invalid *ValidationError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "errors.Is(err, fs.ErrNotExist)"
	case errors.As(err, &syntax):
		return fmt.Sprintf("errors.As *json.SyntaxError (offset %d)", syntax.Offset)
	case errors.As(err, &wrongType):
		return fmt.Sprintf("errors.As *json.UnmarshalTypeError (field %s)", wrongType.Field)
	case errors.As(err, &invalid):
		return fmt.Sprintf("errors.As *ValidationError (field %s)", invalid.Field)
	case errors.Is(err, ErrUnknownUser):
		return "errors.Is(err, ErrUnknownUser)"
	default:
		return fmt.Sprintf("unclassified %T", err)
	}
}

func main() {
	dir := flag.String("dir", ".", "directory holding the config files")
	configs := flag.String("configs", "", "comma-separated config file names, relative to -dir")
	flag.Parse()
	if *configs == "" {
		measure.Fail("-configs needs at least one file name")
	}

	fsys := os.DirFS(*dir)
	for _, name := range strings.Split(*configs, ",") {
		record := measure.Record{"config": name, "variant": "standard library"}
		invoice, err := BuildInvoice(fsys, name, users)
		if err != nil {
			record["ok"], record["error"], record["kind"] = false, err.Error(), kind(err)
		} else {
			record["ok"], record["result"] = true, invoice.String()
		}
		measure.Emit(record)
	}
	fmt.Fprintf(os.Stderr, "ran the pipeline over %d config files\n", len(strings.Split(*configs, ",")))
}
