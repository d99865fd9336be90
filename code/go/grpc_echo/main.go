// Command grpc_echo serves the Echo service of echo.proto with grpc-go, the gRPC library Go
// services use. It listens on a free loopback port, prints {"port": N} on stdout when ready,
// and stops gracefully on SIGTERM. Its Rust twin serves the same service with tonic.
package main

import (
	"context"
	"log"

	"google.golang.org/grpc"

	"govsrust/grpc_echo/echopb"
	"govsrust/internal/loopback"
)

// excerpt-start: service
type echoServer struct {
	echopb.UnimplementedEchoServer
}

// Say answers with the message it was sent.
func (echoServer) Say(_ context.Context, request *echopb.EchoRequest) (*echopb.EchoReply, error) {
	return &echopb.EchoReply{Message: request.GetMessage()}, nil
}

// excerpt-end: service

func main() {
	ln := loopback.Listen()
	server := grpc.NewServer()
	echopb.RegisterEchoServer(server, echoServer{})
	ctx, stop := loopback.Stopping()
	defer stop()
	go func() {
		<-ctx.Done()
		server.GracefulStop()
	}()
	if err := server.Serve(ln); err != nil {
		log.Fatalf("serving: %v", err)
	}
}
