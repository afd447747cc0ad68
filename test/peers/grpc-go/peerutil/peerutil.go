// Package peerutil holds what both grpc-go peers share: a codec carrying raw octets beside protobuf messages, the
// gogo.EchoService names, and a binary log sink writing grpc-go's own file framing to a path of our choosing.
package peerutil

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync"

	"github.com/golang/protobuf/proto"
	"google.golang.org/grpc/binarylog"
	pb "google.golang.org/grpc/binarylog/grpc_binarylog_v1"
	"google.golang.org/grpc/encoding"
)

// Service is the full name of echo.proto's service.
const Service = "gogo.EchoService"

// Raw is a message kept as its octets: the echo methods need no generated code.
type Raw struct{ B []byte }

// codec is grpc-go's "proto" codec, except that *Raw and []byte pass through as they are.
type codec struct{}

func (codec) Marshal(v interface{}) ([]byte, error) {
	switch r := v.(type) {
	case *Raw:
		return r.B, nil
	case []byte: // a unary handler's reply: grpc-go 1.33 logs SERVER_MESSAGE from it, and only []byte or protobuf
		return r, nil
	}
	return proto.Marshal(v.(proto.Message))
}

func (codec) Unmarshal(data []byte, v interface{}) error {
	if r, ok := v.(*Raw); ok {
		r.B = append([]byte(nil), data...)
		return nil
	}
	return proto.Unmarshal(data, v.(proto.Message))
}

func (codec) Name() string { return "proto" }

// RegisterCodec replaces the "proto" codec for both sides; channelz, health and reflection still get protobuf.
func RegisterCodec() { encoding.RegisterCodec(codec{}) }

// fileSink writes each entry as grpc-go 1.33's writerSink does (internal/binarylog/sink.go): the entry's length in
// 4 octets, big-endian, then the entry. Unbuffered (grpc-go's NewTempFileSink flushes every 60 s, to a random
// /tmp name), and each write announced on stdout as "binlog N", so a test waits for the event, not for time.
type fileSink struct {
	mu sync.Mutex
	f  *os.File
	n  int
}

func (s *fileSink) Write(e *pb.GrpcLogEntry) error {
	b, err := proto.Marshal(e)
	if err != nil {
		return err
	}
	framed := make([]byte, 4, 4+len(b))
	binary.BigEndian.PutUint32(framed, uint32(len(b)))
	framed = append(framed, b...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.f.Write(framed); err != nil {
		return err
	}
	s.n++
	fmt.Printf("binlog %d\n", s.n)
	return nil
}

func (s *fileSink) Close() error { return s.f.Close() }

// SetFileSink sends binary log entries (GRPC_BINARY_LOG_FILTER selects the methods) to path; "" leaves
// grpc-go's default, which in 1.33 is a sink that drops everything.
func SetFileSink(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	binarylog.SetSink(&fileSink{f: f})
	return nil
}
