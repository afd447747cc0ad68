package peerutil

import (
	"bytes"
	"compress/gzip"

	"github.com/golang/protobuf/proto"
	descpb "github.com/golang/protobuf/protoc-gen-go/descriptor"
)

// RegisterEchoDescriptor registers echo.proto, written out by hand (no protoc here), as generated code would
// (gzipped FileDescriptorProto), so that grpc-go's reflection (v1alpha in 1.33) can describe gogo.EchoService.
func RegisterEchoDescriptor() error {
	echo := proto.String(".gogo.Echo")
	method := func(name string, streams bool) *descpb.MethodDescriptorProto {
		return &descpb.MethodDescriptorProto{Name: proto.String(name), InputType: echo, OutputType: echo, ClientStreaming: proto.Bool(streams), ServerStreaming: proto.Bool(streams)}
	}
	file := &descpb.FileDescriptorProto{
		Name:    proto.String("echo.proto"),
		Package: proto.String("gogo"),
		Syntax:  proto.String("proto3"),
		MessageType: []*descpb.DescriptorProto{{
			Name: proto.String("Echo"),
			Field: []*descpb.FieldDescriptorProto{{
				Name: proto.String("text"), JsonName: proto.String("text"), Number: proto.Int32(1),
				Label: descpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: descpb.FieldDescriptorProto_TYPE_STRING.Enum(),
			}},
		}},
		Service: []*descpb.ServiceDescriptorProto{{
			Name:   proto.String("EchoService"),
			Method: []*descpb.MethodDescriptorProto{method("Unary", false), method("Fail", false), method("Chat", true)},
		}},
	}
	b, err := proto.Marshal(file)
	if err != nil {
		return err
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	if _, err := w.Write(b); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	proto.RegisterFile("echo.proto", gz.Bytes())
	return nil
}
