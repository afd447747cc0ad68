// The protocols spoken besides gRPC over HTTP/2, each a translation of it (as Envoy's grpc_web filter): on the
// server's side gRPC-Web (binary and text), Connect unary (POST and GET) and streaming, CORS; on the client's side
// gRPC-Web, Connect and gRPC with JSON (client-*.ts); the JSON codec for all of them. Imports: schema/, call/.
export { ClientConnectStream } from './client-connect-stream.js';
export { ClientConnectUnaryStream } from './client-connect-unary-stream.js';
export { ClientGrpcJsonStream } from './client-grpc-json-stream.js';
export { ClientGrpcWebStream } from './client-grpc-web-stream.js';
export { ClientTranslation } from './client-translation.js';
export { ConnectStream } from './connect-stream.js';
export { ConnectUnaryStream } from './connect-unary-stream.js';
export { corsHeaders, type CorsOptions, EXPOSED_HEADERS, preflight } from './cors.js';
export { GrpcStream } from './grpc-stream.js';
export { GrpcWebStream } from './grpc-web-stream.js';
export { HeldEvents } from './held-events.js';
export { JsonCodec } from './json-codec.js';
export { connectGet, type ConnectGet, grpcHeaders, type Route, routeOf } from './route.js';
export { TranslatingStream } from './translating-stream.js';
