// Schemas: service definitions (from .proto files or generated code), their static types, and the well-known types.
// Imports nothing of src/grpc: every other room builds on it.
export { lazyService, loadProto, loadService, type MethodDefinition, serviceDefinition, type ServiceDefinition, TO_OBJECT } from './schema.js';
export { defineFile, type FileDefinition } from './file-definition.js';
export { type BidiStreaming, type ClientStreaming, type MethodShape, type ServerStreaming, type ServiceShape, type TypedServiceDefinition, type Unary } from './service-types.js';
/** The well-known types (google/protobuf/*.proto) as generated code types them: `wkt.Timestamp`, `wkt.Struct`… */
export * as wkt from './wkt/index.js';
