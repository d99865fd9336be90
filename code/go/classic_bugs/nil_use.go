//go:build nil_use

package main

func init() { bugs["nil_use"] = nilUse }

type user struct{ name string }

// excerpt-start: nil_use
// nilUse reads a field of a user it looked up, without checking that the lookup found one:
// a missing key gives a nil pointer.
func nilUse() outcome {
	users := map[int]*user{1: {name: "Ada"}}
	found := users[2]
	return outcome{result: found.name, intended: "Ada"}
}

// excerpt-end: nil_use
