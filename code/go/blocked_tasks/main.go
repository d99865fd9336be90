// Command blocked_tasks starts N goroutines that each block until released, either on a socket
// (a UDP socket of its own, which the runtime's network poller watches) or in a blocking system
// call (a read(2) from a pipe, which no poller can take over), and counts the process's OS
// threads while they wait. Its Rust twin does the same with tokio tasks.
package main

import (
	"flag"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"govsrust/internal/measure"
)

// settled is how long the counts must stay unchanged before the waiters count as all parked.
const settled = 100 * time.Millisecond

func main() {
	tasks := flag.Int("tasks", 1_000, "goroutines to start")
	wait := flag.String("wait", "socket", "socket or syscall: what each goroutine blocks on")
	flag.Parse()
	if *tasks < 1 {
		measure.Fail("-tasks must be at least 1")
	}
	var run func(int, *atomic.Int64) (func(), func())
	switch *wait {
	case "socket":
		run = onSockets
	case "syscall":
		run = inSyscalls
	default:
		measure.Fail("unknown -wait %q: use socket or syscall", *wait)
	}

	waiting := new(atomic.Int64)
	start := time.Now()
	release, join := run(*tasks, waiting)
	peak := settle(waiting)
	spawned := time.Since(start)
	threadsWaiting := measure.Threads()

	releaseStart := time.Now()
	release()
	join()
	measure.Emit(measure.Record{
		"wait": *wait, "model": "goroutine", "tasks": *tasks, "finished": *tasks,
		"waiting_at_once": waiting.Load(), "threads_waiting": threadsWaiting,
		"threads_peak": max(peak, threadsWaiting), "settle_s": spawned.Seconds(),
		"release_s": time.Since(releaseStart).Seconds(),
	})
}

// settle waits until the number of waiting goroutines and the number of OS threads have both
// stayed the same for a while, and returns the most threads it saw.
func settle(waiting *atomic.Int64) int64 {
	var lastWaiting, lastThreads, peak int64 = -1, -1, 0
	stableSince := time.Now()
	for time.Since(stableSince) < settled {
		time.Sleep(2 * time.Millisecond)
		nowWaiting, nowThreads := waiting.Load(), measure.Threads()
		peak = max(peak, nowThreads)
		if nowWaiting != lastWaiting || nowThreads != lastThreads {
			lastWaiting, lastThreads, stableSince = nowWaiting, nowThreads, time.Now()
		}
	}
	return peak
}

// onSockets parks each goroutine in a read from its own UDP socket: the runtime hands the
// socket to its network poller (epoll) and the goroutine's thread runs other goroutines.
func onSockets(tasks int, waiting *atomic.Int64) (release, join func()) {
	var done sync.WaitGroup
	sockets := make([]*net.UDPConn, tasks)
	for i := range sockets {
		socket, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			measure.Fail("opening UDP socket %d of %d: %v (each goroutine needs one file "+
				"descriptor; see ulimit -n)", i+1, tasks, err)
		}
		sockets[i] = socket
		done.Add(1)
		// excerpt-start: socket
		go func() {
			defer done.Done()
			waiting.Add(1)
			buffer := make([]byte, 1)
			if _, _, err := socket.ReadFromUDP(buffer); err != nil { // parks this goroutine
				measure.Fail("reading socket %d: %v", i, err)
			}
		}()
		// excerpt-end: socket
	}
	release = func() {
		sender, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			measure.Fail("opening the sending socket: %v", err)
		}
		defer sender.Close()
		for i, socket := range sockets {
			address := socket.LocalAddr().(*net.UDPAddr)
			if _, err := sender.WriteToUDP([]byte{1}, address); err != nil {
				measure.Fail("releasing socket %d: %v", i, err)
			}
		}
	}
	join = func() {
		done.Wait()
		for _, socket := range sockets {
			socket.Close()
		}
	}
	return release, join
}

// inSyscalls blocks each goroutine in read(2) on a pipe: the system call holds the goroutine's
// OS thread, so the runtime starts another thread for the goroutines still to run.
func inSyscalls(tasks int, waiting *atomic.Int64) (release, join func()) {
	var pipe [2]int
	if err := syscall.Pipe2(pipe[:], syscall.O_CLOEXEC); err != nil {
		measure.Fail("opening a pipe: %v", err)
	}
	var done sync.WaitGroup
	for i := range tasks {
		done.Add(1)
		// excerpt-start: syscall
		go func() {
			defer done.Done()
			waiting.Add(1)
			buffer := make([]byte, 1)
			if _, err := syscall.Read(pipe[0], buffer); err != nil { // blocks this OS thread
				measure.Fail("reading the pipe in goroutine %d: %v", i, err)
			}
		}()
		// excerpt-end: syscall
	}
	release = func() {
		// One byte per reader; write blocks while the pipe's buffer is full, until readers
		// take their bytes.
		bytes := make([]byte, tasks)
		for written := 0; written < tasks; {
			n, err := syscall.Write(pipe[1], bytes[written:])
			if err != nil {
				measure.Fail("releasing the readers: %v", err)
			}
			written += n
		}
	}
	join = func() {
		done.Wait()
		syscall.Close(pipe[0])
		syscall.Close(pipe[1])
	}
	return release, join
}
