//go:build integer_overflow

package main

import (
	"strconv"
	"strings"
)

func init() { bugs["integer_overflow"] = integerOverflow }

// excerpt-start: integer_overflow
// integerOverflow adds two order amounts, in cents, in a 32-bit integer: the sum is larger
// than the type holds.
func integerOverflow() outcome {
	var totalCents int32
	for _, field := range strings.Fields("1500000000 1500000000") {
		cents, err := strconv.ParseInt(field, 10, 32)
		if err != nil {
			return outcome{result: err.Error(), intended: "3000000000"}
		}
		totalCents += int32(cents)
	}
	return outcome{result: strconv.Itoa(int(totalCents)), intended: "3000000000"}
}

// excerpt-end: integer_overflow
