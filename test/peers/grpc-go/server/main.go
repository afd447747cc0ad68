// A grpc-go server for interop tests: gogo.EchoService (echo.proto, as raw octets), channelz, reflection and
// health on 127.0.0.1. Usage: server PORT [BINLOG_FILE]; GRPC_BINARY_LOG_FILTER selects what is logged (gRFC A16).
// Prints "grpc-go server listening on 127.0.0.1:PORT" when it serves; SIGTERM stops it.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"google.golang.org/grpc"
	channelz "google.golang.org/grpc/channelz/service"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"

	"h2grpc.test/peerutil"
)

func unary(ctx context.Context, in []byte) ([]byte, error) {
	if err := grpc.SetHeader(ctx, metadata.Pairs("x-served-by", "echo")); err != nil {
		return nil, err
	}
	grpc.SetTrailer(ctx, metadata.Pairs("x-cost", "7"))
	return in, nil
}

func fail(ctx context.Context, _ []byte) ([]byte, error) {
	grpc.SetTrailer(ctx, metadata.Pairs("x-reason", "refused"))
	return nil, status.Error(codes.InvalidArgument, "no echo for you")
}

func chat(_ interface{}, stream grpc.ServerStream) error {
	if err := stream.SendHeader(metadata.Pairs("x-served-by", "echo")); err != nil {
		return err
	}
	n := 0
	for {
		m := new(peerutil.Raw)
		if err := stream.RecvMsg(m); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		n++
		if err := stream.SendMsg(m); err != nil {
			return err
		}
	}
	stream.SetTrailer(metadata.Pairs("x-count", strconv.Itoa(n)))
	return nil
}

func method(name string, fn func(context.Context, []byte) ([]byte, error)) grpc.MethodDesc {
	return grpc.MethodDesc{MethodName: name, Handler: func(_ interface{}, ctx context.Context, dec func(interface{}) error, _ grpc.UnaryServerInterceptor) (interface{}, error) {
		in := new(peerutil.Raw)
		if err := dec(in); err != nil {
			return nil, err
		}
		out, err := fn(ctx, in.B)
		if err != nil {
			return nil, err
		}
		return out, nil // []byte, not *Raw: server.go logs the unary reply itself (binarylog.ServerMessage)
	}}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: server PORT [BINLOG_FILE]")
		os.Exit(2)
	}
	peerutil.RegisterCodec()
	if err := peerutil.RegisterEchoDescriptor(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(os.Args) > 2 {
		if err := peerutil.SetFileSink(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	lis, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s := grpc.NewServer()
	s.RegisterService(&grpc.ServiceDesc{
		ServiceName: peerutil.Service,
		HandlerType: (*interface{})(nil),
		Methods:     []grpc.MethodDesc{method("Unary", unary), method("Fail", fail)},
		Streams:     []grpc.StreamDesc{{StreamName: "Chat", Handler: chat, ServerStreams: true, ClientStreams: true}},
		Metadata:    "echo.proto",
	}, struct{}{})
	channelz.RegisterChannelzServiceToServer(s)
	reflection.Register(s)
	healthpb.RegisterHealthServer(s, health.NewServer())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		s.Stop()
	}()
	fmt.Printf("grpc-go server listening on %s\n", lis.Addr())
	if err := s.Serve(lis); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
