// A grpc-go client for interop tests: the calls of test/binlog-grpc-go.test.ts to gogo.EchoService (echo.proto)
// at ADDRESS, each result a line on stdout, then "done". Usage: client ADDRESS [BINLOG_FILE];
// GRPC_BINARY_LOG_FILTER selects what is logged (gRFC A16).
package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"h2grpc.test/peerutil"
)

// echo is gogo.Echo{text}: field 1, length-delimited.
func echo(text string) *peerutil.Raw {
	return &peerutil.Raw{B: append([]byte{0x0a, byte(len(text))}, text...)}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: client ADDRESS [BINLOG_FILE]")
		os.Exit(2)
	}
	peerutil.RegisterCodec()
	if len(os.Args) > 2 {
		if err := peerutil.SetFileSink(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	dialCtx, cancelDial := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelDial()
	conn, err := grpc.DialContext(dialCtx, os.Args[1], grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer conn.Close()
	path := "/" + peerutil.Service + "/"

	// unary, with metadata and a 5 s deadline
	ctx, cancel := context.WithTimeout(metadata.AppendToOutgoingContext(context.Background(), "x-user", "alice"), 5*time.Second)
	defer cancel()
	var header, trailer metadata.MD
	out := new(peerutil.Raw)
	err = conn.Invoke(ctx, path+"Unary", echo("hello"), out, grpc.Header(&header), grpc.Trailer(&trailer))
	fmt.Printf("Unary %v %s header %v trailer %v\n", status.Code(err), hex.EncodeToString(out.B), header["x-served-by"], trailer["x-cost"])

	// unary failing with a status and trailing metadata, no deadline
	trailer = nil
	err = conn.Invoke(context.Background(), path+"Fail", echo("x"), new(peerutil.Raw), grpc.Trailer(&trailer))
	fmt.Printf("Fail %v %q trailer %v\n", status.Code(err), status.Convert(err).Message(), trailer["x-reason"])

	// a bidirectional stream: three requests, then half-close, then every response
	stream, err := conn.NewStream(context.Background(), &grpc.StreamDesc{StreamName: "Chat", ServerStreams: true, ClientStreams: true}, path+"Chat")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, text := range []string{"a", "bb", "ccc"} {
		if err := stream.SendMsg(echo(text)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	stream.CloseSend()
	n := 0
	for i := 0; i < 100; i++ {
		m := new(peerutil.Raw)
		if err = stream.RecvMsg(m); err != nil {
			break
		}
		n++
	}
	if err == io.EOF {
		err = nil
	}
	fmt.Printf("Chat %v %d trailer %v\n", status.Code(err), n, stream.Trailer()["x-count"])
	fmt.Println("done")
}
