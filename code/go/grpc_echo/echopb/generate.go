// Package echopb is the Go code protoc generates from echo.proto, committed as Go projects
// commit theirs; a test regenerates it and compares. Regenerate it in this folder with
// `go generate` (it needs Debian's protobuf-compiler; the two plugins are tools in go.mod).
package echopb

//go:generate sh -c "protoc --plugin=protoc-gen-go=$(go tool -n protoc-gen-go) --plugin=protoc-gen-go-grpc=$(go tool -n protoc-gen-go-grpc) --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative echo.proto"
