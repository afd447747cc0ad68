// The protocols a server speaks besides gRPC over HTTP/2, each a translation of it (as Envoy's grpc_web filter):
// gRPC-Web (binary and text), Connect unary (POST and GET) and streaming, the JSON codec, CORS.
// Imports: schema/, call/.
export { ConnectStream } from './connect-stream.js';
export { ConnectUnaryStream } from './connect-unary-stream.js';
export { corsHeaders, type CorsOptions, EXPOSED_HEADERS, preflight } from './cors.js';
export { GrpcStream } from './grpc-stream.js';
export { GrpcWebStream } from './grpc-web-stream.js';
export { HeldEvents } from './held-events.js';
export { JsonCodec } from './json-codec.js';
export { connectGet, type ConnectGet, grpcHeaders, type Route, routeOf } from './route.js';
export { TranslatingStream } from './translating-stream.js';
