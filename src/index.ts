// h2grpc: the gRPC API (server, client, status, metadata, schemas, generated-code runtime). The layers below it have
// their own entry points: h2grpc/frames, h2grpc/hpack, h2grpc/http2, h2grpc/grpc, h2grpc/trace, h2grpc/codegen;
// service discovery on etcd: h2grpc/discovery.
export * from './grpc/index.js';
