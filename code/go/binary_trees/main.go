// Command binary_trees is the Benchmarks Game's binary-trees workload, single-threaded: build
// and walk many short-lived perfect binary trees beside one long-lived tree. Almost all of its
// time is allocation and collection, so it shows what Go's garbage collector costs and how
// GOGC and GOMEMLIMIT (set in the environment) trade memory for time.
package main

import (
	"flag"
	"time"

	"govsrust/internal/measure"
)

// excerpt-start: trees
// Node is one tree node; a leaf has no children.
type Node struct{ left, right *Node }

func bottomUp(depth int) *Node {
	if depth <= 0 {
		return &Node{}
	}
	return &Node{bottomUp(depth - 1), bottomUp(depth - 1)}
}

func (n *Node) check() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.check() + n.right.check()
}

// excerpt-end: trees

func main() {
	depth := flag.Int("depth", 18, "depth of the long-lived tree")
	flag.Parse()
	const minDepth = 4
	maxDepth := max(minDepth+2, *depth)

	start := time.Now()
	checks := bottomUp(maxDepth + 1).check() // the "stretch" tree, garbage at once
	longLived := bottomUp(maxDepth)
	for d := minDepth; d <= maxDepth; d += 2 {
		iterations := 1 << (maxDepth - d + minDepth)
		for range iterations {
			checks += bottomUp(d).check()
		}
	}
	checks += longLived.check()
	measure.Emit(measure.Record{
		"depth": maxDepth, "checks": checks, "elapsed_s": time.Since(start).Seconds(),
	})
}
