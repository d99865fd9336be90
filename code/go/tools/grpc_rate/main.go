// Command grpc_rate is the one load client for both gRPC echo servers: grpc-go's client sends
// unary Say calls at a fixed rate over a few HTTP/2 connections, each call timed from when it
// was due (the schedule is internal/fixedrate's). Every answer is checked against what was sent.
package main

import (
	"context"
	"flag"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"govsrust/grpc_echo/echopb"
	"govsrust/internal/fixedrate"
	"govsrust/internal/measure"
)

const message = "hello, gRPC" // what every call sends and expects back

func main() {
	target := flag.String("target", "", "the server's host:port")
	rate := flag.Float64("rate", 1000, "calls per second")
	durationMs := flag.Int("duration-ms", 2000, "how long to send")
	connections := flag.Int("connections", 4, "HTTP/2 connections, used in turn")
	inFlight := flag.Int("in-flight", 64, "calls in flight at most")
	graceMs := flag.Int("grace-ms", 2000, "how long past the end a late call may still be sent")
	flag.Parse()
	if *target == "" || *rate <= 0 || *durationMs < 1 || *connections < 1 || *inFlight < 1 {
		measure.Fail("-target is required; -rate, -duration-ms, -connections and -in-flight must be positive")
	}

	clients := make([]echopb.EchoClient, *connections)
	for i := range clients {
		conn, err := grpc.NewClient(*target, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			measure.Fail("connecting to %s: %v", *target, err)
		}
		defer conn.Close()
		clients[i] = echopb.NewEchoClient(conn)
	}
	var turn atomic.Uint64
	say := func(int64) bool {
		client := clients[turn.Add(1)%uint64(len(clients))]
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		reply, err := client.Say(ctx, &echopb.EchoRequest{Message: message})
		return err == nil && reply.GetMessage() == message
	}
	plan := fixedrate.Plan{
		Rate:     *rate,
		Duration: time.Duration(*durationMs) * time.Millisecond,
		Workers:  *inFlight,
		Grace:    time.Duration(*graceMs) * time.Millisecond,
	}
	summary := fixedrate.Run(plan, say)
	summary["connections"], summary["in_flight"] = *connections, *inFlight
	measure.Emit(summary)
}
