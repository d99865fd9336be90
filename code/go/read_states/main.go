// Command read_states models Discord's Read States service: an LRU cache of per-(user,
// channel) read states, served at a fixed request rate, with every request timed into a
// histogram per time bin. It reports each bin's latency, the process's resident memory and the
// number of garbage collections so far.
//
// Two layouts of the same LRU cache:
//   - pointers: the natural one, a map to container/list elements (a doubly linked list of
//     pointers); every entry is pointers the collector must follow.
//   - indexed: entries in one slice, linked by int32 indices, and a map from key to index;
//     nothing in it holds a pointer, so the collector need not scan it.
package main

import (
	"container/list"
	"flag"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"govsrust/internal/inputs"
	"govsrust/internal/measure"
)

// key identifies one read state: a user in a channel.
type key struct{ user, channel uint64 }

// state is what Discord keeps per user and channel.
type state struct {
	lastMessage uint64
	mentions    uint32
}

// cache is an LRU cache of read states with a fixed capacity.
type cache interface {
	// touch marks the key read up to message (adding it, and evicting the least recently
	// used entry if full, when absent) and reports whether it was present.
	touch(k key, message uint64) bool
	// get returns the read state and whether the key was present.
	get(k key) (state, bool)
}

// excerpt-start: pointer-layout
// pointerLRU is the natural layout: map to list elements, each element a *entry.
type pointerLRU struct {
	capacity int
	order    *list.List // front: most recently used
	index    map[key]*list.Element
}

type entry struct {
	key   key
	state state
}

// excerpt-end: pointer-layout

func newPointerLRU(capacity int) *pointerLRU {
	return &pointerLRU{capacity: capacity, order: list.New(), index: make(map[key]*list.Element, capacity)}
}

func (c *pointerLRU) touch(k key, message uint64) bool {
	if e, ok := c.index[k]; ok {
		c.order.MoveToFront(e)
		st := &e.Value.(*entry).state
		st.lastMessage, st.mentions = message, 0
		return true
	}
	if c.order.Len() >= c.capacity {
		oldest := c.order.Back()
		delete(c.index, oldest.Value.(*entry).key)
		c.order.Remove(oldest)
	}
	c.index[k] = c.order.PushFront(&entry{key: k, state: state{lastMessage: message}})
	return false
}

func (c *pointerLRU) get(k key) (state, bool) {
	e, ok := c.index[k]
	if !ok {
		return state{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*entry).state, true
}

// excerpt-start: indexed-layout
// indexedLRU keeps the same list in a slice, linked by indices: no pointers anywhere.
type indexedLRU struct {
	entries    []indexedEntry
	index      map[key]int32
	head, tail int32 // most and least recently used; -1 when empty
}

type indexedEntry struct {
	key        key
	state      state
	prev, next int32
}

// excerpt-end: indexed-layout

func newIndexedLRU(capacity int) *indexedLRU {
	return &indexedLRU{
		entries: make([]indexedEntry, 0, capacity),
		index:   make(map[key]int32, capacity),
		head:    -1, tail: -1,
	}
}

func (c *indexedLRU) unlink(i int32) {
	e := &c.entries[i]
	if e.prev >= 0 {
		c.entries[e.prev].next = e.next
	} else {
		c.head = e.next
	}
	if e.next >= 0 {
		c.entries[e.next].prev = e.prev
	} else {
		c.tail = e.prev
	}
}

func (c *indexedLRU) pushFront(i int32) {
	e := &c.entries[i]
	e.prev, e.next = -1, c.head
	if c.head >= 0 {
		c.entries[c.head].prev = i
	}
	c.head = i
	if c.tail < 0 {
		c.tail = i
	}
}

func (c *indexedLRU) touch(k key, message uint64) bool {
	if i, ok := c.index[k]; ok {
		c.unlink(i)
		c.pushFront(i)
		c.entries[i].state = state{lastMessage: message}
		return true
	}
	var i int32
	if len(c.entries) < cap(c.entries) {
		i = int32(len(c.entries))
		c.entries = append(c.entries, indexedEntry{})
	} else {
		i = c.tail // reuse the least recently used slot
		c.unlink(i)
		delete(c.index, c.entries[i].key)
	}
	c.entries[i] = indexedEntry{key: k, state: state{lastMessage: message}}
	c.pushFront(i)
	c.index[k] = i
	return false
}

func (c *indexedLRU) get(k key) (state, bool) {
	i, ok := c.index[k]
	if !ok {
		return state{}, false
	}
	c.unlink(i)
	c.pushFront(i)
	return c.entries[i].state, true
}

// sampler keeps the latest RSS and GC count where the request loop can read them cheaply.
type sampler struct{ rss, cycles atomic.Int64 }

func (s *sampler) run(every time.Duration) {
	sample := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	for {
		metrics.Read(sample)
		s.cycles.Store(int64(sample[0].Value.Uint64()))
		s.rss.Store(measure.ResidentBytes())
		time.Sleep(every)
	}
}

// stallCounter counts the stalls of the request loop: a request at least stallNs later than the
// one before it. It also counts how often the loop found itself on another OS thread than for
// the request before (the Go scheduler moved the goroutine), and how many stalls began with such
// a move: a moved goroutine runs on a thread the OS may not have had ready.
type stallCounter struct {
	lastThread, threadChanges, stalls, onNewThread int
	lastLatency                                    int64
}

const stallNs = 1_000_000

// observe takes one request: the OS thread it ran on and its latency.
func (s *stallCounter) observe(thread int, latencyNs int64) {
	moved := s.lastThread != 0 && thread != s.lastThread
	if moved {
		s.threadChanges++
	}
	if latencyNs-s.lastLatency >= stallNs {
		s.stalls++
		if moved {
			s.onNewThread++
		}
	}
	s.lastThread, s.lastLatency = thread, latencyNs
}

// forceCollections calls runtime.GC() every period, as the runtime's own forcegcperiod does
// every two minutes — and, like it, only while GOGC is not "off".
func forceCollections(period time.Duration) {
	percent := debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	if percent < 0 {
		return
	}
	for range time.Tick(period) {
		runtime.GC()
	}
}

func main() {
	layout := flag.String("layout", "pointers", "pointers or indexed")
	entries := flag.Int("entries", 1_000_000, "cache capacity (read states)")
	rate := flag.Int("rate", 20_000, "requests per second")
	durationS := flag.Float64("duration-s", 6, "how long to serve requests")
	binMs := flag.Int("bin-ms", 250, "width of one latency histogram bin")
	forceGCEveryS := flag.Float64("force-gc-every-s", 0, "if > 0, force collections this often (see forceCollections)")
	flag.Parse()

	var c cache
	switch *layout {
	case "pointers":
		c = newPointerLRU(*entries)
	case "indexed":
		c = newIndexedLRU(*entries)
	default:
		measure.Fail("unknown -layout %q: use pointers or indexed", *layout)
	}
	// Keys come from a space 5% larger than the cache, so about 5% of requests miss, insert
	// and evict.
	universe := uint64(*entries) * 21 / 20
	keyOf := func(n uint64) key { return key{user: n / 64, channel: n % 64} }
	g := inputs.New(42)
	for n := range uint64(*entries) {
		c.touch(keyOf(n), n)
	}
	// With GODEBUG=gctrace=1 the runtime logs every cycle's start time since the process
	// began; this collection's number and how long before serving it ended let the chapter
	// place the logged cycles on the serving clock.
	runtime.GC()
	anchorEnd := time.Now()
	anchor := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(anchor)

	var s sampler
	bin := time.Duration(*binMs) * time.Millisecond
	go s.run(bin / 5)
	if *forceGCEveryS > 0 {
		go forceCollections(time.Duration(*forceGCEveryS * float64(time.Second)))
	}
	time.Sleep(2 * bin / 5) // let the sampler take its first readings

	overall := hdrhistogram.New(1, 10_000_000_000, 3)
	perBin := hdrhistogram.New(1, 10_000_000_000, 3)
	interval := time.Second / time.Duration(*rate)
	start := time.Now()
	end := start.Add(time.Duration(*durationS * float64(time.Second)))
	binEnd := start.Add(bin)
	hits, message, checksum := 0, uint64(0), uint64(0)
	var serving time.Duration // wall time spent inside cache operations, without the waiting
	var stalls stallCounter
	gcCPU := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(gcCPU)
	gcCPUBefore := gcCPU[0].Value.Float64()
	emitBin := func(binStart time.Time) {
		measure.Emit(measure.Record{
			"t_s": binStart.Sub(start).Seconds(), "requests": perBin.TotalCount(),
			"p50_us": float64(perBin.ValueAtQuantile(50)) / 1e3, "p99_us": float64(perBin.ValueAtQuantile(99)) / 1e3,
			"max_us": float64(perBin.Max()) / 1e3, "rss_bytes": s.rss.Load(), "gc_cycles": s.cycles.Load(),
		})
		perBin.Reset()
	}
	for due := start; due.Before(end); due = due.Add(interval) {
		for time.Now().Before(due) {
			// spin: a sleep this short would be less precise than the latency measured
		}
		if !due.Before(binEnd) {
			emitBin(binEnd.Add(-bin))
			binEnd = binEnd.Add(bin)
		}
		k := keyOf(g.Below(universe))
		message++
		began := time.Now()
		var hit bool
		if g.Below(100) < 85 {
			hit = c.touch(k, message) // a user reads a channel
		} else {
			// A client asks for the unread state.
			var st state
			st, hit = c.get(k)
			checksum += st.lastMessage + uint64(st.mentions)
		}
		if hit {
			hits++
		}
		serving += time.Since(began)
		latency := time.Since(due).Nanoseconds()
		_ = overall.RecordValue(latency)
		_ = perBin.RecordValue(latency)
		// After the request is timed, so that the system call is not part of its latency.
		stalls.observe(syscall.Gettid(), latency)
	}
	emitBin(binEnd.Add(-bin))
	metrics.Read(gcCPU)
	measure.Emit(measure.Record{
		"summary": true, "layout": *layout, "entries": *entries, "requests": overall.TotalCount(),
		"hit_ratio": float64(hits) / float64(overall.TotalCount()),
		"p50_us":    float64(overall.ValueAtQuantile(50)) / 1e3, "p99_us": float64(overall.ValueAtQuantile(99)) / 1e3,
		"p999_us": float64(overall.ValueAtQuantile(99.9)) / 1e3, "max_us": float64(overall.Max()) / 1e3,
		"gc_cycles": s.cycles.Load(), "checksum": checksum,
		"serving_s": serving.Seconds(), "stalls": stalls.stalls, "stalls_on_new_thread": stalls.onNewThread,
		"thread_changes": stalls.threadChanges, "gc_cpu_s": gcCPU[0].Value.Float64() - gcCPUBefore,
		"gc_anchor_cycle": anchor[0].Value.Uint64(), "anchor_to_start_s": start.Sub(anchorEnd).Seconds(),
	})
}
