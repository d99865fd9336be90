//go:build out_of_bounds

package main

func init() { bugs["out_of_bounds"] = outOfBounds }

// excerpt-start: out_of_bounds
// outOfBounds asks for the track after the current one, and the current one is the last.
func outOfBounds() outcome {
	playlist := []string{"intro", "verse", "outro"}
	current := position(playlist, "outro")
	next := playlist[current+1]
	return outcome{result: next, intended: "no next track"}
}

// excerpt-end: out_of_bounds

func position(items []string, wanted string) int {
	for i, item := range items {
		if item == wanted {
			return i
		}
	}
	return -1
}
