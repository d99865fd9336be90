//go:build dangling_reference

package main

func init() { bugs["dangling_reference"] = danglingReference }

// excerpt-start: dangling_reference
// greeting builds its text in a local variable and returns a pointer to it, a dangling
// pointer in C once the function returns.
func greeting(name string) *string {
	text := "hello, " + name
	return &text
}

func danglingReference() outcome {
	return outcome{result: *greeting("Ada"), intended: "hello, Ada"}
}

// excerpt-end: dangling_reference
