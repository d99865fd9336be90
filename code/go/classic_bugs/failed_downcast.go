//go:build failed_downcast

package main

import "strconv"

func init() { bugs["failed_downcast"] = failedDowncast }

// excerpt-start: failed_downcast
// failedDowncast reads a setting as a number, and the configuration holds it as text.
func failedDowncast() outcome {
	settings := map[string]any{"timeout_s": "30"}
	seconds := settings["timeout_s"].(int)
	return outcome{result: strconv.Itoa(seconds), intended: "30"}
}

// excerpt-end: failed_downcast
